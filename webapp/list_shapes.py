"""The list pages' data, free of Flask: named queries' rows shaped into what the templates show
(concept trees, grave violations, atrocity crimes by framework, the glossary by letter, the
indicators checklist). Each function takes the store and the base IRI, so it is tested on a store.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import Any

from tipkg import queries
from tipkg.queries.rows import Row, local_path, natural_key, rows
from tipkg.webapp.search_index import norm

INF = float("inf")


def order(value: str | None) -> float:
    """A tip:order value as a number to sort by; none (or not a number) sorts last."""
    try:
        return float(value) if value is not None else INF
    except ValueError:
        return INF


def href(iri: str, base: str) -> str:
    return local_path(iri, base) or iri


def run(store: Any, name: str, base: str, params: dict | None = None) -> list[Row]:
    return rows(queries.select(store, name, params, base=base))


class MissingScheme(LookupError):
    """The graph has no concept scheme of that name."""


def _sorted(items: list[dict]) -> list[dict]:
    return sorted(items, key=lambda c: (c["order"], c["label"].lower()))


def scheme(store: Any, base: str, slug: str) -> dict:
    """A concept scheme's label, definition and its concepts as a tree (a concept with two broader
    concepts appears under each)."""
    found = run(store, "browse-scheme-concepts", base, {"scheme": f"{base}id/scheme/{slug}"})
    if not found:
        raise MissingScheme(slug)
    concepts: OrderedDict[str, dict] = OrderedDict()
    for row in found:
        iri = str(row["concept"])
        concept = concepts.setdefault(
            iri,
            {
                "iri": iri,
                "href": href(iri, base),
                "label": row["label"],
                "definition": row["definition"] or row["description"],
                "order": order(row["order"]),
                "broader": [],
                "children": [],
            },
        )
        if row["broader"] and row["broader"] not in concept["broader"]:
            concept["broader"].append(row["broader"])
    children: dict[str, list[dict]] = {}
    for concept in concepts.values():
        for parent in concept["broader"]:
            if parent in concepts:
                children.setdefault(parent, []).append(concept)

    def grow(concept: dict, path: frozenset) -> dict:
        kids = [c for c in _sorted(children.get(concept["iri"], [])) if c["iri"] not in path]
        return {**concept, "children": [grow(k, path | {k["iri"]}) for k in kids]}

    roots = [c for c in concepts.values() if not any(p in concepts for p in c["broader"])]
    return {
        "label": found[0]["schemeLabel"],
        "definition": found[0]["schemeDefinition"],
        "concepts": [grow(c, frozenset({c["iri"]})) for c in _sorted(roots)],
        "count": len(concepts),
    }


def grouped(
    found: list[Row], base: str, key: str, fields: tuple[str, ...], lists: dict[str, tuple[str, ...]]
) -> OrderedDict[str, dict]:
    """Rows of one fact each, gathered into one dict per ``key``: ``fields`` taken from any row that
    has them, ``lists`` (name -> the row keys of one item) gathered without duplicates."""
    out: OrderedDict[str, dict] = OrderedDict()
    for row in found:
        iri = str(row[key])
        item = out.setdefault(iri, {"iri": iri, "href": href(iri, base), **{n: [] for n in lists}})
        for name in fields:
            if row.get(name) is not None and item.get(name) is None:
                item[name] = row[name]
            item.setdefault(name, None)
        for name, keys in lists.items():
            if row.get(keys[0]) is not None:
                value = {k: row[k] for k in keys}
                if value not in item[name]:
                    item[name].append(value)
    return out


def grave_violations(store: Any, base: str) -> list[dict]:
    items = grouped(
        run(store, "browse-grave-violations", base),
        base,
        "violation",
        ("label", "definition", "order", "triggersListing"),
        {"added_by": ("addedBy", "addedByLabel"), "related": ("related", "relatedLabel")},
    )
    return sorted(items.values(), key=lambda v: (order(v["order"]), v["label"] or ""))


def _cite(provision: dict) -> list:
    """A sort key that puts art. 7(1) before 7(1)(c) and 8(2)(b)(xxii) before 8(2)(e)(vi)."""
    parts = re.split(r"[^0-9a-z]+", provision["provisionLabel"].lower())
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p]


OTHER_CRIMES = "Other atrocity crimes"


def atrocity_crimes(store: Any, base: str) -> tuple[list[tuple[str, list[dict]]], int]:
    """The atrocity crimes grouped by framework; the frameworks in the order of their first
    provision (the Rome Statute's art. 6, 7, 8), crimes of no framework last."""
    items = grouped(
        run(store, "browse-atrocity-crimes", base),
        base,
        "crime",
        ("label", "definition", "frameworkLabel"),
        {
            "provisions": ("provision", "provisionLabel", "quotation", "condition"),
            "overlaps": ("overlap", "overlapLabel"),
        },
    )
    groups: OrderedDict[str, list] = OrderedDict()
    for crime in sorted(items.values(), key=lambda c: c["label"] or ""):
        crime["provisions"].sort(key=lambda p: (p["condition"] is not None, p["condition"] or "", _cite(p)))
        crime["overlaps"].sort(key=lambda o: o["overlapLabel"])
        groups.setdefault(crime["frameworkLabel"] or OTHER_CRIMES, []).append(crime)

    def first_provision(name: str, crimes: list[dict]) -> tuple:
        cited = [natural_key(p["provisionLabel"]) for c in crimes for p in c["provisions"]]
        return (name == OTHER_CRIMES, not cited, min(cited, default=[]), name)

    return sorted(groups.items(), key=lambda kv: first_provision(*kv)), len(items)


def glossary(store: Any, base: str) -> tuple[OrderedDict[str, list[dict]], int]:
    items = grouped(
        run(store, "browse-glossary", base),
        base,
        "term",
        ("label", "definition", "order"),
        {
            "defines": ("defines", "definesLabel"),
            "sources": ("source", "sourceLabel", "document", "documentLabel", "locator"),
        },
    )
    letters: OrderedDict[str, list] = OrderedDict()
    for term in sorted(items.values(), key=lambda t: norm(t["label"] or "")):
        term["slug"] = term["iri"].rstrip("/").rsplit("/", 1)[-1]
        for source in term["sources"]:
            if source["sourceLabel"] is None:
                source["sourceLabel"] = f"{source['documentLabel']}, {source['locator']}"
                source["href"] = href(source["document"], base)
                source["pinpoint"] = True
            else:
                source["href"] = href(source["source"], base)
        term["sources"].sort(key=lambda s: bool(s.get("pinpoint")))
        term["defines"].sort(key=lambda d: d["definesLabel"])
        letter = norm(term["label"] or "?")[:1].upper()
        letters.setdefault(letter if letter.isalpha() else "#", []).append(term)
    return letters, len(items)


def _indicator_rows(found: list[Row], base: str) -> tuple[dict[str, dict], dict[str, dict], dict[str, dict]]:
    """The rows of ``browse-indicators`` sorted into groups, subjects and indicators."""
    groups: dict[str, dict] = {}
    subjects: dict[str, dict] = {}
    items: dict[str, dict] = {}
    for row in found:
        if row["indicator"] is None and row["groupLabel"] is not None:
            iri = str(row["group"])
            groups[iri] = {
                "iri": iri,
                "href": href(iri, base),
                "slug": iri.rsplit("/", 1)[-1],
                "label": row["groupLabel"],
                "definition": row["groupDefinition"],
                "order": order(row["groupOrder"]),
            }
        elif row["indicator"] is None and row["subjectLabel"] is not None:
            subjects[str(row["subject"])] = {
                "label": row["subjectLabel"],
                "order": order(row["subjectOrder"]),
            }
        elif row["indicator"] is not None:
            _indicator(
                items.setdefault(row["indicator"], {"iri": row["indicator"], "points_to": []}), row, base
            )
    return groups, subjects, {iri: i for iri, i in items.items() if "slug" in i}


def _indicator(item: dict, row: Row, base: str) -> None:
    if row["label"] is not None:
        iri = str(row["indicator"])
        item.update(
            group=row["group"],
            subject=row["subject"],
            label=row["label"],
            definition=row["definition"],
            order=order(row["order"]),
            slug=iri.rsplit("/", 1)[-1],
            href=href(iri, base),
        )
    if row["indicates"] is not None:
        target = {"href": href(row["indicates"], base), "label": row["indicatesLabel"]}
        if target not in item["points_to"]:
            item["points_to"].append(target)


def indicators(store: Any, base: str) -> tuple[list[dict], dict[str, dict]]:
    """The checklist's groups (each with its subjects and their indicators, in order) and every
    indicator by slug."""
    groups, subjects, items = _indicator_rows(run(store, "browse-indicators", base), base)
    for item in items.values():
        item["points_to"].sort(key=lambda t: t["label"].lower())
    for group in groups.values():
        group["subjects"] = []
        for subject_iri, subject in sorted(subjects.items(), key=lambda kv: kv[1]["order"]):
            members = sorted(
                (i for i in items.values() if i["group"] == group["iri"] and i["subject"] == subject_iri),
                key=lambda i: (i["order"], i["label"]),
            )
            if members:
                group["subjects"].append({"label": subject["label"], "indicators": members})
    ordered = sorted(groups.values(), key=lambda g: (g["order"], g["label"]))
    return ordered, {i["slug"]: i for i in items.values()}

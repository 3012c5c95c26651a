"""The overlap pages: the overlap matrix (/matrix), comparisons (/compare) and sanctions (/sanctions).

Each page runs one named query and shapes its rows in Python. Query results change only when the
graph is rebuilt, so they are kept per build (``tipkg.webapp.cache``): the matrix's filters then
cost no query at all.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field

from flask import Blueprint, abort, current_app, get_template_attribute, render_template, request, url_for

from tipkg import queries
from tipkg.webapp.cache import per_build

bp = Blueprint("matrix", __name__)

ANY = "any"
# The order the age filter offers its values in; groups the graph adds later follow, by label.
AGE_ORDER = ("child", "under-15", "adult")
# The conflict filter offers armed conflicts only: the matrix is about conduct in armed conflict.
CONFLICT_VALUES = ("international", "non-international")


# --- Query results, kept per build ------------------------------------------------------------


def _value(term):
    return None if term is None else term.value


def cached(name: str, shape=None):
    """The rows of named query ``name`` (no parameters) as dicts of plain values, shaped by
    ``shape``, computed once per build of the store."""

    def make():
        from tipkg.webapp import current_store

        results = queries.run(current_store(), name)
        names = [v.value for v in results.variables]
        rows = [{n: _value(row[n]) for n in names} for row in results]
        return shape(rows) if shape else rows

    return per_build(f"matrix:{name}", getattr(shape, "__name__", None), make)


def local(iri: str) -> str:
    base = current_app.config["TIPKG_SETTINGS"].base_iri
    return "/" + iri[len(base) :] if iri.startswith(base) else iri


def slug(iri: str) -> str:
    """A stable HTML id part for a resource IRI: ``purpose/slavery`` becomes ``purpose-slavery``."""
    tail = iri.split("/id/", 1)[-1]
    return re.sub(r"[^a-z0-9-]+", "-", tail.lower()).strip("-")


def _natural(text: str) -> list:
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text)]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text and not text[:2].isupper() else text


# --- The overlap matrix -----------------------------------------------------------------------


@dataclass
class Provision:
    iri: str
    label: str
    citation: str
    prefix: str
    conflicts: set[str] = field(default_factory=set)


@dataclass
class Item:
    """An overlap (or, in the sanctions column, a designation criterion)."""

    iri: str
    kind: str
    label: str = ""
    text: str = ""
    ages: set[str] = field(default_factory=set)
    conflicts: set[str] = field(default_factory=set)
    provisions: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The qualification the overlap names: the part of its label after the colon."""
        if self.kind == "overlap" and ": " in self.label:
            rest = self.label.split(": ", 1)[1]
            return rest[:1].upper() + rest[1:]
        return self.label


@dataclass
class MatrixModel:
    frameworks: list[dict]
    groups: list[dict]
    items: dict[str, Item]
    cells: dict[tuple[str, str], list[str]]
    provisions: dict[str, Provision]
    sources: dict[str, dict]
    ages: OrderedDict
    conflicts: OrderedDict
    age_broader: dict[str, set[str]]


def shape_matrix(rows: list[dict]) -> MatrixModel:
    by_part: dict[str, list[dict]] = {}
    for row in rows:
        by_part.setdefault(row["part"], []).append(row)

    frameworks = sorted(
        (
            {"iri": r["framework"], "label": r["label"], "order": int(r["order"])}
            for r in by_part.get("framework", [])
        ),
        key=lambda f: (f["order"], f["label"]),
    )
    for f in frameworks:
        f["slug"] = slug(f["iri"]).removeprefix("framework-")

    items: dict[str, Item] = {}
    for part, kind in (("overlap", "overlap"), ("criterion", "criterion")):
        for r in by_part.get(part, []):
            item = items.setdefault(r["item"], Item(r["item"], kind))
            item.label, item.text = r["label"], r["text"] or item.text
    for r in by_part.get("age", []):
        items[r["item"]].ages.add(r["ageGroup"])
    for r in by_part.get("conflict", []):
        items[r["item"]].conflicts.add(r["conflictType"])

    provisions: dict[str, Provision] = {}
    for r in by_part.get("provision-label", []):
        label, citation = r["label"], r["citation"] or r["label"]
        prefix = (
            label[: -len(citation)].rstrip(", ") if label.endswith(citation) and label != citation else ""
        )
        provisions[r["provision"]] = Provision(r["provision"], label, citation, prefix)
    for r in by_part.get("provision-conflict", []):
        if r["provision"] in provisions:
            provisions[r["provision"]].conflicts.add(r["conflictType"])
    for r in by_part.get("provision", []):
        item = items.get(r["item"])
        if item is not None and r["provision"] not in item.provisions:
            provisions.setdefault(
                r["provision"], Provision(r["provision"], r["provision"], r["provision"], "")
            )
            item.provisions.append(r["provision"])
    for item in items.values():
        item.provisions.sort(key=lambda p: (provisions[p].prefix, _natural(provisions[p].citation)))

    labels = {r["source"]: r["label"] for r in by_part.get("source-label", [])}
    labels.update({p.iri: p.label for p in provisions.values()})
    sources: dict[str, dict] = {}
    for r in by_part.get("source", []):
        item = items.get(r["item"])
        if item is None:
            continue
        if r["document"]:
            text = f"{labels.get(r['document'], r['document'])}, {r['locator']}"
            href = r["document"]
        else:
            text, href = labels.get(r["source"], r["source"]), r["source"]
        if r["source"] not in item.sources:
            item.sources.append(r["source"])
        sources[r["source"]] = {"text": text, "href": href}
    for item in items.values():
        item.sources.sort(key=lambda s: sources[s]["text"])

    cells: dict[tuple[str, str], list[str]] = {}
    for r in by_part.get("cell", []):
        if r["item"] in items:
            cell = cells.setdefault((r["row"], r["framework"]), [])
            if r["item"] not in cell:
                cell.append(r["item"])
    for cell in cells.values():
        cell.sort(key=lambda i: (items[i].kind != "overlap", items[i].name.lower()))

    used_rows = {row for row, _ in cells}
    groups: dict[int, dict] = {}
    for r in by_part.get("row", []):
        if r["row"] not in used_rows:
            continue
        group = groups.setdefault(int(r["kindOrder"]), {"label": r["kindLabel"], "rows": {}})
        group["rows"][r["row"]] = {
            "iri": r["row"],
            "label": r["label"],
            "slug": slug(r["row"]),
            "order": int(r["order"]) if r["order"] else 10_000,
        }
    group_list = []
    for order in sorted(groups):
        group = groups[order]
        group_list.append(
            {
                "label": group["label"],
                "slug": f"kind-{order}",
                "rows": sorted(group["rows"].values(), key=lambda x: (x["order"], x["label"].lower())),
            }
        )

    ages = OrderedDict()
    broader: dict[str, set[str]] = {}
    age_rows = {r["notation"]: r for r in by_part.get("age-group", [])}
    for notation in sorted(
        age_rows,
        key=lambda n: (AGE_ORDER.index(n) if n in AGE_ORDER else len(AGE_ORDER), age_rows[n]["label"]),
    ):
        r = age_rows[notation]
        ages[notation] = {"iri": r["ageGroup"], "label": r["label"]}
    for r in by_part.get("age-group", []):
        broader.setdefault(r["ageGroup"], set())
        if r["broader"]:
            broader[r["ageGroup"]].add(r["broader"])
    conflicts = OrderedDict()
    conflict_rows = {r["notation"]: r for r in by_part.get("conflict-type", [])}
    for notation in CONFLICT_VALUES:
        if notation in conflict_rows:
            conflicts[notation] = {
                "iri": conflict_rows[notation]["conflictType"],
                "label": conflict_rows[notation]["label"],
            }
    labels_by_iri = {v["iri"]: v["label"] for v in [*ages.values(), *conflicts.values()]}
    for r in by_part.get("conflict-type", []):
        labels_by_iri.setdefault(r["conflictType"], r["label"])
    model = MatrixModel(frameworks, group_list, items, cells, provisions, sources, ages, conflicts, broader)
    model.labels = labels_by_iri  # type: ignore[attr-defined]
    return model


def _ancestors(group: str, broader: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = list(broader.get(group, ()))
    while todo:
        g = todo.pop()
        if g not in seen:
            seen.add(g)
            todo.extend(broader.get(g, ()))
    return seen


def age_status(victim: str | None, restricted: set[str], broader: dict[str, set[str]]) -> str:
    """``applies`` when every victim in the chosen group is within the overlap's age groups,
    ``conditional`` when only some are (the overlap's group is narrower, or no age is chosen),
    ``excluded`` when none are."""
    if not restricted:
        return "applies"
    if victim is None:
        return "conditional"
    if any(a == victim or a in _ancestors(victim, broader) for a in restricted):
        return "applies"
    if any(victim in _ancestors(a, broader) for a in restricted):
        return "conditional"
    return "excluded"


def conflict_status(conflict: str | None, restricted: set[str]) -> str:
    if not restricted:
        return "applies"
    if conflict is None:
        return "conditional"
    return "applies" if conflict in restricted else "excluded"


def _join_or(labels: list[str]) -> str:
    labels = sorted(_lower_first(label) for label in labels)
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


def matrix_view(model: MatrixModel, age: str | None, conflict: str | None) -> dict:
    """The table for one filter state: per row and framework, the entries that are not excluded,
    and those entries by IRI. Data only: the page renders each entry once per request."""
    victim = model.ages[age]["iri"] if age else None
    armed = model.conflicts[conflict]["iri"] if conflict else None
    labels = model.labels  # type: ignore[attr-defined]
    entries: dict[str, dict | None] = {}
    for iri, item in model.items.items():
        a = age_status(victim, item.ages, model.age_broader)
        c = conflict_status(armed, item.conflicts)
        if "excluded" in (a, c):
            entries[iri] = None
            continue
        provisions = []
        for p in item.provisions:
            provision = model.provisions[p]
            if armed and provision.conflicts and armed not in provision.conflicts:
                continue
            note = (
                _join_or([labels.get(x, x) for x in provision.conflicts])
                if provision.conflicts and not armed
                else ""
            )
            provisions.append({"provision": provision, "note": note})
        groups: list[dict] = []
        for entry in provisions:
            prefix = entry["provision"].prefix
            if not groups or groups[-1]["prefix"] != prefix:
                groups.append({"prefix": prefix, "provisions": []})
            groups[-1]["provisions"].append(entry)
        entries[iri] = {
            "item": item,
            "href": local(iri),
            "age": a,
            "conflict": c,
            "status": "conditional" if "conditional" in (a, c) else "applies",
            "age_note": _join_or([labels.get(x, x) for x in item.ages]) if a == "conditional" else "",
            "conflict_note": _join_or([labels.get(x, x) for x in item.conflicts])
            if c == "conditional"
            else "",
            "citations": groups,
            "sources": [model.sources[s] | {"href": local(model.sources[s]["href"])} for s in item.sources],
        }
    counts = {"applies": 0, "conditional": 0}
    groups_out = []
    for group in model.groups:
        rows_out = []
        for row in group["rows"]:
            cells = []
            for fw in model.frameworks:
                cell = [entries[i] for i in model.cells.get((row["iri"], fw["iri"]), []) if entries[i]]
                for entry in cell:
                    counts[entry["status"]] += 1
                status = (
                    "empty"
                    if not cell
                    else "applies"
                    if any(e["status"] == "applies" for e in cell)
                    else "conditional"
                )
                cells.append(
                    {
                        "framework": fw,
                        "entries": cell,
                        "status": status,
                        "id": f"cell-{row['slug']}--{fw['slug']}",
                    }
                )
            rows_out.append({"row": row, "href": local(row["iri"]), "cells": cells})
        groups_out.append({"label": group["label"], "slug": group["slug"], "rows": rows_out})
    shown = {iri: entry for iri, entry in entries.items() if entry is not None}
    return {"groups": groups_out, "counts": counts, "entries": shown}


def _choice(name: str, allowed, what: str) -> str | None:
    value = request.args.get(name, "").strip() or ANY
    if value == ANY:
        return None
    if value not in allowed:
        choices = ", ".join([ANY, *allowed])
        abort(400, description=f"The {what} {value!r} is not one the matrix knows; choose one of: {choices}.")
    return value


@bp.get("/matrix")
def matrix():
    model: MatrixModel = cached("matrix-overlaps", shape=shape_matrix)
    unknown = set(request.args) - {"age", "conflict"}
    if unknown:
        abort(
            400,
            description=f"The matrix takes the filters age and conflict only, not {', '.join(sorted(unknown))}.",
        )
    age = _choice("age", model.ages, "victim age")
    conflict = _choice("conflict", model.conflicts, "type of armed conflict")
    # A filter state's table depends on the build alone: shaped once per build and filter state
    # (there are a dozen), rendered on every request, each entry once however many cells it fills.
    view = per_build("matrix-view", (age, conflict), lambda: matrix_view(model, age, conflict))
    render_entry = get_template_attribute("matrix-entry.html", "entry_html")
    entry_html = {iri: render_entry(entry) for iri, entry in view["entries"].items()}
    victim_text = _lower_first(model.ages[age]["label"]) if age else "any age"
    conflict_text = _lower_first(model.conflicts[conflict]["label"]) if conflict else "any, or none"
    return render_template(
        "matrix.html",
        model=model,
        view=view,
        entry_html=entry_html,
        age=age or ANY,
        conflict=conflict or ANY,
        filtered=bool(age or conflict),
        victim_text=victim_text,
        conflict_text=conflict_text,
    )


# --- Comparisons ------------------------------------------------------------------------------


def shape_comparisons(rows: list[dict]) -> list[dict]:
    comparisons: dict[str, dict] = {}
    for r in rows:
        c = comparisons.setdefault(
            r["comparison"], {"iri": r["comparison"], "points": {}, "sources": {}, "source_labels": {}}
        )
        if r["part"] == "comparison":
            c.update(
                label=r["label"],
                description=r["description"],
                left={"iri": r["left"], "label": r["leftLabel"]},
                right={"iri": r["right"], "label": r["rightLabel"]},
            )
        elif r["part"] == "point":
            c["points"][r["point"]] = {
                "iri": r["point"],
                "label": r["label"],
                "order": int(r["order"]) if r["order"] else 10_000,
                "left": r["leftValue"],
                "right": r["rightValue"],
            }
        elif r["part"] == "source":
            c["sources"].setdefault(r["source"], {"document": r["document"], "locator": r["locator"]})
        elif r["part"] == "source-label":
            c["source_labels"][r["document"]] = r["label"]
    result = []
    for c in comparisons.values():
        if "label" not in c:
            continue
        c["points"] = sorted(c["points"].values(), key=lambda p: (p["order"], p["label"]))
        c["source_list"] = sorted(
            (
                {
                    "text": f"{c['source_labels'].get(s['document'], s['document'])}, {s['locator']}"
                    if s["document"]
                    else iri,
                    "href": s["document"] or iri,
                }
                for iri, s in c["sources"].items()
            ),
            key=lambda s: s["text"],
        )
        c["slug"] = c["iri"].rstrip("/").rsplit("/", 1)[-1]
        result.append(c)
    return sorted(result, key=lambda c: c["label"])


def _iri_param(name: str) -> str:
    from tipkg.queries import expand_curie

    value = request.args.get(name, "").strip()
    if not value:
        abort(400, description=f"Give both concepts to compare: the {name} parameter is missing.")
    base = current_app.config["TIPKG_SETTINGS"].base_iri
    iri = expand_curie(value, base=base)
    if not re.match(r"^https?://[^\s<>\"{}|\\^`]+$", iri):
        abort(
            400,
            description=f"The {name} parameter {value!r} is not an IRI (e.g. qual:trafficking-in-persons).",
        )
    return iri


def comparisons() -> list[dict]:
    """Every comparison, shaped once per build; pages pick theirs from this list, so what a reader
    types into the address never grows the cache."""
    return cached("compare-points", shape=shape_comparisons)


@bp.get("/compare")
def compare():
    if "left" in request.args or "right" in request.args:
        left, right = _iri_param("left"), _iri_param("right")
        found = [c for c in comparisons() if (c["left"]["iri"], c["right"]["iri"]) == (left, right)]
        swapped = not found
        if swapped:
            found = [c for c in comparisons() if (c["left"]["iri"], c["right"]["iri"]) == (right, left)]
        if not found:
            abort(404, description=f"The graph has no comparison of {left} with {right}.")
        return _render_comparison(found[0], swapped)
    return render_template("compare-list.html", comparisons=comparisons())


@bp.get("/compare/<name>")
def comparison(name: str):
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        abort(404, description=f"There is no comparison named {name!r}.")
    base = current_app.config["TIPKG_SETTINGS"].base_iri
    found = [c for c in comparisons() if c["iri"] == f"{base}id/comparison/{name}"]
    if not found:
        abort(404, description=f"There is no comparison named {name!r}; see the list of comparisons.")
    return _render_comparison(found[0], False)


def _render_comparison(c: dict, swapped: bool):
    left, right = (c["right"], c["left"]) if swapped else (c["left"], c["right"])
    points = [{**p, "left": p["right"], "right": p["left"]} if swapped else p for p in c["points"]]
    return render_template(
        "compare.html",
        comparison=c,
        left=left,
        right=right,
        points=points,
        swapped=swapped,
        canonical=url_for("matrix.comparison", name=c["slug"]),
    )


# --- Sanctions --------------------------------------------------------------------------------


def shape_sanctions(rows: list[dict]) -> list[dict]:
    regimes: dict[str, dict] = {}

    def regime(iri: str) -> dict:
        return regimes.setdefault(
            iri,
            {
                "iri": iri,
                "established": {},
                "amended": {},
                "committee": {},
                "expert-body": {},
                "criteria": {},
            },
        )

    for r in rows:
        g = regime(r["regime"])
        part = r["part"]
        if part == "regime":
            g.update(
                label=r["label"],
                description=r["text"],
                country=r["country"],
                global_scope=r["global"] in ("true", "1"),
            )
        elif part in ("established", "amended"):
            g[part][r["target"]] = {
                "iri": r["target"],
                "label": r["label"],
                "symbol": r["symbol"],
                "date": r["date"],
            }
        elif part in ("committee", "expert-body"):
            entry = g[part].setdefault(r["target"], {"iri": r["target"], "label": r["label"], "short": None})
            if r["shortLabel"] and (entry["short"] is None or len(r["shortLabel"]) < len(entry["short"])):
                entry["short"] = r["shortLabel"]
        else:
            criterion = g["criteria"].setdefault(
                r["criterion"],
                {
                    "iri": r["criterion"],
                    "label": "",
                    "description": "",
                    "reaches": {},
                    "concerns": {},
                    "provision": {},
                },
            )
            if part == "criterion":
                criterion.update(label=r["label"], description=r["text"] or "")
            elif part in ("reaches", "concerns", "provision"):
                criterion[part][r["target"]] = {"iri": r["target"], "label": r["label"]}
    result = []
    for g in regimes.values():
        if "label" not in g:
            continue
        for key in ("established", "amended"):
            g[key] = sorted(g[key].values(), key=lambda x: (x["date"] or "", x["label"]))
        for key in ("committee", "expert-body"):
            g[key] = sorted(g[key].values(), key=lambda x: x["label"])
        criteria = []
        for c in g["criteria"].values():
            for key in ("reaches", "concerns"):
                c[key] = sorted(c[key].values(), key=lambda x: x["label"].lower())
            c["provision"] = sorted(c["provision"].values(), key=lambda x: _natural(x["label"]))
            criteria.append(c)
        g["criteria"] = sorted(criteria, key=lambda c: c["label"])
        g["slug"] = slug(g["iri"]).removeprefix("regime-")
        result.append(g)
    return sorted(result, key=lambda g: (not g["global_scope"], g["label"]))


@bp.get("/sanctions")
def sanctions():
    regimes = cached("sanctions-regimes", shape=shape_sanctions)
    return render_template("sanctions.html", regimes=regimes)

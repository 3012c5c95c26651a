"""The overlap matrix's data, free of Flask: the rows of one small query per section of the page
(``MATRIX_QUERIES``) shaped into frameworks, row groups, overlaps and designation criteria, their
provisions and sources, and the filters' values. Built once per build by the page."""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from tipkg import queries
from tipkg.assessment.ages import AgeGroup, age_groups
from tipkg.queries.rows import Row, natural_key, rows

Parts = dict[str, list[Row]]
# The conflict filter offers armed conflicts only: the matrix is about conduct in armed conflict.
CONFLICT_VALUES = ("international", "non-international")
UNORDERED = 10_000
# Each section of the matrix and the query that answers it (the per-build cache makes the round
# trips free, and each query says what it is for).
MATRIX_QUERIES = {
    "framework": "matrix-frameworks",
    "row": "matrix-rows",
    "age-group": "matrix-age-groups",
    "conflict-type": "matrix-conflict-types",
    "cell": "matrix-cells",
    "overlap": "matrix-overlap-texts",
    "criterion": "matrix-criterion-texts",
    "age": "matrix-age-restrictions",
    "conflict": "matrix-conflict-restrictions",
    "provision": "matrix-item-provisions",
    "provision-label": "matrix-provisions",
    "provision-conflict": "matrix-provision-conflicts",
    "source": "matrix-sources",
    "source-label": "matrix-source-labels",
}


def slug(iri: str) -> str:
    """A stable HTML id part for a resource IRI: ``purpose/slavery`` becomes ``purpose-slavery``.

    >>> slug("https://w3id.org/tipkg/id/purpose/slavery")
    'purpose-slavery'
    """
    tail = iri.split("/id/", 1)[-1]
    return re.sub(r"[^a-z0-9-]+", "-", tail.lower()).strip("-")


def filter_order(groups: list[AgeGroup]) -> list[str]:
    """The age filter's values in the order it offers them: by lower bound, and among groups from
    the same age the wider first (child, then under 15, then adult).

    >>> filter_order([AgeGroup("u", "under-15", "", None, 15), AgeGroup("c", "child", "", None, 18),
    ...               AgeGroup("a", "adult", "", 18, None)])
    ['child', 'under-15', 'adult']
    """
    inf = float("inf")
    return [
        g.notation
        for g in sorted(
            groups, key=lambda g: (g.from_age or 0, -(g.below if g.below is not None else inf), g.label)
        )
    ]


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
    labels: dict[str, str] = field(default_factory=dict)  # age groups and conflict types by IRI


def load_matrix(store: Any) -> MatrixModel:
    """The matrix of ``store``'s graph."""
    parts = {part: rows(queries.select(store, name)) for part, name in MATRIX_QUERIES.items()}
    return shape_matrix(parts, filter_order(age_groups(store)))


def _frameworks(parts: Parts) -> list[dict]:
    frameworks = sorted(
        (
            {"iri": r["framework"], "label": r["label"], "order": int(str(r["order"]))}
            for r in parts.get("framework", [])
        ),
        key=lambda f: (f["order"], f["label"]),
    )
    for f in frameworks:
        f["slug"] = slug(str(f["iri"])).removeprefix("framework-")
    return frameworks


def _items(parts: Parts) -> dict[str, Item]:
    items: dict[str, Item] = {}
    for part, kind in (("overlap", "overlap"), ("criterion", "criterion")):
        for r in parts.get(part, []):
            item = items.setdefault(str(r["item"]), Item(str(r["item"]), kind))
            item.label, item.text = str(r["label"]), r["text"] or item.text
    for r in parts.get("age", []):
        items[str(r["item"])].ages.add(str(r["ageGroup"]))
    for r in parts.get("conflict", []):
        items[str(r["item"])].conflicts.add(str(r["conflictType"]))
    return items


def _provisions(parts: Parts, items: dict[str, Item]) -> dict[str, Provision]:
    provisions: dict[str, Provision] = {}
    for r in parts.get("provision-label", []):
        label, citation = str(r["label"]), str(r["citation"] or r["label"])
        prefix = (
            label[: -len(citation)].rstrip(", ") if label.endswith(citation) and label != citation else ""
        )
        provisions[str(r["provision"])] = Provision(str(r["provision"]), label, citation, prefix)
    for r in parts.get("provision-conflict", []):
        if r["provision"] in provisions:
            provisions[str(r["provision"])].conflicts.add(str(r["conflictType"]))
    for r in parts.get("provision", []):
        item, iri = items.get(str(r["item"])), str(r["provision"])
        if item is not None and iri not in item.provisions:
            provisions.setdefault(iri, Provision(iri, iri, iri, ""))
            item.provisions.append(iri)
    for item in items.values():
        item.provisions.sort(key=lambda p: (provisions[p].prefix, natural_key(provisions[p].citation)))
    return provisions


def _sources(parts: Parts, items: dict[str, Item], provisions: dict[str, Provision]) -> dict[str, dict]:
    labels = {r["source"]: r["label"] for r in parts.get("source-label", [])}
    labels.update({p.iri: p.label for p in provisions.values()})
    sources: dict[str, dict] = {}
    for r in parts.get("source", []):
        item, source, document = items.get(str(r["item"])), str(r["source"]), r["document"]
        if item is None:
            continue
        if document:
            text, href = f"{labels.get(document) or document}, {r['locator']}", document
        else:
            text, href = labels.get(source) or source, source
        if source not in item.sources:
            item.sources.append(source)
        sources[source] = {"text": text, "href": href}
    for item in items.values():
        item.sources.sort(key=lambda s: sources[s]["text"])
    return sources


def _cells(parts: Parts, items: dict[str, Item]) -> dict[tuple[str, str], list[str]]:
    cells: dict[tuple[str, str], list[str]] = {}
    for r in parts.get("cell", []):
        if r["item"] in items:
            cell = cells.setdefault((str(r["row"]), str(r["framework"])), [])
            if r["item"] not in cell:
                cell.append(str(r["item"]))
    for cell in cells.values():
        cell.sort(key=lambda i: (items[i].kind != "overlap", items[i].name.lower()))
    return cells


def _groups(parts: Parts, cells: dict[tuple[str, str], list[str]]) -> list[dict]:
    """The rows of conduct that have a cell, by kind."""
    used_rows = {row for row, _ in cells}
    groups: dict[int, dict] = {}
    for r in parts.get("row", []):
        if r["row"] not in used_rows:
            continue
        group = groups.setdefault(int(str(r["kindOrder"])), {"label": r["kindLabel"], "rows": {}})
        group["rows"][r["row"]] = {
            "iri": r["row"],
            "label": r["label"],
            "slug": slug(str(r["row"])),
            "order": int(r["order"]) if r["order"] else UNORDERED,
        }
    return [
        {
            "label": groups[order]["label"],
            "slug": f"kind-{order}",
            "rows": sorted(groups[order]["rows"].values(), key=lambda x: (x["order"], x["label"].lower())),
        }
        for order in sorted(groups)
    ]


def _filters(parts: Parts, age_order: list[str]) -> tuple[OrderedDict, dict[str, set[str]], OrderedDict]:
    age_rows = {r["notation"]: r for r in parts.get("age-group", [])}
    last = len(age_order)
    ages: OrderedDict = OrderedDict()
    for notation in sorted(
        age_rows, key=lambda n: (age_order.index(n) if n in age_order else last, str(age_rows[n]["label"]))
    ):
        ages[notation] = {"iri": age_rows[notation]["ageGroup"], "label": age_rows[notation]["label"]}
    broader: dict[str, set[str]] = {}
    for r in parts.get("age-group", []):
        broader.setdefault(str(r["ageGroup"]), set())
        if r["broader"]:
            broader[str(r["ageGroup"])].add(r["broader"])
    conflict_rows = {r["notation"]: r for r in parts.get("conflict-type", [])}
    conflicts: OrderedDict = OrderedDict(
        (n, {"iri": conflict_rows[n]["conflictType"], "label": conflict_rows[n]["label"]})
        for n in CONFLICT_VALUES
        if n in conflict_rows
    )
    return ages, broader, conflicts


def shape_matrix(parts: Parts, age_order: list[str]) -> MatrixModel:
    """The matrix from the rows of each section's query (``MATRIX_QUERIES``'s keys); ``age_order``
    orders the age filter."""
    items = _items(parts)
    provisions = _provisions(parts, items)
    sources = _sources(parts, items, provisions)
    cells = _cells(parts, items)
    ages, broader, conflicts = _filters(parts, age_order)
    labels = {v["iri"]: v["label"] for v in [*ages.values(), *conflicts.values()]}
    for r in parts.get("conflict-type", []):
        labels.setdefault(r["conflictType"], r["label"])
    frameworks, groups = _frameworks(parts), _groups(parts, cells)
    return MatrixModel(
        frameworks, groups, items, cells, provisions, sources, ages, conflicts, broader, labels
    )

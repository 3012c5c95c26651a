"""A provision's official text, shaped for its page without Flask: the whole article it belongs to,
one line per unit in the text's order and depth, the provision and its sub-divisions marked as
cited; its place in the instrument (part, article, paragraph); the previous and next article; the
edition the text comes from. Two queries (``provision-official-text``, ``article-place``), computed
from what ``tipkg load legal-texts`` wrote."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from tipkg import queries
from tipkg.queries.rows import integer, local_path, value


@dataclass
class Line:
    iri: str
    href: str | None
    citation: str
    text: str
    depth: int
    cited: bool
    amendment: dict | None = None


@dataclass
class OfficialText:
    article: dict
    lines: list[Line]
    place: list[str]
    previous: dict | None
    next: dict | None
    edition: dict
    amendments: list[dict] = field(default_factory=list)
    heading: str | None = None


def _step(citation: str, parent_citation: str, depth: int) -> str:
    """``para. 2`` or ``sub-para. (c)``: what a unit adds to its parent's citation."""
    label = citation[len(parent_citation) :].strip("()")
    return f"para. {label}" if depth == 1 and label.isdigit() else f"sub-para. ({label})"


def official_text(store: Any, iri: str, base: str) -> OfficialText | None:
    """The article around ``iri`` with ``iri`` marked, or None when no official text is loaded."""
    rows = list(queries.select(store, "provision-official-text", {"provision": iri}))
    if not rows:
        return None
    article = rows[0]["article"].value
    units: dict[str, dict] = {}
    parents: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        unit = row["unit"].value
        if row["parent"] is not None:
            parents[unit].add(row["parent"].value)
        if unit not in units:
            units[unit] = {
                "citation": row["citation"].value,
                # The text's own order (its lines) first; the curated order where there is no text.
                "order": (integer(row["line"]) or 0, integer(row["order"]) or 0),
                "text": value(row["text"]) or "",
                "amendment": _amendment(row, base),
            }
    # Curated provisions are part of every ancestor (eli:is_part_of is transitive): the direct
    # parent is the one within the article with the longest citation.
    children: dict[str, list[str]] = defaultdict(list)
    for unit in units:
        within = [p for p in parents[unit] if p in units and p != unit]
        if unit != article and within:
            children[max(within, key=lambda p: len(units[p]["citation"]))].append(unit)
    lines: list[Line] = []

    def walk(unit: str, depth: int, cited: bool) -> None:
        here = units[unit]
        cited = cited or (unit == iri != article)  # an article's own page marks nothing
        if here["text"] or unit != article:
            lines.append(
                Line(
                    unit,
                    local_path(unit, base),
                    here["citation"],
                    here["text"],
                    depth,
                    cited,
                    here["amendment"],
                )
            )
        for child in sorted(children.get(unit, []), key=lambda u: units[u]["order"]):
            walk(child, depth + 1, cited)

    walk(article, 0, False)
    place_row = next(iter(queries.select(store, "article-place", {"article": article})), None)
    return OfficialText(
        article={"iri": article, "href": local_path(article, base), "citation": units[article]["citation"]},
        lines=lines,
        place=_place(units, children, article, iri, value(place_row["part"]) if place_row else None),
        previous=_neighbour(place_row, "previous", base),
        next=_neighbour(place_row, "next", base),
        edition=_edition(place_row),
        amendments=[line.amendment for line in lines if line.cited and line.amendment],
        heading=value(place_row["heading"]) if place_row else None,
    )


def _place(units: dict, children: dict, article: str, iri: str, part: str | None) -> list[str]:
    """Part, article, paragraph, sub-paragraph: the steps from the instrument down to ``iri``."""
    parent_of = {child: parent for parent, kids in children.items() for child in kids}
    chain = [iri]
    while chain[-1] != article and chain[-1] in parent_of:
        chain.append(parent_of[chain[-1]])
    chain.reverse()
    steps = [part] if part else []
    steps.append(units[article]["citation"])
    for depth, unit in enumerate(chain[1:], start=1):
        steps.append(_step(units[unit]["citation"], units[chain[depth - 1]]["citation"], depth))
    return steps


def _neighbour(row: Any, which: str, base: str) -> dict | None:
    if row is None or row[which] is None:
        return None
    return {"href": local_path(row[which].value, base), "citation": value(row[f"{which}Citation"])}


def _edition(row: Any) -> dict:
    if row is None:
        return {}
    return {
        "label": value(row["editionLabel"]),
        "file": value(row["file"]),
        "date": value(row["date"]),
        "licence": value(row["licence"]),
        "line": value(row["line"]),
    }


def _amendment(row: Any, base: str) -> dict | None:
    if row["amendment"] is None:
        return None
    return {
        "href": local_path(row["amendment"].value, base),
        "label": value(row["amendmentLabel"]),
        "adopted": value(row["adopted"]),
        "binds": value(row["binds"]),
    }

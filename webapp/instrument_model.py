"""An instrument's table of contents and the list of instruments, shaped without Flask."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from tipkg import queries
from tipkg.queries.rows import integer, local_path, natural_key, value
from tipkg.terms import tip
from tipkg.webapp.resource_model import Display, Entry, entry

MAX_DEPTH = 6
OTHER_BRANCH = "Other instruments"


def plural(noun: str, count: int, plural_form: str | None = None) -> str:
    """``noun`` for one, else its plural: the graph's ``tip:pluralLabel``, or the noun with an s.

    >>> plural("overlap", 2), plural("designation criterion", 3, "designation criteria"), plural("case", 1)
    ('overlaps', 'designation criteria', 'case')
    """
    if count == 1:
        return noun
    return plural_form or (noun if noun.endswith("s") else noun + "s")


def toc(store: Any, iri: str, base: str) -> tuple[list[dict], int]:
    """The provisions of an instrument as a tree, each with what relies on it by kind (two queries,
    whatever the number of provisions), and how many provisions there are."""
    rows = list(queries.select(store, "instrument-provisions", {"instrument": iri}))
    uses: dict[str, Counter] = defaultdict(Counter)
    plurals: dict[str, str | None] = {}
    for row in queries.select(store, "instrument-provision-uses", {"instrument": iri}):
        kind = row["kindLabel"].value
        uses[row["provision"].value][kind] += int(row["count"].value)
        plurals[kind] = value(row["kindPlural"])
    children: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        provision = row["provision"].value
        children[row["parent"].value].append(
            {
                "iri": provision,
                "href": local_path(provision, base),
                "citation": row["citation"].value,
                "label": row["label"].value,
                "quotation": value(row["quotation"]),
                "heading": value(row["heading"]),
                "order": integer(row["order"]),
                "uses": [
                    f"{count} {plural(kind, count, plurals[kind])}"
                    for kind, count in sorted(uses[provision].items())
                ],
            }
        )

    def tree(parent: str, depth: int = 0) -> list[dict]:
        items = sorted(
            children.get(parent, []),
            key=lambda p: (p["order"] is None, p["order"] or 0, natural_key(p["citation"])),
        )
        if depth < MAX_DEPTH:
            for item in items:
                item["children"] = tree(item["iri"], depth + 1)
        return items

    return tree(iri), len(rows)


def related(display: Display, by_property: dict[str, list[Entry]]) -> list[tuple[str, list[Entry]]]:
    """The instruments an instrument supplements, amends and so on, headed by the property's name."""
    return [
        (display.name(prop), by_property[prop])
        for prop in display.ranked(tip.RelatedInstrumentDisplay)
        if by_property.get(prop)
    ]


def instruments(store: Any, base: str) -> list[tuple[str, list[dict]]]:
    """The instruments by branch of law (query ``instruments``), the branches by name with the other
    instruments last, each branch's instruments oldest first; kinds named by their class's label."""
    branches: dict[str, list[dict]] = defaultdict(list)
    for row in queries.select(store, "instruments"):
        branch = value(row["branch"]) or OTHER_BRANCH
        item = {
            **vars(entry(row["instrument"].value, row["label"].value, base)),
            "kind": row["kind"].value,
            "kind_text": row["kindLabel"].value,
            "adopted": value(row["adopted"]),
            "in_force": value(row["inForce"]),
        }
        if not any(e["iri"] == item["iri"] for e in branches[branch]):
            branches[branch].append(item)
    return [
        (branch, sorted(branches[branch], key=lambda e: (e["adopted"] or "9999", e["text"].lower())))
        for branch in sorted(branches, key=lambda b: (b == OTHER_BRANCH, b.lower()))
    ]

"""The overlap matrix for one filter state, free of Flask: which entries apply, apply only on a
condition, or are excluded for the chosen victim age group and type of armed conflict."""

from __future__ import annotations

from tipkg.queries.rows import local_path
from tipkg.webapp.matrix_model import Item, MatrixModel


def lower_first(text: str) -> str:
    """``text`` with its first letter in lower case, unless it starts an acronym.

    >>> lower_first("Child"), lower_first("ILO conventions")
    ('child', 'ILO conventions')
    """
    return text[:1].lower() + text[1:] if text and not text[:2].isupper() else text


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
    labels = sorted(lower_first(label) for label in labels)
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


def _citations(model: MatrixModel, item: Item, armed: str | None) -> list[dict]:
    """An entry's provisions (those of the chosen conflict type), grouped by instrument prefix."""
    groups: list[dict] = []
    for p in item.provisions:
        provision = model.provisions[p]
        if armed and provision.conflicts and armed not in provision.conflicts:
            continue
        note = (
            _join_or([model.labels.get(x, x) for x in provision.conflicts])
            if provision.conflicts and not armed
            else ""
        )
        if not groups or groups[-1]["prefix"] != provision.prefix:
            groups.append({"prefix": provision.prefix, "provisions": []})
        groups[-1]["provisions"].append({"provision": provision, "note": note})
    return groups


def _entry(model: MatrixModel, item: Item, victim: str | None, armed: str | None, base: str) -> dict | None:
    a = age_status(victim, item.ages, model.age_broader)
    c = conflict_status(armed, item.conflicts)
    if "excluded" in (a, c):
        return None
    labels = model.labels
    return {
        "item": item,
        "href": local_path(item.iri, base) or item.iri,
        "age": a,
        "conflict": c,
        "status": "conditional" if "conditional" in (a, c) else "applies",
        "age_note": _join_or([labels.get(x, x) for x in item.ages]) if a == "conditional" else "",
        "conflict_note": _join_or([labels.get(x, x) for x in item.conflicts]) if c == "conditional" else "",
        "citations": _citations(model, item, armed),
        "sources": [
            model.sources[s]
            | {"href": local_path(model.sources[s]["href"], base) or model.sources[s]["href"]}
            for s in item.sources
        ],
    }


def matrix_view(model: MatrixModel, age: str | None, conflict: str | None, base: str) -> dict:
    """The table for one filter state: per row and framework, the entries that are not excluded,
    and those entries by IRI. Data only: the page renders each entry once per request."""
    victim = model.ages[age]["iri"] if age else None
    armed = model.conflicts[conflict]["iri"] if conflict else None
    entries = {iri: _entry(model, item, victim, armed, base) for iri, item in model.items.items()}
    counts = {"applies": 0, "conditional": 0}
    groups_out = []
    for group in model.groups:
        rows_out = []
        for row in group["rows"]:
            cells = []
            for fw in model.frameworks:
                cell = [e for i in model.cells.get((row["iri"], fw["iri"]), []) if (e := entries[i])]
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
            rows_out.append({"row": row, "href": local_path(row["iri"], base) or row["iri"], "cells": cells})
        groups_out.append({"label": group["label"], "slug": group["slug"], "rows": rows_out})
    shown = {iri: entry for iri, entry in entries.items() if entry is not None}
    return {"groups": groups_out, "counts": counts, "entries": shown}

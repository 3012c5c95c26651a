"""Worked examples as assessment inputs: a case's facts, read from the graph, in the API's shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tipkg import queries
from tipkg.assessment.model import text_of
from tipkg.store import Store


@dataclass
class Case:
    iri: str
    label: str
    order: int | None
    input: dict[str, Any] = field(default_factory=dict)
    attached: set[str] = field(default_factory=set)


def load_cases(store: Store) -> dict[str, Case]:
    """Every tip:Case with its facts as an assessment input and the qualifications its source attaches."""
    cases: dict[str, Case] = {}
    for row in queries.select(store, "case-facts"):
        iri = text_of(row, "case")
        case = cases.setdefault(
            iri,
            Case(
                iri, text_of(row, "label"), int(text_of(row, "order")) if row["order"] is not None else None
            ),
        )
        if row["noMeans"] is not None and row["noMeans"].value == "true":
            case.input.setdefault("means", [])
        key = text_of(row, "key") if row["key"] is not None else None
        value = text_of(row, "value") if row["value"] is not None else None
        _add_fact(case.input, key, value)
    for case in cases.values():  # an age settles the age group; keep the input consistent
        if "age" in case.input.get("victim", {}):
            case.input["victim"].pop("age_group", None)
    for row in queries.select(store, "case-qualifications"):
        if text_of(row, "case") in cases:
            cases[text_of(row, "case")].attached.add(text_of(row, "id"))
    return cases


def _add_fact(payload: dict[str, Any], key: str | None, value: str | None) -> None:
    """Put one fact row of a case into its assessment input, in the shape the API takes."""
    if key in {"acts", "means", "purposes", "conduct"}:
        payload.setdefault(key, [])
        if value is not None and value not in payload[key]:
            payload[key].append(value)
    elif key == "victim.age_group":
        payload.setdefault("victim", {})["age_group"] = value
    elif key == "victim.age":
        payload.setdefault("victim", {})["age"] = int(value or "")
    elif key == "context.armed_conflict":
        payload.setdefault("context", {})["armed_conflict"] = value
    elif key == "context.perpetrator":
        payload.setdefault("context", {}).setdefault("perpetrator", value)  # the API takes one
    elif key == "context.flag" and value is not None:
        payload.setdefault("context", {})[value] = True

"""The assessment input: validated against the vocabularies in the graph and turned into facts.

Each input key becomes a ``Fact`` with the concepts certainly present and, where the input leaves
room (an age group may or may not fall in a narrower band: a child may or may not be under 15;
the bands are the graph's ``tip:ageFrom``/``tip:ageBelow``), the concepts possibly present. A key that
is absent is unknown; an empty list is known to hold nothing.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pycountry

from tipkg import dates
from tipkg.assessment.ages import AgeGroup, groups_for
from tipkg.assessment.model import Model
from tipkg.errors import TipkgError

LIST_KEYS = ("acts", "means", "purposes", "conduct")
CONTEXT_ENUMS = {
    "armed_conflict": "context.armed_conflict",
    "perpetrator": "context.perpetrator",
    "recruitment": "context.recruitment",
    "setting": "context.setting",
}
CONTEXT_FLAGS = (
    "widespread_or_systematic_attack",
    "intent_to_destroy_group",
    "illegal_entry",
    "financial_or_material_benefit",
    "proceeds_finance_terrorism",
)
AGE_KEY = "victim.age_group"


class InputError(TipkgError):
    """The input names an unknown key or value, or a value of the wrong type (HTTP 422)."""

    def __init__(self, message: str, *, field: str, accepted: list[str] | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.accepted = accepted or []


@dataclass
class Fact:
    certain: set[str]
    possible: set[str]  # certain plus what the input does not exclude
    given: list[str]  # the input values, as written, for the answer


@dataclass
class Facts:
    known: dict[str, Fact]
    country: str | None
    as_of: date = field(default_factory=dates.today)  # the date the facts are assessed for

    def get(self, key: str) -> Fact | None:
        return self.known.get(key)


def _concept(model: Model, key: str, value: Any, field: str) -> str:
    values = model.vocabulary.get(key, {})
    if isinstance(value, str):
        if value in values:
            return values[value]
        if value in values.values():  # the concept's IRI is accepted too
            return value
    accepted = sorted(values)
    raise InputError(
        f"{field}: unknown value {value!r}; accepted: {', '.join(accepted)}", field=field, accepted=accepted
    )


def parse(payload: Any, model: Model) -> Facts:
    """Validate ``payload`` (the decoded JSON) and return its facts; raise InputError naming the problem."""
    if not isinstance(payload, dict):
        raise InputError("the input must be a JSON object", field="")
    allowed = {*LIST_KEYS, "victim", "context", "as_of"}
    for key in payload:
        if key not in allowed:
            raise InputError(
                f"unknown key {key!r}; accepted: {', '.join(sorted(allowed))}",
                field=key,
                accepted=sorted(allowed),
            )
    known: dict[str, Fact] = {}
    for key in LIST_KEYS:
        if key in payload:
            known[key] = _list_fact(payload[key], key, model)

    victim = payload.get("victim")
    if victim is not None:
        known_age = _victim(victim, model)
        if known_age:
            known[AGE_KEY] = known_age

    country = None
    context = payload.get("context")
    if context is not None:
        if not isinstance(context, dict):
            raise InputError("context: expected an object", field="context")
        for name, value in context.items():
            if name == "country":
                country = _country(value, f"context.{name}")
            else:
                key, fact = _context_fact(name, value, model)
                known[key] = fact
    return Facts(known, country, _as_of(payload.get("as_of")))


def _as_of(value: Any) -> date:
    """The date the facts are assessed for; today when not given."""
    try:
        return dates.as_of(value)
    except dates.DateError as exc:
        raise InputError(str(exc), field="as_of") from None


def _list_fact(values: Any, key: str, model: Model) -> Fact:
    """One of the list keys (acts, means, ...): its concepts and everything broader."""
    if not isinstance(values, list):
        raise InputError(f"{key}: expected a list of values, got {type(values).__name__}", field=key)
    concepts = {_concept(model, key, v, f"{key}[{i}]") for i, v in enumerate(values)}
    expanded = model.upward(concepts)
    return Fact(expanded, expanded, [model.notation_of(c) for c in sorted(concepts)])


def _context_fact(name: str, value: Any, model: Model) -> tuple[str, Fact]:
    """A context key other than the country: an enumerated concept or a true/false flag."""
    field = f"context.{name}"
    if name in CONTEXT_ENUMS:
        concept = _concept(model, CONTEXT_ENUMS[name], value, field)
        expanded = model.upward({concept})  # an occupation is an international armed conflict
        return CONTEXT_ENUMS[name], Fact(expanded, expanded, [model.notation_of(concept)])
    if name in CONTEXT_FLAGS:
        if not isinstance(value, bool):
            raise InputError(f"{field}: expected true or false, got {value!r}", field=field)
        flag = model.vocabulary.get("context", {}).get(name)
        present = {flag} if value and flag else set()
        return field, Fact(present, present, [str(value).lower()])
    accepted = sorted([*CONTEXT_ENUMS, *CONTEXT_FLAGS, "country"])
    raise InputError(
        f"unknown key {field!r}; accepted: {', '.join(accepted)}", field=field, accepted=accepted
    )


def _country(value: Any, field: str) -> str:
    """An ISO 3166-1 alpha-2 code, upper-cased, or an InputError naming the field."""
    if (
        not isinstance(value, str)
        or len(value) != 2
        or pycountry.countries.get(alpha_2=value.upper()) is None
    ):
        codes = [c.alpha_2 for c in pycountry.countries]
        near = difflib.get_close_matches(str(value).upper(), codes, n=5, cutoff=0.5)
        raise InputError(
            f"{field}: {value!r} is not an ISO 3166-1 alpha-2 country code; close: {', '.join(near) or 'none'}",
            field=field,
            accepted=near,
        )
    return value.upper()


def _narrower_bands(concept: str, groups: list[AgeGroup]) -> set[str]:
    """The groups whose ages all fall in ``concept``'s band: a child may or may not be under 15."""
    band = next((group for group in groups if group.iri == concept), None)
    return {group.iri for group in groups if band is not None and group.within(band)}


def _victim(victim: Any, model: Model) -> Fact | None:
    if not isinstance(victim, dict):
        raise InputError(
            'victim: expected an object such as {"age": 16} or {"age_group": "child"}', field="victim"
        )
    for key in victim:
        if key not in {"age", "age_group"}:
            raise InputError(f"unknown key 'victim.{key}'; accepted: age, age_group", field=f"victim.{key}")
    from_age: set[str] | None = None
    if "age" in victim:
        age = victim["age"]
        if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 130:
            raise InputError(
                f"victim.age: expected a whole number of years from 0 to 130, got {age!r}", field="victim.age"
            )
        from_age = {group.iri for group in groups_for(age, model.age_groups)}
        certain = possible = from_age
        given = [str(age)]
    if "age_group" in victim:
        concept = _concept(model, AGE_KEY, victim["age_group"], "victim.age_group")
        certain = model.upward({concept})
        possible = certain | _narrower_bands(concept, model.age_groups)
        given = [model.notation_of(concept)]
        if from_age is not None and not certain <= from_age:
            raise InputError(
                f"victim: age {victim['age']} contradicts age_group {victim['age_group']!r}",
                field="victim.age_group",
            )
        if from_age is not None:
            certain = possible = from_age
            given = [str(victim["age"])]
    if "age" not in victim and "age_group" not in victim:
        return None
    return Fact(set(certain), set(possible), given)

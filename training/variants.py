"""Fact patterns in words, and scenario variants: a worked example's facts with one thing changed.

The age variant places the victim in another of the graph's age groups (``tipkg.assessment.ages``);
the means and conflict variants draw from the assessment vocabulary. Every draw comes from the
``random.Random`` the caller seeds, so a seed gives the same variant every time.
"""

from __future__ import annotations

import copy
import random
from typing import Any

from tipkg.assessment.ages import AgeGroup, narrowest
from tipkg.assessment.model import Model

Payload = dict[str, Any]
FACT_KEYS = (
    ("acts", "Acts"),
    ("means", "Means"),
    ("purposes", "Exploitative purposes"),
    ("conduct", "Other conduct"),
)
# The ages a variant may give the victim: some on each side of every bound the graph states.
SAMPLE_AGES = (12, 14, 16, 17, 19, 24, 35)


def label_of(model: Model, key: str, notation: str) -> str:
    """The label of the concept an input value names (``means`` ``threat`` -> "Threat")."""
    iri = model.vocabulary.get(key, {}).get(notation)
    return model.labels.get(iri, notation) if iri else notation


def describe_facts(payload: Payload, model: Model) -> list[tuple[str, str]]:
    """An assessment input as (field, values in words) pairs, in reading order."""
    facts = []
    for key, title in FACT_KEYS:
        if key in payload:
            values = payload[key]
            facts.append((title, ", ".join(label_of(model, key, v) for v in values) if values else "none"))
    victim = payload.get("victim", {})
    if "age" in victim:
        facts.append(("Victim", f"{victim['age']} years old"))
    elif "age_group" in victim:
        facts.append(("Victim", label_of(model, "victim.age_group", victim["age_group"])))
    facts += _context_facts(payload.get("context", {}), model)
    return facts or [("Facts", "none stated")]


def _context_facts(context: dict[str, Any], model: Model) -> list[tuple[str, str]]:
    facts = []
    if "armed_conflict" in context:
        facts.append(("Armed conflict", label_of(model, "context.armed_conflict", context["armed_conflict"])))
    if "perpetrator" in context:
        facts.append(("Perpetrator", label_of(model, "context.perpetrator", context["perpetrator"])))
    flags = [
        f"{label_of(model, 'context', k)}: {'yes' if v else 'no'}"
        for k, v in sorted(context.items())
        if isinstance(v, bool)
    ]
    if flags:
        facts.append(("Context", "; ".join(flags)))
    if "country" in context:
        facts.append(("Country", context["country"]))
    return facts


def band(age: int, groups: list[AgeGroup]) -> str | None:
    """The notation of the narrowest age group ``age`` falls in."""
    group = narrowest(age, groups)
    return group.notation if group else None


def vary(
    kind: str, payload: Payload, model: Model, rng: random.Random, groups: list[AgeGroup]
) -> tuple[Payload, str]:
    """A copy of ``payload`` with one thing changed, and what was changed, in words."""
    if kind == "age":
        return _vary_age(payload, model, rng, groups)
    if kind == "means":
        return _vary_means(payload, model, rng)
    if kind == "conflict":
        return _vary_conflict(payload, model, rng)
    raise ValueError(kind)


def _vary_age(
    payload: Payload, model: Model, rng: random.Random, groups: list[AgeGroup]
) -> tuple[Payload, str]:
    new = copy.deepcopy(payload)
    victim = payload.get("victim", {})
    # A stated group ("child") leaves its narrower groups open: an age in one of them is a change.
    current = band(victim["age"], groups) if "age" in victim else victim.get("age_group")
    age = rng.choice([a for a in SAMPLE_AGES if band(a, groups) != current])
    new["victim"] = {"age": age}
    if "age" in victim:
        before = f"{victim['age']} years old"
    elif "age_group" in victim:
        before = label_of(model, "victim.age_group", victim["age_group"]).lower()
    else:
        before = "of an age not stated"
    return new, f"The victim is {age} years old (the example: {before})."


def _vary_means(payload: Payload, model: Model, rng: random.Random) -> tuple[Payload, str]:
    new = copy.deepcopy(payload)
    means = payload.get("means")
    if means:
        new["means"] = []
        used = ", ".join(label_of(model, "means", m).lower() for m in means)
        return new, f"No means was used (the example: {used})."
    value = rng.choice(sorted(model.vocabulary.get("means", {})))
    new["means"] = [value]
    before = "no means" if means == [] else "means not stated"
    return new, f"The means was {label_of(model, 'means', value).lower()} (the example: {before})."


def _vary_conflict(payload: Payload, model: Model, rng: random.Random) -> tuple[Payload, str]:
    new = copy.deepcopy(payload)
    context = new.setdefault("context", {})
    current = context.get("armed_conflict")
    options = [v for v in sorted(model.vocabulary.get("context.armed_conflict", {})) if v != current]
    value = rng.choice(options)
    context["armed_conflict"] = value
    before = (
        label_of(model, "context.armed_conflict", current).lower() if current else "conflict type not stated"
    )
    return new, (
        f"The conduct takes place in this setting: "
        f"{label_of(model, 'context.armed_conflict', value).lower()} (the example: {before})."
    )

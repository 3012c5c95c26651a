"""One generic evaluation of every qualification's elements against the facts.

An element with a fact key is ``present`` when a certain fact meets it, ``missing`` when no
possible fact can, and ``unknown`` otherwise (the key was not given, or the input leaves it open).
An element with alternatives takes the best of them. A waiver that is present makes an element
unnecessary; a qualification is ``missing`` if any element is missing, ``unknown`` if any is
unknown, and ``present`` when all are present.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tipkg.assessment.facts import LIST_KEYS, Facts
from tipkg.assessment.model import Criterion, Model, Qualification, Requirement

PRESENT, MISSING, UNKNOWN = "present", "missing", "unknown"
RANK = {PRESENT: 0, UNKNOWN: 1, MISSING: 2}
Answer = dict[str, Any]  # one qualification's answer, in the shape of the JSON contract
INPUT_NAMES = {"victim.age_group": "victim"}  # the age may be given as an age or an age group


@dataclass
class Outcome:
    status: str
    facts: list[str] = field(default_factory=list)  # the input values that met the element
    needed: list[str] = field(default_factory=list)  # the input keys that would settle it
    waived_by: str | None = None


def evaluate(req: Requirement, facts: Facts, model: Model) -> Outcome:
    if req.any_of:
        outcomes = [evaluate(model.requirements[alt], facts, model) for alt in req.any_of]
        best = min(outcomes, key=lambda o: RANK[o.status])
        if best.status == PRESENT:
            return Outcome(
                PRESENT, facts=sorted({f for o in outcomes if o.status == PRESENT for f in o.facts})
            )
        needed = sorted({k for o in outcomes for k in o.needed})
        outcome = Outcome(best.status, needed=needed if best.status == UNKNOWN else [])
    else:
        outcome = _evaluate_key(req, facts, model)
    if outcome.status == PRESENT or not req.waived_by:
        return outcome
    waivers = [(w, evaluate(model.requirements[w], facts, model)) for w in req.waived_by]
    for iri, waiver in waivers:
        if waiver.status == PRESENT:
            return Outcome(PRESENT, facts=waiver.facts, waived_by=model.requirements[iri].label)
    if outcome.status == MISSING and all(w.status == MISSING for _, w in waivers):
        return outcome
    needed = sorted(set(outcome.needed) | {k for _, w in waivers for k in w.needed})
    return Outcome(UNKNOWN, needed=needed)


def _evaluate_key(req: Requirement, facts: Facts, model: Model) -> Outcome:
    key = req.fact_key or ""
    fact = facts.get(key)
    wanted = INPUT_NAMES.get(key, key)
    if fact is None:
        return Outcome(UNKNOWN, needed=[wanted])
    met = fact.certain & req.satisfied_by
    if met:
        return Outcome(
            PRESENT,
            facts=sorted(model.notation_of(c) for c in met if model.notation_of(c) in fact.given)
            or fact.given,
        )
    if not fact.possible & req.satisfied_by:
        return Outcome(MISSING)
    return Outcome(UNKNOWN, needed=[wanted])


def assess_qualification(q: Qualification, facts: Facts, model: Model) -> Answer:
    if q.from_criteria:
        return _sanctions(q, facts, model)
    elements: list[dict[str, Any]] = []
    outcomes: dict[str, Outcome] = {}
    for iri in q.requirements:
        req = model.requirements[iri]
        outcome = evaluate(req, facts, model)
        outcomes[iri] = outcome
        element: dict[str, Any] = {"label": req.label, "status": outcome.status, "facts": outcome.facts}
        if outcome.waived_by:
            element["waived_by"] = outcome.waived_by
        if outcome.needed:
            element["needed"] = outcome.needed
        element["provisions"] = [{"iri": p.iri, "citation": p.citation} for p in req.provisions]
        elements.append(element)
    statuses = {o.status for o in outcomes.values()}
    status = MISSING if MISSING in statuses else UNKNOWN if UNKNOWN in statuses else PRESENT

    provisions: list[dict[str, str]] = [{"iri": p.iri, "citation": p.citation} for p in q.provisions]
    for conditional in q.conditionals:
        applies = evaluate(model.requirements[conditional.when], facts, model).status
        if applies != MISSING:
            entry = {"iri": conditional.provision.iri, "citation": conditional.provision.citation}
            if applies == UNKNOWN:
                entry["condition"] = conditional.label
            provisions.append(entry)
    remarks = [
        r.text
        for r in q.remarks
        if r.when is None or evaluate(model.requirements[r.when], facts, model).status == PRESENT
    ]
    return _answer(
        q,
        status,
        elements,
        missing=[e["label"] for e in elements if e["status"] == MISSING],
        needed=sorted({k for e in elements for k in e.get("needed", [])}),
        provisions=_unique(provisions),
        explanation=" ".join(filter(None, [q.definition, *remarks])),
    )


def _answer(q: Qualification, status: str, elements: list[dict[str, Any]], **fields: Any) -> Answer:
    """One qualification's answer, in the contract's shape."""
    return {"id": q.id, "iri": q.iri, "label": q.label, "status": status, "elements": elements, **fields}


def _unique(provisions: list[dict[str, str]]) -> list[dict[str, str]]:
    seen: set[str] = set()
    out: list[dict[str, str]] = []
    for p in provisions:
        if p["iri"] not in seen:
            seen.add(p["iri"])
            out.append(p)
    return out


def _where(criterion: Criterion, facts: Facts, model: Model) -> Outcome:
    """Whether the criterion's regime applies: the facts meet its scope, or are of its country."""
    if criterion.scope is not None:
        return evaluate(model.requirements[criterion.scope], facts, model)
    if facts.country is None:
        return Outcome(UNKNOWN, needed=["context.country"])
    return Outcome(PRESENT if facts.country == criterion.country else MISSING)


def _sanctions(q: Qualification, facts: Facts, model: Model) -> Answer:
    """Criteria that reach the conduct, of regimes that apply to the facts (``_where``)."""
    given = [facts.get(k) for k in LIST_KEYS]
    conduct = set().union(*(f.certain for f in given if f))
    conduct_open = any(f is None for f in given)
    matches: list[Criterion] = []
    open_matches: list[Criterion] = []
    scope_needed: set[str] = set()
    for criterion in model.criteria:
        reached = criterion.reaches & model.upward(conduct)
        place = _where(criterion, facts, model)
        where = place.status
        what = PRESENT if reached else UNKNOWN if conduct_open and criterion.reaches else MISSING
        if where == PRESENT and what == PRESENT:
            matches.append(criterion)
        elif MISSING not in (where, what):
            open_matches.append(criterion)
            scope_needed |= set(place.needed)
    status = PRESENT if matches else UNKNOWN if open_matches else MISSING
    shown = matches or open_matches
    elements: list[dict[str, Any]] = [
        {
            "label": f"{c.regime_label}: {c.label}",
            "status": PRESENT if c in matches else UNKNOWN,
            "facts": sorted(model.notation_of(r) for r in c.reaches & model.upward(conduct)),
            "provisions": [{"iri": c.provision.iri, "citation": c.provision.citation}],
        }
        for c in shown
    ]
    needed = (
        sorted(
            {k for k, f in zip(LIST_KEYS, given, strict=True) if f is None}
            | ({"context.country"} if not facts.country else set())
            | scope_needed
        )
        if status == UNKNOWN
        else []
    )
    return _answer(
        q,
        status,
        elements,
        missing=[]
        if status != MISSING
        else ["a designation criterion of a regime that applies to the facts"],
        needed=needed,
        provisions=_unique([e["provisions"][0] for e in elements]),
        explanation=q.definition or "",
    )


def assess(facts: Facts, model: Model) -> dict[str, Any]:
    results = [assess_qualification(q, facts, model) for q in model.qualifications]
    return {
        "qualifications": results,
        "summary": {s: [r["id"] for r in results if r["status"] == s] for s in (PRESENT, MISSING, UNKNOWN)},
        "disclaimer": "This assessment lays the facts given against the elements of each qualification. It informs; it does not decide. Each case must be assessed on all its facts.",
    }

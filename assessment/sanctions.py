"""Designation under a sanctions regime: the criteria, in force on the date assessed for, of regimes
that apply to the facts and reach the conduct. A regime that applies but had ended by that date is
shown as missing with the day it ended and why (``tip:inForceUntil``, ``tip:endedBecause``)."""

from __future__ import annotations

from typing import Any

from tipkg.assessment import explain
from tipkg.assessment.engine import Answer, Evaluation, Outcome, answer, unique
from tipkg.assessment.facts import LIST_KEYS
from tipkg.assessment.model import Criterion, Qualification
from tipkg.assessment.status import MISSING, PRESENT, UNKNOWN
from tipkg.dates import in_force


def _where(criterion: Criterion, run: Evaluation) -> Outcome:
    """Whether the criterion's regime applies: the facts meet its scope, or are of its country."""
    if criterion.scope is not None:
        return run.outcome(criterion.scope)
    if run.facts.country is None:
        return Outcome(UNKNOWN, needed=["context.country"])
    return Outcome(PRESENT if run.facts.country == criterion.country else MISSING)


def _ended(criterion: Criterion, run: Evaluation) -> bool:
    """Whether the regime had ended by the date assessed for, the criterion being in force on its
    last day (a criterion replaced earlier is not shown again)."""
    until = criterion.regime_until
    return (
        until is not None
        and until < run.facts.as_of
        and in_force(until, start=criterion.criterion_from, until=criterion.criterion_until)
    )


def _in_force(criterion: Criterion, run: Evaluation) -> bool:
    on = run.facts.as_of
    return in_force(on, start=criterion.regime_from, until=criterion.regime_until) and in_force(
        on, start=criterion.criterion_from, until=criterion.criterion_until
    )


def _element(c: Criterion, status: str, run: Evaluation, conduct: set[str]) -> dict[str, Any]:
    model = run.model
    element: dict[str, Any] = {
        "label": f"{c.regime_label}: {c.label}",
        "status": status,
        "facts": sorted(model.notation_of(r) for r in c.reaches & model.upward(conduct)),
        "provisions": [explain.provision(c.provision, model)],
        "indicators": [],
    }
    if status == PRESENT:
        element["why"] = "The regime applies to the facts and the criterion reaches the conduct given."
    elif status == UNKNOWN:
        element["why"] = (
            "The regime may apply and the criterion may reach the conduct; more facts are needed."
        )
    else:
        until = c.regime_until
        assert until is not None  # only an ended regime's criterion is shown as missing
        element["ended"] = until.isoformat()
        reason = f" {c.ended_because}" if c.ended_because else ""
        element["why"] = (
            f"The regime applies to the facts but was no longer in force: it ended on {until.isoformat()}.{reason}"
        )
        if c.ended_because:
            element["ended_because"] = c.ended_because
    return element


def _ask(run: Evaluation, open_matches: list[Criterion], given: list[Any]) -> list[dict[str, Any]]:
    """The questions that settle the first open criterion: where it applies and the conduct it reaches."""
    if not open_matches:
        return []
    c = open_matches[0]
    model = run.model
    questions: list[dict[str, Any]] = []
    if c.scope is not None:
        questions += explain.ask(run, [model.requirements[c.scope]])
    elif run.facts.country is None and c.country:
        questions.append({"fact": "context.country", "values": [c.country]})
    for key, fact in zip(LIST_KEYS, given, strict=True):
        values = [
            n for n, iri in sorted(model.vocabulary.get(key, {}).items()) if model.upward({iri}) & c.reaches
        ]
        if fact is None and values:
            questions.append({"fact": key, "values": values})
            break
    return questions


def assess_sanctions(q: Qualification, run: Evaluation) -> Answer:
    """Criteria that reach the conduct, of regimes that apply to the facts (``_where``)."""
    facts, model = run.facts, run.model
    given = [facts.get(k) for k in LIST_KEYS]
    conduct = set().union(*(f.certain for f in given if f))
    conduct_open = any(f is None for f in given)
    matches: list[Criterion] = []
    open_matches: list[Criterion] = []
    ended: list[Criterion] = []
    scope_needed: set[str] = set()
    for criterion in model.criteria:
        reached = criterion.reaches & model.upward(conduct)
        place = _where(criterion, run)
        what = PRESENT if reached else UNKNOWN if conduct_open and criterion.reaches else MISSING
        if place.status == PRESENT and what == PRESENT and _ended(criterion, run):
            ended.append(criterion)
        elif not _in_force(criterion, run):
            continue
        elif place.status == PRESENT and what == PRESENT:
            matches.append(criterion)
        elif MISSING not in (place.status, what):
            open_matches.append(criterion)
            scope_needed |= set(place.needed)
    status = PRESENT if matches else UNKNOWN if open_matches else MISSING
    shown = [(c, PRESENT) for c in matches] or [(c, UNKNOWN) for c in open_matches]
    elements = [_element(c, s, run, conduct) for c, s in [*shown, *((c, MISSING) for c in ended)]]
    needed = (
        sorted(
            {k for k, f in zip(LIST_KEYS, given, strict=True) if f is None}
            | ({"context.country"} if not facts.country else set())
            | scope_needed
        )
        if status == UNKNOWN
        else []
    )
    return answer(
        q,
        status,
        elements,
        missing=[]
        if status != MISSING
        else ["a designation criterion of a regime that applies to the facts"],
        needed=needed,
        provisions=unique([e["provisions"][0] for e in elements if e["status"] != MISSING]),
        explanation=q.definition or "",
        ask=_ask(run, open_matches, given) if status == UNKNOWN else [],
        trace=[
            {"element": e["label"], "status": e["status"], "rule": "designation criterion", "depth": 0}
            for e in elements
        ],
        indicators=[],
    )

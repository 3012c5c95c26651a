"""One generic evaluation of every qualification's elements against the facts.

An element with a fact key is ``present`` when a certain fact meets it, ``missing`` when no
possible fact can, and ``unknown`` otherwise (the key was not given, or the input leaves it open).
An element with alternatives (``tip:anyOf``) takes the best of them; one with parts (``tip:allOf``)
the worst. A waiver that is present makes an element unnecessary; a qualification is ``missing`` if
any element is missing, ``unknown`` if any is unknown, and ``present`` when all are present.

A provision that applies on a condition (``tip:conditionalProvision``, on a qualification or an
element) is cited when its condition is present, with the condition when it is unknown, and not at
all when it is missing; when cited, it replaces the provisions it is a part of (the sub-paragraph
the facts meet, not the whole article). ``explain`` adds the reasons a reader can follow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tipkg.assessment import explain
from tipkg.assessment.facts import Facts
from tipkg.assessment.model import Conditional, Model, Provision, Qualification, Requirement
from tipkg.assessment.status import MISSING, PRESENT, RANK, UNKNOWN

Answer = dict[str, Any]  # one qualification's answer, in the shape of the JSON contract
INPUT_NAMES = {"victim.age_group": "victim"}  # the age may be given as an age or an age group
__all__ = ["MISSING", "PRESENT", "UNKNOWN", "Evaluation", "assess"]


@dataclass
class Outcome:
    status: str
    facts: list[str] = field(default_factory=list)  # the input values that met the element
    needed: list[str] = field(default_factory=list)  # the input keys that would settle it
    waived_by: str | None = None
    rule: str = "fact"  # how the engine decided: fact, any of, all of, waiver


class Evaluation:
    """The facts of one request laid against the model; each element is evaluated once."""

    def __init__(self, facts: Facts, model: Model) -> None:
        self.facts = facts
        self.model = model
        self.done: dict[str, Outcome] = {}
        self.order: list[str] = []  # the elements in the order they were evaluated
        self.memo: dict[tuple[str, str], Any] = {}  # what explain derives once per element

    def outcome(self, iri: str) -> Outcome:
        found = self.done.get(iri)
        if found is None:
            found = self._evaluate(self.model.requirements[iri])
            self.done[iri] = found
            self.order.append(iri)
        return found

    def status(self, iri: str) -> str:
        return self.outcome(iri).status

    def _evaluate(self, req: Requirement) -> Outcome:
        if req.any_of:
            outcome = self._any_of(req.any_of)
        elif req.all_of:
            outcome = self._all_of(req.all_of)
        else:
            outcome = self._key(req)
        if outcome.status == PRESENT or not req.waived_by:
            return outcome
        waivers = [(w, self.outcome(w)) for w in req.waived_by]
        for iri, waiver in waivers:
            if waiver.status == PRESENT:
                label = self.model.requirements[iri].label
                return Outcome(PRESENT, facts=waiver.facts, waived_by=label, rule="waiver")
        if outcome.status == MISSING and all(w.status == MISSING for _, w in waivers):
            return Outcome(MISSING, rule="waiver")
        needed = sorted(set(outcome.needed) | {k for _, w in waivers for k in w.needed})
        return Outcome(UNKNOWN, needed=needed, rule="waiver")

    def _any_of(self, alternatives: list[str]) -> Outcome:
        outcomes = [self.outcome(alt) for alt in alternatives]
        best = min(outcomes, key=lambda o: RANK[o.status])
        if best.status == PRESENT:
            met = sorted({f for o in outcomes if o.status == PRESENT for f in o.facts})
            return Outcome(PRESENT, facts=met, rule="any of")
        needed = sorted({k for o in outcomes for k in o.needed}) if best.status == UNKNOWN else []
        return Outcome(best.status, needed=needed, rule="any of")

    def _all_of(self, parts: list[str]) -> Outcome:
        outcomes = [self.outcome(part) for part in parts]
        worst = max(outcomes, key=lambda o: RANK[o.status])
        if worst.status == UNKNOWN:
            return Outcome(UNKNOWN, needed=sorted({k for o in outcomes for k in o.needed}), rule="all of")
        return Outcome(worst.status, facts=sorted({f for o in outcomes for f in o.facts}), rule="all of")

    def _key(self, req: Requirement) -> Outcome:
        key = req.fact_key or ""
        fact = self.facts.get(key)
        wanted = INPUT_NAMES.get(key, key)
        if fact is None:
            return Outcome(UNKNOWN, needed=[wanted])
        met = fact.certain & req.satisfied_by
        if met:
            notations = sorted(self.model.notation_of(c) for c in met)
            return Outcome(PRESENT, facts=[n for n in notations if n in fact.given] or fact.given)
        if not fact.possible & req.satisfied_by:
            return Outcome(MISSING)
        return Outcome(UNKNOWN, needed=[wanted])

    def provisions(
        self, general: list[Provision], conditionals: list[Conditional], *, settled: bool = False
    ) -> list[dict[str, Any]]:
        """The provisions to cite: the general ones, and the conditional ones whose condition is
        present (in place of the provisions they are part of) or, unless ``settled``, unknown."""
        applying = [c for c in conditionals if self.status(c.when) == PRESENT]
        open_ = [] if settled else [c for c in conditionals if self.status(c.when) == UNKNOWN]
        narrowed = set().union(*(self.model.wording.get(c.provision.iri, _NONE).broader for c in applying))
        cited = [explain.provision(p, self.model) for p in general if p.iri not in narrowed]
        cited += [explain.provision(c.provision, self.model) for c in applying]
        cited += [explain.provision(c.provision, self.model, condition=c.label) for c in open_]
        return unique(cited)


_NONE = explain.NO_WORDING


def unique(provisions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for p in provisions:
        if p["iri"] not in seen:
            seen.add(p["iri"])
            out.append(p)
    return out


def _element(run: Evaluation, req: Requirement) -> dict[str, Any]:
    outcome = run.outcome(req.iri)
    element: dict[str, Any] = {"label": req.label, "status": outcome.status, "facts": outcome.facts}
    if outcome.waived_by:
        element["waived_by"] = outcome.waived_by
    if outcome.needed:
        element["needed"] = outcome.needed
    general = [p for p in req.provisions if p.iri not in {c.provision.iri for c in req.conditionals}]
    element["provisions"] = run.provisions(general, req.conditionals, settled=outcome.status == MISSING)
    element["why"] = explain.why(run, req)
    element["indicators"] = [i.iri for i in explain.indicators(run, req)]
    return element


def assess_qualification(q: Qualification, run: Evaluation) -> Answer:
    if q.from_criteria:
        from tipkg.assessment.sanctions import assess_sanctions

        return assess_sanctions(q, run)
    model = run.model
    elements = [_element(run, model.requirements[iri]) for iri in q.requirements]
    statuses = {e["status"] for e in elements}
    status = MISSING if MISSING in statuses else UNKNOWN if UNKNOWN in statuses else PRESENT
    remarks = [r.text for r in q.remarks if r.when is None or run.status(r.when) == PRESENT]
    reqs = [model.requirements[iri] for iri in q.requirements]
    return answer(
        q,
        status,
        elements,
        missing=[e["label"] for e in elements if e["status"] == MISSING],
        needed=sorted({k for e in elements for k in e.get("needed", [])}),
        provisions=run.provisions(q.provisions, q.conditionals),
        explanation=" ".join(filter(None, [q.definition, *remarks])),
        ask=explain.ask(run, reqs) if status == UNKNOWN else [],
        trace=explain.trace(run, reqs, q.conditionals),
        indicators=explain.indicator_list(run, reqs),
    )


def answer(q: Qualification, status: str, elements: list[dict[str, Any]], **fields: Any) -> Answer:
    """One qualification's answer, in the contract's shape."""
    return {"id": q.id, "iri": q.iri, "label": q.label, "status": status, "elements": elements, **fields}


def assess(facts: Facts, model: Model) -> dict[str, Any]:
    run = Evaluation(facts, model)
    results = [assess_qualification(q, run) for q in model.qualifications]
    return {
        "as_of": facts.as_of.isoformat(),
        "qualifications": results,
        "summary": {s: [r["id"] for r in results if r["status"] == s] for s in (PRESENT, MISSING, UNKNOWN)},
        "disclaimer": "This assessment lays the facts given against the elements of each qualification. It informs; it does not decide. Each case must be assessed on all its facts.",
    }


def evaluate(req: Requirement, facts: Facts, model: Model) -> Outcome:
    """One element on the facts (kept for callers outside a whole assessment)."""
    return Evaluation(facts, model).outcome(req.iri)

"""The reasons an answer shows: why each element came out as it did, the provisions with their
words and pages, the questions still to ask, the trace of the evaluation and the indicators that
help establish an element (annex II of the UNODC thematic paper).

Every per-provision entry of an answer is built by ``provision``, so a stage that adds to it (the
State's participation in the instrument, for instance) has one place to hook into.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tipkg.assessment.model import Conditional, Indicator, Model, Provision, Requirement, Wording
from tipkg.assessment.status import MISSING, PRESENT, UNKNOWN

if TYPE_CHECKING:
    from tipkg.assessment.engine import Evaluation

NO_WORDING = Wording()
EVIDENCE_KEYS = ("purposes", "means", "conduct")  # the keys the annex II indicators point to
KEY_WORDS = {
    "acts": "the act",
    "means": "the means",
    "purposes": "the purpose of exploitation",
    "conduct": "the other conduct",
    "victim": "the victim's age",
    "victim.age_group": "the victim's age",
    "context.armed_conflict": "whether there was an armed conflict, and of which type",
    "context.perpetrator": "who the perpetrator was",
    "context.recruitment": "how the person was recruited",
    "context.setting": "whether the facts arise in a conflict or post-conflict setting",
    "context.country": "the country",
}


def page(iri: str) -> str:
    """The browser's path for an IRI of the graph (``/id/provision/...``)."""
    at = iri.find("/id/")
    return iri[at:] if at >= 0 else iri


def provision(p: Provision, model: Model, *, condition: str | None = None) -> dict[str, Any]:
    """One cited provision as the answer gives it: citation, page, wording and any condition."""
    entry: dict[str, Any] = {"iri": p.iri, "citation": p.citation, "page": page(p.iri)}
    quotation = model.wording.get(p.iri, NO_WORDING).quotation
    if quotation:
        entry["quotation"] = quotation
    if condition:
        entry["condition"] = condition
    return entry


def phrase(model: Model, key: str) -> str:
    """An input key in words: ``means`` is "the means", a context flag is its label."""
    if key in KEY_WORDS:
        return KEY_WORDS[key]
    name = key.removeprefix("context.")
    concept = model.vocabulary.get("context", {}).get(name)
    label = model.labels.get(concept or "", name.replace("_", " "))
    return f"whether there was {label[:1].lower()}{label[1:]}"


def _vocabulary_key(model: Model, key: str) -> str | None:
    return key if key in model.vocabulary else None


def value_label(model: Model, key: str, notation: str) -> str:
    concept = model.vocabulary.get(key, {}).get(notation)
    if concept is None:
        if notation in {"True", "False"}:
            return "yes" if notation == "True" else "no"
        return f"age {notation}" if key == "victim.age_group" and notation.isdigit() else notation
    return model.labels.get(concept, notation).lower()


def _leaves(run: Evaluation, iri: str, wanted: set[str]) -> list[Requirement]:
    """The elements with a fact key under ``iri`` (through alternatives and parts) whose status is wanted."""
    req = run.model.requirements[iri]
    if run.outcome(iri).status not in wanted:
        return []
    if not (req.any_of or req.all_of):
        return [req]
    return [leaf for child in req.any_of or req.all_of for leaf in _leaves(run, child, wanted)]


def _given(run: Evaluation, leaves: list[Requirement], *, met: bool) -> str:
    parts: list[str] = []
    for key in dict.fromkeys(leaf.fact_key or "" for leaf in leaves):
        fact = run.facts.get(key)
        if fact is None:
            continue
        if met:
            values = sorted(
                {v for leaf in leaves if leaf.fact_key == key for v in run.outcome(leaf.iri).facts}
            )
        else:
            values = fact.given
        words = ", ".join(value_label(run.model, key, v) for v in values) or "none"
        parts.append(f"{phrase(run.model, key)}: {words}")
    return "; ".join(parts)


def why(run: Evaluation, req: Requirement) -> str:
    """One sentence naming the facts that met or failed the element, or the facts still needed."""
    outcome = run.outcome(req.iri)
    if outcome.waived_by:
        waiver = next(w for w in req.waived_by if run.status(w) == PRESENT)
        given = _given(run, _leaves(run, waiver, {PRESENT}), met=True)
        return f"Not needed, because {outcome.waived_by[:1].lower()}{outcome.waived_by[1:]} ({given})."
    if outcome.status == PRESENT:
        return f"Met by the facts given: {_given(run, _leaves(run, req.iri, {PRESENT}), met=True)}."
    if outcome.status == MISSING:
        given = _given(run, _leaves(run, req.iri, {MISSING}), met=False)
        return f"Not met: the facts given ({given}) include nothing that meets it." if given else "Not met."
    wanted = [phrase(run.model, k) for k in outcome.needed]
    return f"Not known yet: still needed, {'; '.join(wanted)}."


def _values(run: Evaluation, req: Requirement) -> list[Any]:
    """The input values under the element's key that would make it present, the facts not excluding
    them; a value narrower than another listed is left out (``under-16``, not also ``under-15``)."""
    key = req.fact_key or ""
    vocab_key = _vocabulary_key(run.model, key)
    if vocab_key is None:
        return [True]  # a context flag
    fact = run.facts.get(key)
    cache = run.model.cache
    if (req.iri, "values") not in cache:
        vocabulary = run.model.vocabulary[vocab_key]
        cache[(req.iri, "values")] = [
            (n, c) for n, c in sorted(vocabulary.items()) if run.model.upward({c}) & req.satisfied_by
        ]
    values = [(n, c) for n, c in cache[(req.iri, "values")] if fact is None or c in fact.possible]
    listed = {c for _, c in values}
    return [n for n, c in values if not run.model.ancestors.get(c, set()) & listed]


def _questions(run: Evaluation, iri: str) -> list[tuple[str, list[Any]]]:
    req = run.model.requirements[iri]
    if run.status(iri) != UNKNOWN:
        return []
    found: list[tuple[str, list[Any]]] = []
    if req.any_of or req.all_of:
        for child in req.any_of or req.all_of:
            found += _questions(run, child)
    else:
        values = _values(run, req)
        if values:
            found.append((req.fact_key or "", values))
    for waiver in req.waived_by:
        found += _questions(run, waiver)
    return found


def ask(run: Evaluation, elements: list[Requirement]) -> list[dict[str, Any]]:
    """The facts still unknown that would decide the qualification, with the values that would
    make it present; the key that bears on most elements first."""
    values: dict[str, list[Any]] = {}
    weight: dict[str, int] = {}
    for req in elements:
        for key, wanted in _questions(run, req.iri):
            weight[key] = weight.get(key, 0) + 1
            merged = values.setdefault(key, [])
            merged += [v for v in wanted if v not in merged]
    order = list(values)
    keys = sorted(values, key=lambda k: (-weight[k], order.index(k)))
    return [{"fact": k, "values": values[k]} for k in keys]


def _walk(run: Evaluation, iri: str, depth: int, steps: list[dict[str, Any]]) -> None:
    req = run.model.requirements[iri]
    outcome = run.outcome(iri)
    step: dict[str, Any] = {
        "element": req.label,
        "status": outcome.status,
        "rule": outcome.rule,
        "depth": depth,
    }
    if req.fact_key:
        step["fact"] = req.fact_key
    if outcome.waived_by:
        step["waived_by"] = outcome.waived_by
    steps.append(step)
    for child in [*req.any_of, *req.all_of, *req.waived_by]:
        _walk(run, child, depth + 1, steps)
    _conditions(run, req.conditionals, depth + 1, steps)


def _conditions(
    run: Evaluation, conditionals: list[Conditional], depth: int, steps: list[dict[str, Any]]
) -> None:
    for c in conditionals:
        steps.append(
            {
                "element": c.label,
                "status": run.status(c.when),
                "rule": "conditional provision",
                "provision": c.provision.citation,
                "depth": depth,
            }
        )


def trace(
    run: Evaluation, elements: list[Requirement], conditionals: list[Conditional]
) -> list[dict[str, Any]]:
    """The elements in the order the engine evaluated them, each with the rule it applied."""
    steps: list[dict[str, Any]] = []
    for req in elements:
        _walk(run, req.iri, 0, steps)
    _conditions(run, conditionals, 0, steps)
    return steps


def _relevant(run: Evaluation, iri: str) -> set[str]:
    """The purposes, means or conduct whose evidence would help establish the element."""
    req = run.model.requirements[iri]
    if req.any_of or req.all_of:
        return set().union(*(_relevant(run, child) for child in req.any_of or req.all_of))
    if req.fact_key not in EVIDENCE_KEYS:
        return set()
    fact = run.facts.get(req.fact_key or "")
    if fact is None:
        return req.satisfied_by
    return (fact.certain if run.status(iri) == PRESENT else fact.possible) & req.satisfied_by


def indicators(run: Evaluation, req: Requirement) -> list[Indicator]:
    found = run.memo.get(("indicators", req.iri))
    if found is None:
        relevant = _relevant(run, req.iri)
        found = [i for i in run.model.indicators if i.reach & relevant] if relevant else []
        run.memo[("indicators", req.iri)] = found
    return found


def indicator_list(run: Evaluation, elements: list[Requirement]) -> list[dict[str, Any]]:
    """The indicators of all the elements, in the annex's order, each once."""
    wanted = {i.iri for req in elements for i in indicators(run, req)}
    return [
        {"iri": i.iri, "label": i.label, "group": i.group, "page": page(i.iri)}
        for i in run.model.indicators
        if i.iri in wanted
    ]

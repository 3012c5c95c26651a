"""The qualification model, read from the graph through named queries into plain objects once per
build, so that evaluating a fact pattern touches no store and starts no JVM."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pyoxigraph as ox

from tipkg import queries
from tipkg.assessment.ages import AgeGroup, age_groups
from tipkg.store import Store


@dataclass
class Provision:
    iri: str
    citation: str


@dataclass
class Wording:
    """What the answer shows of a provision besides its citation: its words and what it is part of."""

    quotation: str | None = None
    broader: set[str] = field(default_factory=set)  # the provisions it is part of (eli:is_part_of+)


@dataclass
class Indicator:
    iri: str
    label: str
    group: str
    indicates: set[str] = field(default_factory=set)
    reach: set[str] = field(default_factory=set)  # what it indicates, with the broader concepts


@dataclass
class Conditional:
    provision: Provision
    when: str
    label: str


@dataclass
class Requirement:
    iri: str
    label: str
    definition: str | None = None
    order: int = 99
    fact_key: str | None = None
    satisfied_by: set[str] = field(default_factory=set)
    any_of: list[str] = field(default_factory=list)
    all_of: list[str] = field(default_factory=list)
    waived_by: list[str] = field(default_factory=list)
    provisions: list[Provision] = field(default_factory=list)
    conditionals: list[Conditional] = field(default_factory=list)  # sub-paragraphs by alternative


@dataclass
class Remark:
    text: str
    when: str | None


@dataclass
class Qualification:
    iri: str
    id: str
    label: str
    definition: str | None
    requirements: list[str] = field(default_factory=list)
    provisions: list[Provision] = field(default_factory=list)
    conditionals: list[Conditional] = field(default_factory=list)
    remarks: list[Remark] = field(default_factory=list)
    from_criteria: bool = False  # evaluated from its framework's sanctions regimes' criteria


@dataclass
class Criterion:
    regime: str
    regime_label: str
    country: str | None  # the regime applies to the facts of this country, or
    scope: str | None  # to the facts that meet this requirement (a regime of global scope)
    iri: str
    label: str
    reaches: set[str]
    provision: Provision
    regime_from: date | None = None
    regime_until: date | None = None  # the last day in force
    ended_because: str | None = None
    criterion_from: date | None = None
    criterion_until: date | None = None


@dataclass
class Model:
    """Everything the engine needs: vocabulary, ancestors, qualifications, elements, criteria."""

    vocabulary: dict[str, dict[str, str]]  # input key -> notation -> concept IRI
    labels: dict[str, str]  # concept IRI -> label
    ancestors: dict[str, set[str]]
    qualifications: list[Qualification]
    requirements: dict[str, Requirement]
    criteria: list[Criterion]
    age_groups: list[AgeGroup] = field(default_factory=list)  # with their bounds, narrowest first
    wording: dict[str, Wording] = field(default_factory=dict)  # provision IRI -> its words and parents
    indicators: list[Indicator] = field(default_factory=list)
    notations: dict[str, str] = field(default_factory=dict)  # concept IRI -> notation
    cache: dict[tuple[str, str], Any] = field(default_factory=dict)  # derived once per model

    def __post_init__(self) -> None:
        for values in self.vocabulary.values():
            for notation, concept in values.items():
                self.notations.setdefault(concept, notation)
        for indicator in self.indicators:
            indicator.reach = self.upward(indicator.indicates)

    def notation_of(self, iri: str) -> str:
        return self.notations.get(iri, iri)

    def upward(self, concepts: set[str]) -> set[str]:
        """The concepts with all their broader concepts."""
        out = set(concepts)
        for concept in concepts:
            out |= self.ancestors.get(concept, set())
        return out


def _value(row: ox.QuerySolution, name: str) -> str | None:
    term = row[name]
    return None if term is None else term.value


def text_of(row: ox.QuerySolution, name: str) -> str:
    """A variable the query always binds."""
    term = row[name]
    assert term is not None, name
    return str(term.value)


def load(store: Store) -> Model:
    """The assessment model: vocabularies, requirements, qualifications and criteria, from the graph."""
    vocabulary, labels, ancestors = _vocabulary(store)
    requirements = _requirements(store)
    return Model(
        vocabulary=dict(vocabulary),
        labels=labels,
        ancestors=dict(ancestors),
        qualifications=sorted(_qualifications(store, requirements).values(), key=lambda q: q.id),
        requirements=requirements,
        criteria=_criteria(store),
        age_groups=age_groups(store),
        wording=_wording(store),
        indicators=_indicators(store),
    )


def _vocabulary(store: Store) -> tuple[dict[str, dict[str, str]], dict[str, str], dict[str, set[str]]]:
    """Input vocabularies by key and notation, concept labels, and each concept's ancestors."""
    vocabulary: dict[str, dict[str, str]] = defaultdict(dict)
    labels: dict[str, str] = {}
    for row in queries.select(store, "assessment-vocabulary"):
        vocabulary[text_of(row, "key")][text_of(row, "notation")] = text_of(row, "concept")
        labels[text_of(row, "concept")] = text_of(row, "label")

    ancestors: dict[str, set[str]] = defaultdict(set)
    for row in queries.select(store, "concept-ancestors"):
        ancestors[text_of(row, "concept")].add(text_of(row, "ancestor"))
    return vocabulary, labels, ancestors


def _requirements(store: Store) -> dict[str, Requirement]:
    """Every requirement with what satisfies, combines and waives it."""
    requirements: dict[str, Requirement] = {}
    for row in queries.select(store, "assessment-requirements"):
        iri = text_of(row, "requirement")
        req = requirements.setdefault(iri, Requirement(iri, text_of(row, "label")))
        req.definition = _value(row, "definition") or req.definition
        if row["order"] is not None:
            req.order = int(text_of(row, "order"))
        req.fact_key = _value(row, "factKey") or req.fact_key
        for name, target in (("satisfiedBy", req.satisfied_by),):
            if row[name] is not None:
                target.add(row[name].value)
        if row["anyOf"] is not None and text_of(row, "anyOf") not in req.any_of:
            req.any_of.append(text_of(row, "anyOf"))
        if row["allOf"] is not None and text_of(row, "allOf") not in req.all_of:
            req.all_of.append(text_of(row, "allOf"))
        if row["waivedBy"] is not None and text_of(row, "waivedBy") not in req.waived_by:
            req.waived_by.append(text_of(row, "waivedBy"))
        if row["provision"] is not None and all(p.iri != text_of(row, "provision") for p in req.provisions):
            req.provisions.append(Provision(text_of(row, "provision"), text_of(row, "citation")))
    for req in requirements.values():  # alternatives and parts in a stable order: tip:order, then IRI
        req.any_of.sort(key=lambda iri: (requirements[iri].order, iri))
        req.all_of.sort(key=lambda iri: (requirements[iri].order, iri))
    return requirements


def _qualifications(store: Store, requirements: dict[str, Requirement]) -> dict[str, Qualification]:
    """Every qualification with its requirements, provisions, conditional provisions and remarks."""
    qualifications: dict[str, Qualification] = {}
    for row in queries.select(store, "assessment-qualifications"):
        iri = text_of(row, "qualification")
        q = qualifications.setdefault(
            iri, Qualification(iri, text_of(row, "id"), text_of(row, "label"), _value(row, "definition"))
        )
        q.from_criteria |= row["fromCriteria"] is not None
    for row in queries.select(store, "assessment-structure"):
        found = qualifications.get(text_of(row, "qualification"))
        element = requirements.get(text_of(row, "qualification"))
        if found is None and element is not None and text_of(row, "kind") == "conditional-provision":
            element.conditionals.append(_conditional(row))
            element.conditionals.sort(key=lambda c: (c.provision.citation, c.when))
        if found is None:
            continue
        q = found
        kind = text_of(row, "kind")
        if kind == "requirement" and text_of(row, "item") not in q.requirements:
            q.requirements.append(text_of(row, "item"))
        elif kind == "provision" and all(p.iri != text_of(row, "provision") for p in q.provisions):
            q.provisions.append(Provision(text_of(row, "provision"), text_of(row, "citation")))
        elif kind == "conditional-provision":
            q.conditionals.append(_conditional(row))
        elif kind == "remark":
            q.remarks.append(Remark(text_of(row, "text"), _value(row, "when")))
    for q in qualifications.values():
        # A provision that applies only on a condition is not also a general legal basis.
        conditional = {c.provision.iri for c in q.conditionals}
        q.provisions = [p for p in q.provisions if p.iri not in conditional]
        q.conditionals.sort(key=lambda c: (c.provision.citation, c.when))  # the same order on every store
        q.requirements.sort(key=lambda iri: (requirements[iri].order, iri))
        q.provisions.sort(key=lambda p: p.citation)
        q.remarks.sort(key=lambda r: (r.when is not None, r.text))
    return qualifications


def _conditional(row: ox.QuerySolution) -> Conditional:
    return Conditional(
        Provision(text_of(row, "provision"), text_of(row, "citation")),
        text_of(row, "when"),
        text_of(row, "conditionLabel"),
    )


def _wording(store: Store) -> dict[str, Wording]:
    """Each cited provision's words (the curated quotation first, else the official text) and parents."""
    wording: dict[str, Wording] = {}
    for row in queries.select(store, "assessment-provisions"):
        found = wording.setdefault(text_of(row, "provision"), Wording())
        found.quotation = found.quotation or _value(row, "quotation") or _value(row, "officialText")
        if row["broader"] is not None:
            found.broader.add(text_of(row, "broader"))
    return wording


def _indicators(store: Store) -> list[Indicator]:
    """The annex II indicators that point to a purpose, means or conduct, in the annex's order."""
    found: dict[str, Indicator] = {}
    for row in queries.select(store, "assessment-indicators"):
        iri = text_of(row, "indicator")
        indicator = found.setdefault(iri, Indicator(iri, text_of(row, "label"), text_of(row, "groupLabel")))
        indicator.indicates.add(text_of(row, "indicates"))
    return list(found.values())


def _date(row: ox.QuerySolution, name: str) -> date | None:
    text = _value(row, name)
    return date.fromisoformat(text[:10]) if text else None


def _criteria(store: Store) -> list[Criterion]:
    """Sanctions designation criteria with their regime, its scope and what they reach."""
    criteria: dict[str, Criterion] = {}
    for row in queries.select(store, "assessment-criteria"):
        iri = text_of(row, "criterion")
        if iri not in criteria:
            criteria[iri] = Criterion(
                regime=text_of(row, "regime"),
                regime_label=text_of(row, "regimeLabel"),
                country=_value(row, "country"),
                scope=_value(row, "scope"),
                iri=iri,
                label=text_of(row, "criterionLabel"),
                reaches=set(),
                provision=Provision(text_of(row, "provision"), text_of(row, "citation")),
                regime_from=_date(row, "regimeFrom"),
                regime_until=_date(row, "regimeUntil"),
                ended_because=_value(row, "regimeEnded") or _value(row, "criterionEnded"),
                criterion_from=_date(row, "criterionFrom"),
                criterion_until=_date(row, "criterionUntil"),
            )
        if row["reaches"] is not None:
            criteria[iri].reaches.add(text_of(row, "reaches"))
    return list(criteria.values())

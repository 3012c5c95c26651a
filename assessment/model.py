"""The qualification model, read from the graph through named queries into plain objects once per
build, so that evaluating a fact pattern touches no store and starts no JVM."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from tipkg import queries
from tipkg.store import Store


@dataclass
class Provision:
    iri: str
    citation: str


@dataclass
class Requirement:
    iri: str
    label: str
    definition: str | None = None
    order: int = 99
    fact_key: str | None = None
    satisfied_by: set[str] = field(default_factory=set)
    any_of: list[str] = field(default_factory=list)
    waived_by: list[str] = field(default_factory=list)
    provisions: list[Provision] = field(default_factory=list)


@dataclass
class Conditional:
    provision: Provision
    when: str
    label: str


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
    from_criteria: bool = False  # evaluated from the sanctions regimes' designation criteria


@dataclass
class Criterion:
    regime: str
    regime_label: str
    country: str | None
    global_scope: bool
    iri: str
    label: str
    reaches: set[str]
    provision: Provision


@dataclass
class Model:
    """Everything the engine needs: vocabulary, ancestors, qualifications, elements, criteria."""

    vocabulary: dict[str, dict[str, str]]  # input key -> notation -> concept IRI
    labels: dict[str, str]  # concept IRI -> label
    ancestors: dict[str, set[str]]
    qualifications: list[Qualification]
    requirements: dict[str, Requirement]
    criteria: list[Criterion]

    def notation_of(self, iri: str) -> str:
        for values in self.vocabulary.values():
            for notation, concept in values.items():
                if concept == iri:
                    return notation
        return iri

    def upward(self, concepts: set[str]) -> set[str]:
        """The concepts with all their broader concepts."""
        out = set(concepts)
        for concept in concepts:
            out |= self.ancestors.get(concept, set())
        return out


def _value(row, name):
    term = row[name]
    return None if term is None else term.value


def load(store: Store) -> Model:
    vocabulary: dict[str, dict[str, str]] = defaultdict(dict)
    labels: dict[str, str] = {}
    for row in queries.run(store, "assessment-vocabulary"):
        vocabulary[row["key"].value][row["notation"].value] = row["concept"].value
        labels[row["concept"].value] = row["label"].value

    ancestors: dict[str, set[str]] = defaultdict(set)
    for row in queries.run(store, "concept-ancestors"):
        ancestors[row["concept"].value].add(row["ancestor"].value)

    requirements: dict[str, Requirement] = {}
    for row in queries.run(store, "assessment-requirements"):
        iri = row["requirement"].value
        req = requirements.setdefault(iri, Requirement(iri, row["label"].value))
        req.definition = _value(row, "definition") or req.definition
        if row["order"] is not None:
            req.order = int(row["order"].value)
        req.fact_key = _value(row, "factKey") or req.fact_key
        for name, target in (("satisfiedBy", req.satisfied_by),):
            if row[name] is not None:
                target.add(row[name].value)
        if row["anyOf"] is not None and row["anyOf"].value not in req.any_of:
            req.any_of.append(row["anyOf"].value)
        if row["waivedBy"] is not None and row["waivedBy"].value not in req.waived_by:
            req.waived_by.append(row["waivedBy"].value)
        if row["provision"] is not None and all(p.iri != row["provision"].value for p in req.provisions):
            req.provisions.append(Provision(row["provision"].value, row["citation"].value))

    qualifications: dict[str, Qualification] = {}
    for row in queries.run(store, "assessment-qualifications"):
        iri = row["qualification"].value
        q = qualifications.setdefault(
            iri, Qualification(iri, row["id"].value, row["label"].value, _value(row, "definition"))
        )
        q.from_criteria |= (_value(row, "framework") or "").endswith("/framework/un-sanctions")
    for row in queries.run(store, "assessment-structure"):
        q = qualifications.get(row["qualification"].value)
        if q is None:
            continue
        kind = row["kind"].value
        if kind == "requirement" and row["item"].value not in q.requirements:
            q.requirements.append(row["item"].value)
        elif kind == "provision" and all(p.iri != row["provision"].value for p in q.provisions):
            q.provisions.append(Provision(row["provision"].value, row["citation"].value))
        elif kind == "conditional-provision":
            q.conditionals.append(
                Conditional(
                    Provision(row["provision"].value, row["citation"].value),
                    row["when"].value,
                    row["conditionLabel"].value,
                )
            )
        elif kind == "remark":
            q.remarks.append(Remark(row["text"].value, _value(row, "when")))
    for q in qualifications.values():
        # A provision that applies only on a condition is not also a general legal basis.
        conditional = {c.provision.iri for c in q.conditionals}
        q.provisions = [p for p in q.provisions if p.iri not in conditional]
        q.conditionals.sort(key=lambda c: c.provision.citation)  # the same order on every store
        q.requirements.sort(key=lambda iri: (requirements[iri].order, iri))
        q.provisions.sort(key=lambda p: p.citation)
        q.remarks.sort(key=lambda r: (r.when is not None, r.text))

    criteria: dict[str, Criterion] = {}
    for row in queries.run(store, "sanctions-criteria"):
        iri = row["criterion"].value
        if iri not in criteria:
            criteria[iri] = Criterion(
                regime=row["regime"].value,
                regime_label=row["regimeLabel"].value,
                country=_value(row, "country"),
                global_scope=_value(row, "global") in {"true", "1"},
                iri=iri,
                label=row["criterionLabel"].value,
                reaches=set(),
                provision=Provision(row["provision"].value, row["citation"].value),
            )
        if row["reaches"] is not None:
            criteria[iri].reaches.add(row["reaches"].value)

    return Model(
        vocabulary=dict(vocabulary),
        labels=labels,
        ancestors=dict(ancestors),
        qualifications=sorted(qualifications.values(), key=lambda q: q.id),
        requirements=requirements,
        criteria=list(criteria.values()),
    )

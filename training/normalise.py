"""Normalise: the graph, through named queries and the assessment engine, to plain dataclasses.

Every statement the renderers print comes from one resource of the graph and carries its IRI; the
module registers each IRI once, in reading order, as a numbered note with the resource's own sources
(the pinpoint or provision its ``dcterms:source`` gives). Scenario variants are drawn from a
``random.Random`` seeded with the seed, the module, the case and the kind of change, so one graph and
one seed give the same module every time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from tipkg import queries
from tipkg.assessment import Assessor
from tipkg.assessment.ages import AgeGroup, age_groups
from tipkg.assessment.cases import Case, load_cases
from tipkg.namespaces import DEFAULT_BASE
from tipkg.queries.rows import value
from tipkg.store import Store
from tipkg.training import exercises, sections
from tipkg.training.model import Module, Note, Progress, Ref
from tipkg.training.modules import ModuleSpec
from tipkg.training.quiz import build_quiz

Section = Callable[[ModuleSpec, Module, sections.Run], None]
# (progress label, the query that turns the section on, the Module field it fills), in reading order
SECTIONS = (
    ("key concepts", "training-concepts", "concepts"),
    ("legal framework", "training-provisions", "provisions"),
    ("overlaps", "training-overlaps", "overlaps"),
    ("comparisons", "training-comparison", "comparisons"),
    ("indicators", "training-indicators", "indicators"),
    ("sanctions regimes", "training-sanctions", "regimes"),
    ("exercises", "training-case", "exercises"),
    ("further reading", "training-further-reading", "reading"),
)
READERS: dict[str, Section] = {
    "training-concepts": sections.concepts,
    "training-provisions": sections.provisions,
    "training-overlaps": sections.overlaps,
    "training-comparison": sections.comparisons,
    "training-indicators": sections.indicators,
    "training-sanctions": sections.regimes,
    "training-further-reading": sections.reading,
}


class Normaliser:
    """Reads modules from one store; the sources, cases and age groups are read once and kept."""

    def __init__(self, store: Store, *, base: str = DEFAULT_BASE, progress: Progress | None = None) -> None:
        self.store = store
        self.base = base
        self.progress = progress or (lambda _m: None)
        self.assessor = Assessor(store)
        self._sources: dict[str, list[str]] | None = None
        self._cases: dict[str, Case] | None = None
        self._age_groups: list[AgeGroup] | None = None

    def run(self, name: str, params: dict[str, object] | None = None) -> Any:
        return queries.run(self.store, name, params or {}, base=self.base)

    def sources(self) -> dict[str, list[str]]:
        """Each resource's sources in words, with the source's IRI."""
        if self._sources is None:
            self._sources = read_sources(self.run("training-sources"))
        return self._sources

    def context(self) -> exercises.Context:
        if self._cases is None:
            self._cases = load_cases(self.store)
        if self._age_groups is None:
            self._age_groups = age_groups(self.store)
        return exercises.Context(self.assessor, self._cases, self._age_groups, self.run)

    def module(self, spec: ModuleSpec, seed: int = 0) -> Module:
        module = Module(
            name=spec.name,
            title=spec.title,
            summary=spec.summary,
            objectives=list(spec.objectives),
            module_file=f"training/modules/{spec.name}.toml",
            seed=seed,
        )
        # The exercises need the engine and the cases besides the queries.
        readers = {**READERS, "training-case": lambda s, m, _run: exercises.exercises(s, m, self.context())}
        for label, query, attr in SECTIONS:
            if query not in spec.queries:
                continue
            readers[query](spec, module, self.run)
            self.progress(f"  {spec.name}: {label} ({len(getattr(module, attr))})")
        labels = [q.label for q in self.assessor.model().qualifications]
        module.quiz = build_quiz(spec, module, labels)
        self.progress(f"  {spec.name}: quiz ({len(module.quiz)} questions)")
        sources = self.sources()
        for iri, label in cited(module):
            if iri and iri not in module.notes:
                module.notes[iri] = Note(len(module.notes) + 1, iri, label, sources.get(iri, []))
        return module


def read_sources(results: Any) -> dict[str, list[str]]:
    """Rows of ``training-sources`` to the sources of each resource, in words, without repeats."""
    found: dict[str, list[str]] = {}
    for row in results:
        document = value(row["document"])
        if document:
            text = value(row["documentLabel"]) or document
            locator = value(row["locator"])
            if locator:
                text += f", {locator}"
            text += f" <{document}>"
        else:
            text = f"{value(row['sourceLabel']) or ''} <{value(row['source'])}>".strip()
        entries = found.setdefault(str(value(row["resource"])), [])
        if text not in entries:
            entries.append(text)
    return found


def _refs(items: list[Ref]) -> Iterator[tuple[str, str]]:
    return ((r.iri, r.label) for r in items)


def _exercises_cited(module: Module) -> Iterator[tuple[str, str]]:
    for e in module.exercises:
        yield e.case.iri, e.case.label
        for a in e.answers:
            yield a.iri, a.label
            yield from _refs(a.provisions)
            for el in a.elements:
                yield from _refs(el.provisions)


def cited(module: Module) -> Iterator[tuple[str, str]]:
    """(IRI, label) of every resource the module cites, in reading order: the notes' numbering."""
    for c in module.concepts:
        yield c.iri, c.label
    for p in module.provisions:
        yield p.iri, p.label
    for o in module.overlaps:
        yield o.iri, o.label
        yield from _refs(o.provisions)
    for cmp in module.comparisons:
        yield cmp.iri, cmp.label
        yield from ((point.iri, point.label) for point in cmp.points)
    for i in module.indicators:
        yield i.iri, i.label
    for r in module.regimes:
        yield r.iri, r.label
        for criterion in r.criteria:
            yield criterion.iri, criterion.label
            yield from _refs(criterion.provisions)
    yield from _exercises_cited(module)
    for q in module.quiz:
        yield q.source, q.source
    for item in module.reading:
        yield item.iri, item.label

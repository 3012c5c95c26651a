"""The training material as plain data: what the normaliser reads from the graph and the renderers
print. Every item carries the IRI of the graph resource it comes from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Progress = Callable[[str], None]
STATUS_TEXT = {
    "present": "Every element is present on the facts",
    "missing": "At least one element is missing",
    "unknown": "Open: more facts are needed to decide",
}


@dataclass
class Ref:
    iri: str
    label: str


@dataclass
class Note:
    number: int
    iri: str
    label: str
    sources: list[str] = field(default_factory=list)  # "document label, locator" or provision labels


@dataclass
class Concept:
    iri: str
    label: str
    definition: str
    kind: str  # "concept" or "glossary term"
    notation: str | None = None
    defines: Ref | None = None


@dataclass
class Provision:
    iri: str
    label: str  # the citable label: "Rome Statute, art. 7(2)(c)"
    citation: str
    instrument: Ref
    text: str
    quoted: bool
    covers: list[Ref] = field(default_factory=list)


@dataclass
class Overlap:
    iri: str
    label: str
    conduct: list[Ref]
    framework: Ref
    qualification: Ref | None
    condition: str
    explanation: str
    provisions: list[Ref]
    age_group: str | None = None
    conflict_type: str | None = None


@dataclass
class ComparisonPoint:
    iri: str
    label: str
    left: str
    right: str


@dataclass
class Comparison:
    iri: str
    label: str
    description: str
    left: Ref
    right: Ref
    points: list[ComparisonPoint]


@dataclass
class Indicator:
    iri: str
    label: str
    definition: str
    group: Ref
    subject: str
    indicates: list[Ref]


@dataclass
class Criterion:
    iri: str
    label: str
    description: str
    provisions: list[Ref]
    reaches: list[Ref]


@dataclass
class Regime:
    iri: str
    label: str
    description: str
    scope: str
    committee: str
    established_by: str
    criteria: list[Criterion]


@dataclass
class Element:
    label: str
    status: str
    facts: list[str]
    needed: list[str]
    waived_by: str | None
    provisions: list[Ref]


@dataclass
class AnswerKey:
    id: str
    iri: str
    label: str
    status: str
    elements: list[Element]
    provisions: list[Ref]
    explanation: str

    @property
    def status_text(self) -> str:
        return STATUS_TEXT[self.status]


@dataclass
class Exercise:
    id: str
    title: str
    kind: str  # "worked example" or "variant"
    case: Ref
    description: str
    change: str  # for a variant: what was changed
    facts: list[tuple[str, str]]  # (field, values in words)
    input: dict[str, Any]
    answers: list[AnswerKey]
    present: list[Ref]  # every qualification the engine finds present
    attached: list[Ref]  # what the source itself attaches (worked examples)


@dataclass
class Choice:
    text: str
    correct: bool
    feedback: str


@dataclass
class Question:
    id: str
    kind: str  # "multichoice" or "truefalse"
    topic: str  # "definition", "citation", "framework", "scenario"
    text: str
    choices: list[Choice]
    feedback: str
    source: str  # the IRI the question was generated from
    answer: bool | None = None  # truefalse only
    exercise: str | None = None  # scenario questions: the exercise id


@dataclass
class Reading:
    iri: str
    label: str
    description: str
    author: str
    year: str
    symbol: str
    url: str
    about: list[Ref]


@dataclass
class Module:
    name: str
    title: str
    summary: str
    objectives: list[str]
    module_file: str
    seed: int
    concepts: list[Concept] = field(default_factory=list)
    provisions: list[Provision] = field(default_factory=list)
    overlaps: list[Overlap] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    regimes: list[Regime] = field(default_factory=list)
    exercises: list[Exercise] = field(default_factory=list)
    quiz: list[Question] = field(default_factory=list)
    reading: list[Reading] = field(default_factory=list)
    notes: dict[str, Note] = field(default_factory=dict)

    def note(self, iri: str) -> int:
        return self.notes[iri].number

    @property
    def sources(self) -> list[Note]:
        return sorted(self.notes.values(), key=lambda n: n.number)


def add_ref(items: list[Ref], iri: str | None, label: str | None) -> None:
    """Append ``Ref(iri, label)`` unless either is unbound or the IRI is already listed."""
    if iri and label and all(r.iri != iri for r in items):
        items.append(Ref(iri, label))


def ref_key(ref: Ref) -> tuple[str, str]:
    """Order of references by label, then IRI."""
    return (ref.label, ref.iri)

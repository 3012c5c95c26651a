"""Normalise: the graph, through named queries and the assessment engine, to plain dataclasses.

Every statement the renderers print comes from one resource of the graph and carries its IRI; the
module registers each IRI once, in reading order, as a numbered note with the resource's own sources
(the pinpoint or provision its ``dcterms:source`` gives). Scenario variants are drawn from a
``random.Random`` seeded with the seed, the module, the case and the kind of change, so one graph and
one seed give the same module every time.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from tipkg import queries
from tipkg.assessment import Assessor
from tipkg.assessment.cases import load_cases
from tipkg.namespaces import DEFAULT_BASE
from tipkg.store import Store
from tipkg.training.modules import ModuleSpec

Progress = Callable[[str], None]
STATUS_TEXT = {
    "present": "Every element is present on the facts",
    "missing": "At least one element is missing",
    "unknown": "Open: more facts are needed to decide",
}
FACT_KEYS = (
    ("acts", "Acts"),
    ("means", "Means"),
    ("purposes", "Exploitative purposes"),
    ("conduct", "Other conduct"),
)


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
    input: dict
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


def _v(row, name: str) -> str | None:
    term = row[name]
    return None if term is None else term.value


def _add(items: list[Ref], iri: str | None, label: str | None) -> None:
    if iri and label and all(r.iri != iri for r in items):
        items.append(Ref(iri, label))


class Normaliser:
    def __init__(self, store: Store, *, base: str = DEFAULT_BASE, progress: Progress | None = None) -> None:
        self.store = store
        self.base = base
        self.progress = progress or (lambda _m: None)
        self.assessor = Assessor(store)
        self._sources: dict[str, list[str]] | None = None
        self._cases = None

    def run(self, name: str, params: dict | None = None):
        return queries.run(self.store, name, params or {}, base=self.base)

    # --- shared look-ups --------------------------------------------------------------------

    def sources(self) -> dict[str, list[str]]:
        if self._sources is None:
            found: dict[str, list[str]] = {}
            for row in self.run("training-sources"):
                if _v(row, "document"):
                    text = _v(row, "documentLabel") or _v(row, "document")
                    if _v(row, "locator"):
                        text += f", {_v(row, 'locator')}"
                    text += f" <{_v(row, 'document')}>"
                else:
                    text = f"{_v(row, 'sourceLabel') or ''} <{_v(row, 'source')}>".strip()
                entries = found.setdefault(_v(row, "resource"), [])
                if text not in entries:
                    entries.append(text)
            self._sources = found
        return self._sources

    def cases(self):
        if self._cases is None:
            self._cases = load_cases(self.store)
        return self._cases

    # --- the module -------------------------------------------------------------------------

    def module(self, spec: ModuleSpec, seed: int = 0) -> Module:
        module = Module(
            name=spec.name,
            title=spec.title,
            summary=spec.summary,
            objectives=list(spec.objectives),
            module_file=f"training/modules/{spec.name}.toml",
            seed=seed,
        )
        uses = set(spec.queries)
        steps = [
            ("key concepts", "training-concepts", self._concepts),
            ("legal framework", "training-provisions", self._provisions),
            ("overlaps", "training-overlaps", self._overlaps),
            ("comparisons", "training-comparison", self._comparisons),
            ("indicators", "training-indicators", self._indicators),
            ("sanctions regimes", "training-sanctions", self._regimes),
            ("exercises", "training-case", self._exercises),
            ("further reading", "training-further-reading", self._reading),
        ]
        for label, query, step in steps:
            if query in uses:
                step(spec, module)
                self.progress(f"  {spec.name}: {label} ({self._count(module, label)})")
        self._quiz(spec, module)
        self.progress(f"  {spec.name}: quiz ({len(module.quiz)} questions)")
        self._number(module)
        return module

    @staticmethod
    def _count(module: Module, label: str) -> int:
        attr = {
            "key concepts": "concepts",
            "legal framework": "provisions",
            "overlaps": "overlaps",
            "comparisons": "comparisons",
            "indicators": "indicators",
            "sanctions regimes": "regimes",
            "exercises": "exercises",
            "further reading": "reading",
        }[label]
        return len(getattr(module, attr))

    def _concepts(self, spec: ModuleSpec, module: Module) -> None:
        seen: set[str] = set()
        for topic in spec.concepts:
            for row in self.run("training-concepts", {"topic": topic}):
                iri = _v(row, "concept")
                if iri in seen or not _v(row, "definition"):
                    continue
                seen.add(iri)
                module.concepts.append(
                    Concept(iri, _v(row, "label"), _v(row, "definition"), "concept", _v(row, "notation"))
                )
        if "training-glossary" in spec.queries:
            for topic in spec.concepts:
                for row in self.run("training-glossary", {"topic": topic}):
                    iri = _v(row, "term")
                    if iri in seen:
                        continue
                    seen.add(iri)
                    module.concepts.append(
                        Concept(
                            iri,
                            _v(row, "label"),
                            _v(row, "definition"),
                            "glossary term",
                            defines=Ref(_v(row, "defines"), _v(row, "definesLabel")),
                        )
                    )

    def _provisions(self, spec: ModuleSpec, module: Module) -> None:
        found: dict[str, Provision] = {}
        for topic in spec.framework:
            for row in self.run("training-provisions", {"topic": topic}):
                iri = _v(row, "provision")
                if iri not in found:
                    quotation = _v(row, "quotation")
                    found[iri] = Provision(
                        iri,
                        _v(row, "label"),
                        _v(row, "citation") or "",
                        Ref(_v(row, "instrument"), _v(row, "instrumentLabel")),
                        quotation or _v(row, "description") or "",
                        quotation is not None,
                    )
                _add(found[iri].covers, _v(row, "resource"), _v(row, "resourceLabel"))
        for p in found.values():
            p.covers.sort(key=_ref_key)
        module.provisions = sorted(
            found.values(), key=lambda p: (p.instrument.label, _citation_key(p.citation))
        )

    def _overlaps(self, spec: ModuleSpec, module: Module) -> None:
        found: dict[str, Overlap] = {}
        limits: dict[str, tuple[set, set]] = {}
        for topic in spec.overlaps:
            for row in self.run("training-overlaps", {"topic": topic}):
                iri = _v(row, "overlap")
                if iri not in found:
                    qualification = (
                        Ref(_v(row, "qualification"), _v(row, "qualificationLabel"))
                        if _v(row, "qualification")
                        else None
                    )
                    found[iri] = Overlap(
                        iri,
                        _v(row, "label"),
                        [],
                        Ref(_v(row, "framework"), _v(row, "frameworkLabel")),
                        qualification,
                        _v(row, "condition") or "",
                        _v(row, "explanation") or "",
                        [],
                        _v(row, "ageGroupLabel"),
                        _v(row, "conflictTypeLabel"),
                    )
                _add(found[iri].conduct, _v(row, "conduct"), _v(row, "conductLabel"))
                _add(found[iri].provisions, _v(row, "provision"), _v(row, "provisionLabel"))
                limits.setdefault(iri, (set(), set()))
                limits[iri][0].add(_v(row, "ageGroupLabel"))
                limits[iri][1].add(_v(row, "conflictTypeLabel"))
        for iri, (ages, conflicts) in limits.items():
            found[iri].age_group = " or ".join(sorted(filter(None, ages))) or None
            found[iri].conflict_type = " or ".join(sorted(filter(None, conflicts))) or None
        for o in found.values():
            o.conduct.sort(key=_ref_key)
            o.provisions.sort(key=lambda r: (_citation_key(r.label), r.iri))
        module.overlaps = sorted(found.values(), key=lambda o: (o.framework.label, o.label, o.iri))

    def _comparisons(self, spec: ModuleSpec, module: Module) -> None:
        for iri in spec.comparisons:
            comparison = None
            about = list(self.run("training-concepts", {"topic": iri}))
            for row in self.run("training-comparison", {"comparison": iri}):
                if comparison is None:
                    comparison = Comparison(
                        iri,
                        _v(about[0], "label") if about else iri,
                        (_v(about[0], "definition") if about else None) or "",
                        Ref(_v(row, "left"), _v(row, "leftLabel")),
                        Ref(_v(row, "right"), _v(row, "rightLabel")),
                        [],
                    )
                comparison.points.append(
                    ComparisonPoint(
                        _v(row, "point"), _v(row, "pointLabel"), _v(row, "leftValue"), _v(row, "rightValue")
                    )
                )
            if comparison is not None:
                module.comparisons.append(comparison)

    def _indicators(self, spec: ModuleSpec, module: Module) -> None:
        found: dict[str, Indicator] = {}
        for topic in spec.indicators:
            for row in self.run("training-indicators", {"topic": topic}):
                iri = _v(row, "indicator")
                if iri not in found:
                    found[iri] = Indicator(
                        iri,
                        _v(row, "label"),
                        _v(row, "definition") or "",
                        Ref(_v(row, "group"), _v(row, "groupLabel")),
                        _v(row, "subjectLabel") or "",
                        [],
                    )
                _add(found[iri].indicates, _v(row, "indicates"), _v(row, "indicatesLabel"))
        for i in found.values():
            i.indicates.sort(key=_ref_key)
        module.indicators = list(found.values())

    def _regimes(self, spec: ModuleSpec, module: Module) -> None:
        regimes: dict[str, Regime] = {}
        criteria: dict[str, Criterion] = {}
        for row in self.run("training-sanctions"):
            iri = _v(row, "regime")
            if iri not in regimes:
                scope = (
                    "global: persons and groups wherever they are"
                    if _v(row, "global") in {"true", "1"}
                    else f"country: {_v(row, 'country')}"
                    if _v(row, "country")
                    else ""
                )
                regimes[iri] = Regime(
                    iri,
                    _v(row, "regimeLabel"),
                    _v(row, "regimeDescription") or "",
                    scope,
                    _v(row, "committeeLabel") or "",
                    _v(row, "establishedByLabel") or "",
                    [],
                )
            c_iri = _v(row, "criterion")
            if c_iri not in criteria:
                criteria[c_iri] = Criterion(
                    c_iri, _v(row, "criterionLabel"), _v(row, "criterionDescription") or "", [], []
                )
                regimes[iri].criteria.append(criteria[c_iri])
            _add(criteria[c_iri].provisions, _v(row, "provision"), _v(row, "provisionLabel"))
            _add(criteria[c_iri].reaches, _v(row, "reaches"), _v(row, "reachesLabel"))
        for c in criteria.values():
            c.reaches.sort(key=_ref_key)
            c.provisions.sort(key=lambda r: (_citation_key(r.label), r.iri))
        module.regimes = list(regimes.values())

    def _reading(self, spec: ModuleSpec, module: Module) -> None:
        found: dict[str, Reading] = {}
        authors: dict[str, set] = {}
        symbols: dict[str, set] = {}
        for topic in spec.reading:
            for row in self.run("training-further-reading", {"topic": topic}):
                iri = _v(row, "document")
                if iri not in found:
                    found[iri] = Reading(
                        iri, _v(row, "label"), _v(row, "description") or "", "", _v(row, "year") or "", "",
                        _v(row, "url") or "", [],
                    )  # fmt: skip
                    authors[iri], symbols[iri] = set(), set()
                authors[iri].add(_v(row, "authorLabel"))
                symbols[iri].add(_v(row, "symbol"))
                _add(found[iri].about, _v(row, "about"), _v(row, "aboutLabel"))
        for iri, reading in found.items():
            reading.author = "; ".join(sorted(filter(None, authors[iri])))
            reading.symbol = ", ".join(sorted(filter(None, symbols[iri])))
            reading.about.sort(key=_ref_key)
        module.reading = sorted(found.values(), key=lambda r: (r.label, r.iri))

    # --- exercises --------------------------------------------------------------------------

    def _exercises(self, spec: ModuleSpec, module: Module) -> None:
        cases = self.cases()
        model = self.assessor.model()
        for n, item in enumerate(spec.exercises, start=1):
            case = cases.get(item.case)
            if case is None:
                raise_missing(spec, item.case)
            rows = list(self.run("training-case", {"case": item.case}))
            description = next((_v(r, "description") for r in rows if _v(r, "description")), "")
            attached: list[Ref] = []
            for row in rows:
                _add(attached, _v(row, "attached"), _v(row, "attachedLabel"))
            ref = Ref(case.iri, case.label)
            module.exercises.append(
                self.exercise(
                    spec, f"{n}", case.label, "worked example", ref, description, "", case.input, attached
                )
            )
            for kind in item.variants:
                rng = random.Random(f"{module.seed}:{spec.name}:{case.iri}:{kind}")
                payload, change = vary(kind, case.input, model, rng)
                module.exercises.append(
                    self.exercise(
                        spec,
                        f"{n}{'abc'[item.variants.index(kind)]}",
                        f"{case.label}: variant ({kind})",
                        "variant",
                        ref,
                        description,
                        change,
                        payload,
                        [],
                    )
                )

    def exercise(self, spec, id_, title, kind, case, description, change, payload, attached) -> Exercise:
        result = self.assessor.assess(copy.deepcopy(payload))
        by_id = {q["id"]: q for q in result["qualifications"]}
        answers = [answer_key(by_id[q]) for q in spec.focus if q in by_id]
        present = [Ref(q["iri"], q["label"]) for q in result["qualifications"] if q["status"] == "present"]
        return Exercise(
            id_, title, kind, case, description, change, describe_facts(payload, self.assessor.model()),
            copy.deepcopy(payload), answers, present, attached,
        )  # fmt: skip

    # --- quiz -------------------------------------------------------------------------------

    def _quiz(self, spec: ModuleSpec, module: Module) -> None:
        rng = random.Random(f"{module.seed}:{spec.name}:quiz")
        sizes = {"definitions": 6, "citations": 4, "frameworks": 4, "scenarios": 8, **spec.quiz}
        questions: list[Question] = []
        concepts = [c for c in module.concepts if len(c.definition) < 600]
        for concept in _pick(concepts, sizes["definitions"], rng):
            others = _distractors([c.label for c in module.concepts], concept.label, rng)
            if len(others) < 2:
                continue
            questions.append(
                _multichoice(
                    f"{spec.name}-definition-{_slug(concept.iri)}",
                    "definition",
                    f"Which term does this definition describe? “{concept.definition}”",
                    concept.label,
                    others,
                    f"“{concept.label}” is defined so in the graph <{concept.iri}>.",
                    concept.iri,
                    rng,
                )
            )
        citable = [
            (
                p.iri,
                f"Which provision says: “{p.text}”?"
                if p.quoted
                else f"Which provision does this describe? {p.text}",
                p.label,
                f"{'The quotation is from' if p.quoted else 'This is'} {p.label} <{p.iri}>.",
            )
            for p in module.provisions
            if p.text and len(p.text) < 500
        ]
        citable = [(*c, ()) for c in citable]
        citable += [
            (
                c.iri,
                f"Which resolution paragraph sets out the designation criterion “{c.label}” of the {r.label}?",
                c.provisions[0].label,
                f"The criterion is set out in {'; '.join(p.label for p in c.provisions)} <{c.iri}>.",
                tuple(p.label for p in c.provisions),
            )
            for r in module.regimes
            for c in r.criteria
            if c.provisions
        ]
        pool = sorted(
            {p.label for p in module.provisions}
            | {p.label for r in module.regimes for c in r.criteria for p in c.provisions}
        )
        for iri, text, correct, feedback, also in _pick(citable, sizes["citations"], rng):
            others = _distractors([p for p in pool if p not in also], correct, rng)
            if len(others) < 2:
                continue
            questions.append(
                _multichoice(
                    f"{spec.name}-citation-{_slug(iri)}",
                    "citation",
                    text,
                    correct,
                    others,
                    feedback,
                    iri,
                    rng,
                )
            )
        all_frameworks = sorted({o.framework.label for o in module.overlaps} | set(_FRAMEWORK_POOL))
        qualification_pool = sorted({q.label for q in self.assessor.model().qualifications})
        for overlap in _pick([o for o in module.overlaps if o.qualification], sizes["frameworks"], rng):
            conduct = ", ".join(c.label for c in overlap.conduct)
            others = _distractors(qualification_pool, overlap.qualification.label, rng)
            questions.append(
                _multichoice(
                    f"{spec.name}-framework-{_slug(overlap.iri)}",
                    "framework",
                    f"Conduct: {conduct}. Condition: {overlap.condition} Which qualification can the "
                    f"same conduct also meet?",
                    overlap.qualification.label,
                    others,
                    f"{overlap.label} ({overlap.framework.label}; "
                    f"{', '.join(p.label for p in overlap.provisions)}) <{overlap.iri}>.",
                    overlap.iri,
                    rng,
                )
            )
            wrong = [f for f in all_frameworks if f != overlap.framework.label]
            claimed = overlap.framework.label if rng.random() < 0.5 or not wrong else rng.choice(wrong)
            truth = claimed == overlap.framework.label
            questions.append(
                Question(
                    f"{spec.name}-framework-tf-{_slug(overlap.iri)}",
                    "truefalse",
                    "framework",
                    f"True or false: the overlap “{overlap.label}” belongs to the framework “{claimed}”.",
                    [],
                    f"It belongs to “{overlap.framework.label}” <{overlap.iri}>.",
                    overlap.iri,
                    answer=truth,
                )
            )
        scenario_pool = [(e, a) for e in module.exercises for a in e.answers]
        for exercise, answer in _pick(scenario_pool, sizes["scenarios"], rng):
            facts = "; ".join(f"{k}: {v}" for k, v in exercise.facts)
            reasoning = _reasoning(answer)
            choices = [
                Choice(text, status == answer.status, reasoning) for status, text in STATUS_TEXT.items()
            ]
            questions.append(
                Question(
                    f"{spec.name}-scenario-{exercise.id}-{answer.id}",
                    "multichoice",
                    "scenario",
                    f"Exercise {exercise.id}. Facts: {facts}. What does the assessment find for "
                    f"“{answer.label}”?",
                    choices,
                    f"{answer.status_text}. {reasoning} <{answer.iri}>",
                    exercise.case.iri,
                    exercise=exercise.id,
                )
            )
        module.quiz = questions

    # --- notes ------------------------------------------------------------------------------

    def _number(self, module: Module) -> None:
        sources = self.sources()

        def reg(iri: str, label: str) -> None:
            if iri and iri not in module.notes:
                module.notes[iri] = Note(len(module.notes) + 1, iri, label, sources.get(iri, []))

        for c in module.concepts:
            reg(c.iri, c.label)
        for p in module.provisions:
            reg(p.iri, p.label)
        for o in module.overlaps:
            reg(o.iri, o.label)
            for p in o.provisions:
                reg(p.iri, p.label)
        for cmp in module.comparisons:
            reg(cmp.iri, cmp.label)
            for point in cmp.points:
                reg(point.iri, point.label)
        for i in module.indicators:
            reg(i.iri, i.label)
        for r in module.regimes:
            reg(r.iri, r.label)
            for c in r.criteria:
                reg(c.iri, c.label)
                for p in c.provisions:
                    reg(p.iri, p.label)
        for e in module.exercises:
            reg(e.case.iri, e.case.label)
            for a in e.answers:
                reg(a.iri, a.label)
                for p in a.provisions:
                    reg(p.iri, p.label)
                for el in a.elements:
                    for p in el.provisions:
                        reg(p.iri, p.label)
        for q in module.quiz:
            reg(q.source, q.source)
        for r in module.reading:
            reg(r.iri, r.label)


_FRAMEWORK_POOL = (
    "Trafficking in persons",
    "Smuggling of migrants",
    "Crimes against humanity",
    "War crimes",
    "Genocide",
    "Conflict-related sexual violence",
    "Terrorism and its financing",
    "UN sanctions",
)


def raise_missing(spec: ModuleSpec, case: str):
    from tipkg.training.modules import ModuleError

    raise ModuleError(f"{spec.path}: exercise case <{case}> is not a tip:Case of the graph")


def _ref_key(ref: Ref) -> tuple:
    return (ref.label, ref.iri)


def _citation_key(citation: str) -> list:
    import re

    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", citation)]


def _slug(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _pick(items: list, n: int, rng: random.Random) -> list:
    if len(items) <= n:
        return list(items)
    chosen = sorted(rng.sample(range(len(items)), n))
    return [items[i] for i in chosen]


def _distractors(pool: list[str], correct: str, rng: random.Random, n: int = 3) -> list[str]:
    others = sorted({p for p in pool if p != correct})
    return rng.sample(others, min(n, len(others)))


def _multichoice(id_, topic, text, correct, others, feedback, source, rng) -> Question:
    choices = [Choice(correct, True, f"Correct. {feedback}")] + [
        Choice(o, False, f"Not this one. {feedback}") for o in others
    ]
    rng.shuffle(choices)
    return Question(id_, "multichoice", topic, text, choices, feedback, source)


def _reasoning(answer: AnswerKey) -> str:
    parts = []
    for e in answer.elements:
        text = f"{e.label}: {e.status}"
        if e.facts:
            text += f" ({', '.join(e.facts)})"
        if e.waived_by:
            text += f", waived: {e.waived_by}"
        if e.needed:
            text += f", needs {', '.join(e.needed)}"
        parts.append(text)
    cited = ", ".join(p.label for p in answer.provisions)
    return "Elements: " + "; ".join(parts) + "." + (f" Provisions: {cited}." if cited else "")


def answer_key(q: dict) -> AnswerKey:
    return AnswerKey(
        q["id"],
        q["iri"],
        q["label"],
        q["status"],
        [
            Element(
                e["label"],
                e["status"],
                list(e.get("facts", [])),
                list(e.get("needed", [])),
                e.get("waived_by"),
                sorted(
                    (Ref(p["iri"], p["citation"]) for p in e.get("provisions", [])),
                    key=lambda r: (_citation_key(r.label), r.iri),
                ),
            )
            for e in q["elements"]
        ],
        [Ref(p["iri"], p["citation"]) for p in q["provisions"]],
        q.get("explanation", ""),
    )


def _label(model, key: str, notation: str) -> str:
    iri = model.vocabulary.get(key, {}).get(notation)
    return model.labels.get(iri, notation) if iri else notation


def describe_facts(payload: dict, model) -> list[tuple[str, str]]:
    facts = []
    for key, title in FACT_KEYS:
        if key in payload:
            values = payload[key]
            facts.append((title, ", ".join(_label(model, key, v) for v in values) if values else "none"))
    victim = payload.get("victim", {})
    if "age" in victim:
        facts.append(("Victim", f"{victim['age']} years old"))
    elif "age_group" in victim:
        facts.append(("Victim", _label(model, "victim.age_group", victim["age_group"])))
    context = payload.get("context", {})
    if "armed_conflict" in context:
        facts.append(("Armed conflict", _label(model, "context.armed_conflict", context["armed_conflict"])))
    if "perpetrator" in context:
        facts.append(("Perpetrator", _label(model, "context.perpetrator", context["perpetrator"])))
    flags = [
        f"{_label(model, 'context', k)}: {'yes' if v else 'no'}"
        for k, v in sorted(context.items())
        if isinstance(v, bool)
    ]
    if flags:
        facts.append(("Context", "; ".join(flags)))
    if "country" in context:
        facts.append(("Country", context["country"]))
    return facts or [("Facts", "none stated")]


def _band(age: int) -> str:
    return "under-15" if age < 15 else "child" if age < 18 else "adult"


def vary(kind: str, payload: dict, model, rng: random.Random) -> tuple[dict, str]:
    """A copy of ``payload`` with one thing changed, and what was changed, in words."""
    new = copy.deepcopy(payload)
    if kind == "age":
        victim = payload.get("victim", {})
        current = (
            _band(victim["age"]) if "age" in victim else victim.get("age_group")
        )  # "child" leaves under-15 open
        ages = [12, 14, 16, 17, 19, 24, 35]
        candidates = [
            a for a in ages if _band(a) != current and not (current == "child" and a >= 15 and a < 18)
        ]
        age = rng.choice(candidates)
        new["victim"] = {"age": age}
        before = (
            f"{victim['age']} years old"
            if "age" in victim
            else _label(model, "victim.age_group", victim["age_group"]).lower()
            if "age_group" in victim
            else "of an age not stated"
        )
        return new, f"The victim is {age} years old (the example: {before})."
    if kind == "means":
        means = payload.get("means")
        if means:
            new["means"] = []
            return new, "No means was used (the example: " + ", ".join(
                _label(model, "means", m).lower() for m in means
            ) + ")."
        value = rng.choice(sorted(model.vocabulary.get("means", {})))
        new["means"] = [value]
        before = "no means" if means == [] else "means not stated"
        return new, f"The means was {_label(model, 'means', value).lower()} (the example: {before})."
    if kind == "conflict":
        context = new.setdefault("context", {})
        current = context.get("armed_conflict")
        options = [v for v in sorted(model.vocabulary.get("context.armed_conflict", {})) if v != current]
        value = rng.choice(options)
        context["armed_conflict"] = value
        before = (
            _label(model, "context.armed_conflict", current).lower()
            if current
            else "conflict type not stated"
        )
        return new, (
            f"The conduct takes place in this setting: "
            f"{_label(model, 'context.armed_conflict', value).lower()} (the example: {before})."
        )
    raise ValueError(kind)

"""The quiz: definition, citation, framework and scenario questions, with distractors drawn from the
module's own material and answer keys from the assessment engine.

One ``random.Random``, seeded with the seed and the module, picks the questions and their distractors
and shuffles the choices, section after section, so a seed gives the same quiz every time.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

from tipkg.training.model import STATUS_TEXT, AnswerKey, Choice, Module, Question
from tipkg.training.modules import ModuleSpec

T = TypeVar("T")
SIZES = {"definitions": 6, "citations": 4, "frameworks": 4, "scenarios": 8}
# The frameworks a true-or-false question may wrongly name, beside those of the module's overlaps.
FRAMEWORK_POOL = (
    "Trafficking in persons",
    "Smuggling of migrants",
    "Crimes against humanity",
    "War crimes",
    "Genocide",
    "Conflict-related sexual violence",
    "Terrorism and its financing",
    "UN sanctions",
)
# (source IRI, question, correct answer, feedback, other right answers never offered as distractors)
Citable = tuple[str, str, str, str, tuple[str, ...]]


def build_quiz(spec: ModuleSpec, module: Module, qualifications: Sequence[str]) -> list[Question]:
    """The module's quiz; ``qualifications`` are the labels a framework question draws distractors from."""
    rng = random.Random(f"{module.seed}:{spec.name}:quiz")
    sizes = {**SIZES, **spec.quiz}
    return [
        *_definitions(spec.name, module, sizes["definitions"], rng),
        *_citations(spec.name, module, sizes["citations"], rng),
        *_frameworks(spec.name, module, sizes["frameworks"], sorted(set(qualifications)), rng),
        *_scenarios(spec.name, module, sizes["scenarios"], rng),
    ]


def _definitions(name: str, module: Module, size: int, rng: random.Random) -> list[Question]:
    questions = []
    concepts = [c for c in module.concepts if len(c.definition) < 600]
    for concept in pick(concepts, size, rng):
        others = distractors([c.label for c in module.concepts], concept.label, rng)
        if len(others) < 2:
            continue
        questions.append(
            multichoice(
                f"{name}-definition-{id_part(concept.iri)}",
                "definition",
                f"Which term does this definition describe? “{concept.definition}”",
                concept.label,
                others,
                f"“{concept.label}” is defined so in the graph <{concept.iri}>.",
                concept.iri,
                rng,
            )
        )
    return questions


def _citables(module: Module) -> list[Citable]:
    citable: list[Citable] = [
        (
            p.iri,
            f"Which provision says: “{p.text}”?"
            if p.quoted
            else f"Which provision does this describe? {p.text}",
            p.label,
            f"{'The quotation is from' if p.quoted else 'This is'} {p.label} <{p.iri}>.",
            (),
        )
        for p in module.provisions
        if p.text and len(p.text) < 500
    ]
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
    return citable


def _citations(name: str, module: Module, size: int, rng: random.Random) -> list[Question]:
    questions = []
    pool = sorted(
        {p.label for p in module.provisions}
        | {p.label for r in module.regimes for c in r.criteria for p in c.provisions}
    )
    for iri, text, correct, feedback, also in pick(_citables(module), size, rng):
        others = distractors([p for p in pool if p not in also], correct, rng)
        if len(others) < 2:
            continue
        questions.append(
            multichoice(
                f"{name}-citation-{id_part(iri)}", "citation", text, correct, others, feedback, iri, rng
            )
        )
    return questions


def _frameworks(
    name: str, module: Module, size: int, qualifications: list[str], rng: random.Random
) -> list[Question]:
    questions = []
    all_frameworks = sorted({o.framework.label for o in module.overlaps} | set(FRAMEWORK_POOL))
    for overlap in pick([o for o in module.overlaps if o.qualification], size, rng):
        assert overlap.qualification is not None  # picked for having one
        conduct = ", ".join(c.label for c in overlap.conduct)
        questions.append(
            multichoice(
                f"{name}-framework-{id_part(overlap.iri)}",
                "framework",
                f"Conduct: {conduct}. Condition: {overlap.condition} Which qualification can the "
                f"same conduct also meet?",
                overlap.qualification.label,
                distractors(qualifications, overlap.qualification.label, rng),
                f"{overlap.label} ({overlap.framework.label}; "
                f"{', '.join(p.label for p in overlap.provisions)}) <{overlap.iri}>.",
                overlap.iri,
                rng,
            )
        )
        wrong = [f for f in all_frameworks if f != overlap.framework.label]
        claimed = overlap.framework.label if rng.random() < 0.5 or not wrong else rng.choice(wrong)
        questions.append(
            Question(
                f"{name}-framework-tf-{id_part(overlap.iri)}",
                "truefalse",
                "framework",
                f"True or false: the overlap “{overlap.label}” belongs to the framework “{claimed}”.",
                [],
                f"It belongs to “{overlap.framework.label}” <{overlap.iri}>.",
                overlap.iri,
                answer=claimed == overlap.framework.label,
            )
        )
    return questions


def _scenarios(name: str, module: Module, size: int, rng: random.Random) -> list[Question]:
    questions = []
    scenario_pool = [(e, a) for e in module.exercises for a in e.answers]
    for exercise, answer in pick(scenario_pool, size, rng):
        facts = "; ".join(f"{k}: {v}" for k, v in exercise.facts)
        why = reasoning(answer)
        choices = [Choice(text, status == answer.status, why) for status, text in STATUS_TEXT.items()]
        questions.append(
            Question(
                f"{name}-scenario-{exercise.id}-{answer.id}",
                "multichoice",
                "scenario",
                f"Exercise {exercise.id}. Facts: {facts}. What does the assessment find for “{answer.label}”?",
                choices,
                f"{answer.status_text}. {why} <{answer.iri}>",
                exercise.case.iri,
                exercise=exercise.id,
            )
        )
    return questions


def id_part(iri: str) -> str:
    """The last path segment of an IRI, as the stable part of a question id."""
    return iri.rstrip("/").rsplit("/", 1)[-1]


def pick(items: list[T], n: int, rng: random.Random) -> list[T]:
    """``n`` of ``items`` in their order (all of them when there are no more)."""
    if len(items) <= n:
        return list(items)
    chosen = sorted(rng.sample(range(len(items)), n))
    return [items[i] for i in chosen]


def distractors(pool: list[str], correct: str, rng: random.Random, n: int = 3) -> list[str]:
    """Up to ``n`` wrong answers from ``pool``."""
    others = sorted({p for p in pool if p != correct})
    return rng.sample(others, min(n, len(others)))


def multichoice(
    id_: str,
    topic: str,
    text: str,
    correct: str,
    others: list[str],
    feedback: str,
    source: str,
    rng: random.Random,
) -> Question:
    """A multiple-choice question with one right answer, the choices shuffled."""
    choices = [Choice(correct, True, f"Correct. {feedback}")] + [
        Choice(o, False, f"Not this one. {feedback}") for o in others
    ]
    rng.shuffle(choices)
    return Question(id_, "multichoice", topic, text, choices, feedback, source)


def reasoning(answer: AnswerKey) -> str:
    """An answer key's elements and provisions in one sentence each."""
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

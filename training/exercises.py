"""Exercises: each worked example (``tip:Case``) of a module, and its variants with one fact changed,
with the answer keys the assessment engine gives on the same input."""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tipkg.assessment import Assessor
from tipkg.assessment.ages import AgeGroup
from tipkg.assessment.cases import Case
from tipkg.queries.rows import natural_key, value
from tipkg.training.model import AnswerKey, Element, Exercise, Module, Ref, add_ref
from tipkg.training.modules import ExerciseSpec, ModuleError, ModuleSpec
from tipkg.training.variants import Payload, describe_facts, vary


@dataclass
class Context:
    """What the exercises of a module draw on: the engine, the cases and the age groups of the graph."""

    assessor: Assessor
    cases: dict[str, Case]
    age_groups: list[AgeGroup]
    rows: Callable[[str, dict[str, object]], Any]  # runs a named query with its parameters


def exercises(spec: ModuleSpec, module: Module, ctx: Context) -> None:
    """Append to ``module`` each worked example of ``spec`` followed by its variants."""
    for n, item in enumerate(spec.exercises, start=1):
        case = ctx.cases.get(item.case)
        if case is None:
            raise ModuleError(f"{spec.path}: exercise case <{item.case}> is not a tip:Case of the graph")
        module.exercises += _case_exercises(spec, module, ctx, n, item, case)


def _case_exercises(
    spec: ModuleSpec, module: Module, ctx: Context, n: int, item: ExerciseSpec, case: Case
) -> list[Exercise]:
    rows = list(ctx.rows("training-case", {"case": item.case}))
    description = next((d for d in (value(r["description"]) for r in rows) if d), "")
    attached: list[Ref] = []
    for row in rows:
        add_ref(attached, value(row["attached"]), value(row["attachedLabel"]))
    ref = Ref(case.iri, case.label)
    found = [
        exercise(
            ctx.assessor,
            spec,
            f"{n}",
            case.label,
            "worked example",
            ref,
            description,
            "",
            case.input,
            attached,
        )
    ]
    model = ctx.assessor.model()
    for index, kind in enumerate(item.variants):
        rng = random.Random(f"{module.seed}:{spec.name}:{case.iri}:{kind}")
        payload, change = vary(kind, case.input, model, rng, ctx.age_groups)
        found.append(
            exercise(
                ctx.assessor,
                spec,
                f"{n}{'abc'[index]}",
                f"{case.label}: variant ({kind})",
                "variant",
                ref,
                description,
                change,
                payload,
            )
        )
    return found


def exercise(
    assessor: Assessor,
    spec: ModuleSpec,
    id_: str,
    title: str,
    kind: str,
    case: Ref,
    description: str,
    change: str,
    payload: Payload,
    attached: list[Ref] | None = None,
) -> Exercise:
    """One exercise on ``payload``, its answer keys those of the module's focus qualifications."""
    result = assessor.assess(copy.deepcopy(payload))
    by_id = {q["id"]: q for q in result["qualifications"]}
    answers = [answer_key(by_id[q]) for q in spec.focus if q in by_id]
    present = [Ref(q["iri"], q["label"]) for q in result["qualifications"] if q["status"] == "present"]
    facts = describe_facts(payload, assessor.model())
    return Exercise(
        id_,
        title,
        kind,
        case,
        description,
        change,
        facts,
        copy.deepcopy(payload),
        answers,
        present,
        attached or [],
    )


def answer_key(q: dict[str, Any]) -> AnswerKey:
    """An assessment answer for one qualification, as an answer key."""
    return AnswerKey(
        q["id"],
        q["iri"],
        q["label"],
        q["status"],
        [_element(e) for e in q["elements"]],
        [Ref(p["iri"], p["citation"]) for p in q["provisions"]],
        q.get("explanation", ""),
    )


def _element(e: dict[str, Any]) -> Element:
    return Element(
        e["label"],
        e["status"],
        list(e.get("facts", [])),
        list(e.get("needed", [])),
        e.get("waived_by"),
        sorted(
            (Ref(p["iri"], p["citation"]) for p in e.get("provisions", [])),
            key=lambda r: (natural_key(r.label), r.iri),
        ),
    )

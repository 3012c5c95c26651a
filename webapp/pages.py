"""Pages for people: home and the assessment form (resource pages are in ``resource``)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from tipkg.assessment.ages import AgeGroup, age_groups
from tipkg.assessment.explain import phrase, value_label
from tipkg.assessment.facts import CONTEXT_FLAGS, LIST_KEYS, InputError
from tipkg.webapp.cache import per_build
from tipkg.webapp.filters import local

bp = Blueprint("pages", __name__)
__all__ = ["bp", "local"]  # ``local`` stays importable from here for the pages that use it


@bp.get("/")
def home():
    return render_template("home.html")


def _payload(form: MultiDict) -> dict:
    """The assessment input the form describes: a group left untouched is unknown."""
    payload: dict = {}
    for key in LIST_KEYS:
        values = form.getlist(key)
        if values or form.get(f"{key}_none"):
            payload[key] = values
    victim = _victim(form)
    if victim:
        payload["victim"] = victim
    context: dict = {}
    for name in ("armed_conflict", "perpetrator", "recruitment", "setting", "country"):
        if form.get(name):
            context[name] = form[name]
    for flag in CONTEXT_FLAGS:
        if form.get(flag) in {"true", "false"}:
            context[flag] = form[flag] == "true"
    if context:
        payload["context"] = context
    if form.get("as_of"):
        payload["as_of"] = form["as_of"]
    return payload


def _victim(form: MultiDict) -> dict:
    """The victim's age or age group, as the form gives them."""
    victim: dict = {}
    if form.get("age"):
        try:
            victim["age"] = int(form["age"])
        except ValueError:
            raise InputError(
                f"the age {form['age']!r} is not a whole number of years", field="victim.age"
            ) from None
    if form.get("age_group") and "age" not in victim:
        victim["age_group"] = form["age_group"]
    return victim


def age_phrase(group: AgeGroup, groups: list[AgeGroup]) -> str:
    """How the what-if links name an age group: a band inside a wider one by its bound ("under
    15"), the others by their label with an article ("a child", "an adult").

    >>> bands = [AgeGroup("u", "under-15", "Child under 15", None, 15),
    ...          AgeGroup("c", "child", "Child (under 18)", None, 18), AgeGroup("a", "adult", "Adult", 18, None)]
    >>> [age_phrase(g, bands) for g in bands]
    ['under 15', 'a child', 'an adult']
    """
    below = group.below
    inside = group.from_age is None and below is not None
    wider = [o.below for o in groups if o.from_age is None and o.below is not None]
    if inside and below is not None and any(b > below for b in wider):
        return f"under {below}"
    noun = group.label.split(" (")[0].lower()
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def _variant(form: MultiDict, **changes: str) -> str:
    args = MultiDict(form)
    for key, value in changes.items():
        args.setlist(key, [value] if value else [])
    values: dict[str, Any] = args.to_dict(flat=False)
    return url_for("pages.assess", **values)


def _age_groups() -> list[AgeGroup]:
    from tipkg.webapp import current_store

    return per_build("age-groups", None, lambda: age_groups(current_store()))


@bp.get("/assess")
def assess():
    from tipkg.webapp.api import assessor

    model = assessor().model()
    vocabulary = {
        key: sorted(
            ((n, model.labels.get(iri, n)) for n, iri in values.items()), key=lambda pair: pair[1].lower()
        )
        for key, values in model.vocabulary.items()
    }
    form = request.args
    context = {
        "form": form,
        "vocabulary": vocabulary,
        "vocabulary_pairs": vocabulary,
        "result": None,
        "error": None,
    }
    if form:
        try:
            result = assessor().assess(_payload(form))
        except InputError as exc:
            context["error"] = str(exc)
            return render_template("assess.html", **context), 422
        context["result"] = result
        for q in result["qualifications"]:  # the next questions in words
            for question in q["ask"]:
                question["words"] = phrase(model, question["fact"])
                question["labels"] = [
                    value_label(model, question["fact"], str(v)) for v in question["values"]
                ]
        context["view"] = "failed" if form.get("view") == "failed" else "all"
        context["views"] = [
            ("all", "Everything", _variant(form, view="")),
            ("failed", "Only what failed", _variant(form, view="failed")),
        ]
        groups = _age_groups()
        context["groups"] = {
            s: [q for q in result["qualifications"] if q["status"] == s]
            for s in ("present", "missing", "unknown")
        }
        context["whatif"] = {
            "age": [(age_phrase(g, groups), _variant(form, age="", age_group=g.notation)) for g in groups],
            "conflict": [
                ("international", _variant(form, armed_conflict="international")),
                ("non-international", _variant(form, armed_conflict="non-international")),
                ("absent", _variant(form, armed_conflict="none")),
            ],
        }
    return render_template("assess.html", **context)

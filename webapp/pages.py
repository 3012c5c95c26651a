"""Pages for people: home, the assessment form, and a page for every resource IRI."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from tipkg.assessment.facts import CONTEXT_FLAGS, LIST_KEYS, InputError

bp = Blueprint("pages", __name__)


@bp.app_template_filter("local")
def local(iri: str) -> str:
    """The app's own path for an IRI under the configured base; other IRIs unchanged."""
    base = current_app.config["TIPKG_SETTINGS"].base_iri
    return "/" + iri[len(base) :] if iri.startswith(base) else iri


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
    if victim:
        payload["victim"] = victim
    context: dict = {}
    for name in ("armed_conflict", "perpetrator", "country"):
        if form.get(name):
            context[name] = form[name]
    for flag in CONTEXT_FLAGS:
        if form.get(flag) in {"true", "false"}:
            context[flag] = form[flag] == "true"
    if context:
        payload["context"] = context
    return payload


def _variant(form: MultiDict, **changes: str) -> str:
    args = MultiDict(form)
    for key, value in changes.items():
        args.setlist(key, [value] if value else [])
    return url_for("pages.assess", **args.to_dict(flat=False))


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
        context["groups"] = {
            s: [q for q in result["qualifications"] if q["status"] == s]
            for s in ("present", "missing", "unknown")
        }
        context["whatif"] = {
            "age": [
                ("under 15", _variant(form, age="", age_group="under-15")),
                ("a child", _variant(form, age="", age_group="child")),
                ("an adult", _variant(form, age="", age_group="adult")),
            ],
            "conflict": [
                ("international", _variant(form, armed_conflict="international")),
                ("non-international", _variant(form, armed_conflict="non-international")),
                ("absent", _variant(form, armed_conflict="none")),
            ],
        }
    return render_template("assess.html", **context)


@bp.get("/id/<path:rest>")
def resource(rest: str):
    """HTML for people, RDF for clients: by extension (.ttl, .nt, .rdf, .jsonld, .html) or Accept."""
    from tipkg.webapp.linked_data import BY_EXTENSION, resource_rdf, wanted_rdf_type

    base = current_app.config["TIPKG_SETTINGS"].base_iri
    stem, dot, extension = rest.rpartition(".")
    if dot and (extension in BY_EXTENSION or extension == "html"):
        rest = stem
    else:
        extension = None
    iri = f"{base}id/{rest}"
    media_type = wanted_rdf_type(extension if extension != "html" else None) if extension != "html" else None
    if media_type:
        return resource_rdf(iri, media_type)
    from tipkg.webapp.instruments import resource_context

    context = resource_context(
        iri, rest, cited_by=request.args.get("cited_by"), page=request.args.get("page")
    )
    if context is None:
        abort(404, description=f"The graph has no resource {iri}.")
    page = current_app.make_response(render_template("resource.html", **context))
    page.headers.add("Vary", "Accept")
    return page

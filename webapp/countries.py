"""Country pages: ``/countries`` (the list, searchable by name) and ``/id/country/<code>`` (HTML for
people, RDF for clients). Routes only: the shaping is in ``country_model``."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, render_template, request

from tipkg import queries
from tipkg.webapp import country_model
from tipkg.webapp.cache import per_build

bp = Blueprint("countries", __name__)


def _store():
    from tipkg.webapp import current_store

    return current_store()


def _all() -> list[country_model.Country]:
    return per_build("countries", None, lambda: country_model.countries(_store()))


@bp.get("/countries")
def index():
    text = request.args.get("q", "")
    found = country_model.search(_all(), text)
    return render_template("countries.html", countries=found, q=text, total=len(_all()))


@bp.get("/id/country/<code>")
def country(code: str):
    """One country: by extension (.ttl, .nt, .rdf, .jsonld, .html) or Accept, as /id/ resources are."""
    from tipkg.webapp.linked_data import BY_EXTENSION, rdf_response, wanted_rdf_type

    stem, dot, suffix = code.rpartition(".")
    extension = None
    if dot and (suffix in BY_EXTENSION or suffix == "html"):
        code, extension = stem, suffix
    base = current_app.config["TIPKG_SETTINGS"].base_iri
    found = next((c for c in _all() if c.code.lower() == code), None)
    if found is None:
        near = ", ".join(country_model.close_matches(code)) or "none"
        abort(
            404,
            description=f"The graph has no country {code!r} (ISO 3166-1 alpha-2, lower case); close: {near}.",
        )
    media_type = wanted_rdf_type(extension) if extension != "html" else None
    if media_type:
        triples = queries.construct(_store(), "resource-graph", {"resource": found.iri})
        triples += queries.construct(_store(), "country-graph", {"country": found.iri})
        return rdf_response(sorted(set(triples), key=str), media_type)
    shown = per_build(
        "country-page",
        (found.code, date.today().isoformat()),
        lambda: country_model.page(_store(), found, base=base),
    )
    response = current_app.make_response(render_template("country.html", page=shown, base=base))
    response.headers.add("Vary", "Accept")
    return response

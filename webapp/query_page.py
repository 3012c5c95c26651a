"""``/query``: a SPARQL editor (YASGUI, served from /vendor) on the app's own ``/sparql`` endpoint,
with the project's prefixes declared and the named queries offered as examples; without JavaScript,
a plain form that sends the query to ``/sparql``. ``/api/queries`` lists the named queries as JSON.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, abort, current_app, jsonify, render_template, request, url_for

from tipkg import queries
from tipkg.errors import QueryError
from tipkg.namespaces import PREFIXES, id_prefixes

bp = Blueprint("query_page", __name__)

START = "act-labels"  # the query the editor opens with: five rows, one per act
# Named queries that are not examples: a full export is too large to look at in a browser, and the
# build's inconsistency diagnosis is meant for the asserted triples (on the whole graph it runs past
# the endpoint's time limit).
NOT_EXAMPLES = {"dump-quads", "diagnose-disjoint-membership"}
# Example values for required parameters whose documentation gives none ("e.g. ...").
EXAMPLE_VALUES = {
    "resource": "inst:rome-statute",
    "instrument": "inst:rome-statute",
    "scheme": "scheme:means",
    "conduct": "conduct:rape",
    "text": "slavery",
}
_EG = re.compile(r"\be\.g\.\s+(\S+?)[.,;)]*$")
# /sparql's ``format`` names, for the form without JavaScript.
FORMATS = [
    ("json", "JSON (SELECT, ASK)"),
    ("csv", "CSV (SELECT)"),
    ("tsv", "TSV (SELECT)"),
    ("xml", "XML (SELECT, ASK)"),
    ("ttl", "Turtle (CONSTRUCT, DESCRIBE)"),
    ("nt", "N-Triples (CONSTRUCT, DESCRIBE)"),
    ("jsonld", "JSON-LD (CONSTRUCT, DESCRIBE)"),
    ("rdf", "RDF/XML (CONSTRUCT, DESCRIBE)"),
]


def prefixes() -> dict[str, str]:
    """The project's prefixes: vocabularies, then the kinds of resource under the configured base."""
    return {**PREFIXES, **id_prefixes(current_app.config["TIPKG_SETTINGS"].base_iri)}


def _example_value(param: queries.Param) -> str | None:
    if param.name == "base" and param.type == "string":
        return current_app.config["TIPKG_SETTINGS"].base_iri
    match = _EG.search(param.doc)
    return match.group(1) if match else EXAMPLE_VALUES.get(param.name)


def example(query: queries.NamedQuery) -> dict[str, Any] | None:
    """The query ready to run: required parameters bound to an example value; None if one has none."""
    values = {}
    for param in query.params:
        if param.optional:
            continue
        value = _example_value(param)
        if value is None:
            return None
        values[param.name] = value
    try:
        text = query.bind(values, base=current_app.config["TIPKG_SETTINGS"].base_iri)
    except QueryError:
        return None
    return {"parameters": values, "text": text}


def describe(name: str, query: queries.NamedQuery) -> dict[str, Any]:
    return {
        "name": name,
        "purpose": query.purpose,
        "check": name.startswith("checks/"),
        "parameters": [
            {"name": p.name, "type": p.type, "optional": p.optional, "doc": p.doc} for p in query.params
        ],
        "text": query.text,
        "example": None if name.startswith("checks/") or name in NOT_EXAMPLES else example(query),
    }


def examples() -> list[dict[str, Any]]:
    """The named queries the page offers, the starting query first."""
    found = [
        describe(name, query)
        for name, query in queries.catalogue().items()
        if not name.startswith("checks/") and name not in NOT_EXAMPLES
    ]
    found = [entry for entry in found if entry["example"] is not None]
    return sorted(found, key=lambda entry: (entry["name"] != START, entry["name"]))


@bp.get("/api/queries")
def api_queries():
    """Every named query: name, purpose, parameters, text, and (for examples) a runnable text."""
    return jsonify(
        queries=[describe(name, query) for name, query in queries.catalogue().items()],
        prefixes=prefixes(),
        endpoint="/sparql",
    )


@bp.get("/query")
def query():
    listed = examples()
    by_name = {entry["name"]: entry for entry in listed}
    chosen = request.args.get("example", START)
    if chosen not in by_name:
        known = queries.catalogue()
        if chosen in known:
            abort(
                400,
                description=f"The named query {chosen!r} cannot be loaded as an example "
                "(it needs parameters with no example value, or is a build check or an export).",
            )
        abort(404, description=f"There is no named query {chosen!r}. The examples are listed on /query.")
    page_data = {
        "endpoint": url_for("sparql.endpoint"),
        "prefixes": prefixes(),
        "start": chosen,
        "texts": {entry["name"]: entry["example"]["text"] for entry in listed},
    }
    return render_template(
        "query.html",
        page_data=page_data,
        examples=listed,
        chosen=by_name[chosen],
        prefixes=prefixes(),
        formats=FORMATS,
    )

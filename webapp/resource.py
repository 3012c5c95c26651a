"""Resource pages: ``/id/...`` (HTML for people, RDF for clients), ``/graph/id/...`` (the
neighbourhood as JSON) and ``/instruments``. Routes only: the shaping is in ``resource_model``,
``citations`` and ``instrument_model``; how properties are shown comes from the graph."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from flask import Blueprint, abort, current_app, jsonify, render_template, request

from tipkg.terms import dcterms, tip
from tipkg.webapp import citations as cites
from tipkg.webapp import figures_model, instrument_model, listed, official_text, resource_model
from tipkg.webapp.cache import per_build
from tipkg.webapp.resource_model import Display

bp = Blueprint("resource", __name__)
# Threads that run a page's independent queries at once on a store that answers them so (a remote
# server: the app only waits on the network); on the embedded store each runs in the request's thread.
_QUERIES = ThreadPoolExecutor(max_workers=8, thread_name_prefix="tipkg-page-query")


class _Ahead:
    """``make(*args)``, started now in a thread when ``store.concurrent_reads``, else when asked for."""

    def __init__(self, store: Any, make: Callable[..., Any], *args: Any) -> None:
        self._future: Future | None = _QUERIES.submit(make, *args) if store.concurrent_reads else None
        self._make, self._args = make, args

    def result(self) -> Any:
        return self._future.result() if self._future else self._make(*self._args)


def _base() -> str:
    return current_app.config["TIPKG_SETTINGS"].base_iri


def _store():
    from tipkg.webapp import current_store

    return current_store()


def display() -> Display:
    """The display annotations of the graph being served, read once per build."""
    return per_build("display-properties", None, lambda: resource_model.read_display(_store()))


def resource_context(
    iri: str, rest: str, *, cited_by: str | None = None, page: str | None = None
) -> dict | None:
    """Everything the page of ``iri`` shows, or None when the graph says nothing about it.

    ``cited_by`` (a kind's slug) and ``page`` (from 1) choose which of the resources that cite it as
    a source are listed; a bad choice is a 400 or 404 with a message."""
    store, base, shown_as = _store(), _base(), display()
    overlaps = _Ahead(store, resource_model.overlaps, store, iri, base)  # needs nothing of outgoing
    found = resource_model.outgoing(store, iri, base, shown_as)
    if found is None:
        return None
    provision = bool(found.citation and found.in_instrument)
    official = _Ahead(store, official_text.official_text, store, iri, base) if provision else None
    is_instrument = tip.LegalInstrument in found.types
    if is_instrument:
        resource_model.without_parts(found, shown_as)
    # What links to a data collection's category, or to a loaded data set, is its records, up to
    # millions: the page shows their figures (computed at load time) instead of listing or scanning
    # them. Which classes are so is data (tip:incomingNotListed).
    records_not_listed = bool(found.types & shown_as.incoming_not_listed)
    incoming, links, truncated = (
        ([], [], False)
        if records_not_listed
        else resource_model.incoming(store, iri, base, shown_as, found.shown)
    )
    everything = per_build("resource-citations", iri, lambda: cites.citations(store, iri, base))
    try:
        cited = cites.citations_page(everything, rest, cited_by, page)
    except cites.ChoiceError as exc:
        abort(exc.status, description=str(exc))
    source = shown_as.name(dcterms.source)
    links.extend((item, source) for _, entries in cited["groups"] for item in entries)
    label, kinds = found.label, found.kinds or ["resource"]
    return {
        "iri": iri,
        "rest": rest,
        "label": label,
        "kinds": kinds,
        "texts": found.texts,
        "details": list(found.details.items()),
        "sources": found.sources,
        "relations": list(found.relations.items()),
        "incoming": incoming,
        "incoming_truncated": truncated,
        "records_not_listed": records_not_listed,
        "cited": cited,
        "overlaps": overlaps.result(),
        "citation": f"{found.in_instrument}, {found.citation}" if provision else f"{label}, {iri}",
        "is_provision": provision,
        "official": official.result() if official else None,
        "cited_in": {"text": found.in_instrument, "href": found.instrument_href, "citation": found.citation}
        if provision
        else None,
        "graph": resource_model.graph(iri, label, found.kinds, base, found.relations.items(), links),
        "instrument": _instrument(iri, shown_as, found.by_property) if is_instrument else None,
        **_listed(store, iri, found.types),
        "figures": per_build("case-figures", iri, lambda: figures_model.figures(store, iri, base)),
    }


def _listed(store, iri: str, types) -> dict:
    """The Consolidated List section of a listed party's page (templates/listed-party.html)."""
    if tip.ListedIndividual in types or tip.ListedEntity in types:
        return {"listed_party": listed.party(store, iri)}
    return {}


def _instrument(iri: str, shown_as: Display, by_property: dict) -> dict:
    toc, count = per_build("instrument-toc", iri, lambda: instrument_model.toc(_store(), iri, _base()))
    return {"toc": toc, "count": count, "related": instrument_model.related(shown_as, by_property)}


@bp.get("/id/<path:rest>")
def resource(rest: str):
    """HTML for people, RDF for clients: by extension (.ttl, .nt, .rdf, .jsonld, .html) or Accept."""
    from tipkg.webapp.linked_data import BY_EXTENSION, resource_rdf, wanted_rdf_type

    stem, dot, suffix = rest.rpartition(".")
    extension: str | None = None
    if dot and (suffix in BY_EXTENSION or suffix == "html"):
        rest, extension = stem, suffix
    iri = f"{_base()}id/{rest}"
    media_type = wanted_rdf_type(extension) if extension != "html" else None
    if media_type:
        return resource_rdf(iri, media_type)
    context = resource_context(
        iri, rest, cited_by=request.args.get("cited_by"), page=request.args.get("page")
    )
    if context is None:
        abort(404, description=f"The graph has no resource {iri}.")
    page = current_app.make_response(render_template("resource.html", **context))
    page.headers.add("Vary", "Accept")
    return page


@bp.get("/instruments")
def index():
    """The instruments grouped by branch of law, with their kind and dates."""
    groups = instrument_model.instruments(_store(), _base())
    total = len({e["iri"] for _, entries in groups for e in entries})
    return render_template("instruments.html", groups=groups, total=total)


@bp.get("/graph/id/<path:rest>")
def graph(rest: str):
    """The neighbourhood graph of a resource as JSON (nodes and edges) for scripts."""
    iri = f"{_base()}id/{rest}"
    context = resource_context(iri, rest)
    if context is None:
        abort(404, description=f"The graph has no resource {iri}.")
    return jsonify(context["graph"])

"""The search page (/search): the view checks the arguments and renders; finding and ranking are
``tipkg.webapp.search_index``'s. The blueprint keeps the name ``browse`` that templates link by."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from flask import Blueprint, abort, current_app, render_template, request, url_for
from markupsafe import Markup

from tipkg.queries.rows import local_path
from tipkg.webapp import cache
from tipkg.webapp.search_index import Hit, LabelIndex, correct, find, highlight, load_index, norm, suggest

bp = Blueprint("browse", __name__)

MAX_QUERY = 200
MAX_RESULTS = 100
# The ways in that the search page offers before anything is typed: the site's navigation, which is
# a fact about this web app rather than about the domain, so it stays with the page.
WAYS_IN = (
    ("Elements of trafficking", "/elements"),
    ("Instruments", "/instruments"),
    ("Grave violations against children", "/grave-violations"),
    ("Conflict-related sexual violence", "/crsv"),
    ("Atrocity crimes", "/atrocity-crimes"),
    ("Sanctions regimes", "/sanctions"),
    ("Indicators", "/indicators"),
    ("Glossary", "/glossary"),
    ("Worked examples", "/examples"),
    ("Overlap matrix", "/matrix"),
)
_KIND_PARAM = re.compile(r"^[A-Za-z]{1,60}$")


@dataclass
class Found:
    hits: list[Hit]
    terms: list[str]  # what to highlight
    shown_for: str | None  # the corrected query the hits are for, if the typed one found nothing


def _any_order(index: LabelIndex, text: str) -> tuple[list[Hit], list[str]]:
    """Hits that have every word of ``text``, in any order: the longest word searched, the rest kept."""
    words = sorted(norm(text).split(), key=len, reverse=True)
    return find(index, words[0], tuple(words[1:])), words


def lookup(index: LabelIndex, text: str) -> Found:
    """The phrase; failing that, its words in any order; failing that, the typo-corrected query."""
    hits, terms = find(index, text), [text]
    if not hits and len(text.split()) > 1:
        hits, terms = _any_order(index, text)
    if hits:
        return Found(hits, terms, None)
    corrected = correct(index, text)
    if not corrected:
        return Found(hits, terms, None)
    hits, terms = find(index, corrected), [corrected]
    if not hits and len(corrected.split()) > 1:
        hits, terms = _any_order(index, corrected)
    return Found(hits, terms, corrected if hits else None)


def _base() -> str:
    return current_app.config["TIPKG_SETTINGS"].base_iri


def _href(iri: str) -> str:
    return local_path(iri, _base()) or iri


def label_index() -> LabelIndex:
    """The label index of the build being served, built on first use and kept per build."""
    from tipkg.webapp import current_store

    return cache.per_build(
        "browse:label-index", None, lambda: load_index(current_store(), cache.build_id(), _base())
    )


def _hit(hit: Hit, terms: list[str]) -> dict:
    if hit.field == "label":
        match = None
    elif hit.field == "alt":
        match = Markup("Also called: ") + highlight(hit.value, terms)
    else:
        match = highlight(hit.value, terms, snippet=True)
    return {
        "href": _href(hit.entry.iri),
        "label": highlight(hit.entry.label, terms),
        "kind": hit.entry.kind_label,
        "match": match,
    }


def _facets(text: str, hits: list[Hit]) -> tuple[list[dict], dict[str, str]]:
    counts = Counter(h.entry.kind for h in hits)
    labels = {h.entry.kind: h.entry.kind_label for h in hits}
    facets = [
        {"kind": k, "label": labels[k], "count": n, "href": url_for("browse.search", q=text, kind=k)}
        for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], labels[kv[0]]))
    ]
    return facets, labels


def _arguments() -> tuple[str, str]:
    raw = request.args.get("q", "")
    kind = request.args.get("kind", "").strip()
    if len(raw) > MAX_QUERY:
        abort(
            400,
            description=f"The search text is {len(raw)} characters long; searches take at most {MAX_QUERY}. "
            "Try a few words from a label, such as “sexual slavery” or “forced labour”.",
        )
    if kind and not _KIND_PARAM.match(kind):
        abort(400, description="The kind to filter by is a class name such as ExploitativePurpose.")
    return " ".join(raw.split()), kind


@bp.get("/search")
def search():
    text, kind = _arguments()
    context: dict = {"q": text, "kind": kind, "ways_in": WAYS_IN, "hits": [], "facets": []}
    if not text:
        return render_template("browse-search.html", **context)
    index = label_index()
    found = lookup(index, text)
    hits = found.hits
    context["facets"], labels = _facets(text, hits)
    context["total"] = len(hits)
    if kind:
        hits = [h for h in hits if h.entry.kind == kind]
        context["kind_label"] = labels.get(kind, kind)
    context["hits"] = [_hit(h, found.terms) for h in hits[:MAX_RESULTS]]
    context["shown"] = len(hits)
    context["shown_for"] = found.shown_for
    context["suggestions"] = (
        []
        if hits or (kind and context["total"])
        else [{"href": _href(e.iri), "label": e.label, "kind": e.kind_label} for e in suggest(index, text)]
    )
    context["all_href"] = url_for("browse.search", q=text)
    return render_template("browse-search.html", **context)

"""The list pages: the elements of trafficking, conflict-related sexual violence, grave
violations, atrocity crimes, the glossary and the indicators checklist. Routes, argument checks
and rendering only; the data is ``tipkg.webapp.list_shapes``'s, kept per build (list pages change
only with a build)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, abort, current_app, render_template, request

from tipkg.webapp import cache, list_shapes

bp = Blueprint("lists", __name__)
T = TypeVar("T")

ELEMENTS = (
    ("acts", "Acts", "acts"),
    ("means", "Means", "means"),
    ("purposes", "Exploitative purposes", "purposes"),
    ("conduct", "Other conduct", "conduct"),
)
CRSV = (
    ("forms", "Forms of conflict-related sexual violence", "crsv-forms"),
    ("links", "Signs of a link to the conflict", "crsv-conflict-links"),
    ("terrorism", "Sexual violence as a tactic of terrorism", "sexual-violence-terrorism-uses"),
)


def per_build(name: str, shape: Callable[[Any, str], T]) -> T:
    """``shape(store, base)``, computed once per build."""
    from tipkg.webapp import current_store

    base = current_app.config["TIPKG_SETTINGS"].base_iri
    return cache.per_build(f"browse:{name}", None, lambda: shape(current_store(), base))


def _sections(sections: tuple[tuple[str, str, str], ...]) -> Callable[[Any, str], list]:
    def shape(store: Any, base: str) -> list:
        try:
            return [
                (anchor, title, list_shapes.scheme(store, base, slug)) for anchor, title, slug in sections
            ]
        except list_shapes.MissingScheme as missing:
            abort(
                404,
                description=f"The graph has no concept scheme {str(missing)!r}; rebuild it with `tipkg build`.",
            )

    return shape


@bp.get("/elements")
def elements():
    return render_template("browse-elements.html", sections=per_build("elements", _sections(ELEMENTS)))


@bp.get("/crsv")
def crsv():
    return render_template("browse-crsv.html", sections=per_build("crsv", _sections(CRSV)))


@bp.get("/grave-violations")
def grave_violations():
    violations = per_build("gv", list_shapes.grave_violations)
    return render_template("browse-grave-violations.html", violations=violations)


@bp.get("/atrocity-crimes")
def atrocity_crimes():
    groups, count = per_build("atrocity", list_shapes.atrocity_crimes)
    return render_template("browse-atrocity-crimes.html", groups=groups, count=count)


@bp.get("/glossary")
def glossary():
    letters, count = per_build("glossary", list_shapes.glossary)
    alphabet = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    return render_template("browse-glossary.html", letters=letters, alphabet=alphabet, count=count)


@bp.get("/indicators")
def indicators():
    groups, by_slug = per_build("indicators", list_shapes.indicators)
    observed = request.args.getlist("observed")
    unknown = [o for o in observed if o not in by_slug]
    if unknown:
        abort(
            400,
            description=f"No indicator is called {unknown[0][:60]!r}. Tick the indicators on the checklist "
            "instead of writing their names in the address.",
        )
    summary: Counter[tuple[str, str]] = Counter()
    ticked = [by_slug[o] for o in dict.fromkeys(observed)]
    for item in ticked:
        for target in item["points_to"]:
            summary[(target["label"], target["href"])] += 1
    return render_template(
        "browse-indicators.html",
        groups=groups,
        observed=set(observed),
        ticked=ticked,
        summary=[{"label": k[0], "href": k[1], "count": n} for k, n in summary.most_common()],
        count=len(by_slug),
    )

"""The overlap matrix page (/matrix): argument checks and rendering. The model is
``tipkg.webapp.matrix_model``'s, built once per build; each filter state's table is
``tipkg.webapp.matrix_table``'s, kept per build too, so the filters cost no query."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pycountry
from flask import Blueprint, abort, current_app, get_template_attribute, render_template, request

from tipkg.assessment import participation
from tipkg.webapp import matrix_country
from tipkg.webapp.cache import per_build
from tipkg.webapp.country_model import close_matches
from tipkg.webapp.matrix_model import MatrixModel, load_matrix
from tipkg.webapp.matrix_table import lower_first, matrix_view

bp = Blueprint("matrix", __name__)
ANY = "any"


def _choice(name: str, allowed: Iterable[str], what: str) -> str | None:
    value = request.args.get(name, "").strip() or ANY
    if value == ANY:
        return None
    if value not in allowed:
        choices = ", ".join([ANY, *allowed])
        abort(400, description=f"The {what} {value!r} is not one the matrix knows; choose one of: {choices}.")
    return value


def model() -> MatrixModel:
    from tipkg.webapp import current_store

    return per_build("matrix:matrix-overlaps", "shape_matrix", lambda: load_matrix(current_store()))


def _country() -> str | None:
    """The ``country`` filter: an ISO 3166-1 alpha-2 code, or a 400 naming it with close codes."""
    code = request.args.get("country", "").strip().upper()
    if not code or code == ANY.upper():
        return None
    if pycountry.countries.get(alpha_2=code) is None:
        near = ", ".join(close_matches(code)) or "none"
        abort(400, description=f"The country {code!r} is not an ISO 3166-1 alpha-2 code; close: {near}.")
    return code


def _binds(view: dict, country: str | None) -> dict:
    if country is None:
        return {"cells": {}, "years": []}
    from tipkg.webapp import current_store

    data = per_build("participations", None, lambda: participation.load(current_store()))
    return {
        "cells": matrix_country.bindings(view, data, country),
        "years": matrix_country.tables(data, country),
    }


@bp.get("/matrix")
def matrix():
    shaped = model()
    unknown = set(request.args) - {"age", "conflict", "country"}
    if unknown:
        abort(
            400,
            description=f"The matrix takes the filters age, conflict and country only, not {', '.join(sorted(unknown))}.",
        )
    age = _choice("age", shaped.ages, "victim age")
    conflict = _choice("conflict", shaped.conflicts, "type of armed conflict")
    base = current_app.config["TIPKG_SETTINGS"].base_iri
    # A filter state's table depends on the build alone: shaped once per build and filter state
    # (there are a dozen), rendered on every request, each entry once however many cells it fills.
    view = per_build("matrix-view", (age, conflict), lambda: matrix_view(shaped, age, conflict, base))
    country = _country()  # issue 13: whether each cell's treaties bind the State
    binds = per_build(
        "matrix-binds", (age, conflict, country, date.today().isoformat()), lambda: _binds(view, country)
    )
    render_entry = get_template_attribute("matrix-entry.html", "entry_html")
    entry_html = {iri: render_entry(entry) for iri, entry in view["entries"].items()}
    return render_template(
        "matrix.html",
        model=shaped,
        view=view,
        entry_html=entry_html,
        age=age or ANY,
        conflict=conflict or ANY,
        filtered=bool(age or conflict or country),
        country=country or "",
        binds=binds,
        victim_text=lower_first(shaped.ages[age]["label"]) if age else "any age",
        conflict_text=lower_first(shaped.conflicts[conflict]["label"]) if conflict else "any, or none",
    )

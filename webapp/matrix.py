"""The overlap matrix page (/matrix): argument checks and rendering. The model is
``tipkg.webapp.matrix_model``'s, built once per build; each filter state's table is
``tipkg.webapp.matrix_table``'s, kept per build too, so the filters cost no query."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint, abort, current_app, get_template_attribute, render_template, request

from tipkg.webapp.cache import per_build
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


@bp.get("/matrix")
def matrix():
    shaped = model()
    unknown = set(request.args) - {"age", "conflict"}
    if unknown:
        abort(
            400,
            description=f"The matrix takes the filters age and conflict only, not {', '.join(sorted(unknown))}.",
        )
    age = _choice("age", shaped.ages, "victim age")
    conflict = _choice("conflict", shaped.conflicts, "type of armed conflict")
    base = current_app.config["TIPKG_SETTINGS"].base_iri
    # A filter state's table depends on the build alone: shaped once per build and filter state
    # (there are a dozen), rendered on every request, each entry once however many cells it fills.
    view = per_build("matrix-view", (age, conflict), lambda: matrix_view(shaped, age, conflict, base))
    render_entry = get_template_attribute("matrix-entry.html", "entry_html")
    entry_html = {iri: render_entry(entry) for iri, entry in view["entries"].items()}
    return render_template(
        "matrix.html",
        model=shaped,
        view=view,
        entry_html=entry_html,
        age=age or ANY,
        conflict=conflict or ANY,
        filtered=bool(age or conflict),
        victim_text=lower_first(shaped.ages[age]["label"]) if age else "any age",
        conflict_text=lower_first(shaped.conflicts[conflict]["label"]) if conflict else "any, or none",
    )

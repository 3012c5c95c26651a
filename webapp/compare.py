"""Comparisons side by side (/compare, /compare/<name>): ``shape_comparisons`` (Flask-free) turns
the rows of ``compare-points`` into comparisons; the views pick one by name or by its two concepts."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, abort, current_app, render_template, request, url_for

from tipkg import queries
from tipkg.queries import expand_curie
from tipkg.queries.rows import Row, rows
from tipkg.webapp.cache import per_build

bp = Blueprint("compare", __name__)
UNORDERED = 10_000


def _comparison(c: dict, r: Row) -> None:
    """One row of ``compare-points`` into comparison ``c``."""
    if r["part"] == "comparison":
        c.update(
            label=r["label"],
            description=r["description"],
            left={"iri": r["left"], "label": r["leftLabel"]},
            right={"iri": r["right"], "label": r["rightLabel"]},
        )
    elif r["part"] == "point":
        c["points"][r["point"]] = {
            "iri": r["point"],
            "label": r["label"],
            "order": int(r["order"]) if r["order"] else UNORDERED,
            "left": r["leftValue"],
            "right": r["rightValue"],
        }
    elif r["part"] == "source":
        c["sources"].setdefault(r["source"], {"document": r["document"], "locator": r["locator"]})
    elif r["part"] == "source-label":
        c["source_labels"][r["document"]] = r["label"]


def _source(c: dict, iri: str, s: dict) -> dict:
    text = f"{c['source_labels'].get(s['document'], s['document'])}, {s['locator']}" if s["document"] else iri
    return {"text": text, "href": s["document"] or iri}


def shape_comparisons(found: list[Row]) -> list[dict]:
    comparisons: dict[str, dict] = {}
    for r in found:
        iri = str(r["comparison"])
        _comparison(
            comparisons.setdefault(iri, {"iri": iri, "points": {}, "sources": {}, "source_labels": {}}), r
        )
    result = []
    for c in comparisons.values():
        if "label" not in c:
            continue
        c["points"] = sorted(c["points"].values(), key=lambda p: (p["order"], p["label"]))
        c["source_list"] = sorted(
            (_source(c, i, s) for i, s in c["sources"].items()), key=lambda s: s["text"]
        )
        c["slug"] = c["iri"].rstrip("/").rsplit("/", 1)[-1]
        result.append(c)
    return sorted(result, key=lambda c: c["label"])


def load_comparisons(store: Any) -> list[dict]:
    return shape_comparisons(rows(queries.select(store, "compare-points")))


def comparisons() -> list[dict]:
    """Every comparison, shaped once per build; pages pick theirs from this list, so what a reader
    types into the address never grows the cache."""
    from tipkg.webapp import current_store

    return per_build("matrix:compare-points", "shape_comparisons", lambda: load_comparisons(current_store()))


def _iri_param(name: str) -> str:
    value = request.args.get(name, "").strip()
    if not value:
        abort(400, description=f"Give both concepts to compare: the {name} parameter is missing.")
    iri = expand_curie(value, base=current_app.config["TIPKG_SETTINGS"].base_iri)
    if not re.match(r"^https?://[^\s<>\"{}|\\^`]+$", iri):
        abort(
            400,
            description=f"The {name} parameter {value!r} is not an IRI (e.g. qual:trafficking-in-persons).",
        )
    return iri


def _between(left: str, right: str) -> list[dict]:
    return [c for c in comparisons() if (c["left"]["iri"], c["right"]["iri"]) == (left, right)]


@bp.get("/compare")
def compare():
    if "left" in request.args or "right" in request.args:
        left, right = _iri_param("left"), _iri_param("right")
        found = _between(left, right)
        swapped = not found
        if swapped:
            found = _between(right, left)
        if not found:
            abort(404, description=f"The graph has no comparison of {left} with {right}.")
        return _render_comparison(found[0], swapped)
    return render_template("compare-list.html", comparisons=comparisons())


@bp.get("/compare/<name>")
def comparison(name: str):
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        abort(404, description=f"There is no comparison named {name!r}.")
    base = current_app.config["TIPKG_SETTINGS"].base_iri
    found = [c for c in comparisons() if c["iri"] == f"{base}id/comparison/{name}"]
    if not found:
        abort(404, description=f"There is no comparison named {name!r}; see the list of comparisons.")
    return _render_comparison(found[0], False)


def _render_comparison(c: dict, swapped: bool):
    left, right = (c["right"], c["left"]) if swapped else (c["left"], c["right"])
    points = [{**p, "left": p["right"], "right": p["left"]} if swapped else p for p in c["points"]]
    return render_template(
        "compare.html",
        comparison=c,
        left=left,
        right=right,
        points=points,
        swapped=swapped,
        canonical=url_for("compare.comparison", name=c["slug"]),
    )

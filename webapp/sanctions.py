"""The sanctions regimes page (/sanctions): ``shape_sanctions`` (Flask-free) turns the rows of
``sanctions-regimes`` into regimes with their resolutions, bodies and designation criteria."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from tipkg import queries
from tipkg.queries.rows import Row, natural_key, rows
from tipkg.webapp.cache import per_build
from tipkg.webapp.matrix_model import slug

bp = Blueprint("sanctions", __name__)
LINKS = ("reaches", "concerns", "provision")


def _new_regime(iri: str) -> dict:
    return {"iri": iri, "established": {}, "amended": {}, "committee": {}, "expert-body": {}, "criteria": {}}


def _new_criterion(iri: str) -> dict:
    return {"iri": iri, "label": "", "description": "", "reaches": {}, "concerns": {}, "provision": {}}


def _regime_row(g: dict, r: Row) -> None:
    """One row of ``sanctions-regimes`` into regime ``g``."""
    part = r["part"]
    if part == "regime":
        g.update(
            label=r["label"],
            description=r["text"],
            country=r["country"],
            global_scope=r["global"] in ("true", "1"),
        )
    elif part in ("established", "amended"):
        g[part][r["target"]] = {
            "iri": r["target"],
            "label": r["label"],
            "symbol": r["symbol"],
            "date": r["date"],
        }
    elif part in ("committee", "expert-body"):
        entry = g[part].setdefault(r["target"], {"iri": r["target"], "label": r["label"], "short": None})
        if r["shortLabel"] and (entry["short"] is None or len(r["shortLabel"]) < len(entry["short"])):
            entry["short"] = r["shortLabel"]
    else:
        criterion = g["criteria"].setdefault(r["criterion"], _new_criterion(str(r["criterion"])))
        if part == "criterion":
            criterion.update(label=r["label"], description=r["text"] or "")
        elif part in LINKS:
            criterion[part][r["target"]] = {"iri": r["target"], "label": r["label"]}


def _finish(g: dict) -> dict:
    for key in ("established", "amended"):
        g[key] = sorted(g[key].values(), key=lambda x: (x["date"] or "", x["label"]))
    for key in ("committee", "expert-body"):
        g[key] = sorted(g[key].values(), key=lambda x: x["label"])
    criteria = []
    for c in g["criteria"].values():
        for key in ("reaches", "concerns"):
            c[key] = sorted(c[key].values(), key=lambda x: x["label"].lower())
        c["provision"] = sorted(c["provision"].values(), key=lambda x: natural_key(x["label"]))
        criteria.append(c)
    g["criteria"] = sorted(criteria, key=lambda c: c["label"])
    g["slug"] = slug(g["iri"]).removeprefix("regime-")
    return g


def shape_sanctions(found: list[Row]) -> list[dict]:
    regimes: dict[str, dict] = {}
    for r in found:
        iri = str(r["regime"])
        _regime_row(regimes.setdefault(iri, _new_regime(iri)), r)
    result = [_finish(g) for g in regimes.values() if "label" in g]
    return sorted(result, key=lambda g: (not g["global_scope"], g["label"]))


def load_sanctions(store: Any) -> list[dict]:
    return shape_sanctions(rows(queries.select(store, "sanctions-regimes")))


@bp.get("/sanctions")
def sanctions():
    from tipkg.webapp import current_store

    regimes = per_build(
        "matrix:sanctions-regimes", "shape_sanctions", lambda: load_sanctions(current_store())
    )
    return render_template("sanctions.html", regimes=regimes)

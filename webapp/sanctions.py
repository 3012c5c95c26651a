"""The sanctions pages: ``/sanctions`` (every regime) and ``/sanctions/<slug>`` (one regime), each
speaking for a date (``?as_of=YYYY-MM-DD``, default today).

``shape_sanctions`` (Flask-free) turns the rows of ``sanctions-regimes`` into regimes with their
dates, resolutions, bodies and designation criteria, once per build; ``on_date`` then says, for the
date asked, which regimes and criteria are in force, which have ended (when and why) and which
came later, by the one rule of ``tipkg.dates.in_force``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, render_template, request

from tipkg import queries
from tipkg.dates import DateError, as_of, in_force, today
from tipkg.queries.rows import Row, natural_key, rows
from tipkg.webapp.cache import per_build
from tipkg.webapp.matrix_model import slug

bp = Blueprint("sanctions", __name__)
LINKS = ("reaches", "concerns", "provision", "replaced-by")


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _dates(r: Row) -> dict:
    return {"from": _day(r["from"]), "until": _day(r["until"]), "ended": r["ended"]}


def _new_regime(iri: str) -> dict:
    return {"iri": iri, "established": {}, "amended": {}, "committee": {}, "expert-body": {}, "criteria": {}}


def _new_criterion(iri: str) -> dict:
    return {
        "iri": iri,
        "label": "",
        "description": "",
        "from": None,
        "until": None,
        "ended": None,
        **{key: {} for key in LINKS},
    }


def _regime_row(g: dict, r: Row) -> None:
    """One row of ``sanctions-regimes`` into regime ``g``."""
    part = r["part"]
    if part == "regime":
        g.update(
            label=r["label"],
            description=r["text"],
            country=r["country"],
            global_scope=r["global"] in ("true", "1"),
            **_dates(r),
        )
    elif part in ("established", "amended"):
        g[part][r["target"]] = {
            "iri": r["target"],
            "label": r["label"],
            "symbol": r["symbol"],
            "date": r["date"],
        }
    elif part in ("committee", "expert-body"):
        entry = g[part].setdefault(
            r["target"], {"iri": r["target"], "label": r["label"], "short": None, **_dates(r)}
        )
        if r["shortLabel"] and (entry["short"] is None or len(r["shortLabel"]) < len(entry["short"])):
            entry["short"] = r["shortLabel"]
    else:
        criterion = g["criteria"].setdefault(r["criterion"], _new_criterion(str(r["criterion"])))
        if part == "criterion":
            criterion.update(label=r["label"], description=r["text"] or "", **_dates(r))
        elif part in LINKS:
            criterion[part][r["target"]] = {"iri": r["target"], "label": r["label"]}


def _finish(g: dict) -> dict:
    for key in ("established", "amended"):
        g[key] = sorted(g[key].values(), key=lambda x: (x["date"] or "", x["label"]))
    for key in ("committee", "expert-body"):
        g[key] = sorted(g[key].values(), key=lambda x: x["label"])
    criteria = []
    for c in g["criteria"].values():
        for key in ("reaches", "concerns", "replaced-by"):
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


def status(thing: dict, on: date) -> str:
    """``in-force``, ``ended`` (its last day is before ``on``) or ``not-yet`` (it starts after)."""
    if in_force(on, start=thing["from"], until=thing["until"]):
        return "in-force"
    return "not-yet" if thing["from"] is not None and on < thing["from"] else "ended"


def _regime_on(g: dict, on: date) -> dict:
    criteria = [{**c, "status": status(c, on)} for c in g["criteria"]]
    bodies = {
        key: [b for b in g[key] if status(b, on) == "in-force"] or g[key]
        for key in ("committee", "expert-body")
    }
    return {
        **g,
        **bodies,
        "status": status(g, on),
        "criteria": [c for c in criteria if c["status"] == "in-force"],
        "earlier_criteria": [c for c in criteria if c["status"] == "ended"],
    }


def on_date(regimes: list[dict], on: date) -> list[dict]:
    """The regimes as they stand on ``on``: each with its status, its criteria in force that day and
    those that had ended by then; regimes not yet set up on that day are left out."""
    return [r for r in (_regime_on(g, on) for g in regimes) if r["status"] != "not-yet"]


def load_sanctions(store: Any) -> list[dict]:
    return shape_sanctions(rows(queries.select(store, "sanctions-regimes")))


def _requested() -> tuple[list[dict], date]:
    """Every regime (shaped once per build) and the date the request asks for (400 naming a bad
    ``as_of``)."""
    from tipkg.webapp import current_store

    try:
        on = as_of(request.args.get("as_of"))
    except DateError as exc:
        abort(400, description=str(exc))
    regimes = per_build(
        "matrix:sanctions-regimes", "shape_sanctions", lambda: load_sanctions(current_store())
    )
    return regimes, on


@bp.get("/sanctions")
def sanctions():
    regimes, on = _requested()
    return render_template("sanctions.html", regimes=on_date(regimes, on), on=on, is_today=on == today())


@bp.get("/sanctions/<name>")
def regime(name: str):
    regimes, on = _requested()
    found = next((g for g in regimes if g["slug"] == name), None)
    if found is None:
        abort(404, description=f"There is no sanctions regime {name!r}; the sanctions page lists them all.")
    return render_template("sanctions-regime.html", g=_regime_on(found, on), on=on, is_today=on == today())

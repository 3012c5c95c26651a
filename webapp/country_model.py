"""The list of countries and one country's page, shaped from named queries without Flask: the
treaties of the graph it is party to (with year and source), not party to, and with no data; the
sanctions regimes concerning it; the armed actors loaded reports (SVAC, RSVAC) name in it, from the
figures computed at load time; and what else links to it (listed persons by nationality)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pycountry

from tipkg import queries
from tipkg.dates import in_force
from tipkg.queries.rows import Row, rows, truthy, value
from tipkg.webapp import figures_model


@dataclass
class Country:
    iri: str
    code: str
    alpha3: str | None
    label: str
    names: list[str]
    parties: int = 0


@dataclass
class CountryPage:
    country: Country
    party: list[dict[str, Any]] = field(default_factory=list)
    not_party: list[dict[str, Any]] = field(default_factory=list)
    no_data: list[dict[str, Any]] = field(default_factory=list)
    regimes: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    reports: list[figures_model.CountryReports] = field(default_factory=list)  # by data set
    tables: list[str] = field(default_factory=list)  # titles of the tables the page rests on


def countries(store: Any) -> list[Country]:
    return [
        Country(
            iri=r["country"] or "",
            code=r["code"] or "",
            alpha3=r["alpha3"],
            label=r["label"] or "",
            names=[n for n in (r["names"] or "").split("; ") if n],
            parties=int(r["parties"] or 0),
        )
        for r in rows(queries.select(store, "countries"))
    ]


def search(found: list[Country], text: str) -> list[Country]:
    """The countries whose name, other names or codes contain ``text`` (any case).

    >>> c = [Country("i", "CD", "COD", "Congo, The Democratic Republic of the", []), Country("j", "ML", "MLI", "Mali", ["Republic of Mali"])]
    >>> [x.code for x in search(c, "mali")], [x.code for x in search(c, "cod")]
    (['ML'], ['CD'])
    """
    needle = text.strip().casefold()
    if not needle:
        return found
    return [
        c for c in found if any(needle in n.casefold() for n in [c.label, *c.names, c.code, c.alpha3 or ""])
    ]


def close_matches(code: str, limit: int = 5) -> list[str]:
    """ISO codes close to ``code`` (one letter off, same first letter first), for an error that
    names what was probably meant.

    >>> close_matches("MQ")[:4]
    ['MQ', 'MA', 'MC', 'MD']
    >>> "ML" in close_matches("XL", limit=40)
    True
    """
    code = code.upper()
    codes = sorted(c.alpha_2 for c in pycountry.countries)
    near = [c for c in codes if len(code) == 2 and sum(a == b for a, b in zip(c, code, strict=True)) == 1]
    near.sort(key=lambda c: c[0] != code[0])  # stable: alphabetical within each group
    return ([code] if code in codes else []) + near[: limit - (code in codes)]


def _treaties(store: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for r in queries.select(store, "treaties"):
        iri = value(r["instrument"]) or ""
        if iri not in out:  # the shortest alternative label comes first
            out[iri] = value(r["short"]) or value(r["label"]) or iri
    return out


def _entry(r: Any, label: str) -> dict[str, Any]:
    return {
        "iri": value(r["instrument"]),
        "label": label,
        "status": value(r["status"]),
        "since": value(r["since"]),
        "as_of": value(r["asOf"]),
        "source": value(r["record"]),
        "table": value(r["title"]),
        "note": value(r["note"]),
    }


def _regime(r: Row, on: date) -> dict[str, Any]:
    start = date.fromisoformat(r["from"]) if r["from"] else None
    until = date.fromisoformat(r["until"]) if r["until"] else None
    return {
        "iri": r["regime"],
        "label": r["label"],
        "from": r["from"],
        "until": r["until"],
        "in_force": in_force(on, start=start, until=until),
    }


def page(store: Any, country: Country, on: date | None = None, base: str = "") -> CountryPage:
    """Everything the country page shows, newest table first where two speak of one treaty."""
    on = on or date.today()
    shown = CountryPage(country, reports=figures_model.country_reports(store, country.iri, base))
    treaties = _treaties(store)
    seen: set[str] = set()
    for r in queries.select(store, "participations", {"country": country.code}):
        iri = value(r["instrument"]) or ""
        if iri in seen:
            continue
        seen.add(iri)
        entry = _entry(r, treaties.get(iri, iri))
        (shown.party if truthy(r["party"]) else shown.not_party).append(entry)
        if entry["table"] and entry["table"] not in shown.tables:
            shown.tables.append(entry["table"])
    shown.no_data = [{"iri": i, "label": label} for i, label in treaties.items() if i not in seen]
    for group in (shown.party, shown.not_party, shown.no_data):
        group.sort(key=lambda e: e["label"].casefold())
    shown.regimes = [
        _regime(r, on) for r in rows(queries.select(store, "country-regimes", {"country": country.code}))
    ]
    shown.links = [
        {
            "iri": r["resource"],
            "label": r["label"] or r["resource"],
            "property": r["propertyLabel"] or r["property"],
        }
        for r in rows(queries.select(store, "country-links", {"country": country.iri}))
    ]
    return shown

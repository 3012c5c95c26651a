"""Which of an answer's provisions bind the State of the facts (issue 13).

With ``context.country``, every provision of the answer gets ``party`` (true, false, or null when
no loaded table speaks of the State and the instrument, or the instrument is not a treaty),
``party_since`` (the year or date of ratification, accession or succession), ``party_source`` (the
table, file and row) and ``party_as_of`` (the date the table speaks for: it may be old). Each
qualification's explanation then says whether all its treaties bind the State, or that it rests
only on treaties the State is not party to, and which routes remain (Security Council resolutions
in the answer, sanctions regimes concerning the country; customary law, which the graph does not
record). The data are read once per build or load (``Cache``); ``annotate`` touches no store.

>>> s = Standing(party=True, since="2002", as_of="2022-08-25", source="t.csv, row 2", note=None)
>>> on_date(s, date(2010, 1, 1)), on_date(s, date(2001, 6, 1)), on_date(s, date(2002, 6, 1))
(True, False, None)
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pycountry

from tipkg import queries
from tipkg.queries.rows import truthy, value
from tipkg.store import Store


@dataclass(frozen=True)
class Standing:
    """What one table says of one State and one instrument."""

    party: bool
    since: str | None  # a year or an ISO date
    as_of: str
    source: str
    note: str | None


@dataclass(frozen=True)
class Instrument:
    iri: str
    label: str
    treaty: bool
    council: bool


@dataclass
class Participations:
    """Loaded participation by State and instrument, and what the notes need of the graph."""

    standings: dict[str, dict[str, Standing]] = field(default_factory=dict)  # code -> instrument -> latest
    instruments: dict[str, Instrument] = field(default_factory=dict)  # provision IRI -> its instrument
    regimes: dict[str, list[str]] = field(default_factory=dict)  # code -> labels of regimes concerning it


def load(store: Store) -> Participations:
    data = Participations()
    for row in queries.select(store, "participations"):  # newest table first per State and instrument
        code, instrument = value(row["code"]) or "", value(row["instrument"]) or ""
        by_instrument = data.standings.setdefault(code, {})
        if instrument not in by_instrument:
            title = value(row["title"])
            record = value(row["record"]) or ""
            by_instrument[instrument] = Standing(
                party=truthy(row["party"]),
                since=value(row["since"]),
                as_of=value(row["asOf"]) or "",
                source=f"{title}: {record}" if title else record,
                note=value(row["note"]),
            )
    for row in queries.select(store, "provision-instruments"):
        provision = value(row["provision"]) or ""
        if provision not in data.instruments:  # the shortest alternative label comes first
            data.instruments[provision] = Instrument(
                iri=value(row["instrument"]) or "",
                label=value(row["short"]) or value(row["label"]) or "",
                treaty=truthy(row["treaty"]),
                council=truthy(row["council"]),
            )
    for row in queries.select(store, "country-regimes"):
        data.regimes.setdefault(value(row["code"]) or "", []).append(value(row["label"]) or "")
    return data


class Cache:
    """``Participations`` of ``store``, reread when the store's build or last load changes."""

    def __init__(self, store: Store, build: Callable[[], str]) -> None:
        self.store = store
        self._build = build  # the build and last load being served (Assessor.build)
        self._lock = threading.Lock()
        self._cached: tuple[str, Participations] | None = None

    def get(self) -> Participations:
        key = self._build()
        with self._lock:
            if self._cached is None or self._cached[0] != key:
                self._cached = (key, load(self.store))
            return self._cached[1]


def on_date(standing: Standing, on: date) -> bool | None:
    """Whether the State was party on ``on``: None when a bare year cannot tell (the same year)."""
    if not standing.party:
        return False
    if not standing.since:
        return True
    if len(standing.since) == 4:
        year = int(standing.since)
        return None if on.year == year else on.year > year
    return on >= date.fromisoformat(standing.since)


def _note(provision: dict[str, Any], code: str, data: Participations, on: date) -> Instrument | None:
    """Add the participation fields to one provision of the answer; its instrument, if known."""
    instrument = data.instruments.get(provision["iri"])
    standing = data.standings.get(code, {}).get(instrument.iri) if instrument else None
    provision["party"] = on_date(standing, on) if standing and instrument and instrument.treaty else None
    provision["party_since"] = standing.since if standing and standing.party else None
    provision["party_source"] = standing.source if standing else None
    provision["party_as_of"] = standing.as_of if standing else None
    if standing and standing.note:
        provision["party_note"] = standing.note
    elif instrument and not instrument.treaty:
        provision["party_note"] = (
            "a Security Council resolution: it does not depend on ratification"
            if instrument.council
            else "not a treaty: there is no participation to record"
        )
    elif instrument and standing is None:
        provision["party_note"] = "no loaded table speaks of this State and instrument"
    return instrument


def _explain(found: dict[str, tuple[Instrument, bool | None]], code: str, regimes: list[str]) -> str:
    """One sentence on whether the treaties behind these provisions bind the State ``code``."""
    treaties = {i.label: bound for i, bound in found.values() if i.treaty}
    council = sorted({i.label for i, _ in found.values() if i.council})
    if not treaties:
        return ""
    names = ", ".join(sorted(treaties))
    if all(bound is True for bound in treaties.values()):
        return f"Every treaty cited here binds {code}: {names}."
    if any(bound is True for bound in treaties.values()):
        bound = ", ".join(sorted(n for n, b in treaties.items() if b is True))
        rest = ", ".join(sorted(n for n, b in treaties.items() if b is not True))
        return f"Of the treaties cited here, {bound} bind {code}; {rest} do not, or the data do not say."
    if any(bound is None for bound in treaties.values()):
        return f"Whether the treaties cited here bind {code} is not known from the loaded tables: {names}."
    routes = []
    if council:
        routes.append(f"the Security Council resolutions cited ({', '.join(council)})")
    if regimes:
        routes.append(f"the sanctions regimes concerning {code} ({'; '.join(regimes)})")
    still = f"; {' and '.join(routes)} still apply" if routes else ""
    return (
        f"This rests only on treaties {code} is not party to ({names}){still}. Customary international "
        "law does not depend on ratification, but the graph does not record which of these rules reflect it."
    )


def annotate(
    result: dict[str, Any], country: str | None, data: Participations, on: date | None = None
) -> None:
    """Add the State's participation to every provision of ``result`` (the engine's answer)."""
    if country is None:
        return
    on = on or date.today()
    entry = pycountry.countries.get(alpha_2=country)
    name = f"{getattr(entry, 'common_name', None) or entry.name} ({country})" if entry else country
    result["participation"] = {"country": country, "on": on.isoformat()}
    for answer in result["qualifications"]:
        found: dict[str, tuple[Instrument, bool | None]] = {}
        provisions = [
            *answer.get("provisions", []),
            *(p for e in answer["elements"] for p in e["provisions"]),
        ]
        for provision in provisions:
            instrument = _note(provision, country, data, on)
            if instrument is not None:
                found[provision["iri"]] = (instrument, provision["party"])
        sentence = _explain(found, name, data.regimes.get(country, []))
        if sentence:
            answer["explanation"] = " ".join(filter(None, [answer.get("explanation"), sentence]))

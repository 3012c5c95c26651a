"""``tipkg load svac PATH``: Sexual Violence in Armed Conflict (SVAC 3.0) actor-year reports, from
``svac.csv`` (forms as codes 1-7) or ``rsvac.csv`` (RSVAC, one row per actor, year and form, forms in
words), or a folder holding either or both.

Each row becomes a ``qb:Observation`` coded with SVAC's form and actor type (``ontology/data/svac.ttl``,
mapped onto the graph's CRSV forms and perpetrator types), with the actor, year and location as SVAC
names them (with its Gleditsch-Ward numbers). Each record is linked (``tip:recordedCountry``) to the
graph's countries its location names, by name (``queries/country-names.rq``: ISO's names and the
hidden labels ``ontology/data/svac.ttl`` gives UCDP's other names), never by a guess: a location that
names a country the graph lacks, or names more countries than it gives numbers, is reported in the
snapshot's unmatched list. Figures are computed at load time with the same mechanism as CTDC's
(``loaders/ctdc.py``): per form and actor type, in all, by year and together; and, for the country
pages, per country, year and armed actor (the records, those reporting sexual violence, the forms
reported and the highest prevalence level each report series gives).
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from tipkg import queries
from tipkg.loaders.ctdc import (
    DCT,
    QB,
    RDF_TYPE,
    RDFS_LABEL,
    TIP,
    XSD_INTEGER,
    Format,
    Record,
    Tally,
    Writer,
    _rows,
)
from tipkg.loaders.external import LoadContext, LoadError, Skip, Snapshot
from tipkg.queries.rows import rows
from tipkg.store import Lines

FORM_CODES = {
    "1": "rape",
    "2": "sexual-slavery",
    "3": "forced-prostitution",
    "4": "forced-pregnancy",
    "5": "forced-sterilization-or-abortion",
    "6": "sexual-mutilation",
    "7": "sexual-torture",
}
FORM_WORDS = {  # RSVAC's form column; "sexual abuse" has no SVAC code and is kept as a value
    "rape": "rape",
    "sexual slavery and forced marriage": "sexual-slavery",
    "forced prostitution": "forced-prostitution",
    "forced abortion and forced sterilization": "forced-sterilization-or-abortion",
    "sexual mutilation": "sexual-mutilation",
    "sexual torture": "sexual-torture",
}
ACTOR_TYPES = {
    "1": "state",
    "2": "supporting-state-side-a",
    "3": "rebel",
    "4": "supporting-state-side-b",
    "5": "second-state",
    "6": "pro-government-militia",
}
GW = ("gwnoloc", "gwnoloc2", "gwnoloc3", "gwnoloc4")  # Gleditsch-Ward numbers of the location's countries
VALUES = ("actor", "conflictid_new", "location", *GW, "state_prev", "ai_prev", "hrw_prev")
LEVELS = (
    "1",
    "2",
    "3",
)  # the prevalence levels that report sexual violence (0: none reported; NA: no report)
NATURE = (
    "Armed actors in conflict-years reported for sexual violence in one data collection (SVAC 3.0,"
    " Cohen and Nordås 2014, and RSVAC, Dumaine et al. 2022), coded from US State Department, Amnesty"
    " International and Human Rights Watch reports. Each record is one actor in one year (in RSVAC, one"
    " form); a count is of actor-years reported, not of victims or incidents, and not prevalence."
)
CITATION = (
    "SVAC 3.0 (Cohen and Nordås 2014) and RSVAC (Dumaine et al. 2022, doi:10.1177/00223433211044674);"
    " data as shipped with the RSVAC R package (GPL-2)"
)


def _actor(row: dict[str, str]) -> str:
    code = (row.get("actor_type") or "").strip()
    if code not in ACTOR_TYPES:
        raise ValueError(f"actor_type is {code!r}, expected 1 to 6")
    return ACTOR_TYPES[code]


def _year(row: dict[str, str]) -> str:
    year = (row.get("year") or "").strip()
    if not (year.isdigit() and 1946 <= int(year) <= 2100):
        raise ValueError(f"year is {year!r}, expected a year such as 1999")
    return year


def _values(row: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(
        (c, row[c].strip())
        for c in VALUES
        if (row.get(c) or "").strip() not in ("", "NA", "0") or c.endswith("_prev")
    )


def _svac(row: dict[str, str]) -> Record:
    forms = set()
    text = (row.get("form") or "").strip()
    if text not in ("", "NA"):
        for code in (c.strip() for c in text.split(",") if c.strip()):  # "1, 2, 5," occurs
            if code not in FORM_CODES:
                raise ValueError(f"form is {text!r}, expected codes 1 to 7 separated by commas, or NA")
            forms.add(FORM_CODES[code])
    known = set(FORM_CODES.values()) if forms or any(_reported(row, c) for c in PREV) else set()
    actor = _actor(row)
    return Record(_year(row), frozenset({*forms, actor}), frozenset({*known, actor}), _values(row))


def _rsvac(row: dict[str, str]) -> Record:
    text = (row.get("form") or "").strip()
    if text not in FORM_WORDS and text != "sexual abuse":
        raise ValueError(f"form is {text!r}, expected one of {', '.join([*FORM_WORDS, 'sexual abuse'])}")
    forms = {FORM_WORDS[text]} if text in FORM_WORDS else set()
    actor = _actor(row)
    return Record(
        _year(row), frozenset({*forms, actor}), frozenset({*forms, actor}), (*_values(row), ("form", text))
    )


PREV = ("state_prev", "ai_prev", "hrw_prev")


def _reported(row: dict[str, str], column: str) -> bool:
    return (row.get(column) or "").strip() not in ("", "NA")


SVAC = Format("svac", "SVAC 3.0 actor-years", NATURE, ("year", "actor", "actor_type", "form", *PREV), _svac)
RSVAC = Format(
    "rsvac",
    "RSVAC actor-year-forms",
    NATURE,
    ("year", "actor", "actor_type", "rsvac_form", "form", *PREV),
    _rsvac,
)


def _format(path: Path) -> Format:
    with path.open(encoding="utf-8", newline="") as handle:
        header = set(handle.readline().strip().split(","))
    for fmt in (RSVAC, SVAC):
        if set(fmt.columns) <= header:
            return fmt
    raise LoadError(
        f"{path}:1: the header matches neither SVAC ({', '.join(SVAC.columns)}) nor RSVAC ({', '.join(RSVAC.columns)})"
    )


def _records(path: Path, parse: Callable[[dict[str, str]], Record]) -> Iterator[tuple[int, Record]]:
    for number, row in _rows(path):
        try:
            yield number, parse(row)
        except ValueError as exc:
            raise LoadError(f"{path}:{number} (row {number - 1}): {exc}") from None


@dataclass
class ActorYear:
    """One armed actor in one year and location, summed from its records on the first pass."""

    actor_type: str
    records: int = 0
    reported: int = 0  # records reporting sexual violence (a prevalence of 1-3, or a form)
    forms: set[str] = field(default_factory=set)  # SVAC form slugs reported
    words: set[str] = field(default_factory=set)  # RSVAC forms without an SVAC code ("sexual abuse")
    levels: dict[str, int] = field(default_factory=dict)  # report series -> highest level given
    locations: set[str] = field(default_factory=set)

    def add(self, record: Record, always_reported: bool) -> None:
        values = dict(record.values)
        self.records += 1
        forms = record.present - {record_type for record_type in ACTOR_TYPES.values()}
        levels = {c: values.get(c, "NA") for c in PREV}
        if always_reported or forms or any(v in LEVELS for v in levels.values()):
            self.reported += 1
            self.forms |= forms
            if values.get("form") and values["form"] not in FORM_WORDS:
                self.words.add(values["form"])
        for column, level in levels.items():
            if level.isdigit():
                self.levels[column] = max(self.levels.get(column, 0), int(level))
        self.locations.add(values.get("location", ""))

    def merge(self, other: ActorYear) -> None:
        self.records += other.records
        self.reported += other.reported
        self.forms |= other.forms
        self.words |= other.words
        for column, level in other.levels.items():
            self.levels[column] = max(self.levels.get(column, 0), level)
        self.locations |= other.locations


Place = tuple[str, tuple[str, ...]]  # a location as the file names it, and its Gleditsch-Ward numbers


def _place(record: Record) -> Place:
    values = dict(record.values)
    return values.get("location", ""), tuple(values[c] for c in GW if c in values)


def plain(name: str) -> str:
    """A name compared without case, accents or UCDP's bracketed former name.

    >>> plain("DR Congo (Zaire)"), plain("Côte d'Ivoire"), plain("Cote d'Ivoire ")
    ('dr congo', "cote d'ivoire", "cote d'ivoire")
    """
    name = unicodedata.normalize("NFKD", re.sub(r"\s*\([^)]*\)", "", name))
    return "".join(c for c in name if not unicodedata.combining(c)).casefold().strip()


def country_names(context: LoadContext) -> dict[str, set[str]]:
    """Every name of the graph's countries (``plain``) -> the ISO alpha-2 codes it names."""
    found: dict[str, set[str]] = defaultdict(set)
    for r in rows(queries.select(context.store, "country-names")):
        found[plain(r["name"] or "")].add(r["code"] or "")
    return found


def resolve(
    place: Place, names: dict[str, set[str]], records: int, where: str
) -> tuple[list[str], list[Skip]]:
    """The ISO codes of the countries a location names, and what could not be linked, and why.

    >>> names = {"iraq": {"IQ"}, "kuwait": {"KW"}, "dr congo": {"CD"}}
    >>> resolve(("Iraq, Kuwait", ("645", "690")), names, 5, "svac.csv")
    (['IQ', 'KW'], [])
    >>> resolve(("DR Congo (Zaire)", ("490",)), names, 2, "svac.csv")[0]
    ['CD']
    >>> codes, unmatched = resolve(("Yugoslavia", ("345",)), names, 3, "svac.csv")
    >>> codes, str(unmatched[0])
    ([], "svac.csv: location 'Yugoslavia' (Gleditsch-Ward 345): no country of the graph has this name (3 records not linked to it)")
    """
    location, numbers = place
    parts = [p.strip() for p in location.split(", ") if p.strip()]
    gw = f"Gleditsch-Ward {', '.join(numbers) or 'none'}"
    if len(parts) != len(numbers):
        reason = f"names {len(parts)} countries but gives {len(numbers)} Gleditsch-Ward numbers"
        return [], [Skip(f"{where}: location {location!r}", f"{reason} ({records} records not linked)")]
    codes: list[str] = []
    unmatched: list[Skip] = []
    for part in parts:
        found = names.get(plain(part), set())
        if len(found) == 1:
            codes.extend(found)
            continue
        reason = (
            "no country of the graph has this name" if not found else "names several countries of the graph"
        )
        text = f"{where}: location {part!r}" + (f" (in {location!r}, {gw})" if len(parts) > 1 else f" ({gw})")
        unmatched.append(Skip(text, f"{reason} ({records} records not linked to it)"))
    return codes, unmatched


class _Loader:
    name = "svac"
    description = (
        "SVAC 3.0 / RSVAC actor-year reports of conflict-related sexual violence (svac.csv, rsvac.csv)"
    )

    def read(self, path: Path, context: LoadContext) -> Snapshot:
        files = (
            sorted(p for p in path.glob("*.csv") if p.stem in ("svac", "rsvac")) if path.is_dir() else [path]
        )
        if not files:
            raise LoadError(f"{path}: no svac.csv or rsvac.csv in the folder")
        formats = {f: _format(f) for f in files}
        tallies = {f: Tally() for f in files}
        actor_years: dict[Path, dict[tuple[Place, str, str, str], ActorYear]] = {f: {} for f in files}
        places: dict[Path, Counter[Place]] = {f: Counter() for f in files}
        for f in files:
            _count(f, formats[f], tallies[f], actor_years[f], places[f])
        located, unmatched = _locate(places, context)
        snapshot_id = "-".join(f.stem.lower() for f in files)
        parts: list[Iterator[ox.Triple | Lines]] = []
        counts: dict[str, int] = {}
        for f in files:
            writer = Writer(context, f"{snapshot_id}-{f.stem.lower()}", formats[f], prefix="svac")
            parts.append(_dataset(writer, f, tallies[f]))
            parts.append(writer.observations(_records(f, formats[f].parse), _linker(located)))
            parts.append(writer.figures(tallies[f]))
            by_country = _by_country(actor_years[f], located)
            parts.append(_country_figures(writer, by_country))
            counts[f"records in {f.name}"] = tallies[f].records
            counts[f"records in {f.name} linked to a country"] = sum(
                n for place, n in places[f].items() if located.get(place)
            )
        total = sum(t.records for t in tallies.values())
        return Snapshot(
            source="svac",
            snapshot=snapshot_id,
            title=f"Sexual violence in armed conflict, actor-years ({', '.join(f.name for f in files)})",
            files=files,
            triples=itertools.chain.from_iterable(parts),
            licence=CITATION,
            read=total,
            loaded=total,
            unmatched=unmatched,
            counts=counts,
        )


def _count(
    path: Path,
    fmt: Format,
    tally: Tally,
    actor_years: dict[tuple[Place, str, str, str], ActorYear],
    places: Counter[Place],
) -> None:
    """The first pass over a file: every row checked, the figures' counts and the locations."""
    types = set(ACTOR_TYPES.values())
    for _, record in _records(path, fmt.parse):
        tally.add(record)
        place = _place(record)
        places[place] += 1
        actor_type = next(iter(record.present & types))
        key = (place, record.period or "", dict(record.values).get("actor", ""), actor_type)
        actor_years.setdefault(key, ActorYear(actor_type)).add(record, fmt is RSVAC)


def _locate(
    places: dict[Path, Counter[Place]], context: LoadContext
) -> tuple[dict[Place, list[ox.NamedNode]], list[Skip]]:
    """The graph's countries of each location of the files, and the locations not linked, and why."""
    names = country_names(context)
    located: dict[Place, list[ox.NamedNode]] = {}
    unmatched: list[Skip] = []
    for path, found in places.items():
        for place, count in sorted(found.items()):
            codes, missing = resolve(place, names, count, path.name)
            unmatched += missing
            iris = [context.iri("country", c.lower()) for c in codes]
            unmatched += [
                Skip(f"{path.name}: location {place[0]!r}", f"the graph has no country {iri}")
                for iri in iris
                if not context.exists(iri)
            ]
            located[place] = [ox.NamedNode(i) for i in iris if context.exists(i)]
    return located, unmatched


def _dataset(writer: Writer, path: Path, tally: Tally) -> Iterator[ox.Triple]:
    node = writer.node
    years = sorted(tally.periods)
    yield ox.Triple(node, RDF_TYPE, ox.NamedNode(QB + "DataSet"))
    label = f"{writer.fmt.title} ({path.name}): {tally.records:,} records, {years[0]}-{years[-1]}"
    yield ox.Triple(node, RDFS_LABEL, ox.Literal(label, language="en"))
    yield ox.Triple(node, ox.NamedNode(DCT + "description"), ox.Literal(NATURE, language="en"))
    yield ox.Triple(node, ox.NamedNode(TIP + "figureNature"), ox.Literal(NATURE, language="en"))
    yield ox.Triple(node, ox.NamedNode(DCT + "bibliographicCitation"), ox.Literal(CITATION))


def _linker(located: dict[Place, list[ox.NamedNode]]):
    country_p = ox.NamedNode(TIP + "recordedCountry")

    def links(record: Record) -> list[tuple[ox.NamedNode, ox.NamedNode]]:
        return [(country_p, iri) for iri in located.get(_place(record), [])]

    return links


def _by_country(
    found: dict[tuple[Place, str, str, str], ActorYear], located: dict[Place, list[ox.NamedNode]]
) -> dict[tuple[ox.NamedNode, str, str, str], ActorYear]:
    """The actor-years of each linked country: an actor in two locations naming it, merged."""
    out: dict[tuple[ox.NamedNode, str, str, str], ActorYear] = {}
    for (place, year, actor, actor_type), entry in sorted(found.items(), key=lambda kv: kv[0]):
        for country in located.get(place, []):
            key = (country, year, actor, actor_type)
            if key in out:
                out[key].merge(entry)
            else:
                out[key] = ActorYear(actor_type)
                out[key].merge(entry)
    return out


def _country_figures(
    writer: Writer, found: dict[tuple[ox.NamedNode, str, str, str], ActorYear]
) -> Iterator[ox.Triple]:
    """A ``tip:Figure`` per country, year and armed actor: of its actor type, limited to the
    country (``tip:recordedCountry``) and actor (``tip:actorName``); its records (``knownCount``),
    those reporting sexual violence (``caseCount``), the forms reported and the highest levels."""
    for (country, year, actor, actor_type), entry in sorted(found.items(), key=lambda kv: str(kv[0])):
        key = hashlib.sha1(f"country|{country.value}|{year}|{actor}|{actor_type}".encode()).hexdigest()[:16]
        node = ox.NamedNode(f"{writer.base}/figure/{key}")

        def t(p: str, o: ox.NamedNode | ox.Literal, node: ox.NamedNode = node) -> ox.Triple:
            return ox.Triple(node, ox.NamedNode(p), o)

        yield t(RDF_TYPE.value, ox.NamedNode(TIP + "Figure"))
        yield t(QB + "dataSet", writer.node)
        yield t(TIP + "figureOf", writer.category(actor_type))
        yield t(TIP + "recordedCountry", country)
        if year:
            yield t(TIP + "registrationPeriod", ox.Literal(year))
        yield t(TIP + "actorName", ox.Literal(actor))
        yield t(TIP + "caseCount", ox.Literal(str(entry.reported), datatype=XSD_INTEGER))
        yield t(TIP + "knownCount", ox.Literal(str(entry.records), datatype=XSD_INTEGER))
        for slug in sorted(entry.forms):
            yield t(TIP + "recordedCategory", writer.category(slug))
        for word in sorted(entry.words):
            yield t(TIP + "recordedValue", ox.Literal(f"form: {word}"))
        for column, level in sorted(entry.levels.items()):
            yield t(TIP + "recordedValue", ox.Literal(f"{column}: {level}"))
        for location in sorted(entry.locations):
            yield t(TIP + "recordedValue", ox.Literal(f"location: {location}"))


LOADER = _Loader()

"""``tipkg load svac PATH``: Sexual Violence in Armed Conflict (SVAC 3.0) actor-year reports, from
``svac.csv`` (forms as codes 1-7) or ``rsvac.csv`` (RSVAC, one row per actor, year and form, forms in
words), or a folder holding either or both.

Each row becomes a ``qb:Observation`` coded with SVAC's form and actor type (``ontology/data/svac.ttl``,
mapped onto the graph's CRSV forms and perpetrator types), with the actor, year and location as SVAC
names them: countries are kept as SVAC's names and Gleditsch-Ward numbers (not ISO codes, so they are
not guessed onto the graph's countries). Figures are computed at load time with the same mechanism as
CTDC's (``loaders/ctdc.py``): per form and actor type, in all, by year and together.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox

from tipkg.loaders.ctdc import DCT, QB, RDF_TYPE, RDFS_LABEL, TIP, Format, Record, Tally, Writer, _rows
from tipkg.loaders.external import LoadContext, LoadError, Snapshot

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
VALUES = ("actor", "location", "gwnoloc", "state_prev", "ai_prev", "hrw_prev")
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
        for f in files:
            for _, record in _records(f, formats[f].parse):
                tallies[f].add(record)
        snapshot_id = "-".join(f.stem.lower() for f in files)
        parts = []
        for f in files:
            writer = Writer(context, f"{snapshot_id}-{f.stem.lower()}", formats[f], prefix="svac")
            parts.append(_dataset(writer, f, tallies[f]))
            parts.append(writer.observations(_records(f, formats[f].parse)))
            parts.append(writer.figures(tallies[f]))
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
            counts={f"records in {f.name}": tallies[f].records for f in files},
        )


def _dataset(writer: Writer, path: Path, tally: Tally) -> Iterator[ox.Triple]:
    node = writer.node
    years = sorted(tally.periods)
    yield ox.Triple(node, RDF_TYPE, ox.NamedNode(QB + "DataSet"))
    label = f"{writer.fmt.title} ({path.name}): {tally.records:,} records, {years[0]}-{years[-1]}"
    yield ox.Triple(node, RDFS_LABEL, ox.Literal(label, language="en"))
    yield ox.Triple(node, ox.NamedNode(DCT + "description"), ox.Literal(NATURE, language="en"))
    yield ox.Triple(node, ox.NamedNode(TIP + "figureNature"), ox.Literal(NATURE, language="en"))
    yield ox.Triple(node, ox.NamedNode(DCT + "bibliographicCitation"), ox.Literal(CITATION))


LOADER = _Loader()

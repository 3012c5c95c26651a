"""Treaty participation tables: ``tipkg load treaty-status PATH`` (a file, or a folder of them).

Three kinds of table, told apart by their header:

``un-hr-core``
    The UN Treaty Collection tables of world-politics-datalab/humanrights-treaties-ratification-status
    (``hr_status_<treaty>.csv``: ``iso2, member, state party, year ratification or accession,
    signatory, no action, status[, note]``). Status as of the commit they were taken from,
    2022-08-25. A row whose ``state party`` flag and ``status`` text disagree, or whose note says the
    State denounced the treaty, is skipped with its file and row: it is no data, not a guess.
``kelley-simmons``
    The Kelley & Simmons (AJPS 2015) country-year panel (``name, ..., StateAbb, year, ...`` with
    yearly 0/1 columns). Years only; the panel ends in 2011 (a column may end earlier: each record
    says the year it speaks for). A State's status is the flag in its last year with a value, the
    year it became party the first year the flag is 1.
``tipkg``
    The project's own format, for any other table (Rome Statute, ILO ratifications):
    ``state,instrument,status,date,source[,as_of]``, where ``state`` is an ISO 3166-1 alpha-2 code,
    ``instrument`` the instrument's IRI, its id (``crc-opac``) or one of its names (``OPAC``),
    ``status`` one of ``ratification, accession, succession, party, signatory, no action,
    not party``, ``date`` a year or ``YYYY-MM-DD`` (may be empty), ``source`` where the row comes
    from, and ``as_of`` the date the row speaks for (else ``--as-of``, which is then required).

Tables map onto instruments through their ``tip:participationKey`` (``ontology/data/participation.ttl``);
a table, column, State or instrument the graph lacks is reported in the snapshot's unmatched list.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pycountry
import pyoxigraph as ox

from tipkg import queries
from tipkg.loaders.external import LoadContext, LoadError, Skip, Snapshot
from tipkg.queries.rows import value
from tipkg.terms import dcterms, rdf, rdfs, skos, tip, xsd

UN_HEADER = [
    "iso2",
    "member",
    "state party",
    "year ratification or accession",
    "signatory",
    "no action",
    "status",
]
UN_AS_OF = date(2022, 8, 25)  # the commit of the tables in ../shared/data (see its README)
UN_STATUS = {"state party": "party", "signatory state": "signatory", "no action": "no action"}
KS_COLUMNS = ("name", "StateAbb", "year")
KS_NOTE = "Kelley–Simmons panel: years only, and the panel ends in 2011."
OWN_HEADER = ["state", "instrument", "status", "date", "source"]
PARTY = {"ratification", "accession", "succession", "party"}
STATUSES = (*sorted(PARTY), "signatory", "no action", "not party")
YEAR = re.compile(r"\d{4}")
ISO2 = re.compile(r"[A-Za-z]{2}")


@dataclass
class Record:
    """One State's standing towards one instrument, as one row of one table gives it."""

    state: str  # ISO alpha-2, upper case
    instrument: str  # IRI
    status: str  # one of STATUSES
    on: str | None  # the year or date of the act
    as_of: date
    where: str  # file and row
    note: str | None = None


@dataclass
class Reading:
    records: list[Record]
    read: int
    skipped: list[Skip]
    unmatched: list[Skip]


class _Instruments:
    """The graph's instruments by table key and by name, from ``participation-instruments``."""

    def __init__(self, context: LoadContext) -> None:
        self.by_key: dict[str, str] = {}
        self.by_name: dict[str, str] = {}
        prefix = context.iri("instrument", "")
        for row in queries.select(context.store, "participation-instruments"):
            iri, kind, name = value(row["instrument"]) or "", value(row["kind"]), value(row["name"]) or ""
            if kind == "key":
                self.by_key[name] = iri
            else:
                self.by_name.setdefault(name.casefold(), iri)
            if iri.startswith(prefix):
                self.by_name.setdefault(iri[len(prefix) :].casefold(), iri)
            self.by_name.setdefault(iri.casefold(), iri)


def _rows(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and the numbered rows (row 1 is the header) of a CSV file."""
    try:
        handle = path.open(encoding="utf-8", newline="")
        reader = csv.reader(handle)
        header = next(reader, [])
    except (UnicodeDecodeError, csv.Error) as exc:
        raise LoadError(f"{path}: not a readable UTF-8 CSV table ({exc})") from exc

    def numbered() -> Iterator[tuple[int, list[str]]]:
        with handle:
            try:
                yield from enumerate(reader, start=2)
            except (UnicodeDecodeError, csv.Error) as exc:
                raise LoadError(f"{path}: row {reader.line_num}: {exc}") from exc

    return [h.strip() for h in header], numbered()


def kind_of(header: list[str], path: Path) -> str:
    """Which kind of table ``header`` opens; a LoadError naming the file otherwise."""
    if header[: len(UN_HEADER)] == UN_HEADER:
        return "un-hr-core"
    if all(c in header for c in KS_COLUMNS):
        return "kelley-simmons"
    if [h.lower() for h in header[: len(OWN_HEADER)]] == OWN_HEADER:
        return "tipkg"
    raise LoadError(
        f"{path}: row 1: not a treaty-status table: expected the UN table's header "
        f"({', '.join(UN_HEADER)}), the Kelley–Simmons panel's ({', '.join(KS_COLUMNS)}, ...) "
        f"or {','.join(OWN_HEADER)}[,as_of]; got {','.join(header)}"
    )


def _cell(row: list[str], header: list[str], column: str, where: str) -> str:
    index = header.index(column)
    if index >= len(row):
        raise LoadError(f"{where}, column {column!r}: the row ends before this column")
    return row[index].strip()


def _flag(text: str, where: str, column: str) -> bool:
    if text not in ("0", "1"):
        raise LoadError(f"{where}, column {column!r}: expected 0 or 1, got {text!r}")
    return text == "1"


def _read_un(
    path: Path, header: list[str], rows: Iterator[tuple[int, list[str]]], found: _Instruments, as_of: date
) -> Reading:
    key = f"un-hr-core:{path.stem.removeprefix('hr_status_')}"
    instrument = found.by_key.get(key)
    if instrument is None:  # rows of a treaty the graph lacks are not read, so not checked
        return Reading(
            [], 0, [], [Skip(path.name, f"no instrument of the graph has tip:participationKey {key!r}")]
        )
    records: list[Record] = []
    skipped: list[Skip] = []
    read = 0
    for number, row in rows:
        read += 1
        where = f"{path.name}, row {number}"
        code = _cell(row, header, "iso2", where)
        if not ISO2.fullmatch(code):
            raise LoadError(f"{where}, column 'iso2': expected a two-letter ISO code, got {code!r}")
        party = _flag(_cell(row, header, "state party", where), where, "state party")
        year = _cell(row, header, "year ratification or accession", where)
        if year and not YEAR.fullmatch(year):
            raise LoadError(
                f"{where}, column 'year ratification or accession': expected a year, got {year!r}"
            )
        status_text = _cell(row, header, "status", where)
        if status_text not in UN_STATUS:
            raise LoadError(
                f"{where}, column 'status': expected one of {', '.join(UN_STATUS)}, got {status_text!r}"
            )
        note = _cell(row, header, "note", where) if "note" in header else ""
        status = UN_STATUS[status_text]
        if party != (status == "party"):
            skipped.append(Skip(where, f"'state party' is {int(party)} but 'status' is {status_text!r}"))
            continue
        if "denounc" in note.lower():
            skipped.append(Skip(where, f"the note says {note!r}: the status is not certain"))
            continue
        state, cited = _current(code, where)
        records.append(Record(state, instrument, status, year or None, as_of, cited))
    return Reading(records, read, skipped, [])


def _successor(**code: str) -> str | None:
    """The current alpha-2 code that ISO 3166-3 gives a withdrawn code (``TP`` -> ``TPTL`` -> ``TL``;
    ``ZAR`` -> ``ZRCD`` -> ``CD``), or None (no single successor: ``CSHH``).

    >>> _successor(alpha_2="TP"), _successor(alpha_3="ZAR"), _successor(alpha_2="CS")
    ('TL', 'CD', None)
    """
    old = pycountry.historic_countries.get(**code)  # type: ignore[arg-type]
    new = str(old.alpha_4)[2:] if old is not None else ""
    return new if pycountry.countries.get(alpha_2=new) is not None else None


def _current(code: str, where: str) -> tuple[str, str]:
    """A table's alpha-2 code made current (a withdrawn one read as its successor, said in ``where``)."""
    code = code.upper()
    if pycountry.countries.get(alpha_2=code) is None and (new := _successor(alpha_2=code)):
        return new, f"{where} ({code}, a withdrawn ISO code, read as {new} per ISO 3166-3)"
    return code, where


def _ks_state(name: str, abbreviations: set[str]) -> str | None:
    """The alpha-2 code of a panel State: by its ISO alpha-3 abbreviation (a withdrawn one by its
    ISO 3166-3 successor), else by its name."""
    for abbreviation in sorted(abbreviations):
        entry = pycountry.countries.get(alpha_3=abbreviation)
        if entry is not None:
            return str(entry.alpha_2)
        if new := _successor(alpha_3=abbreviation):
            return new
    try:
        return str(pycountry.countries.lookup(name).alpha_2)
    except LookupError:
        return None


def _read_ks(
    path: Path, header: list[str], rows: Iterator[tuple[int, list[str]]], found: _Instruments
) -> Reading:
    columns = {
        c: found.by_key[f"kelley-simmons:{c}"] for c in header if f"kelley-simmons:{c}" in found.by_key
    }
    flags: dict[str, dict[str, list[tuple[int, bool, int]]]] = defaultdict(lambda: defaultdict(list))
    abbreviations: dict[str, set[str]] = defaultdict(set)
    read = 0
    for number, row in rows:
        read += 1
        where = f"{path.name}, row {number}"
        name, year = _cell(row, header, "name", where), _cell(row, header, "year", where)
        if not YEAR.fullmatch(year):
            raise LoadError(f"{where}, column 'year': expected a year, got {year!r}")
        if _cell(row, header, "StateAbb", where):
            abbreviations[name].add(_cell(row, header, "StateAbb", where))
        for column in columns:
            text = _cell(row, header, column, where)
            if text:
                flags[name][column].append((int(year), _flag(text.removesuffix(".0"), where, column), number))
    unmatched = [
        Skip(f"{path.name}, column {c!r}", "no instrument of the graph has this tip:participationKey")
        for c in header
        if c not in columns and c not in {*KS_COLUMNS, "un_ccode", "cowcode"}
    ]
    records: list[Record] = []
    for name, by_column in flags.items():
        code = _ks_state(name, abbreviations[name])
        if code is None:
            unmatched.append(
                Skip(f"{path.name}: {name}", "no ISO 3166-1 country by this name or abbreviation")
            )
            continue
        for column, values in by_column.items():
            last_year, party, number = max(values)
            since = min((y for y, flag, _ in values if flag), default=None) if party else None
            records.append(
                Record(
                    code,
                    columns[column],
                    "party" if party else "not party",
                    str(since) if since else None,
                    date(last_year, 12, 31),
                    f"{path.name}, rows of {name} to {last_year} (row {number}), column {column!r}",
                    KS_NOTE,
                )
            )
    return Reading(records, read, [], unmatched)


def _own_date(text: str, where: str, column: str) -> str | None:
    if not text or YEAR.fullmatch(text):
        return text or None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise LoadError(f"{where}, column {column!r}: expected a year or YYYY-MM-DD, got {text!r}") from None


def _read_own(
    path: Path,
    header: list[str],
    rows: Iterator[tuple[int, list[str]]],
    found: _Instruments,
    as_of: date | None,
) -> Reading:
    header = [h.lower() for h in header]
    records: list[Record] = []
    unmatched: list[Skip] = []
    read = 0
    for number, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        read += 1
        where = f"{path.name}, row {number}"
        state, name, status, on, source = (_cell(row, header, c, where) for c in OWN_HEADER)
        if not ISO2.fullmatch(state):
            raise LoadError(f"{where}, column 'state': expected a two-letter ISO code, got {state!r}")
        status = status.lower().replace("-", " ")
        if status not in STATUSES:
            raise LoadError(
                f"{where}, column 'status': expected one of {', '.join(STATUSES)}, got {status!r}"
            )
        row_as_of = (
            _own_date(_cell(row, header, "as_of", where), where, "as_of") if "as_of" in header else None
        )
        speaks_for = date.fromisoformat(row_as_of) if row_as_of and len(row_as_of) == 10 else as_of
        if speaks_for is None:
            raise LoadError(
                f"{where}: no date the row speaks for: give an as_of column (YYYY-MM-DD) or --as-of"
            )
        instrument = found.by_name.get(name.casefold())
        if instrument is None:
            unmatched.append(Skip(where, f"the graph has no instrument {name!r}"))
            continue
        state, where = _current(state, where)
        cited = f"{source} ({where})" if source else where
        records.append(Record(state, instrument, status, _own_date(on, where, "date"), speaks_for, cited))
    return Reading(records, read, [], unmatched)


def _files(path: Path) -> list[Path]:
    files = (
        sorted(path.rglob("*.csv")) if path.is_dir() else [path]
    )  # the shared folder has one subfolder per table kind
    if not files:
        raise LoadError(f"{path}: no .csv table in this folder or below it")
    return files


def _snapshot_id(path: Path, kinds: set[str]) -> str:
    if path.is_dir() and len(kinds) == 1:
        return next(iter(kinds))
    return re.sub(r"[^a-z0-9._-]+", "-", path.stem.lower()).strip("-._") or "table"


class _Loader:
    name = "treaty-status"
    description = "treaty participation: UN Treaty Collection tables, the Kelley–Simmons panel, or state,instrument,status,date,source"

    def read(self, path: Path, context: LoadContext) -> Snapshot:
        found = _Instruments(context)
        records: list[Record] = []
        read = 0
        skipped: list[Skip] = []
        unmatched: list[Skip] = []
        kinds: set[str] = set()
        files = _files(path)
        for file in files:
            context.progress(f"  {file.name}")
            header, rows = _rows(file)
            try:
                kind = kind_of(header, file)
            except LoadError as exc:
                if not path.is_dir():
                    raise
                skipped.append(Skip(file.name, str(exc).split(": ", 2)[-1].split(";")[0]))
                continue
            kinds.add(kind)
            if kind == "un-hr-core":
                reading = _read_un(file, header, rows, found, context.as_of or UN_AS_OF)
            elif kind == "kelley-simmons":
                reading = _read_ks(file, header, rows, found)
            else:
                reading = _read_own(file, header, rows, found, context.as_of)
            records += reading.records
            read += reading.read
            skipped += reading.skipped
            unmatched += reading.unmatched
        if not kinds:
            raise LoadError(f"{path}: no treaty-status table in this folder ({'; '.join(map(str, skipped))})")
        snapshot = _snapshot_id(path, kinds)
        triples, missing = _triples(records, snapshot, context)
        as_of = max((r.as_of for r in records), default=context.as_of)
        return Snapshot(
            source=self.name,
            snapshot=snapshot,
            title=_title(kinds, as_of),
            files=files,
            triples=triples,
            as_of=as_of,
            licence=_licence(kinds),
            read=read,
            loaded=len(records) - len(missing),
            skipped=skipped,
            unmatched=unmatched + missing,
            counts=_counts(records),
        )


def _title(kinds: set[str], as_of: date | None) -> str:
    names = {
        "un-hr-core": "UN Treaty Collection status tables (as of 2022)",
        "kelley-simmons": "Kelley–Simmons treaty panel (years only, to 2011)",
        "tipkg": "Treaty participation table",
    }
    title = "; ".join(names[k] for k in sorted(kinds))
    return f"{title}, as of {as_of.isoformat()}" if as_of and kinds == {"tipkg"} else title


def _licence(kinds: set[str]) -> str | None:
    if kinds == {"kelley-simmons"}:
        return "MIT (andrewheiss/scorecard-diplomacy)"
    if kinds == {"un-hr-core"}:
        return "no licence stated; data taken from the UN Treaty Collection"
    return None


def _counts(records: list[Record]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for r in records:
        if r.status in PARTY:
            counts[f"parties to {r.instrument.rsplit('/', 1)[-1]}"] += 1
    return dict(counts)


def _triples(
    records: list[Record], snapshot: str, context: LoadContext
) -> tuple[list[ox.Triple], list[Skip]]:
    triples: list[ox.Triple] = []
    missing: list[Skip] = []
    source = ox.NamedNode(f"{context.base}id/source/treaty-status/{snapshot}")
    seen: set[str] = set()
    for r in records:
        state = context.iri("country", r.state.lower())
        if not context.exists(state):
            missing.append(Skip(r.where, f"the graph has no country {r.state}"))
            continue
        local = r.instrument.rsplit("/", 1)[-1]
        node = ox.NamedNode(context.iri("participation", f"{snapshot}/{r.state.lower()}/{local}"))
        if node.value in seen:
            missing.append(Skip(r.where, f"a second row for {r.state} and {local}: the first is kept"))
            continue
        seen.add(node.value)

        triples += _record_triples(node, r, ox.NamedNode(state), source)
    return triples, missing


def _record_triples(
    node: ox.NamedNode, r: Record, state: ox.NamedNode, source: ox.NamedNode
) -> list[ox.Triple]:
    """The triples of one participation record."""
    local = r.instrument.rsplit("/", 1)[-1]
    since = f" ({r.on})" if r.on else ""
    objects: list[tuple[str, ox.NamedNode | ox.Literal]] = [
        (rdf.type, ox.NamedNode(tip.Participation)),
        (rdfs.label, ox.Literal(f"{r.state}, {local}: {r.status}{since}", language="en")),
        (tip.state, state),
        (tip.participationIn, ox.NamedNode(r.instrument)),
        (tip.participationStatus, ox.Literal(r.status)),
        (tip.isParty, ox.Literal(str(r.status in PARTY).lower(), datatype=ox.NamedNode(xsd.boolean))),
        (tip.statusAsOf, ox.Literal(r.as_of.isoformat(), datatype=ox.NamedNode(xsd.date))),
        (tip.sourceRecord, ox.Literal(r.where)),
        (dcterms.source, source),
    ]
    if r.on:
        kind = xsd.gYear if len(r.on) == 4 else xsd.date
        objects.append((tip.statusDate, ox.Literal(r.on, datatype=ox.NamedNode(kind))))
    if r.note:
        objects.append((skos.scopeNote, ox.Literal(r.note, language="en")))
    return [ox.Triple(node, ox.NamedNode(p), o) for p, o in objects]


LOADER = _Loader()

"""``tipkg load ctdc FILE``: victim records of the Counter Trafficking Data Collaborative (CTDC, IOM).

Three layouts, told apart by their header (``FORMATS``): the Global Dataset in its full 64-column
form (k-anonymised), the 11-column condensed copy of it a student project made, and the condensed
victim–perpetrator synthetic dataset. Each record becomes one ``qb:Observation`` of the snapshot's
``qb:DataSet``, coded with CTDC's own categories (``ontology/data/ctdc.ttl``, which maps them onto
the graph's purposes and means). ``-99`` and empty cells are missing: they are never counted as no.

What pages show is computed here, at load time, into ``tip:Figure`` observations: the cases of each
category in all and by year, and the cases recording two categories together, each with the number
of cases in which the variable is known. The file is read twice, streaming, so that a million
records take constant memory: once to check every row and count (a bad row fails the load before
anything is written), once to write the observations as the store takes them in.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from tipkg.loaders.external import LoadContext, LoadError, Snapshot
from tipkg.store import Lines

QB = "http://purl.org/linked-data/cube#"
TIP = "https://w3id.org/tipkg/ontology#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
DCT = "http://purl.org/dc/terms/"
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
TERMS_OF_USE = "CTDC Terms of Use, https://www.ctdatacollaborative.org/terms-use (cite CTDC/IOM)"
PROGRESS_EVERY = 100_000
CHUNK = 20_000  # records per chunk of N-Triples text: about 200,000 triples, 40 MB

# The variable of each CTDC category (ontology/data/ctdc.ttl, skos:notation) -> its IRI slug.
EXPLOITATION = {
    "isForcedLabour": "forced-labour",
    "isSexualExploit": "sexual-exploitation",
    "isOtherExploit": "other-exploitation",
    "isSexAndLabour": "sex-and-labour",
    "isForcedMarriage": "forced-marriage",
    "isForcedMilitary": "forced-military",
    "isOrganRemoval": "organ-removal",
    "isSlaveryAndPractices": "slavery-and-practices",
}
MEANS = {
    "meansOfControlDebtBondage": "debt-bondage",
    "meansOfControlTakesEarnings": "takes-earnings",
    "meansOfControlRestrictsFinancialAccess": "restricts-financial-access",
    "meansOfControlThreats": "threats",
    "meansOfControlPsychologicalAbuse": "psychological-abuse",
    "meansOfControlPhysicalAbuse": "physical-abuse",
    "meansOfControlSexualAbuse": "sexual-abuse",
    "meansOfControlFalsePromises": "false-promises",
    "meansOfControlPsychoactiveSubstances": "psychoactive-substances",
    "meansOfControlRestrictsMovement": "restricts-movement",
    "meansOfControlRestrictsMedicalCare": "restricts-medical-care",
    "meansOfControlExcessiveWorkingHours": "excessive-working-hours",
    "meansOfControlUsesChildren": "uses-children",
    "meansOfControlThreatOfLawEnforcement": "threat-of-law-enforcement",
    "meansOfControlWithholdsNecessities": "withholds-necessities",
    "meansOfControlWithholdsDocuments": "withholds-documents",
    "meansOfControlOther": "other-means",
    "isAbduction": "abduction",
}
# The condensed file's ExploitType is that project's recoding; the values that name one CTDC type.
CONDENSED_TYPES = {
    "Sexual": "sexual-exploitation",
    "Labor": "forced-labour",
    "Other": "other-exploitation",
    "Slavery/Similar": "slavery-and-practices",
    "Forced Marriage": "forced-marriage",
}
MISSING = {"-99", "", "-99.0", "NA"}
_FLAGS: dict[str, bool | None] = {"1": True, "1.0": True, "0": False, "0.0": False, **dict.fromkeys(MISSING)}


@dataclass(frozen=True)
class Record:
    period: str | None  # "2016", or a range such as "2014-2018" in the synthetic file
    present: frozenset[str]  # category slugs recorded as present
    known: frozenset[str]  # category slugs whose variable is known (present or absent)
    values: tuple[tuple[str, str], ...]  # other variables, in CTDC's words


@dataclass(frozen=True)
class Format:
    name: str
    title: str
    nature: str  # what the records are and are not, shown next to every figure
    columns: tuple[str, ...]  # a header has these (in any order) to be of this format
    parse: Callable[[dict[str, str]], Record]
    value_columns: tuple[str, ...] = ()
    synthetic: bool = False


def _flag(row: dict[str, str], column: str) -> bool | None:
    """A 0/1 flag; None when missing (-99 or empty). Anything else is a bad value."""
    text = (row.get(column) or "").strip()
    if text in MISSING:
        return None
    if text in ("1", "1.0"):
        return True
    if text in ("0", "0.0"):
        return False
    raise ValueError(f"{column} is {text!r}, expected 0, 1 or -99")


def _year(text: str | None, column: str) -> str | None:
    text = (text or "").strip()
    if text in MISSING:
        return None
    parts = text.removesuffix(".0").split("-")
    if not all(p.isdigit() and 1900 <= int(p) <= 2100 for p in parts) or len(parts) > 2:
        raise ValueError(f"{column} is {text!r}, expected a year such as 2016")
    return "-".join(parts)


def _values(row: dict[str, str], columns: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    found: list[tuple[str, str]] = []
    for column in columns:
        text = (row.get(column) or "").strip()
        if text not in MISSING:
            found.extend((column, part.strip()) for part in text.split(";") if part.strip())
    return tuple(found)


def _flags(row: dict[str, str], table: dict[str, str]) -> tuple[set[str], set[str]]:
    present, known = set(), set()
    for column, slug in table.items():
        text = row.get(column)
        if text is None:
            continue
        # the common cells by lookup; anything else (padded, or bad) through _flag
        flag = _FLAGS[text] if text in _FLAGS else _flag(row, column)
        if flag is not None:
            known.add(slug)
            if flag:
                present.add(slug)
    return present, known


RAW_VALUES = (
    "Datasource",
    "gender",
    "ageBroad",
    "citizenship",
    "CountryOfExploitation",
    "RecruiterRelationship",
)
CONDENSED_VALUES = (
    "Datasource",
    "gender",
    "ageBroad",
    "citizenship",
    "control_category",
    "RecruiterCategory",
    "Labor_Type",
)
SYNTHETIC_VALUES = (
    "gender",
    "majorityStatus",
    "UN_COO_Region",
    "UN_COE_Region",
    "IP_Gender",
    "IP_ageBroad",
    "IP_citizen_UNRegion",
    "IP_Relation",
    "IP_PayMoney",
)


def _raw(row: dict[str, str]) -> Record:
    present, known = _flags(row, EXPLOITATION)
    mp, mk = _flags(row, MEANS)
    return Record(
        _year(row["yearOfRegistration"], "yearOfRegistration"),
        frozenset(present | mp),
        frozenset(known | mk),
        _values(row, RAW_VALUES),
    )


def _condensed(row: dict[str, str]) -> Record:
    present, known = _flags(row, {"isForcedLabour": "forced-labour"})
    kind = (row.get("ExploitType") or "").strip()
    if kind and kind != "Multiple":
        if kind not in CONDENSED_TYPES:
            raise ValueError(
                f"ExploitType is {kind!r}, expected one of {', '.join([*CONDENSED_TYPES, 'Multiple'])}"
            )
        present.add(CONDENSED_TYPES[kind])
        known.update(s for s in CONDENSED_TYPES.values() if s != "forced-labour")
    return Record(
        _year(row["yearOfRegistration"], "yearOfRegistration"),
        frozenset(present),
        frozenset(known),
        _values(row, CONDENSED_VALUES),
    )


def _synthetic(row: dict[str, str]) -> Record:
    present, known = _flags(
        row, {"isForcedLabour": "forced-labour", "isSexualExploit": "sexual-exploitation"}
    )
    return Record(
        _year(row["yearRegister"], "yearRegister"),
        frozenset(present),
        frozenset(known),
        _values(row, SYNTHETIC_VALUES),
    )


K_ANON = (
    "Identified and reported victims of trafficking in one data collection (CTDC's Global Dataset,"
    " k-anonymised: combinations shared by fewer than 11 records were redacted). They count cases that"
    " organisations identified and recorded, not how common trafficking or any form of it is"
    " (not prevalence)."
)
FORMATS = (
    Format(
        "global-dataset",
        "CTDC Global Dataset (k-anonymised), victims of trafficking identified 2002-2019",
        K_ANON,
        ("yearOfRegistration", "Datasource", *EXPLOITATION.keys() - {"isSlaveryAndPractices"}, *MEANS),
        _raw,
        RAW_VALUES,
    ),
    Format(
        "condensed",
        "CTDC Global Dataset of April 2020 (k-anonymised), condensed: 11 of its variables",
        K_ANON.replace(
            "Global Dataset,",
            "Global Dataset of April 2020 in a condensed copy whose category"
            " columns other than isForcedLabour are that copy's own recoding,",
        ),
        (
            "yearOfRegistration",
            "Datasource",
            "gender",
            "ageBroad",
            "citizenship",
            "isForcedLabour",
            "control_category",
            "RecruiterCategory",
            "ExploitType",
            "Labor_Type",
        ),
        _condensed,
        CONDENSED_VALUES,
    ),
    Format(
        "victim-perpetrator-synthetic",
        "CTDC Global Victim-Perpetrator Synthetic Dataset (condensed)",
        "SYNTHETIC records: generated with differential privacy to resemble CTDC's victim-perpetrator"
        " records, not real cases. Figures from them show the shape of the data collection, not any"
        " person identified, and not how common trafficking is (not prevalence).",
        (
            "yearRegister",
            "gender",
            "majorityStatus",
            "isForcedLabour",
            "isSexualExploit",
            "UN_COO_Region",
            "UN_COE_Region",
            "IP_Exploiter",
            "IP_Relation",
        ),
        _synthetic,
        SYNTHETIC_VALUES,
        synthetic=True,
    ),
)


def detect(header: list[str], path: Path) -> Format:
    """The format whose columns the header has; a LoadError naming what each expects otherwise."""
    names = {h.strip() for h in header}
    for fmt in FORMATS:
        if set(fmt.columns) <= names:
            return fmt
    expected = "; ".join(f"{f.name}: {', '.join(f.columns)}" for f in FORMATS)
    raise LoadError(
        f"{path}:1: the header matches no CTDC format; expected the columns of one of: {expected}"
    )


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for every data row; the header is line 1."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            raise LoadError(f"{path}: empty file, expected a CSV header")
        for number, cells in enumerate(reader, start=2):
            if not "".join(cells).strip():
                continue
            if len(cells) != len(header):
                raise LoadError(f"{path}:{number}: {len(cells)} cells, the header has {len(header)}")
            yield number, dict(zip(header, cells, strict=True))


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle), [])


def records(path: Path, fmt: Format) -> Iterator[tuple[int, Record]]:
    for number, row in _rows(path):
        try:
            yield number, fmt.parse(row)
        except ValueError as exc:
            raise LoadError(f"{path}:{number} (row {number - 1}): {exc}") from None


@dataclass
class Tally:
    """What the figures need, counted on the first pass."""

    records: int = 0
    present: Counter = field(default_factory=Counter)  # slug -> cases
    known: Counter = field(default_factory=Counter)  # slug -> cases with the variable known
    by_period: Counter = field(default_factory=Counter)  # (slug, period) -> cases
    known_by_period: Counter = field(default_factory=Counter)
    pairs: Counter = field(default_factory=Counter)  # (slug, other) -> cases with both
    periods: Counter = field(default_factory=Counter)

    def add(self, record: Record) -> None:
        self.records += 1
        self.present.update(record.present)
        self.known.update(record.known)
        if record.period:
            self.periods[record.period] += 1
            self.by_period.update((s, record.period) for s in record.present)
            self.known_by_period.update((s, record.period) for s in record.known)
        self.pairs.update(itertools.permutations(sorted(record.present), 2))


class _Loader:
    name = "ctdc"
    description = (
        "CTDC victim records (Global Dataset, its condensed copy, or the synthetic victim-perpetrator file)"
    )

    def read(self, path: Path, context: LoadContext) -> Snapshot:
        if path.is_dir():
            raise LoadError(f"{path}: a folder; give one CTDC CSV file")
        fmt = detect(_header(path), path)
        snapshot_id = f"{fmt.name}-{path.stem.lower()}"
        snapshot_id = "".join(c if c.isalnum() or c in "._-" else "-" for c in snapshot_id)[:80]
        writer = Writer(context, snapshot_id, fmt)
        snapshot = Snapshot(
            source="ctdc",
            snapshot=snapshot_id,
            title=f"{fmt.title} ({path.name})",
            files=[path],
            triples=(),
            licence=TERMS_OF_USE,
        )
        snapshot.triples = self._triples(path, fmt, writer, snapshot)
        return snapshot

    def _triples(
        self, path: Path, fmt: Format, writer: Writer, snapshot: Snapshot
    ) -> Iterator[ox.Triple | Lines]:
        """One pass over the file: each record's observation, counted as it goes, then the data set
        and the figures, which need the counts. A bad row stops the stream, and the load it feeds
        writes nothing (it writes into a staging store)."""
        tally = Tally()
        yield from writer.observations(records(path, fmt), tally=tally)
        missing = [s for s in tally.present if not writer.context.exists(writer.category(s).value)]
        if missing:
            raise LoadError(f"the graph lacks the CTDC categories {', '.join(sorted(missing))}: rebuild it")
        yield from writer.dataset(path, tally, sorted(tally.periods))
        yield from writer.figures(tally)
        snapshot.read = snapshot.loaded = tally.records
        snapshot.counts = {
            "records": tally.records,
            **{f"cases: {s}": n for s, n in sorted(tally.present.items())},
        }


class Writer:
    """Triples for one snapshot: its data set, one observation per record, its figures. ``prefix``
    names the curated categories (``<base>id/<prefix>/<slug>``) and the snapshot's resources."""

    def __init__(self, context: LoadContext, snapshot: str, fmt: Format, prefix: str = "ctdc") -> None:
        self.context, self.fmt, self.prefix = context, fmt, prefix
        self.base = f"{context.base}id/{prefix}-data/{snapshot}"
        self.node = ox.NamedNode(self.base)
        self._categories: dict[str, ox.NamedNode] = {}
        self._literals: dict[tuple[str, str], ox.Literal] = {}

    def category(self, slug: str) -> ox.NamedNode:
        if slug not in self._categories:
            self._categories[slug] = ox.NamedNode(f"{self.context.base}id/{self.prefix}/{slug}")
        return self._categories[slug]

    def dataset(self, path: Path, tally: Tally, years: list[str]) -> Iterator[ox.Triple]:
        def t(p: str, o: ox.NamedNode | ox.Literal) -> ox.Triple:
            return ox.Triple(self.node, ox.NamedNode(p), o)

        span = f"{years[0]} to {years[-1]}" if years else "years not recorded"
        yield t(RDF_TYPE.value, ox.NamedNode(QB + "DataSet"))
        yield t(RDFS_LABEL.value, ox.Literal(f"{self.fmt.title}: {tally.records:,} records", language="en"))
        yield t(
            DCT + "description",
            ox.Literal(
                f"{tally.records:,} victim records from {path.name}, registered {span}, one observation each,"
                f" coded with CTDC's categories. Recorded by the Counter Trafficking Data Collaborative (IOM)"
                f" from its contributors' case management and hotline data. {self.fmt.nature}",
                language="en",
            ),
        )
        yield t(DCT + "publisher", ox.Literal("Counter Trafficking Data Collaborative (CTDC), IOM"))
        yield t(DCT + "license", ox.Literal(TERMS_OF_USE))
        yield t(TIP + "figureNature", ox.Literal(self.fmt.nature, language="en"))
        if years:
            yield t(DCT + "temporal", ox.Literal(span))

    def observations(
        self,
        items: Iterator[tuple[int, Record]],
        links: Callable[[Record], Iterable[tuple[ox.NamedNode, ox.NamedNode]]] | None = None,
        tally: Tally | None = None,
    ) -> Iterator[Lines]:
        """One ``qb:Observation`` per record, as N-Triples text in chunks of ``CHUNK`` records (what
        a million records cost is building their triples: text is the cheapest form to build, and
        the store parses it itself); ``links`` gives a record's links to the graph's resources
        (property, resource), such as the countries it names; each record is also counted into
        ``tally`` when given."""
        text = _Text(self)
        for count, (number, record) in enumerate(items, start=1):
            if tally is not None:
                tally.add(record)
            text.add(f"{self.base}/record/{number - 1}", record, links(record) if links else ())
            if count % CHUNK == 0:
                yield text.chunk()
            if count % PROGRESS_EVERY == 0:
                self.context.progress(f"  wrote {count:,} records")
        if text.lines:
            yield text.chunk()

    def _literal(self, variable: str, text: str) -> ox.Literal:
        key = (variable, text)
        if key not in self._literals:
            self._literals[key] = ox.Literal(f"{variable}: {text}" if variable else text)
        return self._literals[key]

    def figures(self, tally: Tally) -> Iterator[ox.Triple]:
        for slug, cases in sorted(tally.present.items()):
            yield from self._figure(slug, None, None, cases, tally.known[slug])
            for (s, period), n in sorted(tally.by_period.items()):
                if s == slug:
                    yield from self._figure(slug, period, None, n, tally.known_by_period[(slug, period)])
        for (slug, other), n in sorted(tally.pairs.items()):
            yield from self._figure(slug, None, other, n, None)

    def _figure(self, slug: str, period: str | None, other: str | None, cases: int, known: int | None):
        key = hashlib.sha1(f"{slug}|{period}|{other}".encode()).hexdigest()[:16]
        node = ox.NamedNode(f"{self.base}/figure/{key}")

        def t(p: str, o: ox.NamedNode | ox.Literal) -> ox.Triple:
            return ox.Triple(node, ox.NamedNode(p), o)

        yield t(RDF_TYPE.value, ox.NamedNode(TIP + "Figure"))
        yield t(QB + "dataSet", self.node)
        yield t(TIP + "figureOf", self.category(slug))
        yield t(TIP + "caseCount", ox.Literal(str(cases), datatype=XSD_INTEGER))
        if known is not None:
            yield t(TIP + "knownCount", ox.Literal(str(known), datatype=XSD_INTEGER))
        if period:
            yield t(TIP + "registrationPeriod", ox.Literal(period))
        if other:
            yield t(TIP + "withCategory", self.category(other))


class _Text:
    """Observations as N-Triples lines, with what ``Lines`` states of them. The end of each line
    after its subject is made once per distinct object, by Oxigraph's own serialisation."""

    def __init__(self, writer: Writer) -> None:
        self.writer = writer
        self.type = ox.NamedNode(QB + "Observation")
        self.in_dataset = ox.NamedNode(QB + "dataSet")
        self.period_p = ox.NamedNode(TIP + "registrationPeriod")
        self.category_p = ox.NamedNode(TIP + "recordedCategory")
        self.value_p = ox.NamedNode(TIP + "recordedValue")
        self.head = f" {RDF_TYPE} {self.type} .\n", f" {self.in_dataset} {writer.node} .\n"
        # A period, a value, or a link (property, resource) -> the end of its line.
        self.ends: dict[str | tuple[str, str], str] = {}
        self.links: dict[tuple[ox.NamedNode, ox.NamedNode], str] = {}
        self.lines: list[str] = []  # subject, end, subject, end...
        self.references: dict[str, tuple[ox.NamedNode, ox.NamedNode]] = {}

    def add(self, iri: str, record: Record, links: Iterable[tuple[ox.NamedNode, ox.NamedNode]]) -> None:
        subject, lines, ends, references = f"<{iri}>", self.lines, self.ends, self.references
        if not references:  # the chunk's first record names the class and the data set
            node = ox.NamedNode(iri)
            references[self.type.value] = (node, RDF_TYPE)
            references[self.writer.node.value] = (node, self.in_dataset)
        lines += (subject, self.head[0], subject, self.head[1])
        if record.period:
            if record.period not in ends:
                ends[record.period] = f" {self.period_p} {self.writer._literal('', record.period)} .\n"
            lines += (subject, ends[record.period])
        for slug in sorted(record.present):
            self._link(iri, self.category_p, self.writer.category(slug))
        for key in record.values:
            if key not in ends:
                ends[key] = f" {self.value_p} {self.writer._literal(*key)} .\n"
            lines += (subject, ends[key])
        for predicate, resource in links:
            self._link(iri, predicate, resource)

    def _link(self, iri: str, predicate: ox.NamedNode, resource: ox.NamedNode) -> None:
        key = (predicate, resource)
        if key not in self.links:
            self.links[key] = f" {predicate} {resource} .\n"
        if resource.value not in self.references:
            self.references[resource.value] = (ox.NamedNode(iri), predicate)
        self.lines += (f"<{iri}>", self.links[key])

    def chunk(self) -> Lines:
        """The lines so far, and a new chunk begun."""
        done = Lines(
            "".join(self.lines).encode(), len(self.lines) // 2, self.references, frozenset([self.type.value])
        )
        self.lines, self.references = [], {}
        return done


LOADER = _Loader()

"""The UN Security Council Consolidated List (official XML): ``tipkg load un-sanctions FILE``.

Each INDIVIDUAL and ENTITY becomes a ``tip:ListedIndividual`` or ``tip:ListedEntity`` whose IRI comes
from its reference number, ``<base>id/listed/<ref>`` with the reference lower-cased and its dot made a
hyphen ("LYi.021" -> ``id/listed/lyi-021``): the same IRI in every snapshot, so the 2020 and 2024
files load side by side (snapshot id = the date part of ``dateGenerated``) and can be compared.

A record carries its names (``rdfs:label``; aliases as ``tip:ListAlias`` with their quality, also as
``skos:altLabel`` for search), the name in original script, listing date, list type as written and
the regime whose ``tip:unListType`` it is (a type no regime has is kept as a literal and reported as
unmatched), nationalities (``tip:nationality`` to ``id/country/<iso2>`` only when the graph has it,
else the words and the ISO code), designations, the comments, the "listed pursuant to paragraph(s) N
of resolution R" phrases (``tip:listingBasis``) linked to the paragraph nodes they cite when the
graph has them (``tip:listedPursuantTo``), a digest of the record for comparing snapshots, and the
passages flagged by ``un_evidence`` as ``tip:ListEvidence``.

The file is checked against the structure of the UN's ``sc-sanctions.xsd`` at record level (root,
record elements and their children, required fields, dates): a file that is not the list, or breaks
it, is refused naming the element and its line. A record whose reference number is not of the form
``XXi.NNN`` / ``XXe.NNN`` is skipped and reported by that reference.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date
from pathlib import Path
from xml.parsers import expat

import pycountry
import pyoxigraph as ox

from tipkg.loaders import un_evidence
from tipkg.loaders.external import LoadContext, LoadError, Skip, Snapshot
from tipkg.namespaces import PREFIXES, TIP

RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")
ALT = ox.NamedNode(PREFIXES["skos"] + "altLabel")
HIDDEN = PREFIXES["skos"] + "hiddenLabel"
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "ʻ": "'", "`": "'", "´": "'", "‐": "-", "–": "-"})
XSD_DATE = ox.NamedNode(PREFIXES["xsd"] + "date")
XSD_BOOLEAN = ox.NamedNode(PREFIXES["xsd"] + "boolean")
LICENCE = "https://main.un.org/securitycouncil/en/content/un-sc-consolidated-list"

_XSD_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})?")
_REFERENCE = re.compile(r"([A-Z]{2})([ie])\.(\d{3})")
_COMMON = {"DATAID", "VERSIONNUM", "FIRST_NAME", "UN_LIST_TYPE", "REFERENCE_NUMBER", "LISTED_ON"}
_COMMON |= {"NAME_ORIGINAL_SCRIPT", "COMMENTS1", "LIST_TYPE", "LAST_DAY_UPDATED", "SORT_KEY"}
_COMMON |= {"SORT_KEY_LAST_MOD", "DELISTED_ON"}
CHILDREN = {
    "INDIVIDUAL": _COMMON
    | {"SECOND_NAME", "THIRD_NAME", "FOURTH_NAME", "GENDER", "SUBMITTED_BY", "NATIONALITY2", "TITLE"}
    | {"DESIGNATION", "NATIONALITY", "INDIVIDUAL_ALIAS", "INDIVIDUAL_ADDRESS", "INDIVIDUAL_DOCUMENT"}
    | {"INDIVIDUAL_DATE_OF_BIRTH", "INDIVIDUAL_PLACE_OF_BIRTH"},
    "ENTITY": _COMMON | {"SUBMITTED_ON", "ENTITY_ALIAS", "ENTITY_ADDRESS"},
}
REQUIRED = ("DATAID", "FIRST_NAME", "UN_LIST_TYPE", "REFERENCE_NUMBER", "LISTED_ON")
NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")

# "Listed pursuant to paragraphs 15 and 17 of resolution 1970", "... paragraphs 7 (c) and 7 (h) of
# resolution 2293 (2016)", "... paragraph 15 of resolution 1970 and paragraph 19 of resolution 1973",
# "under UNSCR 2293 paragraph 7(j)".
_CITE = r"paragraphs? [^.;:“\"]{1,80}? of (?:Security Council )?resolution \d+(?: ?\(\d{4}\))?"
BASIS = re.compile(
    rf"(?:pursuant to|under) {_CITE}(?: and {_CITE})*|under UNSCR \d+ paragraphs? \d+ ?(?:\([a-z]\))?"
)
CITATION = re.compile(
    r"paragraphs? (?P<paras>[^.;:“\"]{1,80}?) of (?:Security Council )?resolution (?P<res>\d+)(?: ?\((?P<year>\d{4})\))?"
    r"|UNSCR (?P<res2>\d+) paragraphs? (?P<paras2>\d+ ?(?:\([a-z]\))?)"
)
PARAGRAPH = re.compile(r"(\d+)\s*(?:\(([a-z]{1,3})\))?")
RANGE = re.compile(r"(\d+) to (\d+)")
PROVISION_IRI = re.compile(r"/provision/sc-res-(\d+)-(\d{4})-para-(\d+)(?:-([a-z]+))?$")


class _Element(ET.Element):
    sourceline = 0


def parse(path: Path) -> ET.Element:
    """The file's element tree, each element with its line as ``sourceline`` (expat gives it;
    ElementTree alone does not)."""
    builder = ET.TreeBuilder(element_factory=_Element)
    parser = expat.ParserCreate()

    def start(tag: str, attrs: dict[str, str]) -> None:
        element = builder.start(tag, attrs)
        setattr(element, "sourceline", parser.CurrentLineNumber)  # noqa: B010 - an _Element attribute

    parser.StartElementHandler = start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    try:
        with path.open("rb") as handle:
            parser.ParseFile(handle)
    except expat.ExpatError as exc:
        raise LoadError(
            f"{path}:{exc.lineno}:{exc.offset}: not well-formed XML: {expat.errors.messages[exc.code]}"
        ) from exc
    return builder.close()


def line(element: ET.Element) -> int:
    return getattr(element, "sourceline", 0)


def _text(element: ET.Element, tag: str) -> str:
    return " ".join((element.findtext(tag) or "").split())


def xsd_date(text: str) -> str | None:
    """The calendar date of an xs:date, its time zone dropped; None when it is not one.

    >>> xsd_date("2015-04-14-04:00"), xsd_date("2018-06-07"), xsd_date("7 June 2018")
    ('2015-04-14', '2018-06-07', None)
    """
    m = _XSD_DATE.fullmatch(text.strip())
    if not m:
        return None
    try:
        return date.fromisoformat(m[1]).isoformat()
    except ValueError:
        return None


def _values(element: ET.Element, tag: str) -> list[str]:
    return [
        v for child in element.findall(tag) for v in (" ".join((x.text or "").split()) for x in child) if v
    ]


def plain(name: str) -> str:
    """``name`` without accents and with straight quotes, for search (``skos:hiddenLabel``).

    >>> plain("Mus’ab ÉXEMPLO")
    "Mus'ab EXEMPLO"
    """
    decomposed = unicodedata.normalize("NFKD", name.translate(_QUOTES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def party_iri(base: str, reference: str) -> str:
    """``<base>id/listed/lyi-021`` for "LYi.021".

    >>> party_iri("https://w3id.org/tipkg/", "LYi.021")
    'https://w3id.org/tipkg/id/listed/lyi-021'
    """
    return f"{base}id/listed/{reference.lower().replace('.', '-')}"


def country_code(name: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of a nationality as the list writes it, when pycountry knows it.

    >>> country_code("Libya"), country_code("Iran (Islamic Republic of)"), country_code("Atlantis")
    ('LY', 'IR', None)
    """
    for candidate in (name, re.sub(r"\s*\(.*\)", "", name)):
        try:
            return pycountry.countries.lookup(candidate).alpha_2
        except LookupError:
            continue
    return None


def citations(phrase: str) -> list[tuple[str, str | None, str, str | None]]:
    """(resolution, year, paragraph, letter) for each paragraph a basis phrase cites.

    >>> citations("pursuant to paragraphs 15 and 17 of resolution 1970")
    [('1970', None, '15', None), ('1970', None, '17', None)]
    >>> citations("pursuant to paragraphs 7 (c) and 7 (h) of resolution 2293 (2016)")
    [('2293', '2016', '7', 'c'), ('2293', '2016', '7', 'h')]
    >>> citations("pursuant to paragraphs 1 to 3 of Security Council resolution 2374 (2017)")
    [('2374', '2017', '1', None), ('2374', '2017', '2', None), ('2374', '2017', '3', None)]
    """
    found: list[tuple[str, str | None, str, str | None]] = []
    for m in CITATION.finditer(phrase):
        res, paras = m.group("res") or m.group("res2"), m.group("paras") or m.group("paras2")
        year = m.group("year")
        span = RANGE.fullmatch(paras.strip())
        if span:
            numbers = [(str(n), None) for n in range(int(span[1]), int(span[2]) + 1)]
        else:
            numbers = [(p, letter or None) for p, letter in PARAGRAPH.findall(paras)]
        found.extend((res, year, p, letter) for p, letter in numbers)
    return found


class _Reader:
    """One file into triples, with the graph's regimes and paragraphs looked up once."""

    def __init__(self, path: Path, context: LoadContext, snapshot: str) -> None:
        self.path, self.context, self.snapshot = path, context, snapshot
        self.base = context.base
        self.triples: list[ox.Triple] = []
        self.unmatched: list[Skip] = []
        self.counts: Counter[str] = Counter()
        self.snapshot_node = ox.NamedNode(f"{self.base}id/source/un-sanctions/{snapshot}")
        self.regimes = {
            str(r["type"].value): str(r["regime"].value)
            for r in context.store.select(
                f"SELECT ?regime ?type WHERE {{ ?regime <{TIP}unListType> ?type ; a <{TIP}SanctionsRegime> }}"
            )
        }
        self.paragraphs: dict[tuple[str, str, str | None], list[tuple[str, str]]] = {}
        for r in context.store.select(
            f"SELECT DISTINCT ?p WHERE {{ ?p a ?k . VALUES ?k {{ <{TIP}Paragraph> <{TIP}SubParagraph> }}"
            f" FILTER(CONTAINS(STR(?p), '/provision/sc-res-')) }}"
        ):
            iri = str(r["p"].value)
            m = PROVISION_IRI.search(iri)
            if m:
                self.paragraphs.setdefault((m[1], m[3], m[4]), []).append((m[2], iri))

    def add(self, s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        self.triples.append(ox.Triple(s, ox.NamedNode(p), o))

    def link(self, s: ox.NamedNode, p: str, iri: str, reference: str, what: str) -> bool:
        if self.context.exists(iri):
            self.add(s, p, ox.NamedNode(iri))
            return True
        self.unmatched.append(Skip(reference, f"the graph has no {what} ({iri})"))
        return False

    def record(self, element: ET.Element, kind: str) -> None:
        reference = _text(element, "REFERENCE_NUMBER")
        node = ox.NamedNode(party_iri(self.base, reference))
        self.add(
            node,
            PREFIXES["rdf"] + "type",
            ox.NamedNode(TIP + ("ListedIndividual" if kind == "INDIVIDUAL" else "ListedEntity")),
        )
        self.add(node, TIP + "referenceNumber", ox.Literal(reference))
        self.add(node, TIP + "inSnapshot", self.snapshot_node)
        name = " ".join(p for p in (_text(element, t) for t in NAME_PARTS) if p)
        self.add(node, PREFIXES["rdfs"] + "label", ox.Literal(name or reference))
        self._hidden(node, name)
        self.add(
            node, TIP + "listedOn", ox.Literal(xsd_date(_text(element, "LISTED_ON")) or "", datatype=XSD_DATE)
        )
        digest = hashlib.sha256(" ".join(" ".join(element.itertext()).split()).encode()).hexdigest()
        self.add(node, TIP + "recordDigest", ox.Literal(digest))
        self._regime(node, element, reference)
        self._names(node, element, reference, kind)
        for nationality in _values(element, "NATIONALITY"):
            self._nationality(node, nationality, reference)
        designations = _values(element, "DESIGNATION")
        for designation in designations:
            self.add(node, TIP + "designation", ox.Literal(designation))
        comments = _text(element, "COMMENTS1")
        if comments:
            self.add(node, TIP + "narrative", ox.Literal(comments))
        for phrase in dict.fromkeys(
            re.sub(r"^(?:pursuant to|under) ", "", m.group(0)) for m in BASIS.finditer(comments)
        ):
            self._basis(node, phrase, reference)
        self._evidence(
            node, reference, [("DESIGNATION", d) for d in designations] + [("COMMENTS1", comments)]
        )

    def _regime(self, node: ox.NamedNode, element: ET.Element, reference: str) -> None:
        list_type = _text(element, "UN_LIST_TYPE")
        self.add(node, TIP + "listType", ox.Literal(list_type))
        self.counts[f"records {list_type}"] += 1
        regime = self.regimes.get(list_type)
        if regime:
            self.add(node, TIP + "listedUnder", ox.NamedNode(regime))
        else:
            self.counts["records of a list type no regime has"] += 1
            self.unmatched.append(Skip(reference, f"no regime in the graph has list type {list_type!r}"))

    def _names(self, node: ox.NamedNode, element: ET.Element, reference: str, kind: str) -> None:
        script = _text(element, "NAME_ORIGINAL_SCRIPT")
        if script:
            self.add(node, TIP + "originalScriptName", ox.Literal(script))
            self.add(node, ALT.value, ox.Literal(script))
        for number, alias in enumerate(element.findall(f"{kind}_ALIAS"), start=1):
            alias_name = _text(alias, "ALIAS_NAME")
            if not alias_name:
                continue
            alias_node = ox.NamedNode(f"{node.value}/alias/{self.snapshot}/{number}")
            self.add(node, TIP + "alias", alias_node)
            self.add(alias_node, PREFIXES["rdf"] + "type", ox.NamedNode(TIP + "ListAlias"))
            self.add(alias_node, LABEL.value, ox.Literal(alias_name))
            self.add(alias_node, TIP + "aliasQuality", ox.Literal(_text(alias, "QUALITY") or "not given"))
            self.add(node, ALT.value, ox.Literal(alias_name))
            self._hidden(node, alias_name)

    def _hidden(self, node: ox.NamedNode, name: str) -> None:
        if plain(name) != name:
            self.add(node, HIDDEN, ox.Literal(plain(name)))

    def _nationality(self, node: ox.NamedNode, nationality: str, reference: str) -> None:
        self.add(node, TIP + "nationalityText", ox.Literal(nationality))
        code = country_code(nationality)
        if code is None:
            return
        self.add(node, TIP + "country", ox.Literal(code))
        iri = self.context.iri("country", code.lower())
        if self.context.exists(iri):
            self.add(node, TIP + "nationality", ox.NamedNode(iri))

    def _basis(self, node: ox.NamedNode, phrase: str, reference: str) -> None:
        self.add(node, TIP + "listingBasis", ox.Literal(phrase))
        for res, year, para, letter in citations(phrase):
            candidates = [iri for y, iri in self.paragraphs.get((res, para, letter), []) if year in (None, y)]
            cited = f"para. {para}{f'({letter})' if letter else ''} of resolution {res}{f' ({year})' if year else ''}"
            if len(candidates) == 1:
                self.add(node, TIP + "listedPursuantTo", ox.NamedNode(candidates[0]))
            else:
                self.unmatched.append(Skip(reference, f"the graph has no {cited}, cited in {phrase!r}"))

    def _evidence(self, node: ox.NamedNode, reference: str, fields: list[tuple[str, str]]) -> None:
        commodity = any(un_evidence.commodity_named(text) for _, text in fields)
        found = [(f, flag) for f, text in fields for flag in un_evidence.flags(text, commodity=commodity)]
        for number, (field_name, flag) in enumerate(found, start=1):
            evidence = ox.NamedNode(f"{node.value}/evidence/{self.snapshot}/{number}")
            self.add(node, TIP + "evidence", evidence)
            self.add(evidence, PREFIXES["rdf"] + "type", ox.NamedNode(TIP + "ListEvidence"))
            self.add(evidence, LABEL.value, ox.Literal(f"{reference}: {flag.kind}", language="en"))
            self.add(evidence, TIP + "evidenceOf", ox.Literal(flag.kind))
            self.add(evidence, TIP + "passage", ox.Literal(flag.passage))
            self.add(evidence, TIP + "inField", ox.Literal(field_name))
            for local in dict.fromkeys(flag.points_to):
                iri = f"{self.base}id/{local}"
                self.link(evidence, TIP + "pointsTo", iri, reference, "resource the passage points to")
        kinds = sorted({flag.kind for _, flag in found})
        for kind in kinds:
            self.add(node, TIP + "evidenceOf", ox.Literal(kind))
            self.counts[f"records flagged: {kind}"] += 1
        self.add(
            node, TIP + "traffickingRelated", ox.Literal("true" if kinds else "false", datatype=XSD_BOOLEAN)
        )
        if kinds:
            self.counts["records flagged"] += 1


def _check_record(path: Path, element: ET.Element, kind: str) -> None:
    where = f"{path}:{line(element)}"
    for child in element:
        if child.tag not in CHILDREN[kind]:
            raise LoadError(
                f"{path}:{line(child)}: <{child.tag}> is not allowed in <{kind}> (sc-sanctions.xsd)"
            )
    for tag in REQUIRED:
        if element.find(tag) is None:
            raise LoadError(f"{where}: <{kind}> lacks <{tag}> (sc-sanctions.xsd)")
    listed = element.find("LISTED_ON")
    assert listed is not None
    if xsd_date(listed.text or "") is None:
        raise LoadError(f"{path}:{line(listed)}: <LISTED_ON> {listed.text!r} is not a date (xs:date)")


def _records(path: Path, root: ET.Element) -> list[tuple[ET.Element, str]]:
    if root.tag != "CONSOLIDATED_LIST":
        raise LoadError(
            f"{path}:{line(root)}: root element <{root.tag}> is not <CONSOLIDATED_LIST>: not the UN Consolidated List"
        )
    found = []
    for group in root:
        kind = {"INDIVIDUALS": "INDIVIDUAL", "ENTITIES": "ENTITY"}.get(group.tag)
        if kind is None:
            raise LoadError(f"{path}:{line(group)}: <{group.tag}> is not allowed in <CONSOLIDATED_LIST>")
        for element in group:
            if element.tag != kind:
                raise LoadError(f"{path}:{line(element)}: <{element.tag}> is not allowed in <{group.tag}>")
            _check_record(path, element, kind)
            found.append((element, kind))
    return found


def _snapshot_date(path: Path, root: ET.Element) -> date:
    generated = root.get("dateGenerated")
    if not generated:
        raise LoadError(f"{path}:{line(root)}: <CONSOLIDATED_LIST> has no dateGenerated attribute")
    try:
        return date.fromisoformat(generated[:10])
    except ValueError as exc:
        raise LoadError(
            f"{path}:{line(root)}: dateGenerated {generated!r} does not start with a date"
        ) from exc


class _Loader:
    name = "un-sanctions"
    description = "UN Security Council Consolidated List (XML, sc-sanctions.xsd)"

    def read(self, path: Path, context: LoadContext) -> Snapshot:
        if path.is_dir():
            raise LoadError(f"{path}: un-sanctions reads one XML file, not a folder")
        root = parse(path)
        records = _records(path, root)
        generated = _snapshot_date(path, root)
        reader = _Reader(path, context, generated.isoformat())
        skipped, seen = [], set()
        for number, (element, kind) in enumerate(records, start=1):
            reference = _text(element, "REFERENCE_NUMBER")
            if not _REFERENCE.fullmatch(reference):
                skipped.append(
                    Skip(
                        reference or f"{path.name}:{line(element)}",
                        "reference number not of the form XXi.NNN or XXe.NNN",
                    )
                )
                continue
            if reference in seen:
                skipped.append(
                    Skip(reference, f"second record with this reference ({path.name}:{line(element)})")
                )
                continue
            seen.add(reference)
            reader.record(element, kind)
            if number % 200 == 0:
                context.progress(f"      {number} of {len(records)} records")
        counts = dict(reader.counts)
        counts["records with an unparseable reference"] = sum("not of the form" in s.reason for s in skipped)
        return Snapshot(
            source=self.name,
            snapshot=generated.isoformat(),
            title=f"UN Security Council Consolidated List, {generated.isoformat()}",
            files=[path],
            triples=reader.triples,
            as_of=generated,
            licence=LICENCE,
            read=len(records),
            loaded=len(seen),
            skipped=skipped,
            unmatched=reader.unmatched,
            counts=counts,
        )


LOADER = _Loader()

"""``tipkg load legal-texts FOLDER``: the official texts attached to the provisions of the graph.

Which file holds which instrument is data: ``tip:officialTextFile`` on the instrument (and
``tip:earlierTextFile`` for an earlier edition to compare with), paths relative to FOLDER. For
every article, paragraph and sub-paragraph of the text the loader writes its own words
(``tip:officialText``), the edition it comes from and the file line; a unit the graph has no
provision for becomes one, at the IRI the curated provisions use (``pr:rome-statute-art-7-2-c``),
with its citation, label, order and place (part, heading, previous and next article). A curated
provision is never retyped or relabelled: the text is attached to it.

Every ``tip:quotation`` of the graph is then checked against its own provision's official text
(``loaders/quotations.py``): one mismatch fails the load, naming the curated file and line. Files
of the folder that no instrument names, and curated provisions the text does not have, are
reported as unmatched. Units of the official text that the earlier edition lacks are linked to the
amendment that inserted them (``tip:insertsUnit`` on the amending resolution), or reported.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from tipkg import queries
from tipkg.loaders import quotations
from tipkg.loaders.external import LoadContext, LoadError, Skip, Snapshot
from tipkg.loaders.official_texts import Article, TextError, Unit, parse_markdown, parse_rome_json
from tipkg.namespaces import PREFIXES, TIP
from tipkg.queries.rows import value

_RDF, _RDFS, _XSD, _DCT = PREFIXES["rdf"], PREFIXES["rdfs"], PREFIXES["xsd"], PREFIXES["dcterms"]
_ELI = "http://data.europa.eu/eli/ontology#"
NO_LICENCE = "No licence stated; official treaty texts are not protected by copyright in the database's country (the Netherlands)."


@dataclass
class Text:
    """One instrument's official text as parsed, with what the graph calls it."""

    instrument: str
    slug: str  # the instrument IRI's last segment, the stem of its provisions' IRIs
    name: str  # how its provisions' labels name it ("Rome Statute")
    path: Path
    articles: list[Article]
    edition: ox.NamedNode
    date: str | None
    licence: str
    earlier: list[Article] | None = None
    full: dict[str, str] = field(default_factory=dict)  # provision IRI -> text with its sub-divisions


def parse(path: Path) -> tuple[list[Article], str | None]:
    """The articles of one file and the date it gives for its text; LoadError naming file and line."""
    try:
        if path.suffix == ".json":
            metadata, articles, _ = parse_rome_json(path.name, json.loads(path.read_text(encoding="utf-8")))
            return articles, metadata.get("dcterms:modified")
        return parse_markdown(path.name, path.read_text(encoding="utf-8")), None
    except TextError as exc:
        raise LoadError(f"{path.parent}/{exc}") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LoadError(f"{path}: cannot read: {exc}") from exc


def licence_of(path: Path) -> str:
    """The licence file beside ``path`` (``<stem>.LICENSE.md``), reduced to its licence's name and
    link; otherwise the database's own terms."""
    beside = path.with_name(f"{path.stem}.LICENSE.md")
    if not beside.is_file():
        return NO_LICENCE
    text = beside.read_text(encoding="utf-8")
    link = re.search(r"https?://creativecommons\.org/licenses/[a-z-]+/[\d.]+/?", text)
    name = re.sub(r"<[^>]+>", "", text)
    words = re.search(r"licensed under\s+(.+?)(?:\.|$)", name, re.IGNORECASE | re.DOTALL)
    label = " ".join(words.group(1).split()) if words else " ".join(name.split())[:120]
    return f"{label} ({link.group(0)})" if link else label


def units(article: Article) -> Iterator[tuple[tuple[str, ...], Unit | None]]:
    """``(path, unit)`` for the article itself (unit None) and each unit below it."""
    yield (), None
    yield from article.walk()


def local(slug: str, article: Article, path: tuple[str, ...]) -> str:
    return "-".join([f"{slug}-art-{article.number.replace(' ', '-')}", *path])


def citation(article: Article, path: tuple[str, ...]) -> str:
    """``art. 7(2)(c)``, ``art. 8 bis(1)``."""
    return f"art. {article.number}" + "".join(f"({label})" for label in path)


def full_texts(slug: str, articles: list[Article], provisions: str) -> dict[str, str]:
    """Provision IRI (``provisions`` + local name) -> its official text with its sub-divisions."""
    return {
        provisions + local(slug, article, path): article.full_text() if unit is None else unit.full_text()
        for article in articles
        for path, unit in units(article)
    }


class _Writer:
    """The triples of one instrument's text."""

    def __init__(self, text: Text, context: LoadContext, curated: set[str]) -> None:
        self.text, self.context, self.curated = text, context, curated
        self.triples: list[ox.Triple] = []
        self.created = 0
        self.attached = 0

    def add(self, subject: str | ox.NamedNode, predicate: str, obj: ox.NamedNode | ox.Literal) -> None:
        node = subject if isinstance(subject, ox.NamedNode) else ox.NamedNode(subject)
        self.triples.append(ox.Triple(node, ox.NamedNode(predicate), obj))

    def edition(self) -> None:
        text, node = self.text, self.text.edition
        self.add(node, _RDF + "type", ox.NamedNode(TIP + "TextEdition"))
        self.add(
            node,
            _RDFS + "label",
            ox.Literal(f"Official text of the {text.name}: {text.path.name}", language="en"),
        )
        self.add(node, TIP + "path", ox.Literal(text.path.name))
        self.add(node, _DCT + "license", ox.Literal(text.licence))
        if text.date:
            self.add(node, _DCT + "date", ox.Literal(text.date, datatype=ox.NamedNode(_XSD + "date")))

    def article(self, index: int, article: Article) -> None:
        slug, articles = self.text.slug, self.text.articles
        iri = self.context.iri("provision", local(slug, article, ()))
        self.provision(iri, article, (), None, self.text.instrument, index + 1, article.intro, article.line)
        if article.heading:
            self.add(iri, TIP + "heading", ox.Literal(article.heading, language="en"))
        if article.part:
            number, title = article.part
            self.add(iri, TIP + "partTitle", ox.Literal(f"Part {number}" + (f": {title}" if title else "")))
        for other, predicate in ((index - 1, "previousArticle"), (index + 1, "nextArticle")):
            if 0 <= other < len(articles):
                target = self.context.iri("provision", local(slug, articles[other], ()))
                self.add(iri, TIP + predicate, ox.NamedNode(target))
        self.children(iri, article, (), article.units)

    def children(self, parent: str, article: Article, path: tuple[str, ...], children: list[Unit]) -> None:
        for order, unit in enumerate(children, start=1):
            here = (*path, unit.label)
            iri = self.context.iri("provision", local(self.text.slug, article, here))
            self.provision(iri, article, here, unit, parent, order, unit.text, unit.line)
            self.children(iri, article, here, unit.children)

    def provision(
        self,
        iri: str,
        article: Article,
        path: tuple[str, ...],
        unit: Unit | None,
        parent: str,
        order: int,
        words: str,
        line: int,
    ) -> None:
        if iri in self.curated:
            self.attached += 1
        else:
            self.created += 1
            kind = (
                "Article"
                if unit is None
                else "Paragraph"
                if len(path) == 1 and unit.marker == "num"
                else "SubParagraph"
            )
            cited = citation(article, path)
            self.add(iri, _RDF + "type", ox.NamedNode(TIP + kind))
            self.add(iri, _RDF + "type", ox.NamedNode(TIP + "Provision"))
            self.add(iri, _RDFS + "label", ox.Literal(f"{self.text.name}, {cited}", language="en"))
            self.add(iri, TIP + "citation", ox.Literal(cited))
            self.add(iri, TIP + "inInstrument", ox.NamedNode(self.text.instrument))
            self.add(iri, TIP + "order", ox.Literal(str(order), datatype=ox.NamedNode(_XSD + "integer")))
        # The text settles where a provision stands, curated or not: within its article and paragraph.
        self.add(iri, _ELI + "is_part_of", ox.NamedNode(parent))
        if words:
            self.add(iri, TIP + "officialText", ox.Literal(words, language="en"))
        self.add(iri, TIP + "textEdition", self.text.edition)
        self.add(iri, TIP + "textLine", ox.Literal(str(line), datatype=ox.NamedNode(_XSD + "integer")))


def _texts(folder: Path, context: LoadContext, files: list[Path]) -> tuple[list[Text], list[Skip]]:
    """The instruments the graph names files for, parsed; files or instruments that do not match."""
    texts: list[Text] = []
    unmatched: list[Skip] = []
    named: set[str] = set()
    for row in queries.select(context.store, "official-text-instruments"):
        instrument, file = row["instrument"].value, row["file"].value
        named.update(f for f in (file, value(row["earlier"])) if f)
        path = folder / file
        if not path.is_file():
            unmatched.append(Skip(file, f"{instrument} names this file, which is not in {folder}"))
            continue
        slug = instrument.rstrip("/").rsplit("/", 1)[1]
        articles, dated = parse(path)
        files.append(path)
        sample, cited = value(row["sampleLabel"]), value(row["sampleCitation"])
        name = sample[: -len(cited) - 2] if sample and cited else row["label"].value
        text = Text(
            instrument=instrument,
            slug=slug,
            name=name,
            path=path,
            articles=articles,
            edition=ox.NamedNode(context.iri("edition", path.stem.lower().replace("_", "-"))),
            date=dated or (context.as_of.isoformat() if context.as_of else None),
            licence=licence_of(path),
        )
        earlier = value(row["earlier"])
        if earlier and (folder / earlier).is_file():
            text.earlier = parse(folder / earlier)[0]
            files.append(folder / earlier)
        texts.append(text)
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if (
            path.suffix in {".md", ".json"}
            and not path.name.endswith(".LICENSE.md")
            and relative not in named
        ):
            unmatched.append(
                Skip(relative, "no instrument of the graph names this file (tip:officialTextFile)")
            )
    return texts, unmatched


def _new_words(unit: Unit, before: str) -> bool:
    """Whether the unit's own words (without its number or letter) are not in the earlier text."""
    return _letters(_MARKER.sub("", unit.text)) not in before


_MARKER = re.compile(r"^\(?[a-z0-9]+[.)]\s*(?:\([a-z]+\)\s*)?")


def _letters(text: str) -> str:
    """Letters and digits only: editions differ in how they write cross-references ("a)", "(a)")."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def amended(text: Text, context: LoadContext, inserted: dict[str, str]) -> tuple[list[ox.Triple], list[Skip]]:
    """Articles and units of the official text that the earlier edition lacks: linked to the
    amendment that inserted them (``eli:amended_by``), or reported."""
    if text.earlier is None:
        return [], []
    before = {a.number: _letters(a.full_text()) for a in text.earlier}
    found: list[tuple[Article, tuple[str, ...], int]] = []
    for article in text.articles:
        if article.number not in before:
            found.append((article, (), article.line))
            continue
        found += [
            (article, path, article.line)
            for path, u in article.walk()
            if _new_words(u, before[article.number])
        ]
    triples, unmatched = [], []
    for article, path, line in found:
        end = local("", article, path).removeprefix("-art-")
        iri = ox.NamedNode(context.iri("provision", local(text.slug, article, path)))
        amendment = inserted.get(f"{text.instrument} {end}")
        if amendment:
            triples.append(ox.Triple(iri, ox.NamedNode(_ELI + "amended_by"), ox.NamedNode(amendment)))
        else:
            unmatched.append(
                Skip(
                    f"{text.path.name}: {'element' if text.path.suffix == '.json' else 'line'} {line}",
                    f"{citation(article, path)} differs from the earlier edition and no amendment in the graph inserts it",
                )
            )
    return triples, unmatched


def finer_pinpoint(provision: str, quotation: str, full: dict[str, str]) -> str | None:
    """The deepest sub-division of ``provision`` whose text holds the whole quotation, if any: the
    text settles the pinpoint (``crc-opsc-art-3-1-a`` quoting what is all in ``3-1-a-i``)."""
    quote = quotations.normalise(quotation)
    below = [
        iri
        for iri, words in full.items()
        if iri.startswith(provision + "-") and quote in quotations.normalise(words)
    ]
    return max(below, key=len) if below else None


def check_quotations(texts: list[Text], context: LoadContext) -> tuple[int, list[str]]:
    """Every quotation of a provision of these instruments, against its provision's official text;
    LoadError listing every mismatch. Returns how many were checked, and the quotations a
    sub-division of their provision holds whole (as "provision: sub-division")."""
    by_instrument = {t.instrument: t for t in texts}
    problems: list[quotations.Mismatch] = []
    finer: list[str] = []
    checked = 0
    for row in queries.select(context.store, "provision-quotations"):
        text = by_instrument.get(row["instrument"].value)
        if text is None:
            continue
        provision, quotation = row["provision"].value, row["quotation"].value
        checked += 1
        official = quotations.check(quotation, text.full.get(provision))
        if official is not None:
            where = quotations.quotation_line(
                context.ontology_dir, value(row["path"]), provision, provision.rsplit("/", 1)[1]
            )
            problems.append(quotations.Mismatch(where, provision, quotation, official))
        elif deeper := finer_pinpoint(provision, quotation, text.full):
            finer.append(f"{provision}: {deeper}")
    if problems:
        raise LoadError(
            f"{len(problems)} quotation(s) not found in the official text:\n  "
            + "\n  ".join(str(p) for p in problems)
        )
    return checked, finer


class _Loader:
    name = "legal-texts"
    description = "official treaty texts (the legal-texts folder: Markdown treaties, the Rome Statute JSON)"

    def read(self, path: Path, context: LoadContext) -> Snapshot:
        if not path.is_dir():
            raise LoadError(
                f"{path}: expected the legal-texts folder (treaties-md/ and the Rome Statute JSON)"
            )
        files: list[Path] = []
        texts, unmatched = _texts(path, context, files)
        inserted = {
            f"{row['instrument'].value} {row['unit'].value}": row["amendment"].value
            for row in queries.select(context.store, "amendment-insertions")
        }
        loaded = f"{context.base}graph/external/{self.name}/"
        curated = {
            row["provision"].value: row["instrument"].value
            for row in queries.select(context.store, "curated-provisions", {"loaded": loaded})
        }
        triples: list[ox.Triple] = []
        counts: dict[str, int] = {}
        read = created = 0
        for text in texts:
            context.progress(f"      {text.path.name}: {len(text.articles)} articles")
            text.full = full_texts(text.slug, text.articles, context.iri("provision", ""))
            writer = _Writer(text, context, set(curated))
            writer.edition()
            for index, article in enumerate(text.articles):
                writer.article(index, article)
            triples += writer.triples
            more, missing = amended(text, context, inserted)
            triples += more
            unmatched += missing
            read += len(text.full)
            created += writer.created
            counts[f"provisions of {text.slug}"] = len(text.full)
        unmatched += _absent(texts, context, inserted, curated)
        counts["quotations checked"], finer = check_quotations(texts, context)
        counts["quotations a sub-division holds whole"] = len(finer)
        for line in finer:  # an article may quote its key sentence; a sub-paragraph should not
            if not re.search(r"-art-\d+(?:-(?:bis|ter|quater))?: ", line):
                context.progress(f"      a finer pinpoint: {line}")
        counts["provisions created"] = created
        return Snapshot(
            source=self.name,
            snapshot="official",
            title="Official texts of the treaties",
            files=files,
            triples=triples,
            as_of=context.as_of or _latest(texts),
            licence="; ".join(sorted({t.licence for t in texts})),
            read=read,
            loaded=read,
            unmatched=unmatched,
            counts=counts,
        )


def _absent(
    texts: list[Text], context: LoadContext, inserted: dict[str, str], curated: dict[str, str]
) -> list[Skip]:
    """Curated provisions of these instruments the text does not have, and units an amendment
    inserts that the official text lacks."""
    out = []
    by_instrument = {t.instrument: t for t in texts}
    for provision, instrument in curated.items():
        text = by_instrument.get(instrument)
        if text and provision not in text.full:
            out.append(Skip(provision, f"{text.path.name} has no such article or sub-division"))
    for key, amendment in inserted.items():
        instrument, end = key.split(" ", 1)
        text = by_instrument.get(instrument)
        if text and context.iri("provision", f"{text.slug}-art-{end}") not in text.full:
            out.append(
                Skip(amendment, f"inserts {end}, which the official text {text.path.name} does not contain")
            )
    return out


def _latest(texts: list[Text]) -> date | None:
    dates = sorted(t.date for t in texts if t.date)
    return date.fromisoformat(dates[-1]) if dates else None


LOADER = _Loader()

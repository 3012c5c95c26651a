"""Flashcards: the module's terms, citations and indicators as CSV (csv module) and as an Anki
package (genanki), the package's timestamps fixed so that the same module gives the same bytes."""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
import zipfile
from html import escape
from pathlib import Path

from tipkg.training.model import Module

FIXED_TIME = 946684800.0  # 2000-01-01T00:00:00Z: the timestamp written where a format wants one


def flashcards(module: Module) -> list[tuple[str, str, str, str]]:
    """(kind, front, back, source IRI): glossary terms and key concepts, then provision citations."""
    cards = [("term", c.label, c.definition, c.iri) for c in module.concepts]
    cards += [
        (
            "citation",
            p.label,
            (f"“{p.text}”" if p.quoted else p.text) or p.instrument.label,
            p.iri,
        )
        for p in module.provisions
    ]
    cards += [("indicator", i.label, i.definition or i.group.label, i.iri) for i in module.indicators]
    return cards


def flashcards_csv(module: Module) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["front", "back", "source"])
    for _kind, front, back, source in flashcards(module):
        writer.writerow([front, back, source])
    return buffer.getvalue()


def _stable_id(text: str) -> int:
    """A positive 31-bit id derived from ``text``, as Anki wants for models and decks."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) & 0x7FFFFFFF | (1 << 30)


def write_anki(module: Module, path: Path) -> None:
    import genanki

    css = ".card { font-family: sans-serif; font-size: 20px; text-align: left; } .src { font-size: 11px; color: #555; }"
    term_model = genanki.Model(
        _stable_id("tipkg-term-model"),
        "TIPKG term",
        fields=[{"name": "Term"}, {"name": "Definition"}, {"name": "Source"}],
        templates=[
            {
                "name": "Term to definition",
                "qfmt": "{{Term}}",
                "afmt": '{{FrontSide}}<hr id="answer">{{Definition}}<p class="src">{{Source}}</p>',
            }
        ],
        css=css,
    )
    citation_model = genanki.Model(
        _stable_id("tipkg-citation-model"),
        "TIPKG citation",
        fields=[{"name": "Citation"}, {"name": "Content"}, {"name": "Source"}],
        templates=[
            {
                "name": "Citation to content",
                "qfmt": "{{Citation}}",
                "afmt": '{{FrontSide}}<hr id="answer">{{Content}}<p class="src">{{Source}}</p>',
            }
        ],
        css=css,
    )
    deck = genanki.Deck(_stable_id(f"tipkg-deck-{module.name}"), f"TIPKG::{module.title}")
    for kind, front, back, source in flashcards(module):
        model = citation_model if kind == "citation" else term_model
        deck.add_note(
            genanki.Note(
                model=model,
                fields=[escape(front), escape(back), escape(source)],
                guid=genanki.guid_for(module.name, kind, source),
                tags=["tipkg", module.name, kind],
            )
        )
    with tempfile.TemporaryDirectory(prefix="tipkg-anki-") as tmp:
        raw = Path(tmp) / "deck.apkg"
        genanki.Package(deck).write_to_file(str(raw), timestamp=FIXED_TIME)
        # genanki stamps the zip entries with the clock; rewrite them with a fixed date.
        with zipfile.ZipFile(raw) as packed, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for info in sorted(packed.infolist(), key=lambda i: i.filename):
                fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
                fixed.compress_type = zipfile.ZIP_DEFLATED
                target.writestr(fixed, packed.read(info.filename))

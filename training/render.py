"""Render a normalised module in each format: one Jinja2 template per document format (HTML, reveal.js
slides, Markdown, GIFT), the PDF printed from the HTML by headless Chromium, the Moodle XML quiz bank
built with xml.etree, the Anki deck with genanki, the flashcards with the csv module.

Every output is the same bytes for the same module; the PDF's dates and document id and the Anki
package's timestamps, which the tools would take from the clock, are fixed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

import jinja2

from tipkg.errors import TipkgError
from tipkg.training.model import Module

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
REVEAL_DIRS = (
    Path(__file__).resolve().parent.parent / "webapp" / "frontend" / "node_modules" / "reveal.js" / "dist",
)
FORMATS = ("html", "pdf", "slides", "markdown", "moodle", "gift", "anki", "csv")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--no-pdf-header-footer",
]
FIXED_TIME = 946684800.0  # 2000-01-01T00:00:00Z: the timestamp written where a format wants one
Progress = Callable[[str], None]


class RenderError(TipkgError):
    """A format could not be produced (a missing tool such as Chromium, or reveal.js)."""


def output_name(module: str, fmt: str) -> str:
    return {
        "html": f"{module}.html",
        "pdf": f"{module}.pdf",
        "slides": f"{module}-slides.html",
        "markdown": f"{module}.md",
        "moodle": f"{module}-moodle.xml",
        "gift": f"{module}.gift",
        "anki": f"{module}.apkg",
        "csv": f"{module}-flashcards.csv",
    }[fmt]


# --- templates --------------------------------------------------------------------------------


def gift_escape(text: object) -> str:
    """Escape text for GIFT: backslash first, then ~ = # { } : ; newlines become spaces."""
    out = str(text).replace("\\", "\\\\")
    for char in "~=#{}:":
        out = out.replace(char, "\\" + char)
    return re.sub(r"\s*\n\s*", " ", out)


def category(module: str) -> str:
    """The quiz bank category, the same in GIFT and Moodle XML (word characters only, as strict GIFT
    readers such as pygiftparser require)."""
    return "$course$/top/TIPKG/" + re.sub(r"\W", "_", module)


def md_cell(text: object) -> str:
    """Text for a Markdown table cell: no line breaks, pipes escaped."""
    return re.sub(r"\s*\n\s*", " ", str(text)).replace("|", "\\|")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["gift"] = gift_escape
    env.filters["md"] = md_cell
    env.filters["category"] = category
    return env


def render_template(name: str, module: Module) -> str:
    css = (TEMPLATES / "style.css").read_text(encoding="utf-8")
    return _environment().get_template(name).render(module=module, css=css)


# --- formats ----------------------------------------------------------------------------------


def write(module: Module, fmt: str, out: Path, progress: Progress | None = None) -> Path:
    """Write ``module`` in ``fmt`` into the folder ``out``; return the main file written."""
    progress = progress or (lambda _m: None)
    out.mkdir(parents=True, exist_ok=True)
    path = out / output_name(module.name, fmt)
    if fmt == "html":
        path.write_text(render_template("module.html.j2", module), encoding="utf-8")
    elif fmt == "markdown":
        path.write_text(render_template("module.md.j2", module), encoding="utf-8")
    elif fmt == "gift":
        path.write_text(render_template("quiz.gift.j2", module), encoding="utf-8")
    elif fmt == "slides":
        copy_reveal(out)
        path.write_text(render_template("slides.html.j2", module), encoding="utf-8")
    elif fmt == "pdf":
        write_pdf(render_template("module.html.j2", module), path)
    elif fmt == "moodle":
        path.write_bytes(moodle_xml(module))
    elif fmt == "anki":
        write_anki(module, path)
    elif fmt == "csv":
        path.write_text(flashcards_csv(module), encoding="utf-8", newline="")
    else:
        raise RenderError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    progress(f"  {module.name}: {fmt} -> {path}")
    return path


def reveal_dist() -> Path:
    """reveal.js's dist folder: $TIPKG_REVEAL_DIR, or the web app's npm install."""
    override = os.environ.get("TIPKG_REVEAL_DIR")
    for candidate in (*([Path(override)] if override else []), *REVEAL_DIRS):
        if (candidate / "reveal.js").is_file():
            return candidate
    raise RenderError(
        "reveal.js is not installed: run `npm install` in webapp/frontend (the reveal.js package)"
    )


def copy_reveal(out: Path) -> None:
    dist = reveal_dist()
    target = out / "reveal"
    (target / "theme" / "fonts").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(dist / "reveal.css", target / "reveal.css")
    shutil.copyfile(dist / "reveal.js", target / "reveal.js")
    shutil.copyfile(dist / "theme" / "white.css", target / "theme" / "white.css")
    shutil.copytree(
        dist / "theme" / "fonts" / "source-sans-pro",
        target / "theme" / "fonts" / "source-sans-pro",
        dirs_exist_ok=True,
    )
    licence = dist.parent / "LICENSE"
    if licence.is_file():
        shutil.copyfile(licence, target / "LICENSE")


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise RenderError("the pdf format needs Debian's chromium (apt-get install chromium)")
    return found


def write_pdf(html: str, path: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="tipkg-pdf-") as tmp:
        source = Path(tmp) / "module.html"
        source.write_text(html, encoding="utf-8")
        target = Path(tmp) / "module.pdf"
        command = [
            chromium(),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp}/profile",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        env = {**os.environ, "TZ": "UTC"}
        done = subprocess.run(command, capture_output=True, text=True, timeout=180, env=env)
        if done.returncode != 0 or not target.is_file():
            raise RenderError(f"chromium could not print {path.name}: {done.stderr.strip()[-500:]}")
        path.write_bytes(fix_pdf(target.read_bytes()))


_PDF_DATE = re.compile(rb"(/(?:CreationDate|ModDate) \(D:)[0-9]{14}")
_PDF_ID = re.compile(rb"/ID \[<([0-9A-Fa-f]+)> <([0-9A-Fa-f]+)>\]")


def fix_pdf(data: bytes) -> bytes:
    """Replace the clock-dependent dates and the document id with fixed values of the same length,
    so that the cross-reference offsets stay right."""

    data = _PDF_DATE.sub(rb"\g<1>20000101000000", data)
    digest = hashlib.sha256(_PDF_ID.sub(b"", data)).hexdigest().upper().encode()

    def ident(match: re.Match) -> bytes:
        a, b = match.group(1), match.group(2)
        return (
            b"/ID [<"
            + digest[: len(a)].ljust(len(a), b"0")
            + b"> <"
            + digest[: len(b)].ljust(len(b), b"0")
            + b">]"
        )

    return _PDF_ID.sub(ident, data)


def _cdata_text(parent: ET.Element, tag: str, text: str, fmt: str | None = "html") -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(element, "text").text = text
    return element


def _html(text: str) -> str:
    from html import escape

    return f"<p>{escape(text)}</p>"


def moodle_xml(module: Module) -> bytes:
    """A Moodle XML question bank: one category, then each quiz question."""
    quiz = ET.Element("quiz")
    bank = ET.SubElement(quiz, "question", {"type": "category"})
    ET.SubElement(ET.SubElement(bank, "category"), "text").text = category(module.name)
    ET.SubElement(ET.SubElement(bank, "info", {"format": "html"}), "text").text = _html(
        f"{module.title}. Generated from the TIPKG knowledge graph; scenario seed {module.seed}."
    )
    for q in module.quiz:
        question = ET.SubElement(quiz, "question", {"type": q.kind})
        ET.SubElement(ET.SubElement(question, "name"), "text").text = q.id
        _cdata_text(question, "questiontext", _html(q.text))
        _cdata_text(question, "generalfeedback", _html(f"{q.feedback} Source: <{q.source}>"))
        ET.SubElement(question, "defaultgrade").text = "1"
        ET.SubElement(question, "penalty").text = "1" if q.kind == "truefalse" else "0.3333333"
        ET.SubElement(question, "hidden").text = "0"
        ET.SubElement(question, "idnumber").text = q.id
        if q.kind == "truefalse":
            for value in (True, False):
                right = value == q.answer
                answer = ET.SubElement(
                    question, "answer", {"fraction": "100" if right else "0", "format": "moodle_auto_format"}
                )
                ET.SubElement(answer, "text").text = "true" if value else "false"
                _cdata_text(answer, "feedback", _html(("Correct. " if right else "Incorrect. ") + q.feedback))
        else:
            ET.SubElement(question, "single").text = "true"
            ET.SubElement(question, "shuffleanswers").text = "true"
            ET.SubElement(question, "answernumbering").text = "abc"
            _cdata_text(question, "correctfeedback", _html("Correct."))
            _cdata_text(question, "partiallycorrectfeedback", _html("Partly correct."))
            _cdata_text(question, "incorrectfeedback", _html("Incorrect. " + q.feedback))
            for choice in q.choices:
                answer = ET.SubElement(
                    question, "answer", {"fraction": "100" if choice.correct else "0", "format": "html"}
                )
                ET.SubElement(answer, "text").text = _html(choice.text)
                _cdata_text(answer, "feedback", _html(choice.feedback))
    ET.indent(quiz)
    return ET.tostring(quiz, encoding="utf-8", xml_declaration=True) + b"\n"


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
    from html import escape

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
        with zipfile.ZipFile(raw) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for info in sorted(source.infolist(), key=lambda i: i.filename):
                fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
                fixed.compress_type = zipfile.ZIP_DEFLATED
                target.writestr(fixed, source.read(info.filename))

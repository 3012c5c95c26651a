"""What every renderer shares: the formats and their file names, the error, and the Jinja2
environment of the document templates (``templates/``) with their filters."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2

from tipkg.errors import TipkgError
from tipkg.training.model import Module
from tipkg.training.quizbank import category

TEMPLATES = Path(__file__).resolve().parent / "templates"
FORMATS = ("html", "pdf", "slides", "markdown", "moodle", "gift", "anki", "csv")
# What each format is, for people choosing one (the /training page).
DESCRIPTIONS = {
    "html": "Handout (HTML, printable)",
    "pdf": "Handout (PDF)",
    "slides": "Slides (reveal.js, zipped)",
    "markdown": "Markdown",
    "moodle": "Quiz bank (Moodle XML)",
    "gift": "Quiz bank (GIFT)",
    "anki": "Flashcards (Anki deck)",
    "csv": "Flashcards (CSV)",
}


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


def gift_escape(text: object) -> str:
    """Escape text for GIFT: backslash first, then ~ = # { } : ; newlines become spaces."""
    out = str(text).replace("\\", "\\\\")
    for char in "~=#{}:":
        out = out.replace(char, "\\" + char)
    return re.sub(r"\s*\n\s*", " ", out)


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

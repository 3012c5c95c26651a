"""Render a normalised module in each format: one Jinja2 template per document format (HTML, reveal.js
slides, Markdown, GIFT; ``base.py``), the PDF printed from the HTML by headless Chromium (``pdf.py``),
the Moodle XML quiz bank built with xml.etree (``quizbank.py``), the Anki deck with genanki and the
flashcards with the csv module (``cards.py``).

Every output is the same bytes for the same module; the PDF's dates and document id and the Anki
package's timestamps, which the tools would take from the clock, are fixed.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from tipkg import assets
from tipkg.errors import ConfigError
from tipkg.training.base import FORMATS, RenderError, output_name, render_template
from tipkg.training.cards import flashcards_csv, write_anki
from tipkg.training.model import Module, Progress
from tipkg.training.pdf import CHROMIUM_FLAGS, write_pdf
from tipkg.training.quizbank import category, moodle_xml

__all__ = ["CHROMIUM_FLAGS", "FORMATS", "RenderError", "category", "output_name", "write"]


def _text(template: str) -> Callable[[Module, Path], None]:
    def writer(module: Module, path: Path) -> None:
        path.write_text(render_template(template, module), encoding="utf-8")

    return writer


def _slides(module: Module, path: Path) -> None:
    copy_reveal(path.parent)
    path.write_text(render_template("slides.html.j2", module), encoding="utf-8")


WRITERS: dict[str, Callable[[Module, Path], object]] = {
    "html": _text("module.html.j2"),
    "markdown": _text("module.md.j2"),
    "gift": _text("quiz.gift.j2"),
    "slides": _slides,
    "pdf": lambda module, path: write_pdf(render_template("module.html.j2", module), path),
    "moodle": lambda module, path: path.write_bytes(moodle_xml(module)),
    "anki": write_anki,
    "csv": lambda module, path: path.write_text(flashcards_csv(module), encoding="utf-8", newline=""),
}


def write(module: Module, fmt: str, out: Path, progress: Progress | None = None) -> Path:
    """Write ``module`` in ``fmt`` into the folder ``out``; return the main file written."""
    progress = progress or (lambda _m: None)
    if fmt not in WRITERS:
        raise RenderError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    out.mkdir(parents=True, exist_ok=True)
    path = out / output_name(module.name, fmt)
    WRITERS[fmt](module, path)
    progress(f"  {module.name}: {fmt} -> {path}")
    return path


def reveal_dist() -> Path:
    """reveal.js's dist folder, where ``tipkg.assets`` finds the front-end packages."""
    try:
        dist = assets.require("reveal.js")
    except ConfigError as exc:
        raise RenderError(f"the slides need reveal.js: {exc}") from exc
    if not (dist / "reveal.js").is_file():
        raise RenderError(f"the slides need reveal.js: {dist} holds no reveal.js")
    return dist


def copy_reveal(out: Path) -> None:
    """Copy the parts of reveal.js the slides load into ``out/reveal``, so they work offline."""
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

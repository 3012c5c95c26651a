"""Training material generated from the graph: every module in every format, read back with
third-party readers (pygiftparser for GIFT, zipfile + sqlite3 for the Anki package, pdftoppm and
Pillow for the PDF, Chromium for the reveal.js slides), answer keys checked against the assessment
engine, and a changed definition followed through a rebuild into every format."""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import re
import shutil
import sqlite3
import subprocess
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from tests.conftest import ONTOLOGY, ROOT, run_cli, settings_for
from tipkg.assessment import Assessor
from tipkg.loaders.build import build
from tipkg.store import open_store
from tipkg.training.model import STATUS_TEXT
from tipkg.training.modules import get_module, module_names
from tipkg.training.normalise import Normaliser
from tipkg.training.render import FORMATS, category, output_name, write

SCREENSHOTS = ROOT / "tests" / "output" / "screenshots"
REQUIRED = {
    "elements-of-trafficking",
    "trafficking-vs-smuggling",
    "atrocity-crimes",
    "crsv",
    "grave-violations",
    "terrorism",
    "sanctions",
    "identifying-victims",
    "protection-and-non-punishment",
}
SEED = 7
RECRUITMENT = "https://w3id.org/tipkg/id/act/recruitment"
OLD_DEFINITION = "Drawing a person in, by whatever method"
NEW_DEFINITION = "Enlisting a person by any route whatsoever, a sentence written only for the rebuild test"

needs_chromium = pytest.mark.skipif(
    shutil.which("chromium") is None and not os.environ.get("TIPKG_REQUIRE_CHROMIUM"),
    reason="Debian's chromium is not installed; `./run test` installs it",
)


def render_all(modules: dict, out: Path) -> dict[str, Path]:
    """Every module in every format, one folder per module, four at a time (Chromium is the slow part)."""
    jobs = [(m, fmt) for m in modules.values() for fmt in FORMATS]
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda job: write(job[0], job[1], out / job[0].name), jobs))
    return {name: out / name for name in modules}


@pytest.fixture(scope="module")
def material(store, tmp_path_factory):
    normaliser = Normaliser(store)
    modules = {name: normaliser.module(get_module(name), seed=SEED) for name in module_names()}
    folders = render_all(modules, tmp_path_factory.mktemp("training"))
    return modules, folders


def path_of(material, name: str, fmt: str) -> Path:
    return material[1][name] / output_name(name, fmt)


def test_the_required_modules_exist_and_list():
    assert set(module_names()) >= REQUIRED
    done = run_cli("training", "list")
    assert done.returncode == 0, done.stderr
    for name in REQUIRED:
        assert name in done.stdout


@needs_chromium
def test_every_module_builds_in_every_format_with_sources(material):
    modules, _ = material
    for name, module in modules.items():
        assert module.objectives and module.exercises and module.quiz, name
        assert module.concepts or module.indicators, name
        assert module.provisions or module.regimes, name
        for fmt in FORMATS:
            path = path_of(material, name, fmt)
            assert path.is_file() and path.stat().st_size > 500, (name, fmt)
        html = path_of(material, name, "html").read_text(encoding="utf-8")
        markdown = path_of(material, name, "markdown").read_text(encoding="utf-8")
        assert "<link" not in html and "<script" not in html  # self-contained
        for note in module.sources:  # every statement's resource is cited with its IRI
            assert f"&lt;{note.iri}&gt;" in html, (name, note.iri)
            assert f"<{note.iri}>" in markdown, (name, note.iri)
        for concept in module.concepts:
            assert f'href="#note-{module.note(concept.iri)}"' in html
        for provision in module.provisions:  # the legal framework table cites to the letter
            assert provision.label in html


@needs_chromium
def test_pdf_pages_render_and_are_not_blank(material, tmp_path):
    from PIL import Image

    def rasterise(name: str) -> None:
        pdf = path_of(material, name, "pdf")
        assert pdf.read_bytes().startswith(b"%PDF")
        subprocess.run(
            ["pdftoppm", "-png", "-r", "50", str(pdf), str(tmp_path / name)], check=True, timeout=300
        )

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(rasterise, material[0]))
    for name in material[0]:
        pages = sorted(tmp_path.glob(f"{name}-*.png"))
        assert pages, name
        for page in pages:
            low, high = Image.open(page).convert("L").getextrema()
            assert low < 128 and high > 200, (name, page.name)  # dark text on a light page


@needs_chromium
def test_reveal_slides_render_offline_in_chromium(material, browser):
    # The shared Chromium (conftest.py); a second Playwright would clash with its event loop.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        for name in material[0]:
            slides = path_of(material, name, "slides")
            assert (slides.parent / "reveal" / "reveal.js").is_file()
            page.goto(slides.as_uri() + "#/1")
            page.wait_for_function("() => window.Reveal && Reveal.isReady()")
            assert page.evaluate("Reveal.getTotalSlides()") > 5
            assert page.locator(".slides section.present h2").first.text_content() == "Learning objectives"
            shot = SCREENSHOTS / f"training-{name}-slides.png"
            page.screenshot(path=str(shot))
            assert shot.stat().st_size > 10_000
        assert all(u.startswith("file:") for u in requests), [
            u for u in requests if not u.startswith("file:")
        ]
    finally:
        context.close()


@needs_chromium
def test_moodle_xml_every_question_has_a_correct_answer_and_feedback(material):
    for name, module in material[0].items():
        root = ET.parse(path_of(material, name, "moodle")).getroot()
        questions = [q for q in root.findall("question") if q.get("type") != "category"]
        assert len(questions) == len(module.quiz) > 0
        assert {q.get("type") for q in questions} <= {"multichoice", "truefalse"}
        for q in questions:
            answers = q.findall("answer")
            assert answers
            assert any(a.get("fraction") == "100" for a in answers), q.findtext("name/text")
            assert (q.findtext("generalfeedback/text") or "").strip()
            for a in answers:
                assert (a.findtext("feedback/text") or "").strip()
            assert "https://w3id.org/tipkg/" in q.findtext("generalfeedback/text")
        assert root.find("question[@type='category']/category/text").text == category(name)
        kinds = {q.get("type") for q in questions}
        assert "multichoice" in kinds


@needs_chromium
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # pygiftparser calls locale.getdefaultlocale
def test_gift_parses_with_pygiftparser(material):
    from pygiftparser import parser
    from pygiftparser.answer import MultipleChoicesSet, SelectSet, TrueFalseSet
    from pygiftparser.utils import transformSpecials

    for name, module in material[0].items():
        text = path_of(material, name, "gift").read_text(encoding="utf-8")
        parsed = parser.parseFile(io.StringIO(text))
        assert len(parsed) == len(module.quiz), name
        for question, expected in zip(parsed, module.quiz, strict=True):
            assert question.valid, question.full
            assert question.cat == category(name)
            assert transformSpecials(question.title) == expected.id
            assert question.markup == "plain"  # so that Moodle shows the <IRI> in the text as written
            assert transformSpecials(question.text) == re.sub(r"\s*\n\s*", " ", expected.text)
            assert expected.source in transformSpecials(question.generalFeedback)
            if expected.kind == "truefalse":
                assert isinstance(question.answers, TrueFalseSet)
                assert question.answers.answer is expected.answer
                assert question.answers.feedbackCorrect and question.answers.feedbackWrong
            else:
                assert isinstance(question.answers, SelectSet | MultipleChoicesSet)
                got = [(transformSpecials(a.answer), a.fraction) for a in question.answers.answers]
                want = [(c.text, 100 if c.correct else 0) for c in expected.choices]
                assert got == want
                assert all(a.feedback for a in question.answers.answers)


def read_apkg(path: Path, tmp_path: Path) -> tuple[list[list[str]], dict]:
    """Open an .apkg as what it is, a zip holding an SQLite collection; return notes and models."""
    import json

    with zipfile.ZipFile(path) as archive:
        assert "collection.anki2" in archive.namelist()
        archive.extract("collection.anki2", tmp_path)
    connection = sqlite3.connect(tmp_path / "collection.anki2")
    try:
        notes = [row[0].split("\x1f") for row in connection.execute("SELECT flds FROM notes ORDER BY id")]
        models = json.loads(connection.execute("SELECT models FROM col").fetchone()[0])
        cards = connection.execute("SELECT COUNT(*) FROM cards").fetchone()[0]
    finally:
        connection.close()
    assert cards == len(notes)
    return notes, models


@needs_chromium
def test_anki_deck_and_flashcards_hold_terms_and_citations(material, tmp_path):
    from html import unescape

    for name, module in material[0].items():
        notes, models = read_apkg(path_of(material, name, "anki"), tmp_path / name)
        assert {m["name"] for m in models.values()} >= {"TIPKG term", "TIPKG citation"}
        fronts = {unescape(n[0]): unescape(n[1]) for n in notes}
        sources = {unescape(n[2]) for n in notes}
        for concept in module.concepts:
            assert fronts[concept.label] in {concept.definition} | {
                c.definition for c in module.concepts if c.label == concept.label
            }
            assert concept.iri in sources
        for provision in module.provisions:
            assert provision.label in fronts and provision.iri in sources
        with path_of(material, name, "csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert rows and list(rows[0]) == ["front", "back", "source"]
        assert len(rows) == len(notes)
        assert all(
            r["source"].startswith("https://w3id.org/tipkg/") and r["front"] and r["back"] for r in rows
        )


def test_scenario_answer_keys_agree_with_the_engine(material, store):
    assessor = Assessor(store)
    checked = 0
    for name, module in material[0].items():
        assert any(e.kind == "variant" for e in module.exercises), name
        for exercise in module.exercises:
            result = {q["id"]: q for q in assessor.assess(exercise.input)["qualifications"]}
            for answer in exercise.answers:
                engine = result[answer.id]
                assert answer.status == engine["status"], (name, exercise.id, answer.id)
                assert [(e.label, e.status) for e in answer.elements] == [
                    (e["label"], e["status"]) for e in engine["elements"]
                ]
                assert [p.iri for p in answer.provisions] == [p["iri"] for p in engine["provisions"]]
                checked += 1
        by_exercise = {e.id: e for e in module.exercises}
        for question in module.quiz:
            if question.topic != "scenario":
                continue
            exercise = by_exercise[question.exercise]
            qualification = question.id.rsplit(f"-{exercise.id}-", 1)[1]
            engine = {q["id"]: q for q in assessor.assess(exercise.input)["qualifications"]}[qualification]
            assert [c.text for c in question.choices if c.correct] == [STATUS_TEXT[engine["status"]]]
    assert checked > 50


def test_variants_are_deterministic_from_the_seed(store):
    normaliser = Normaliser(store)
    spec = get_module("elements-of-trafficking")
    one, two = normaliser.module(spec, seed=3), normaliser.module(spec, seed=3)
    assert [e.input for e in one.exercises] == [e.input for e in two.exercises]
    assert [q.id for q in one.quiz] == [q.id for q in two.quiz]
    other = normaliser.module(spec, seed=4)
    assert [e.input for e in other.exercises] != [e.input for e in one.exercises] or [
        [c.text for c in q.choices] for q in other.quiz
    ] != [[c.text for c in q.choices] for q in one.quiz]


@needs_chromium
def test_the_command_builds_the_same_bytes_twice(built, tmp_path):
    env = {"TIPKG_STORE": built.store}
    for run in ("a", "b"):
        done = run_cli(
            "training", "build", "--module", "trafficking-vs-smuggling", "--format", "all",
            "--out", str(tmp_path / run), "--seed", "5", env=env,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "normalise" in done.stderr and "render" in done.stderr  # progress on stderr
    for fmt in FORMATS:
        name = output_name("trafficking-vs-smuggling", fmt)
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), fmt
    done = run_cli(
        "training", "build", "--module", "nope", "--format", "html", "--out", str(tmp_path), env=env
    )
    assert done.returncode == 2 and "no module 'nope'" in done.stderr


@needs_chromium
def test_a_changed_definition_reaches_every_format_after_a_rebuild(material, tmp_path):
    ontology = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY, ontology)
    elements = ontology / "data" / "elements.ttl"
    text = elements.read_text(encoding="utf-8")
    start = text.index(OLD_DEFINITION)
    end = text.index('"@en', start)
    elements.write_text(text[:start] + NEW_DEFINITION + "." + text[end:], encoding="utf-8")
    settings = settings_for(f"oxigraph:{tmp_path}/store", ontology)
    build(settings)
    store = open_store(settings)
    try:
        spec = dataclasses.replace(get_module("elements-of-trafficking"), quiz={"definitions": 100})
        module = Normaliser(store).module(spec, seed=SEED)
        assert any(c.iri == RECRUITMENT and c.definition.startswith(NEW_DEFINITION) for c in module.concepts)
        out = tmp_path / "out"
        for fmt in FORMATS:
            write(module, fmt, out)
    finally:
        store.close()
    before = dataclasses.replace(get_module("elements-of-trafficking"), quiz={"definitions": 100})
    assert before.name == module.name
    texts = {
        "html": (out / output_name(module.name, "html")).read_text(encoding="utf-8"),
        "slides": (out / output_name(module.name, "slides")).read_text(encoding="utf-8"),
        "markdown": (out / output_name(module.name, "markdown")).read_text(encoding="utf-8"),
        "moodle": (out / output_name(module.name, "moodle")).read_text(encoding="utf-8"),
        "gift": (out / output_name(module.name, "gift")).read_text(encoding="utf-8"),
        "csv": (out / output_name(module.name, "csv")).read_text(encoding="utf-8"),
        "pdf": subprocess.run(
            ["pdftotext", "-layout", str(out / output_name(module.name, "pdf")), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout,
    }
    notes, _ = read_apkg(out / output_name(module.name, "anki"), tmp_path / "apkg")
    texts["anki"] = "\n".join("\x1f".join(n) for n in notes)
    assert set(texts) == set(FORMATS)
    for fmt, content in texts.items():
        flat = " ".join(content.split())
        assert NEW_DEFINITION in flat, fmt
        assert OLD_DEFINITION not in flat, fmt
    # and the material built from the unchanged graph has the old definition
    original = path_of(material, "elements-of-trafficking", "html").read_text(encoding="utf-8")
    assert OLD_DEFINITION in original and NEW_DEFINITION not in original

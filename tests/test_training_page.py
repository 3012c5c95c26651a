"""/training: pick a module and a format in the browser and download it."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from tests.browser import axe_violations


def test_training_page_lists_every_module_with_every_format(client):
    answer = client.get("/training")
    assert answer.status_code == 200
    text = answer.get_data(as_text=True)
    assert text.count("<li>") == 9
    for fmt in ("html", "pdf", "slides", "markdown", "moodle", "gift", "anki", "csv"):
        assert f"format={fmt}" in text


def test_downloads_are_the_generated_files(client):
    flashcards = client.get("/training/download?module=elements-of-trafficking&format=csv")
    assert flashcards.status_code == 200 and "attachment" in flashcards.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(flashcards.get_data(as_text=True))))
    assert any(
        r["front"] == "Recruitment" and r["source"].startswith("https://w3id.org/tipkg/id/") for r in rows
    )
    slides = client.get("/training/download?module=grave-violations&format=slides")
    names = zipfile.ZipFile(io.BytesIO(slides.data)).namelist()
    assert any(n.endswith(".html") for n in names) and any("reveal" in n for n in names)


def test_unknown_module_format_or_seed_are_refused(client):
    assert client.get("/training/download?module=nope&format=csv").status_code == 404
    assert client.get("/training/download?module=crsv&format=docx").status_code == 404
    assert client.get("/training/download?module=crsv&format=csv&seed=x").status_code == 400


def test_pick_and_download_in_the_browser(page):
    page.goto("/training")
    page.get_by_label("Module").select_option("trafficking-vs-smuggling")
    page.get_by_label("Format").select_option("markdown")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    path = download.value.path()
    text = Path(path).read_text(encoding="utf-8")
    assert text.startswith("#") and "https://w3id.org/tipkg/id/" in text
    assert axe_violations(page) == []


def test_the_anki_deck_opens_with_a_third_party_reader(client, tmp_path):
    from ankipandas import Collection

    deck = client.get("/training/download?module=elements-of-trafficking&format=anki")
    assert deck.status_code == 200
    zipfile.ZipFile(io.BytesIO(deck.data)).extractall(tmp_path)
    notes = Collection(str(tmp_path / "collection.anki2")).notes
    fronts = {fields[0] for fields in notes["nflds"]}
    assert "Recruitment" in fronts and len(notes) > 10

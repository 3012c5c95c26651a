"""Official treaty texts read into article trees: a small fixture in every run, the real texts in
``../shared/data/legal-texts`` when present (skipped, saying why, when not)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tipkg.loaders.official_texts import TextError, parse_markdown, parse_rome_json

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "data" / "legal-texts" / "small-treaty.md"
SHARED = HERE.parent.parent / "shared" / "data" / "legal-texts"


def _paths(article) -> list[tuple[str, ...]]:
    return [path for path, _unit in article.walk()]


def test_a_markdown_treaty_becomes_nested_articles_in_english_only():
    articles = parse_markdown(FIXTURE.name, FIXTURE.read_text())
    # the Dutch "Artikel 1" after the English is left out
    assert [a.number for a in articles] == ["1", "2", "3"]
    first, second, third = articles
    assert first.heading == "Use of terms" and first.part == ("I", "Scope")
    assert first.intro == "For the purposes of this Convention:"
    assert _paths(first) == [("a",), ("b",)]
    # the database's "subparagraph a)" is given the official lettering back
    assert "subparagraph (a) of this article" in dict(first.walk())[("b",)].text
    assert _paths(second) == [("1",), ("1", "a"), ("1", "a", "i"), ("1", "a", "ii"), ("1", "b"), ("2",)]
    assert dict(second.walk())[("1", "a", "ii")].line == 27  # every unit knows its line in the file
    assert _paths(third) == [("1",), ("2",)]  # "1.Slavery": a number with no space after its dot


def test_a_heading_that_cannot_be_read_names_file_and_line():
    text = FIXTURE.read_text().replace("### Article 2", "### Articel 2")
    with pytest.raises(TextError, match=r"small-treaty.md:19: cannot read the heading '### Articel 2'"):
        parse_markdown(FIXTURE.name, text)


def test_an_article_seen_twice_is_refused():
    text = FIXTURE.read_text().replace("### Article 2", "### Article 1")
    with pytest.raises(TextError, match=r"small-treaty.md:19: article 1 again \(first at line 9\)"):
        parse_markdown(FIXTURE.name, text)


def test_a_json_that_is_not_the_rome_statute_layout_is_refused():
    with pytest.raises(TextError, match="element 1: not one of metadata, part, article, footnote"):
        parse_rome_json("x.json", [{"chapter": {}}])
    with pytest.raises(TextError, match="expected a JSON array"):
        parse_rome_json("x.json", {"article": {}})


def _shared(name: str) -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"the official texts are not at {SHARED} (shared/data/legal-texts)")
    found = sorted((SHARED / "treaties-md").glob(f"{name}__*.md")) or sorted(SHARED.glob(name))
    assert found, f"no {name} in {SHARED}"
    return found[0]


# Article counts of the treaties as adopted (the Rome Statute's 1998 text has 128 articles; the
# current text adds arts. 8 bis, 15 bis and 15 ter of the Kampala amendments).
COUNTS = {
    "un_trafficking_in_persons_protocol_2000": 20,
    "smuggling_of_migrants_protocol_2000": 25,
    "untoc_2000": 41,
    "crc_1989": 54,
    "crc_opac_2000": 13,
    "crc_opsc_2000": 17,
    "geneva_convention_iv_1949": 159,
    "geneva_additional_protocol_i_1977": 102,
    "geneva_additional_protocol_ii_1977": 28,
    "coe_trafficking_convention_2005": 47,
    "rome_statute_icc": 128,
}


@pytest.mark.parametrize(("name", "count"), sorted(COUNTS.items()))
def test_the_real_treaties_parse_to_their_article_counts(name, count):
    path = _shared(name)
    assert len(parse_markdown(path.name, path.read_text(encoding="utf-8"))) == count


def test_the_rome_statute_json_has_the_kampala_articles_and_art_7_2_c():
    path = _shared("rome_statute_public-law.json")
    _metadata, articles, _notes = parse_rome_json(path.name, json.loads(path.read_text(encoding="utf-8")))
    numbers = [a.number for a in articles]
    assert len(numbers) == 131 and {"8 bis", "15 bis", "15 ter"} <= set(numbers)
    article_7 = articles[numbers.index("7")]
    assert dict(article_7.walk())[("2", "c")].text.startswith(
        "(c) \u201cEnslavement\u201d means the exercise"
    )


def test_the_opsc_sub_items_nest_under_art_3_1_a():
    path = _shared("crc_opsc_2000")
    article_3 = next(
        a for a in parse_markdown(path.name, path.read_text(encoding="utf-8")) if a.number == "3"
    )
    assert ("1", "a", "i") in _paths(article_3) and ("1", "a", "ii") in _paths(article_3)

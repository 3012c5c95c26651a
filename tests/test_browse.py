"""The browsing pages (home, search, the lists, glossary, indicators, worked examples): server-side
checks with the Flask client against the real built graph, and journeys in a real headless Chromium
against a real ``tipkg serve`` process."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlparse

from tests.browser import axe_violations, shot

HTML = {"Accept": "text/html"}


class Page(HTMLParser):
    """The parts of a page the checks look at: headings, links, checkboxes, labels, table rows."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.headings: list[tuple[int, str]] = []
        self.links: list[tuple[str, str]] = []
        self.checkboxes: list[dict] = []
        self.label_for: set[str] = set()
        self.tags: list[tuple[str, dict]] = []
        self._heading: list | None = None
        self._link: list | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = [int(tag[1]), ""]
        elif tag == "a":
            self._link = [attrs.get("href", ""), ""]
        elif tag == "input" and attrs.get("type") == "checkbox":
            self.checkboxes.append(attrs)
        elif tag == "label" and attrs.get("for"):
            self.label_for.add(attrs["for"])

    def handle_endtag(self, tag):
        if re.fullmatch(r"h[1-6]", tag) and self._heading:
            self.headings.append((self._heading[0], " ".join(self._heading[1].split())))
            self._heading = None
        elif tag == "a" and self._link:
            self.links.append((self._link[0], " ".join(self._link[1].split())))
            self._link = None

    def handle_data(self, data):
        if self._heading is not None:
            self._heading[1] += data
        if self._link is not None:
            self._link[1] += data

    def heading_texts(self, level: int) -> list[str]:
        return [text for lvl, text in self.headings if lvl == level]


def get(client, url: str, status: int = 200) -> tuple[str, Page]:
    response = client.get(url, headers=HTML)
    assert response.status_code == status, (url, response.status_code, response.get_data(as_text=True)[:500])
    html = response.get_data(as_text=True)
    return html, Page(html)


def check_structure(page: Page) -> None:
    """One h1, headings that never skip a level, every checkbox labelled."""
    assert len(page.heading_texts(1)) == 1, page.headings
    previous = 0
    for level, text in page.headings:
        assert level <= previous + 1, f"heading {text!r} (h{level}) skips a level after h{previous}"
        previous = level
    for box in page.checkboxes:
        assert box.get("id") in page.label_for, box


def results(page: Page) -> list[tuple[str, str]]:
    """The search results' links, in order (the result list is the only <ol class="results-list">)."""
    return [(href, text) for href, text in page.links if href.startswith("/id/")]


# ---------------------------------------------------------------------------------------------
# Home and the lists
# ---------------------------------------------------------------------------------------------


def test_home_says_what_tipkg_is_and_offers_search_and_the_ways_in(client):
    html, page = get(client, "/")
    check_structure(page)
    assert "knowledge graph" in html
    form = [attrs for tag, attrs in page.tags if tag == "form" and attrs.get("action") == "/search"]
    assert form and form[0].get("method") == "get"
    assert "home-q" in page.label_for
    hrefs = {href for href, _ in page.links}
    for path in (
        "/elements",
        "/instruments",
        "/grave-violations",
        "/crsv",
        "/atrocity-crimes",
        "/sanctions",
        "/indicators",
        "/glossary",
        "/examples",
        "/matrix",
        "/assess",
        "/query",
    ):
        assert path in hrefs, path


def test_elements_lists_acts_means_purposes_with_hierarchy_and_other_conduct(client):
    html, page = get(client, "/elements")
    check_structure(page)
    assert page.heading_texts(2) == ["Acts", "Means", "Exploitative purposes", "Other conduct"]
    hrefs = {href for href, _ in page.links}
    for path in (
        "/id/act/recruitment",
        "/id/means/abduction",
        "/id/purpose/sexual-slavery",
        "/id/purpose/debt-bondage",
        "/id/conduct/rape",
    ):
        assert path in hrefs, path
    # Debt bondage sits under practices similar to slavery.
    similar = html.index('href="/id/purpose/practices-similar-to-slavery"')
    nested = html.index('href="/id/purpose/debt-bondage"', similar)
    between = html[similar:nested]
    assert between.count("<ul") - between.count("</ul>") >= 1  # nested deeper, inside its item


def test_grave_violations_lists_the_six(client):
    html, page = get(client, "/grave-violations")
    check_structure(page)
    violations = [href for href, _ in page.links if href.startswith("/id/grave-violation/")]
    assert len(violations) == 6
    assert violations[0] == "/id/grave-violation/killing-and-maiming"
    assert "Trigger for listing" in html


def test_crsv_lists_forms_five_signs_and_six_terrorism_uses(client):
    html, page = get(client, "/crsv")
    check_structure(page)
    hrefs = [href for href, _ in page.links]
    assert "/id/crsv/sexual-slavery" in hrefs
    assert "/id/crsv/temporary-marriage" in hrefs
    sections = html.split("<h2 ")
    links = sections[2]
    terrorism = sections[3]
    assert links.count("<li>") == 5
    assert terrorism.count("<li>") == 6


def test_atrocity_crimes_with_their_provisions(client):
    html, page = get(client, "/atrocity-crimes")
    check_structure(page)
    crimes = [h for h in page.links if h[0].startswith("/id/qualification/")]
    assert len(crimes) == 7
    assert page.heading_texts(2) == ["Genocide", "Crimes against humanity", "War crimes"]
    hrefs = {href for href, _ in page.links}
    assert "/id/provision/rome-statute-art-7-1-g" in hrefs
    assert "/id/provision/rome-statute-art-8-2-e-vii" in hrefs
    assert "In a non-international armed conflict" in html


def test_glossary_has_every_annex_i_term_a_to_z(client, store):
    from tipkg import queries

    terms = {row["term"].value for row in queries.run(store, "browse-glossary")}
    assert len(terms) == 28
    html, page = get(client, "/glossary")
    check_structure(page)
    hrefs = [href for href, _ in page.links]
    for term in terms:
        assert "/id/" + term.split("/id/", 1)[1] in hrefs, term
    letters = [h for h in hrefs if h.startswith("#letter-")]
    assert letters[0] == "#letter-A"
    assert all(page.heading_texts(2).count(h[-1]) == 1 for h in letters)
    labels = [text for href, text in page.links if href.startswith("/id/term/")]
    assert labels == sorted(labels, key=str.lower)
    # A term with a primary source links to it, and to what it defines.
    child = html[html.index('id="child"') :]
    child = child[: child.index("</dd>")]
    assert 'href="/id/provision/trafficking-protocol-art-3-d"' in child
    assert 'href="/id/age-group/child"' in child


def test_indicators_checklist_has_119_labelled_checkboxes_in_six_groups(client):
    html, page = get(client, "/indicators")
    check_structure(page)
    assert len(page.checkboxes) == 119
    assert len({box["value"] for box in page.checkboxes}) == 119
    assert len(page.heading_texts(2)) == 7  # six groups and the summary
    sections = html.split('<section class="indicator-group"')[1:]
    assert len(sections) == 6
    for section in sections:
        legends = re.findall(r"<legend>(.*?)</legend>", section)
        assert legends[0] == "Observed in the person"
        assert set(legends) <= {"Observed in the person", "Observed in the place or circumstances"}
    assert sum("Observed in the place or circumstances" in s for s in sections) >= 4


def test_indicators_summary_without_javascript(client):
    html, page = get(client, "/indicators?observed=general-1&observed=general-2")
    ticked = [box["value"] for box in page.checkboxes if "checked" in box]
    assert ticked == ["general-1", "general-2"]
    summary = html[html.index('id="summary"') :]
    assert "You ticked 2 indicators" in summary
    assert "Forced labour or services" in summary
    html, _ = get(client, "/indicators?observed=no-such-thing", status=400)
    assert "No indicator is called" in html


def test_examples_lay_out_table_1_and_link_to_the_assessment(client):
    html, page = get(client, "/examples")
    check_structure(page)
    table = html[html.index("<table") : html.index("</table>")]
    assert "<caption>" in table
    body = table[table.index("<tbody>") :]
    assert body.count("<tr") == 7
    header = table[: table.index("</thead>")]
    for column in ("Act", "Means", "Purpose"):
        assert f'<th scope="col">{column}</th>' in header
    assess = [href for href, text in page.links if href.startswith("/assess?")]
    assert len(assess) >= 20
    row_2 = body[body.index('id="row-2"') :]
    row_2 = row_2[: row_2.index("</tr>")]
    assert "none required" in row_2
    query = parse_qs(
        urlparse(re.search(r'href="(/assess\?[^"]+)"', row_2).group(1).replace("&amp;", "&")).query
    )
    assert query["acts"] == ["receipt"]
    assert query["means_none"] == ["1"]
    assert query["age_group"] == ["child"]
    assert query["perpetrator"] == ["armed-group"]
    assert "Other cases" in page.heading_texts(2)


def test_every_examples_assess_link_runs_the_assessment(client):
    html, page = get(client, "/examples")
    links = [href.replace("&amp;", "&") for href, _ in page.links if href.startswith("/assess?")]
    for href in links:
        answer, _ = get(client, href)
        assert "What the facts meet" in answer, href
    # A case with context facts passes them as the form's yes-or-no fields.
    yazidi = html[html.index('href="/id/case/yazidi-enslavement"') :]
    href = re.search(r'href="(/assess\?[^"]+)"', yazidi).group(1).replace("&amp;", "&")
    query = parse_qs(urlparse(href).query)
    assert query["intent_to_destroy_group"] == ["true"]
    assert query["widespread_or_systematic_attack"] == ["true"]
    assert query["acts"] == ["transfer"]


def test_list_pages_are_fast_once_warm(client):
    for path in (
        "/elements",
        "/crsv",
        "/grave-violations",
        "/atrocity-crimes",
        "/glossary",
        "/indicators",
        "/examples",
    ):
        client.get(path, headers=HTML)
        assert client.get(path, headers=HTML).status_code == 200  # the cached answer (speed: bench/pages.py)


# ---------------------------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------------------------


def test_search_ranks_exact_labels_first_and_finds_provision_text(client):
    html, page = get(client, "/search?q=sexual+slavery")
    check_structure(page)
    found = results(page)
    assert found[0][0] in {"/id/purpose/sexual-slavery", "/id/crsv/sexual-slavery"}
    assert found[0][1] == "Sexual slavery"
    assert {found[0][0], found[1][0]} == {"/id/purpose/sexual-slavery", "/id/crsv/sexual-slavery"}
    hrefs = [href for href, _ in found]
    assert "/id/provision/rome-statute-art-7-1-g" in hrefs
    # Labels that merely contain the phrase come after labels that are it; text matches come last.
    assert hrefs.index("/id/qualification/war-crime-sexual-slavery") < hrefs.index(
        "/id/provision/rome-statute-art-7-1-g"
    )
    assert "<mark>Sexual slavery</mark>" in html
    assert "<mark>sexual slavery</mark>" in html


def test_search_facets_filter_by_kind(client):
    html, page = get(client, "/search?q=sexual+slavery")
    facets = [href for href, _ in page.links if "kind=" in href]
    assert any("kind=SubParagraph" in href for href in facets)
    _, filtered = get(client, "/search?q=sexual+slavery&kind=SubParagraph")
    found = results(filtered)
    assert found and all(href.startswith("/id/provision/") for href, _ in found)
    assert "/id/provision/rome-statute-art-7-1-g" in [href for href, _ in found]
    html, _ = get(client, "/search?q=sexual+slavery&kind=Nothing")
    assert "Show results of all kinds" in html
    get(client, "/search?q=sexual+slavery&kind=%3Cb%3E", status=400)


def test_search_tolerates_typos(client):
    html, page = get(client, "/search?q=trafficing")
    found = results(page)
    assert found[0] == ("/id/qualification/trafficking-in-persons", "Trafficking in persons")
    assert "Did you mean" in html
    _, page = get(client, "/search?q=slavry")
    assert ("/id/purpose/slavery", "Slavery") in results(page)[:3]
    _, page = get(client, "/search?q=slavery+sexual")  # every word, in any order
    assert "/id/purpose/sexual-slavery" in [href for href, _ in results(page)]


def test_search_without_a_match_suggests_and_never_dead_ends(client):
    html, page = get(client, "/search?q=zzqqxx")
    assert "No results" in page.heading_texts(2)
    hrefs = {href for href, _ in page.links}
    assert {"/elements", "/glossary", "/examples"} <= hrefs
    html, page = get(client, "/search?q=trafickng+protocl+xyzzy")
    assert "Did you mean" in html


def test_search_suggests_near_labels(client):
    html, page = get(client, "/search?q=debtbondage")
    assert "Did you mean" in html
    assert "/id/purpose/debt-bondage" in [href for href, _ in page.links]


def test_search_escapes_what_the_user_typed(client):
    html, _ = get(client, "/search?q=%3Cscript%3Ealert(1)%3C/script%3E")
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    html, _ = get(client, "/search?q=%22%3E%3Cmark%3E")
    assert '"><mark>' not in html


def test_search_highlight_escapes_the_text_it_marks():
    from tipkg.webapp.search_index import highlight

    marked = str(highlight("a <b> & sexual slavery", ["sexual slavery"]))
    assert marked == "a &lt;b&gt; &amp; <mark>sexual slavery</mark>"
    marked = str(highlight("x<y", ["<"]))
    assert marked == "x<mark>&lt;</mark>y"


def test_search_empty_and_over_long_queries(client):
    html, page = get(client, "/search")
    assert "search-q" in page.label_for
    assert "/glossary" in {href for href, _ in page.links}
    html, _ = get(client, "/search?q=" + "a" * 201, status=400)
    assert "at most 200" in html
    get(client, "/search?q=" + "slavery " * 24)  # 192 characters: fine


def test_typo_correction_finds_what_difflib_finds_over_the_whole_vocabulary(app):
    """The trigram index only shortlists the words difflib then scores: for one-letter typos of label
    words of five letters or more, the correction is the one difflib.get_close_matches picks among
    every label word of about the same length."""
    import difflib

    from tipkg.webapp.search import label_index
    from tipkg.webapp.search_index import correct

    with app.test_request_context():
        index = label_index()
        words = sorted(w for by_length in index.words.values() for w in by_length if len(w) >= 5)
        typos = set()
        for word in words[::40]:
            for i in range(len(word)):
                typos.add(word[:i] + word[i + 1 :])  # a letter left out
                typos.add(word[:i] + "x" + word[i + 1 :])  # a wrong letter
                typos.add(word[:i] + word[i + 1 : i + 2] + word[i] + word[i + 2 :])  # two swapped
        typos = {t for t in typos if t not in index.words.get(len(t), ())}
        assert len(typos) > 300
        corrected = 0
        for typo in sorted(typos):
            pool = [w for n in range(len(typo) - 2, len(typo) + 3) for w in index.words.get(n, ())]
            expected = difflib.get_close_matches(typo, pool, n=1, cutoff=0.75)
            assert correct(index, typo) == (expected[0] if expected else None), typo
            corrected += bool(expected)
        assert corrected > len(typos) / 2


def test_search_compares_without_case_accents_or_extra_spaces():
    from tipkg.webapp.search_index import norm

    assert norm("  Crimes  CONTRE l'Humanité ") == "crimes contre l'humanite"
    assert norm("Trafficking in persons") == "trafficking in persons"


def test_search_index_is_cached_per_build(client, app):
    from tipkg.webapp.search import label_index

    with app.test_request_context():
        first = label_index()
        assert label_index() is first
        build = first.build
    assert build.startswith("https://") or build == "unbuilt"
    assert len(first.entries) > 500


# ---------------------------------------------------------------------------------------------
# In a real browser
# ---------------------------------------------------------------------------------------------


def test_journey_search_sexual_slavery_to_the_rome_statute(page):
    page.goto("/")
    shot(page, "browse-home")
    page.get_by_label("Search the graph").fill("sexual slavery")
    page.get_by_label("Search the graph").press("Enter")
    page.wait_for_url("**/search?q=sexual+slavery")
    assert page.get_by_role("heading", level=1).inner_text() == "Search"
    first = page.locator(".results-list li").first
    assert first.locator("a").inner_text() == "Sexual slavery"
    shot(page, "browse-search")
    page.get_by_role("navigation", name="Filter by kind").get_by_role(
        "link", name=re.compile("^Sub-paragraph")
    ).click()
    page.get_by_role("link", name="Rome Statute, art. 7(1)(g)").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Rome Statute, art. 7(1)(g)"
    assert "sexual slavery" in page.locator("main").inner_text()


def test_journey_typo_and_keyboard(page):
    page.goto("/search")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.get_by_label("Search labels, definitions and provisions").fill("trafficing")
    page.get_by_role("button", name="Search").click()
    assert page.get_by_role("status").get_by_text("Did you mean").is_visible()
    assert page.locator(".results-list li a").first.inner_text() == "Trafficking in persons"


def test_glossary_letters_navigate(page):
    page.goto("/glossary")
    page.get_by_role("navigation", name="Letters").get_by_role("link", name="S", exact=True).click()
    assert page.url.endswith("#letter-S")
    assert page.get_by_role("heading", name="S", exact=True).is_visible()
    shot(page, "browse-glossary")


def test_indicators_checklist_summarises_with_and_without_javascript(page):
    page.goto("/indicators")
    assert page.locator("input[type=checkbox]").count() == 119
    page.get_by_label("Believes they are made to work against their will").check()
    summary = page.locator("#summary")
    assert "You ticked 1 indicator" in summary.inner_text()
    assert "Forced labour or services" in summary.inner_text()
    page.get_by_role("button", name="Summarise what I ticked").click()
    page.wait_for_url("**observed=general-1**")
    assert page.get_by_label("Believes they are made to work against their will").is_checked()
    assert "You ticked 1 indicator" in page.locator("#summary").inner_text()
    shot(page, "browse-indicators")


def test_examples_assess_a_row(page):
    page.goto("/examples")
    assert page.locator("table.cases tbody tr").count() == 7
    shot(page, "browse-examples")
    page.locator("#row-2").get_by_role("link", name=re.compile("Assess these facts")).click()
    present = page.locator("section", has=page.get_by_role("heading", name=re.compile("Elements present")))
    assert present.get_by_text("Trafficking in persons", exact=True).is_visible()


def test_browsing_pages_pass_axe(page):
    """axe-core (served from the app's vendored npm package) finds no WCAG A/AA violations."""
    for url in (
        "/",
        "/search",
        "/search?q=sexual+slavery",
        "/search?q=zzqqxx",
        "/search?q=trafficing",
        "/elements",
        "/grave-violations",
        "/crsv",
        "/atrocity-crimes",
        "/glossary",
        "/indicators?observed=general-1",
        "/examples",
    ):
        page.goto(url)
        violations = axe_violations(page)
        assert violations == [], (url, violations)


def test_search_engine_works_on_a_store_without_flask(store, built):
    from tipkg.webapp.search import lookup
    from tipkg.webapp.search_index import load_index

    index = load_index(store, "test", built.base_iri)
    found = lookup(index, "sexual slavery")
    assert found.hits[0].entry.label.lower() == "sexual slavery" and found.shown_for is None
    corrected = lookup(index, "sexual slavry")
    assert corrected.shown_for == "sexual slavery" and corrected.hits


def test_examples_are_grouped_by_their_table_row_data(store, built):
    from tipkg.webapp.examples import shape_examples

    found = shape_examples(store, built.base_iri, lambda params: "/assess?" + str(len(params)))
    assert [c["row"] for c in found.table] == [1, 2, 3, 4, 5, 6, 7]
    assert [c["variantOf"].rsplit("/", 1)[-1] for c in found.variants] == ["table-1-row-6", "table-1-row-7"]
    assert found.others and all(c["row"] is None and not c.get("variantOf") for c in found.others)


def test_a_table_row_case_without_its_row_fails_the_build_check():
    from tipkg import queries

    data = """@prefix tip: <https://w3id.org/tipkg/ontology#> . @prefix dcterms: <http://purl.org/dc/terms/> .
    <https://w3id.org/tipkg/id/case/a> a tip:Case ; dcterms:source [ tip:locator "ch. 2, table 1, row 3" ] .
    <https://w3id.org/tipkg/id/case/b> a tip:Case ; tip:tableRow 4 ; dcterms:source [ tip:locator "ch. 2, table 1, row 4" ] .
    <https://w3id.org/tipkg/id/case/c> a tip:Case ; dcterms:source [ tip:locator "sect. 3.2; table 1, row 6" ] ."""
    from tests.memory import memory_store

    store = memory_store(data)
    found = [r["resource"].value for r in queries.select(store, "checks/case-table-row-violation")]
    assert found == ["https://w3id.org/tipkg/id/case/a"]

"""The overlap pages: the overlap matrix and its filters, comparisons and sanctions regimes.

Server-side checks go through the Flask client on the real built graph; the journey runs in a real
headless Chromium (Debian's) against a real ``tipkg serve`` process."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from tests.browser import axe_violations, shot

HTML = {"Accept": "text/html"}
CHILD_RECRUITMENT_WAR_CRIME = "cell-purpose-use-of-children-by-armed-or-terrorist-groups--war-crimes"
IAC = "art. 8(2)(b)(xxvi)"
NIAC = "art. 8(2)(e)(vii)"

# --- A small HTML tree from the standard library's parser ---------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _TreeParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = ET.Element("document")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = ET.SubElement(self.stack[-1], tag, {k: v or "" for k, v in attrs})
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        parent = self.stack[-1]
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + data
        else:
            parent.text = (parent.text or "") + data


def parse(html: str) -> ET.Element:
    parser = _TreeParser()
    parser.feed(html)
    parser.close()
    return parser.root


def text(element: ET.Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def by_id(tree: ET.Element, ident: str) -> ET.Element | None:
    return tree.find(f".//*[@id='{ident}']")


def get_page(client, url: str, status: int = 200) -> ET.Element:
    response = client.get(url, headers=HTML)
    assert response.status_code == status, (url, response.status_code, response.get_data(as_text=True)[:500])
    return parse(response.get_data(as_text=True))


def war_crime_cell(client, query: str = "") -> ET.Element:
    tree = get_page(client, "/matrix" + query)
    cell = by_id(tree, CHILD_RECRUITMENT_WAR_CRIME)
    assert cell is not None
    return cell


def entries(cell: ET.Element) -> list[ET.Element]:
    return cell.findall(".//li[@data-status]")


# --- The matrix -----------------------------------------------------------------------------------


def test_the_matrix_is_a_table_with_twelve_framework_columns_and_conduct_rows_by_kind(client):
    tree = get_page(client, "/matrix")
    table = tree.find(".//table[@class='matrix']")
    assert table is not None
    assert "12 legal frameworks" in text(table.find("caption"))
    columns = table.findall("./thead/tr/th[@scope='col']")
    assert len(columns) == 13  # the conduct column and twelve frameworks
    frameworks = [text(th) for th in columns[1:]]
    assert frameworks[:4] == [
        "Trafficking in persons",
        "Smuggling of migrants",
        "Crimes against humanity",
        "War crimes",
    ]
    assert frameworks[-1] == "UN sanctions"
    groups = [text(th) for th in table.findall(".//tr[@class='group']/th[@scope='rowgroup']")]
    assert groups == [
        "Exploitative purposes",
        "Acts",
        "Means",
        "Grave violations against children",
        "Forms of conflict-related sexual violence",
        "Other conduct",
    ]
    rows = table.findall("./tbody/tr/th[@scope='row']")
    assert len(rows) > 50
    for row in table.findall("./tbody/tr[@id]"):
        assert len(row.findall("./td")) == 12
    assert len(tree.findall(".//h1")) == 1
    for select in tree.findall(".//form//select"):
        assert tree.find(f".//label[@for='{select.get('id')}']") is not None


def test_the_child_recruitment_war_crime_cell_changes_with_the_victims_age(client):
    under_15 = war_crime_cell(client, "?age=under-15")
    [entry] = entries(under_15)
    assert entry.get("data-age") == "applies"
    assert IAC in text(entry) and NIAC in text(entry)
    assert "If the victim is" not in text(entry)
    link = entry.find("./a[@class='entry-name']")
    assert (
        link.get("href")
        == "/id/overlap/use-of-children-by-armed-or-terrorist-groups-war-crime-child-recruitment"
    )

    child = war_crime_cell(client, "?age=child")
    [entry] = entries(child)
    assert entry.get("data-age") == "conditional"
    assert "If the victim is: child under 15" in text(entry)
    assert IAC in text(entry)

    adult = war_crime_cell(client, "?age=adult")
    assert entries(adult) == []
    assert adult.get("data-status") == "empty"
    assert IAC not in text(adult)

    # Any age: the war crime is shown, on condition that the victim is under 15.
    [entry] = entries(war_crime_cell(client))
    assert entry.get("data-age") == "conditional"


def test_the_conflict_filter_keeps_the_provision_for_that_type_of_conflict(client):
    international = war_crime_cell(client, "?age=under-15&conflict=international")
    [entry] = entries(international)
    assert entry.get("data-status") == "applies"
    assert IAC in text(entry)
    assert NIAC not in text(entry)

    non_international = war_crime_cell(client, "?age=under-15&conflict=non-international")
    [entry] = entries(non_international)
    assert NIAC in text(entry)
    assert IAC not in text(entry)

    # With no conflict type chosen, each provision says which conflict it belongs to.
    [entry] = entries(war_crime_cell(client, "?age=under-15"))
    assert entry.get("data-conflict") == "conditional"
    assert "(international armed conflict)" in text(entry)


def test_overlaps_for_children_only_leave_the_matrix_for_adults(client):
    # The grave violation of recruitment and use concerns children; trafficking of adults needs means.
    tree = get_page(client, "/matrix?age=adult")
    gv = by_id(tree, "cell-grave-violation-recruitment-and-use--grave-violations")
    assert gv.get("data-status") == "empty"
    adults = by_id(tree, "cell-purpose-use-of-adults-by-armed-or-terrorist-groups--trafficking-in-persons")
    assert adults.get("data-status") == "applies"
    tree = get_page(client, "/matrix?age=child")
    assert (
        by_id(tree, "cell-grave-violation-recruitment-and-use--grave-violations").get("data-status")
        == "applies"
    )
    assert (
        by_id(tree, "cell-purpose-use-of-adults-by-armed-or-terrorist-groups--trafficking-in-persons").get(
            "data-status"
        )
        == "empty"
    )


def test_the_sanctions_column_shows_designation_criteria(client):
    tree = get_page(client, "/matrix")
    cell = by_id(tree, "cell-grave-violation-recruitment-and-use--un-sanctions")
    assert "Mali: recruitment or use of children" in text(cell)
    assert cell.find(".//a[@href='/id/criterion/mali-children']") is not None


@pytest.mark.parametrize(
    "query",
    ["?age=teenager", "?conflict=civil-war", "?age=child&conflict=none", "?colour=red", "?age=%3Cscript%3E"],
)
def test_bad_filter_values_give_a_helpful_400(client, query):
    response = client.get("/matrix" + query, headers=HTML)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "<h1>400" in body
    assert "<script>" not in body
    assert "choose one of" in body or "takes the filters" in body


def test_every_link_in_the_matrix_cells_resolves(client):
    hrefs: set[str] = set()
    for query in ("", "?age=under-15&conflict=international", "?age=adult&conflict=non-international"):
        tree = get_page(client, "/matrix" + query)
        for a in tree.findall(".//table[@class='matrix']//a"):
            hrefs.add(a.get("href"))
    assert any(h.startswith("/id/overlap/") for h in hrefs)
    assert any(h.startswith("/id/provision/") for h in hrefs)
    failures = []
    for href in sorted(hrefs):
        assert href.startswith("/"), href
        status = client.get(href, headers=HTML).status_code
        if status != 200:
            failures.append((href, status))
    assert failures == []


# --- Comparisons and sanctions ----------------------------------------------------------------


def test_trafficking_and_smuggling_are_compared_on_eight_dimensions(client):
    tree = get_page(client, "/compare/trafficking-vs-smuggling")
    table = tree.find(".//table[@class='compare']")
    dimensions = [text(th) for th in table.findall("./tbody/tr/th[@scope='row']")]
    assert dimensions == [
        "Elements of the crime",
        "Geography",
        "Purpose or intention (mens rea)",
        "Consent",
        "Exploitation",
        "Profit",
        "Victim",
        "Perpetrator",
    ]
    headers = [text(th) for th in table.findall("./thead/tr/th[@scope='col']")]
    assert headers == ["Dimension", "Trafficking in persons", "Smuggling of migrants"]
    geography = table.findall("./tbody/tr")[1].findall("./td")
    assert "No border need be crossed" in text(geography[0])
    assert "always crossed" in text(geography[1])
    assert "sect. 3.1, table 3" in text(tree.find(".//main"))
    for a in tree.findall(".//main//a"):
        assert client.get(a.get("href"), headers=HTML).status_code == 200, a.get("href")


def test_compare_by_concepts_lists_and_rejects(client):
    base = "https://w3id.org/tipkg/id/qualification/"
    tree = get_page(client, f"/compare?left={base}trafficking-in-persons&right={base}smuggling-of-migrants")
    assert len(tree.findall(".//table[@class='compare']/tbody/tr")) == 8
    # The other way round: the same comparison, columns swapped.
    tree = get_page(client, "/compare?left=qual:smuggling-of-migrants&right=qual:trafficking-in-persons")
    headers = [text(th) for th in tree.findall(".//table[@class='compare']/thead/tr/th")]
    assert headers[1:] == ["Smuggling of migrants", "Trafficking in persons"]
    row = tree.findall(".//table[@class='compare']/tbody/tr")[1].findall("./td")
    assert "always crossed" in text(row[0])
    # The list links to every comparison.
    tree = get_page(client, "/compare")
    assert tree.find(".//a[@href='/compare/trafficking-vs-smuggling']") is not None
    get_page(client, "/compare/no-such-comparison", 404)
    get_page(client, "/compare?left=qual:genocide&right=qual:slavery", 404)
    get_page(client, "/compare?left=qual:genocide", 400)
    get_page(client, "/compare?left=not an iri&right=qual:slavery", 400)


def test_the_sanctions_page_lists_twelve_regimes_with_their_criteria(client):
    tree = get_page(client, "/sanctions")
    sections = tree.findall(".//section[@class='regime']")
    assert len(sections) == 12
    summary = tree.find(".//table[@class='sanctions-summary']")
    assert len(summary.findall("./tbody/tr")) == 12
    mali = by_id(tree, "mali")
    assert "Security Council resolution 2374 (2017)" in text(mali)
    assert "Country: ML" in text(mali)
    facts = text(mali.find(".//dl"))
    assert "Committee" in facts and "Panel or monitoring team" in facts
    # Mali's criteria, in force before the regime ended in 2023, with the conduct they reach:
    children = by_id(get_page(client, "/sanctions?as_of=2020-06-01"), "mali-children")
    assert children.find(".//a[@href='/id/grave-violation/recruitment-and-use']") is not None
    assert children.find(".//a[@href='/id/provision/sc-res-2374-2017-para-8']") is not None
    assert (
        by_id(tree, "mali-children").find(".//a[@href='/id/provision/sc-res-2374-2017-para-8']") is not None
    )
    assert "Global" in text(by_id(tree, "isil-al-qaida").find(".//dl"))
    for regime in ("yemen", "south-sudan", "eritrea", "haiti"):
        assert "No designation criteria are recorded" in text(by_id(tree, regime))
    assert "No designation criteria are recorded" not in text(mali)
    assert "No designation criterion of this regime was in force" in text(mali)  # it ended in 2023
    for a in tree.findall(".//section[@class='regime']//a"):
        assert client.get(a.get("href"), headers=HTML).status_code == 200, a.get("href")


# --- In a real browser ------------------------------------------------------------------------


@pytest.fixture
def page(browser, server):
    context = browser.new_context(base_url=server, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def test_switch_the_victim_filter_and_see_the_war_crime_cell_change(page):
    page.goto("/matrix")
    table = page.get_by_role("table", name="Overlaps of trafficking in persons")
    assert table.locator("thead th[scope=col]").count() == 13
    cell = page.locator(f"#{CHILD_RECRUITMENT_WAR_CRIME}")
    shot(page, "matrix-any", full_page=False)

    page.get_by_label("Victim's age", exact=True).select_option("under-15")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(lambda url: "age=under-15" in url)
    cell.scroll_into_view_if_needed()
    assert cell.get_by_role("link", name=IAC).is_visible()
    assert "If the victim is" not in cell.inner_text()
    shot(page, "matrix-under-15", full_page=False)

    page.get_by_label("Victim's age", exact=True).select_option("child")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(lambda url: "age=child" in url)
    assert cell.get_by_text("If the victim is: child under 15").is_visible()
    cell.locator("summary").click()
    assert cell.get_by_text("The child is under fifteen").is_visible()
    shot(page, "matrix-child", full_page=False)

    page.get_by_label("Victim's age", exact=True).select_option("adult")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(lambda url: "age=adult" in url)
    assert cell.get_attribute("data-status") == "empty"
    assert cell.get_by_role("link").count() == 0
    shot(page, "matrix-adult", full_page=False)

    page.get_by_label("Victim's age", exact=True).select_option("under-15")
    page.get_by_label("Armed conflict", exact=True).select_option("international")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(lambda url: "age=under-15&conflict=international" in url)
    assert cell.get_by_role("link", name=IAC).is_visible()
    assert cell.get_by_role("link", name=NIAC).count() == 0
    shot(page, "matrix-under-15-international", full_page=False)

    # Follow the overlap to its page: the explanation is there.
    cell.get_by_role("link", name="War crime of conscripting, enlisting or using children under 15").click()
    assert "war crime" in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_text(
        "For children aged fifteen to seventeen the war crime does not apply"
    ).is_visible()


def test_the_matrix_header_stays_in_view_and_the_table_scrolls_by_keyboard(page):
    page.goto("/matrix?age=child")
    region = page.get_by_role("region", name="Overlaps of trafficking in persons")
    region.focus()
    page.keyboard.press("PageDown")
    page.keyboard.press("PageDown")
    scrolled = region.evaluate("el => el.scrollTop")
    assert scrolled > 0
    header = page.locator("#fw-war-crimes")
    region_box, header_box = region.bounding_box(), header.bounding_box()
    assert abs(header_box["y"] - region_box["y"]) < 5  # the sticky header row is still at the top
    page.keyboard.press("End")
    shot(page, "matrix-scrolled", full_page=False)

    # Printed, the table is not a scrolling box: every row and column is on paper.
    page.emulate_media(media="print")
    assert region.evaluate("el => getComputedStyle(el).overflow") == "visible"
    assert page.locator("nav").first.is_hidden()
    assert page.locator("form.matrix-filters").is_hidden()
    shot(page, "matrix-print", full_page=False)


def test_compare_and_sanctions_in_the_browser(page):
    page.goto("/compare")
    page.get_by_role("link", name="Trafficking in persons compared with smuggling of migrants").click()
    table = page.get_by_role("table")
    assert table.get_by_role("rowheader").count() == 8
    assert table.get_by_role("rowheader", name="Consent").is_visible()
    shot(page, "compare")

    page.goto("/sanctions")
    assert page.get_by_role("heading", level=2).count() == 12
    section = page.locator("#drc")
    assert section.get_by_role("link", name="SC res. 2293 (2016), para. 7(d)").is_visible()
    # The criteria of res. 2198 (2015) are shown as no longer in force, with what replaced them.
    assert (
        section.locator(".earlier-criteria")
        .get_by_role("link", name="SC res. 2198 (2015), para. 5(d)")
        .is_visible()
    )
    assert page.locator("#yemen").get_by_text("No designation criteria are recorded").is_visible()
    shot(page, "sanctions")


def test_the_overlap_pages_pass_axe(page):
    """axe-core (served from the app's vendored npm package) finds no WCAG A/AA violations."""
    for url in (
        "/matrix",
        "/matrix?age=child&conflict=non-international",
        "/compare",
        "/compare/trafficking-vs-smuggling",
        "/sanctions",
        "/matrix?age=nobody",
    ):
        page.goto(url)
        violations = axe_violations(page)
        assert violations == [], (url, violations)


def test_the_matrix_model_is_shaped_on_a_store_without_flask(store, built):
    from tipkg.assessment.ages import age_groups
    from tipkg.webapp.matrix_model import filter_order, load_matrix
    from tipkg.webapp.matrix_table import matrix_view

    assert filter_order(age_groups(store)) == ["child", "under-16", "under-15", "adult"]
    model = load_matrix(store)
    assert list(model.ages) == ["child", "under-16", "under-15", "adult"]
    assert len(model.frameworks) == 12
    adults = matrix_view(model, "adult", None, built.base_iri)
    anyone = matrix_view(model, None, None, built.base_iri)
    assert set(adults["entries"]) < set(anyone["entries"])
    assert all(e["age"] != "excluded" for e in adults["entries"].values())


def test_sanctions_and_comparisons_are_shaped_on_a_store_without_flask(store):
    from tipkg.webapp.compare import load_comparisons
    from tipkg.webapp.sanctions import load_sanctions

    regimes = load_sanctions(store)
    assert len(regimes) == 12 and regimes[0]["global_scope"]
    assert any(c["reaches"] for g in regimes for c in g["criteria"])
    assert any(
        c["slug"] == "trafficking-vs-smuggling" and len(c["points"]) == 8 for c in load_comparisons(store)
    )

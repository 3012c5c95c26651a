"""Resource pages (/id/...) and the instruments pages: server-side checks with the Flask client on the
real curated graph, and journeys in a real headless Chromium (Debian's) against a real server."""

from __future__ import annotations

import json
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.browser import shot

ROME_7_2_C = "/id/provision/rome-statute-art-7-2-c"
FULL_CITATION = "Rome Statute of the International Criminal Court, art. 7(2)(c)"


def html_of(client, path: str) -> str:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def text_of(html: str) -> str:
    """The page's visible text, tags removed and whitespace collapsed."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def section(html: str, heading_id: str) -> str:
    """The HTML of the <section> labelled by the heading with this id."""
    start = html.index(f'aria-labelledby="{heading_id}"')
    return html[start : html.index("</section>", start)]


class NestedItems(HTMLParser):
    """The ancestors (ids of enclosing <li>) of every <li> with an id."""

    def __init__(self):
        super().__init__()
        self.stack: list[str | None] = []
        self.parents: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        if tag == "li":
            own = dict(attrs).get("id")
            if own:
                self.parents[own] = [i for i in self.stack if i]
            self.stack.append(own)

    def handle_endtag(self, tag):
        if tag == "li" and self.stack:
            self.stack.pop()


# --- Server side ----------------------------------------------------------------------------------


def test_a_provision_page_cites_relates_and_lists_what_relies_on_it(client):
    html = html_of(client, ROME_7_2_C)
    text = text_of(html)
    assert "<h1>Rome Statute, art. 7(2)(c)</h1>" in html
    assert html.count("<h1") == 1
    assert "Sub-paragraph" in text  # the kind, in words
    assert "the exercise of such power in the course of trafficking in persons" in text  # the quotation
    # The citation: shown in an <output> (works without JS), the source line links the instrument.
    assert f'<output id="citation" class="citation">{FULL_CITATION}</output>' in html
    assert re.search(
        r'Source:</span> <a href="/id/instrument/rome-statute">Rome Statute of the International', html
    )
    # Relations in words, grouped.
    relations = text_of(section(html, "relations-heading"))
    assert "Is part of" in relations and "Rome Statute, art. 7(2)" in relations
    assert "In instrument" in relations
    assert "rdf:type" not in text and "genid" not in text
    # Incoming links: the overlaps and the qualification that rely on it.
    incoming = text_of(section(html, "incoming-heading"))
    assert "Relied on as a provision by" in incoming
    assert "Selling, gifting or trading persons: crime against humanity of enslavement" in incoming
    assert "Legal basis of" in incoming and "Crime against humanity of enslavement" in incoming
    overlaps = text_of(section(html, "overlaps-heading"))
    assert "Trafficking for slavery: crime against humanity of enslavement" in overlaps
    assert "as part of a widespread or systematic attack" in overlaps
    # The same resource as data, and the neighbourhood as JSON for the graph.
    assert f'href="{ROME_7_2_C}.ttl"' in html and f'href="{ROME_7_2_C}.jsonld"' in html
    data = json.loads(re.search(r'id="graph-data">(.*?)</script>', html, re.S).group(1))
    ids = {node["id"] for node in data["nodes"]}
    assert "https://w3id.org/tipkg/id/provision/rome-statute-art-7-2" in ids
    assert any(edge["label"] == "provision" for edge in data["edges"])


def test_a_purpose_page_lists_its_overlaps_with_their_conditions(client):
    html = html_of(client, "/id/purpose/sexual-slavery")
    text = text_of(html)
    assert "<h1>Sexual slavery</h1>" in html
    assert "Exploitative purpose" in text
    assert "Holding a person as if owned" in text  # the definition
    assert "UNODC thematic paper (2018), sects. 2.2.1 and 2.2.2" in text  # the source pinpoint, in words
    relations = text_of(section(html, "relations-heading"))
    assert "Legal basis" in relations and "Rome Statute, art. 7(1)(g)" in relations
    assert "Broader concept" in relations and "Sexual exploitation" in relations
    overlaps_html = section(html, "overlaps-heading")
    overlaps = text_of(overlaps_html)
    assert "Trafficking for sexual slavery: crime against humanity of sexual slavery" in overlaps
    assert "Powers attaching to ownership are exercised over the victim" in overlaps  # its condition
    assert "Crimes against humanity" in overlaps and "Conflict-related sexual violence" in overlaps
    assert 'href="/id/qualification/crime-against-humanity-sexual-slavery"' in overlaps_html
    # A war crime in both kinds of conflict (Rome Statute art. 8(2)(b)(xxii) and (e)(vi)): both are
    # shown, not whichever row came first (it had read "Only for Non-international armed conflict").
    war_crime = overlaps[overlaps.index("war crime of sexual slavery") :][:1500]
    assert "Only for International armed conflict; Non-international armed conflict" in war_crime
    assert "Cite this" in text and "Sexual slavery, https://w3id.org/tipkg/id/purpose/sexual-slavery" in text


def test_a_grave_violation_page_shows_its_link_to_trafficking(client):
    html = html_of(client, "/id/grave-violation/recruitment-and-use")
    text = text_of(html)
    assert "Grave violation against children" in text
    overlaps_html = section(html, "overlaps-heading")
    overlaps = text_of(overlaps_html)
    assert "Recruitment and use of children and trafficking" in overlaps
    assert 'href="/id/framework/grave-violations"' in overlaps_html  # the overlap in that framework
    assert "A child is recruited into an armed force or armed group" in overlaps  # its condition
    # The trafficking concepts it links to: the act and the purposes, marked as trafficking elements.
    assert 'href="/id/act/recruitment"' in overlaps_html
    assert 'href="/id/purpose/use-in-armed-conflict"' in overlaps_html
    assert "trafficking element" in overlaps
    assert 'href="/id/provision/trafficking-protocol-art-3-c"' in overlaps_html
    relations = text_of(section(html, "relations-heading"))
    assert (
        "Related" in relations
        and "Use in armed conflict (exploitative purpose, element of trafficking)" in relations
    )


def test_an_instrument_page_has_a_nested_table_of_contents(client):
    html = html_of(client, "/id/instrument/rome-statute")
    toc_html = section(html, "toc-heading")
    parser = NestedItems()
    parser.feed(toc_html)
    item = "toc--id-provision-rome-statute-art-7-2-c"
    assert parser.parents[item] == [
        "toc--id-provision-rome-statute-art-7",
        "toc--id-provision-rome-statute-art-7-2",
    ]
    assert parser.parents["toc--id-provision-rome-statute-art-7"] == []
    # In order: art. 6 before art. 7 before art. 8, and 8(2)(b)(ix) after 8(2)(b)(i).
    order = list(parser.parents)
    assert order.index("toc--id-provision-rome-statute-art-6") < order.index(
        "toc--id-provision-rome-statute-art-7"
    )
    assert order.index("toc--id-provision-rome-statute-art-7") < order.index(
        "toc--id-provision-rome-statute-art-8"
    )
    assert order.index("toc--id-provision-rome-statute-art-8-2-b-i") < order.index(
        "toc--id-provision-rome-statute-art-8-2-b-ix"
    )
    # What relies on each provision: counts that link to the provision's incoming links.
    assert re.search(
        r'href="/id/provision/rome-statute-art-7-2-c#incoming"[^>]*>relied on by [^<]*\d+ overlaps', toc_html
    )
    text = text_of(html)
    assert "Treaty" in text


def test_an_instrument_page_shows_related_instruments(client):
    html = html_of(client, "/id/instrument/trafficking-protocol")
    related = text_of(section(html, "related-instruments-heading"))
    assert (
        "Supplements" in related
        and "United Nations Convention against Transnational Organized Crime" in related
    )
    untoc = text_of(section(html_of(client, "/id/instrument/untoc"), "related-instruments-heading"))
    assert "Supplemented by" in untoc


def test_the_instruments_are_listed_by_branch_of_law_with_dates(client):
    html = html_of(client, "/instruments")
    assert "<h1>Instruments</h1>" in html
    criminal = section(
        html, re.search(r'<h2 id="(branch-\d+)">International criminal law</h2>', html).group(1)
    )
    assert 'href="/id/instrument/rome-statute"' in criminal
    assert '<time datetime="1998-07-17">' in criminal
    assert "<caption>" in criminal and '<th scope="col">Adopted</th>' in criminal
    labour = section(html, re.search(r'<h2 id="(branch-\d+)">International labour law</h2>', html).group(1))
    assert 'href="/id/instrument/ilo-c29"' in labour and "rome-statute" not in labour


def test_content_negotiation_and_unknown_resources(client):
    turtle = client.get(ROME_7_2_C, headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and turtle.mimetype == "text/turtle"
    assert "art. 7(2)(c)" in turtle.get_data(as_text=True)
    assert client.get(ROME_7_2_C + ".jsonld").mimetype == "application/ld+json"
    missing = client.get("/id/provision/no-such-provision", headers={"Accept": "text/html"})
    assert missing.status_code == 404 and "no resource" in missing.get_data(as_text=True)
    graph = client.get("/graph/id/purpose/sexual-slavery")
    assert graph.status_code == 200 and len(graph.get_json()["nodes"]) > 1
    assert client.get("/graph/id/purpose/no-such-purpose").status_code == 404


UNODC_PAPER = "/id/document/unodc-thematic-paper-2018"


def citing(html: str) -> list[str]:
    """The links to the citing resources listed in the citations section of a page."""
    listed = section(html, "citations-heading")
    listed = listed[listed.index('<dl class="props">') :]
    return re.findall(r'<dd><a href="([^"]+)"', listed)


def test_a_document_page_counts_what_cites_it_by_kind_and_lists_a_page_at_a_time(client):
    html = html_of(client, UNODC_PAPER)
    total = int(re.search(r"Cited as a source by \((\d+)\)", html).group(1))
    assert total > 500  # the paper is the seed most facts cite
    kinds = re.findall(
        r'href="/id/document/unodc-thematic-paper-2018\?cited_by=([a-z-]+)#citations">[^<]+</a> \((\d+)\)',
        html,
    )
    counts = {kind: int(n) for kind, n in kinds}
    assert sum(counts.values()) == total and counts["overlap"] > 50
    first = citing(html)
    assert len(first) == 50 and len(set(first)) == 50
    pager = text_of(section(html, "citations-heading"))
    assert f"1–50 of {total}, page 1 of {-(-total // 50)}." in pager
    # Nothing that cites it is listed among the other links: those are for other relations.
    assert "Cited as a source by" not in section(html, "incoming-heading")
    # The next page follows on; one kind at a time, every page together lists each once.
    assert 'href="/id/document/unodc-thematic-paper-2018?page=2#citations" rel="next"' in html
    second = citing(html_of(client, UNODC_PAPER + "?page=2"))
    assert len(second) == 50 and not set(second) & set(first)
    overlaps, page = [], 1
    while True:
        html = html_of(client, f"{UNODC_PAPER}?cited_by=overlap&page={page}")
        overlaps += citing(html)
        if 'rel="next"' not in html:
            break
        page += 1
    assert page == -(-counts["overlap"] // 50) > 1
    assert len(overlaps) == len(set(overlaps)) == counts["overlap"]
    assert all(href.startswith("/id/overlap/") for href in overlaps)
    # Each citing resource with the place in the paper it cites.
    assert re.search(r'<a href="/id/overlap/[^"]+">[^<]+</a> <span class="kind-note">at sect\. [\d.]+', html)


def test_citations_of_a_resource_cited_directly_and_bad_page_choices(client):
    html = html_of(client, "/id/instrument/sc-res-1820-2008")
    assert len(citing(html)) == int(re.search(r"Cited as a source by \((\d+)\)", html).group(1)) >= 5
    assert "page 1 of" not in html  # one page: no pager
    for query, status, message in [
        ("?page=0", 404, "There is no page 0"),
        ("?page=99", 404, "There is no page 99"),
        ("?page=two", 400, "not a whole number"),
        ("?cited_by=unicorn", 400, "No resource of the kind"),
    ]:
        response = client.get(UNODC_PAPER + query, headers={"Accept": "text/html"})
        assert response.status_code == status and message in response.get_data(as_text=True), query


@pytest.mark.parametrize(
    "path",
    [
        "/id/document/unodc-thematic-paper-2018",
        "/id/framework/crimes-against-humanity",
        "/id/qualification/trafficking-in-persons",
        "/id/scheme/purposes",
        "/id/case/table-1-row-1",
        "/id/regime/isil-al-qaida",
        "/id/overlap/recruitment-and-use-grave-violations",
    ],
)
def test_every_kind_of_resource_has_a_page(client, path):
    html = html_of(client, path)
    assert html.count("<h1>") == 1 and 'id="citation"' in html and 'id="graph-data"' in html


# --- In a real browser ----------------------------------------------------------------------------


@pytest.fixture
def page(browser, server):
    context = browser.new_context(base_url=server, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    yield page
    context.close()


def wait_for_graph(page) -> int:
    page.wait_for_function("window.tipkgGraph && window.tipkgGraph.nodes().length > 0")
    return page.evaluate("window.tipkgGraph.nodes().length")


def test_copy_the_citation_of_a_provision(page):
    page.goto(ROME_7_2_C)
    button = page.get_by_role("button", name="Copy citation")
    assert button.is_visible()
    button.click()
    # The status is written when the clipboard's promise settles, a moment after the click.
    page.wait_for_function("document.querySelector('#copy-status').textContent.trim() !== ''")
    assert page.locator("#copy-status").inner_text() == "Citation copied."
    assert page.evaluate("navigator.clipboard.readText()") == FULL_CITATION
    assert wait_for_graph(page) > 1
    shot(page, "resource-provision")


def test_the_neighbourhood_graph_renders_and_navigates(page):
    page.goto("/id/purpose/sexual-slavery")
    assert wait_for_graph(page) > 1
    assert page.locator("#graph canvas").count() > 0
    shot(page, "resource-purpose")
    # A click on a node opens its page.
    target = "https://w3id.org/tipkg/id/purpose/slavery"
    page.evaluate(f"window.tipkgGraph.getElementById({json.dumps(target)}).emit('tap')")
    page.wait_for_url("**/id/purpose/slavery")
    assert page.get_by_role("heading", level=1).inner_text() == "Slavery"


def test_open_a_grave_violation_and_follow_its_link_to_trafficking(page):
    page.goto("/id/grave-violation/recruitment-and-use")
    assert wait_for_graph(page) > 1
    shot(page, "resource-grave-violation")
    overlap = page.locator(
        "article.overlap",
        has=page.get_by_role("link", name="Recruitment and use of children and trafficking"),
    )
    assert overlap.get_by_text("Grave violations against children", exact=False).first.is_visible()
    overlap.get_by_role("link", name="Recruitment", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Recruitment"
    assert page.locator("p.kind").inner_text() == "Act"
    # And back again: the act's page lists the overlap with the grave violation.
    assert (
        page.locator("section", has=page.get_by_role("heading", name=re.compile("Overlaps")))
        .get_by_role("link", name="Recruitment and use of children and trafficking")
        .is_visible()
    )


def test_an_instrument_page_and_the_instruments_list(page):
    page.goto("/instruments")
    criminal = page.locator("section", has=page.get_by_role("heading", name="International criminal law"))
    criminal.get_by_role("link", name="Rome Statute of the International Criminal Court").click()
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Rome Statute of the International Criminal Court"
    )
    toc = page.locator("section", has=page.get_by_role("heading", name="Table of contents"))
    assert toc.get_by_role("link", name="art. 7(2)(c)", exact=True).is_visible()
    shot(page, "resource-instrument")
    page.goto("/instruments")
    shot(page, "instruments")


# --- Shaping, on a memory store (no Flask) --------------------------------------------------------

DISPLAY_TTL = Path(__file__).resolve().parent.parent / "ontology" / "model" / "display.ttl"
EX = "https://w3id.org/tipkg/id/example/"
SMALL = """
@prefix tip: <https://w3id.org/tipkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://w3id.org/tipkg/id/example/> .
tip:Act rdfs:label "act"@en .
tip:noMeans rdfs:label "no means"@en .
ex:wide a tip:Act ; rdfs:label "Wide"@en .
ex:narrow a tip:Act ; rdfs:label "Narrow"@en ;
    skos:scopeNote "Only the narrow sense."@en ;
    skos:definition "Narrowly defined."@en ;
    skos:broader ex:wide ; skos:hasTopConcept ex:wide ; tip:order 3 ;
    tip:noMeans true ; ex:unnamedLink ex:wide .
ex:doc rdfs:label "A paper"@en ; skos:altLabel "Paper"@en .
ex:one rdfs:label "One"@en ; a tip:Act ; dcterms:source [ tip:document ex:doc ; tip:locator "sect. 2" ] .
ex:two rdfs:label "Two"@en ; a tip:Act ; dcterms:source ex:doc .
"""


@pytest.fixture(scope="module")
def small_store():
    from tests.memory import memory_store

    return memory_store(DISPLAY_TTL.read_bytes(), SMALL)


def test_display_knowledge_is_read_from_the_graph(small_store):
    from tipkg.terms import dcterms, skos, tip
    from tipkg.webapp.resource_model import read_display

    display = read_display(small_store)
    assert display.name(skos.broader) == "broader concept"
    assert display.name(skos.broader, "label wins") == "label wins"
    assert display.inverse[tip.provision] == "Relied on as a provision by"
    assert display.inverse[dcterms.source] == "Cited as a source by"
    assert display.ranked(tip.ProseDisplay, tip.QuotationDisplay) == [
        tip.quotation,
        skos.definition,
        dcterms.description,
        tip.condition,
        tip.explanation,
        skos.scopeNote,
        tip.mappingReason,  # a data collection category's reason for its mappings
        tip.bindingRule,  # whom an amendment binds
    ]
    assert display.shown_as(tip.order, tip.HiddenDisplay)
    assert display.ranked(tip.RelatedInstrumentDisplay)[:2] == [tip.supplements, tip.supplementedBy]
    # Data loaded from outside may use a property the checks never saw: named from its IRI.
    assert display.name("http://example.org/v#victimOrigin") == "victim origin"


def test_a_resource_is_shaped_by_its_display_annotations(small_store):
    from tipkg.webapp.resource_model import incoming, outgoing, read_display

    display = read_display(small_store)
    base = "https://w3id.org/tipkg/"
    found = outgoing(small_store, EX + "narrow", base, display)
    assert found is not None and found.label == "Narrow" and found.kinds == ["act"]
    # Paragraphs in their display order, whatever the order of the rows.
    assert found.texts == [
        ("definition", "Narrowly defined.", False),
        ("scope note", "Only the narrow sense.", False),
    ]
    relations = dict(found.relations)
    assert [e.href for e in relations["broader concept"]] == ["/id/example/wide"]
    assert "top concept" not in relations and "order" not in dict(found.details)  # hidden
    assert dict(found.details)["no means"] == ["yes"]
    assert "unnamed link" in relations
    headed, _links, cut = incoming(small_store, EX + "wide", base, display, {EX + "wide"})
    assert dict(headed)["Narrower concepts"][0].text == "Narrow" and not cut
    assert outgoing(small_store, EX + "nothing", base, display) is None


def test_citations_by_kind_and_bad_page_choices(small_store):
    from tipkg.webapp.citations import ChoiceError, citations, citations_page

    found = citations(small_store, EX + "doc", "https://w3id.org/tipkg/")
    assert [k["slug"] for k in found["kinds"]] == ["act"]
    assert [(e.text, e.locator) for e in found["entries"]] == [("One", "sect. 2"), ("Two", None)]
    page = citations_page(found, "example/doc", None, None)
    assert page["total"] == 2 and page["pages"] == 1 and page["next"] is None
    for cited_by, number, status in [("unicorn", None, 400), (None, "x", 400), (None, "2", 404)]:
        with pytest.raises(ChoiceError) as error:
            citations_page(found, "example/doc", cited_by, number)
        assert error.value.status == status


def test_a_property_no_page_can_name_fails_the_build(tmp_path):
    from tests.conftest import EXAMPLES, minimal_ontology, settings_for
    from tipkg.errors import BuildError
    from tipkg.loaders.build import build

    ontology = minimal_ontology(tmp_path / "ontology", EXAMPLES / "invalid" / "unworded-property.ttl")
    with pytest.raises(BuildError) as error:
        build(settings_for("memory:", ontology))
    assert "display-wording-violation" in str(error.value)
    assert "historyNote" in str(error.value)


def test_kind_names_and_plurals_come_from_the_graph(client):
    html = html_of(client, "/instruments")
    assert "<td>Security Council resolution</td>" in html and "<td>Treaty</td>" in html
    from tipkg.webapp.instrument_model import plural

    assert plural("designation criterion", 2, "designation criteria") == "designation criteria"

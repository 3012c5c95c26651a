"""The SPARQL query page (/query) and the list of named queries (/api/queries): server-side with the
Flask client, and in a real headless Chromium against a real server, with every request to another
host refused and recorded."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from tests.browser import axe_violations, shot
from tipkg import queries

ACTS = {"Recruitment", "Transportation", "Transfer", "Harbouring", "Receipt"}


# --- server side ---------------------------------------------------------------------------------


def test_api_lists_every_named_query_with_purpose_parameters_and_text(client):
    response = client.get("/api/queries")
    assert response.status_code == 200 and response.is_json
    listed = {entry["name"]: entry for entry in response.json["queries"]}
    assert set(listed) == set(queries.catalogue())
    for name, query in queries.catalogue().items():
        assert listed[name]["text"] == query.text
        assert listed[name]["purpose"] == query.purpose
        assert listed[name]["check"] == name.startswith("checks/")
    provisions = listed["instrument-provisions"]
    assert provisions["parameters"] == [
        {
            "name": "instrument",
            "type": "iri",
            "optional": False,
            "doc": "The instrument, e.g. inst:rome-statute.",
        }
    ]
    # A runnable example: the required parameter bound with the example its documentation gives.
    assert provisions["example"]["parameters"] == {"instrument": "inst:rome-statute"}
    assert (
        "VALUES (?instrument) { (<https://w3id.org/tipkg/id/instrument/rome-statute>) }"
        in (provisions["example"]["text"])
    )
    assert all(entry["example"] is None for entry in listed.values() if entry["check"])
    assert listed["act-labels"]["example"]["text"] == listed["act-labels"]["text"]
    assert response.json["prefixes"]["tip"] == "https://w3id.org/tipkg/ontology#"
    assert response.json["prefixes"]["inst"] == "https://w3id.org/tipkg/id/instrument/"


def test_the_examples_run_on_the_endpoint(client):
    listed = {e["name"]: e for e in client.get("/api/queries").json["queries"]}
    examples = [name for name, entry in listed.items() if entry["example"]]
    assert len(examples) > 10
    assert "dump-quads" not in examples and "build-files" not in examples  # too big; no example build
    for name in ("act-labels", "instruments", "instrument-provisions", "overlaps", "search-labels"):
        response = client.post(
            "/sparql", data={"query": listed[name]["example"]["text"]}, headers={"Accept": "*/*"}
        )
        assert response.status_code == 200, (name, response.get_data(as_text=True))
        assert response.json["results"]["bindings"], name


def test_the_page_has_a_plain_form_with_labelled_controls_that_works_without_javascript(client):
    response = client.get("/query", headers={"Accept": "text/html"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count("<h1") == 1
    assert '<form id="plain-query" method="get" action="/sparql"' in html
    assert '<label for="query-text">SPARQL query</label>' in html
    assert '<textarea id="query-text" name="query"' in html
    assert '<label for="query-format">Result format</label>' in html
    assert '<select id="query-format" name="format">' in html
    assert "# name: act-labels" in html
    assert '<script src="/vendor/yasgui/yasgui.min.js">' in html
    assert 'href="/query?example=overlaps#h-editor"' in html
    assert "checks/" not in html.split('id="h-examples"')[1]
    assert "<caption>The prefixes declared in the editor</caption>" in html

    # What the form sends: the textarea's query, as it stands, to /sparql.
    start = queries.get("act-labels").text
    answer = client.get("/sparql", query_string={"query": start, "format": "json"})
    assert answer.status_code == 200
    labels = {row["label"]["value"] for row in answer.json["results"]["bindings"]}
    assert labels == ACTS


def test_an_example_can_be_opened_by_name_and_unknown_names_get_helpful_errors(client):
    html = client.get("/query?example=instrument-provisions").get_data(as_text=True)
    assert "# name: instrument-provisions" in html
    assert "VALUES (?instrument)" in html
    missing = client.get("/query?example=no-such-query", headers={"Accept": "text/html"})
    assert missing.status_code == 404
    assert "no named query" in missing.get_data(as_text=True)
    refused = client.get("/query?example=build-files", headers={"Accept": "text/html"})
    assert refused.status_code == 400
    assert "cannot be loaded as an example" in refused.get_data(as_text=True)


# --- in a real browser ---------------------------------------------------------------------------


class Offsite(list):
    """Requests to anywhere but the app, each refused before it leaves the browser."""


def _guard(context, server: str) -> Offsite:
    own = urlsplit(server).netloc
    offsite = Offsite()

    def handle(route):
        url = route.request.url
        if urlsplit(url).netloc == own:
            route.continue_()
        else:
            offsite.append(url)
            route.abort()

    context.route("**/*", handle)
    return offsite


@pytest.fixture
def guarded(browser, server):
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    offsite = _guard(context, server)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page, offsite, errors
    context.close()


def editor_text(page) -> str:
    return page.evaluate("window.tipkgYasgui.getTab().getQuery()")


def test_yasgui_loads_on_the_app_endpoint_with_the_project_prefixes(guarded, server):
    page, offsite, errors = guarded
    page.goto("/query")
    page.locator("#yasgui .CodeMirror").wait_for()
    assert page.locator("#plain-query").is_hidden()
    text = editor_text(page)
    assert "# name: act-labels" in text
    assert "PREFIX inst: <https://w3id.org/tipkg/id/instrument/>" in text
    assert "PREFIX tip: <https://w3id.org/tipkg/ontology#>" in text
    assert page.evaluate("window.tipkgYasgui.getTab().getEndpoint()") == server + "/sparql"
    assert page.evaluate("window.localStorage.length") == 0  # nothing saved between visits
    assert offsite == [] and errors == []


def test_running_the_starting_query_shows_the_five_acts(guarded):
    page, offsite, errors = guarded
    page.goto("/query")
    page.locator("#yasgui .CodeMirror").wait_for()
    with page.expect_response("**/sparql") as answer:
        page.locator(".yasqe_queryButton").click()
    assert answer.value.status == 200
    rows = page.locator(".yasr table tbody tr")
    rows.first.wait_for()
    assert rows.count() == 5
    shown = page.locator(".yasr table tbody").inner_text()
    for label in ACTS:
        assert label in shown
    assert "act:recruitment" in shown  # IRIs shortened with the project's prefixes
    shot(page, "query-page")
    assert offsite == [] and errors == []


def test_an_example_loads_into_the_editor_and_runs(guarded):
    page, offsite, errors = guarded
    page.goto("/query")
    page.locator("#yasgui .CodeMirror").wait_for()
    example = page.locator("#example-instrument-provisions")
    assert "table of contents of an instrument" in example.inner_text()
    example.get_by_role("button", name="instrument-provisions").click()
    text = editor_text(page)
    assert "# name: instrument-provisions" in text
    assert "VALUES (?instrument) { (<https://w3id.org/tipkg/id/instrument/rome-statute>) }" in text
    assert "PREFIX inst:" in text
    assert page.evaluate("window.tipkgYasgui.getTab().getName()") == "instrument-provisions"
    assert "Loaded instrument-provisions" in page.locator("#yasgui-status").inner_text()
    # Edit it with a project prefix and run it: the Rome Statute's provisions.
    page.evaluate(
        """() => { const tab = window.tipkgYasgui.getTab();
        tab.setQuery(tab.getQuery().replace(/<https:\\/\\/w3id.org\\/tipkg\\/id\\/instrument\\/rome-statute>/,
        'inst:rome-statute')); }"""
    )
    assert "(inst:rome-statute)" in editor_text(page)
    with page.expect_response("**/sparql") as answer:
        page.locator(".yasqe_queryButton").click()
    assert answer.value.status == 200
    page.locator(".yasr table tbody tr").first.wait_for()
    assert "art. 7" in page.locator(".yasr table tbody").inner_text()
    # A second example, chosen with the keyboard, opens in a tab of its own; the first keeps its query.
    page.locator("#example-instruments").get_by_role("button", name="instruments").focus()
    page.keyboard.press("Enter")
    assert "# name: instruments" in editor_text(page)
    assert page.evaluate("window.tipkgYasgui.getTab().getName()") == "instruments"
    names = page.evaluate("Object.values(window.tipkgYasgui._tabs).map(t => t.getName())")
    assert sorted(names) == ["instrument-provisions", "instruments"]
    page.get_by_role("tab", name="instrument-provisions").click()
    assert "# name: instrument-provisions" in editor_text(page)
    assert offsite == [] and errors == []


def test_the_plain_form_runs_a_query_without_javascript(browser, server):
    context = browser.new_context(base_url=server, java_script_enabled=False)
    offsite = _guard(context, server)
    page = context.new_page()
    try:
        page.goto("/query")
        assert page.locator("#yasgui").is_hidden()
        assert page.get_by_label("SPARQL query").is_visible()
        shot(page, "query-page-no-javascript")
        page.get_by_label("Result format").select_option("json")
        with page.expect_response("**/sparql?**") as answer:
            page.get_by_role("button", name="Run query").click()
        response = answer.value
        assert response.status == 200
        assert response.headers["content-type"].startswith("application/sparql-results+json")
        body = json.loads(response.body())
        assert {row["label"]["value"] for row in body["results"]["bindings"]} == ACTS
        # An example link opens the page with that query in the form.
        page.goto("/query")
        page.locator("#example-instruments").get_by_role("link", name="instruments").click()
        assert "# name: instruments" in page.get_by_label("SPARQL query").input_value()
        assert offsite == []
    finally:
        context.close()


def test_the_page_passes_axe_with_the_editor_loaded(guarded):
    page, offsite, errors = guarded
    page.goto("/query")
    page.locator("#yasgui .CodeMirror").wait_for()
    page.locator("#example-instruments").get_by_role("button", name="instruments").click()
    page.locator(".yasqe_queryButton").click()  # results in a second tab: tables, paging, filters
    page.locator(".yasr table tbody tr").first.wait_for()
    assert axe_violations(page, rules=("wcag2a", "wcag2aa", "best-practice")) == []
    shot(page, "query-page-example")
    assert offsite == [] and errors == []


def test_the_editor_shows_its_query_on_load_without_a_click(guarded):
    """What a person sees: CodeMirror has drawn the query's lines (it drew none when YASGUI was
    created inside a hidden element), and the pixels of the editor are not a blank box."""
    import io

    from PIL import Image

    page, offsite, errors = guarded
    page.goto("/query")
    lines = page.locator("#yasgui .CodeMirror-line")
    lines.first.wait_for()
    drawn = page.locator("#yasgui .CodeMirror-code").inner_text()
    assert "# name: act-labels" in drawn
    assert "SELECT" in drawn.upper()
    first = lines.first.bounding_box()
    assert first is not None and first["height"] > 5 and first["width"] > 50
    assert page.locator("#yasgui .CodeMirror-line").filter(has_text="name: act-labels").is_visible()
    image = Image.open(io.BytesIO(page.locator("#yasgui .CodeMirror").screenshot())).convert("L")
    dark = sum(image.histogram()[:128])  # pixels of the query's glyphs
    assert dark > 500, f"the editor looks blank ({dark} dark pixels)"
    assert offsite == [] and errors == []

"""Countries and treaty participation (issue 13): ``tipkg load treaty-status`` on small fixtures of
each layout (minimal ontology with the countries), then on the real tables in ../shared/data with
the real ontology: counts against the files, the assessment's ``party`` fields, the country page in
Chromium."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from tests.browser import axe_violations
from tests.conftest import ONTOLOGY, minimal_ontology, run_cli, serving, settings_for
from tipkg import gen_countries
from tipkg.assessment import Assessor
from tipkg.assessment.participation import Instrument, Participations, Standing, annotate
from tipkg.loaders import external
from tipkg.loaders.build import build
from tipkg.store import open_store
from tipkg.webapp import create_app

DATA = Path(__file__).parent / "data" / "treaty-status"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "treaty-status"
TIP = "https://w3id.org/tipkg/ontology#"
TREATY = "https://w3id.org/tipkg/id/example/treaty"
OPAC = "https://w3id.org/tipkg/id/instrument/crc-opac"
STANDINGS = f"""
SELECT ?code ?status ?party ?since ?asOf ?record WHERE {{
  ?p a <{TIP}Participation> ; <{TIP}state>/<{TIP}country> ?code ; <{TIP}participationStatus> ?status ;
     <{TIP}isParty> ?party ; <{TIP}statusAsOf> ?asOf ; <{TIP}sourceRecord> ?record ;
     <{TIP}participationIn> ?instrument .
  OPTIONAL {{ ?p <{TIP}statusDate> ?since }}
}} ORDER BY ?code ?asOf
"""


def standings(store, instrument: str, snapshot: str = "") -> list[tuple]:
    """(code, status, party, since, as of) of ``instrument``, of one snapshot when named."""
    text = STANDINGS.replace(
        "?instrument .", f"<{instrument}> . FILTER(CONTAINS(STR(?p), '/participation/{snapshot}'))"
    )
    return [
        (
            r["code"].value,
            r["status"].value,
            r["party"].value,
            r["since"] and r["since"].value,
            r["asOf"].value,
        )
        for r in store.select(text)
    ]


def _reported(store, kind: str, snapshot: str) -> list[str]:
    node = f"https://w3id.org/tipkg/id/source/treaty-status/{snapshot}"
    return sorted(r["u"].value for r in store.select(f"SELECT ?u WHERE {{ <{node}> <{TIP}{kind}> ?u }}"))


def unmatched(store, snapshot: str) -> list[str]:
    return _reported(store, "unmatched", snapshot)


def skipped(store, snapshot: str) -> list[str]:
    return _reported(store, "skipped", snapshot)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """The minimal ontology with the countries and the fixtures' table keys, built once."""
    root = tmp_path_factory.mktemp("treaty-status")
    ontology = minimal_ontology(root / "ontology", ONTOLOGY / "data" / "countries.ttl", DATA / "keys.ttl")
    settings = settings_for(f"oxigraph:{root}/store", ontology)
    build(settings)
    return settings


def test_the_committed_countries_are_what_the_generator_writes_from_iso_3166():
    text = gen_countries.TARGET.read_text(encoding="utf-8")
    assert text == gen_countries.render(), "run python -m tipkg.gen_countries"
    assert text.count("a tip:Country") >= 249
    assert 'country:ml a tip:Country ;\n    rdfs:label "Mali"@en ;' in text


def test_un_tables_load_parties_and_report_bad_rows_and_unmapped_tables(small):
    external.load(small, "treaty-status", DATA / "un")
    store = open_store(small)
    assert standings(store, TREATY, "un-hr-core/") == [
        ("ML", "party", "true", "2002", "2022-08-25"),
        ("SO", "signatory", "false", None, "2022-08-25"),
        ("TL", "party", "true", "2004", "2022-08-25"),
    ]
    records = [r["r"].value for r in store.select(f"SELECT ?r WHERE {{ ?p <{TIP}sourceRecord> ?r }}")]
    assert "hr_status_op_crc_ac.csv, row 6 (TP, a withdrawn ISO code, read as TL per ISO 3166-3)" in records
    assert skipped(store, "un-hr-core") == [
        "hr_status_op_crc_ac.csv, row 4: 'state party' is 0 but 'status' is 'state party'",
        "hr_status_op_crc_ac.csv, row 5: the note says 'Denounced the OP 1997': the status is not certain",
    ]
    assert unmatched(store, "un-hr-core") == [
        "hr_status_cat.csv: no instrument of the graph has tip:participationKey 'un-hr-core:cat'",
        "hr_status_op_crc_ac.csv, row 7: the graph has no country XK",
    ]


def test_the_kelley_simmons_panel_gives_years_to_2011_and_reports_what_it_cannot_map(small):
    external.load(small, "treaty-status", DATA / "ks" / "panel.csv")
    store = open_store(small)
    assert standings(store, TREATY, "panel/") == [
        ("CD", "not party", "false", None, "2011-12-31"),
        ("DZ", "party", "true", "2004", "2011-12-31"),
        ("ML", "not party", "false", None, "2011-12-31"),
    ]
    notes = [
        r["n"].value
        for r in store.select(
            "SELECT ?n WHERE { ?p <http://www.w3.org/2004/02/skos/core#scopeNote> ?n FILTER(CONTAINS(STR(?p), '/panel/')) }"
        )
    ]
    assert set(notes) == {"Kelley–Simmons panel: years only, and the panel ends in 2011."}
    assert unmatched(store, "panel") == [
        "panel.csv, column 'rat1949': no instrument of the graph has this tip:participationKey",
        "panel.csv: Yugoslavia: no ISO 3166-1 country by this name or abbreviation",
    ]


def test_our_own_csv_names_instruments_by_name_and_reports_unknown_ones(small):
    result = external.load(small, "treaty-status", DATA / "own.csv")
    assert result.snapshot.snapshot == "own"
    store = open_store(small)
    assert ("ML", "ratification", "true", "2002-05-16", "2024-01-01") in standings(store, TREATY, "own/")
    assert "own.csv, row 3: the graph has no instrument 'No Such Treaty'" in unmatched(store, "own")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bad-status.csv", r"bad-status.csv, row 2, column 'status': expected one of .* got 'ratified'"),
        ("no-as-of.csv", r"no-as-of.csv, row 2: no date the row speaks for"),
    ],
)
def test_a_malformed_table_loads_nothing_and_names_row_and_column(small, name, message):
    before = len(external.loaded(open_store(small)))
    with pytest.raises(external.LoadError, match=message):
        external.load(small, "treaty-status", DATA / name)
    assert len(external.loaded(open_store(small))) == before


def test_the_command_line_refuses_a_bad_table_with_its_row(small):
    done = run_cli("load", "treaty-status", str(DATA / "bad-status.csv"), env={"TIPKG_STORE": small.store})
    assert done.returncode == 1
    assert "bad-status.csv, row 2, column 'status'" in done.stderr
    assert "Traceback" not in done.stderr


def _answer(*treaties: tuple[str, bool | None]) -> tuple[dict, Participations]:
    data = Participations()
    provisions = []
    for n, (name, party) in enumerate(treaties):
        iri = f"p{n}"
        data.instruments[iri] = Instrument(f"i{n}", name, treaty=True, council=False)
        if party is not None:
            data.standings.setdefault("ML", {})[f"i{n}"] = Standing(
                party, "2002" if party else None, "2022-08-25", "t.csv, row 2", None
            )
        provisions.append({"iri": iri, "citation": f"{name}, art. 1"})
    data.instruments["sc"] = Instrument("sc-res", "SC res. 2374 (2017)", treaty=False, council=True)
    provisions.append({"iri": "sc", "citation": "SC res. 2374 (2017), para. 8"})
    data.regimes["ML"] = ["Mali sanctions regime"]
    answer = {"qualifications": [{"explanation": "Why.", "elements": [], "provisions": provisions}]}
    return answer, data


def test_a_qualification_on_treaties_the_state_is_not_party_to_says_which_routes_remain():
    answer, data = _answer(("OPAC", False), ("ICC Statute", False))
    annotate(answer, "ML", data, date(2024, 1, 1))
    [q] = answer["qualifications"]
    assert [p["party"] for p in q["provisions"]] == [False, False, None]
    assert q["provisions"][2]["party_note"].startswith("a Security Council resolution")
    assert "rests only on treaties Mali (ML) is not party to (ICC Statute, OPAC)" in q["explanation"]
    assert "SC res. 2374 (2017)" in q["explanation"] and "Mali sanctions regime" in q["explanation"]
    assert answer["participation"] == {"country": "ML", "on": "2024-01-01"}


def test_a_qualification_whose_treaties_all_bind_says_so_and_a_year_too_close_is_unknown():
    answer, data = _answer(("OPAC", True))
    annotate(answer, "ML", data, date(2024, 1, 1))
    [q] = answer["qualifications"]
    assert q["provisions"][0] | {} == {
        "iri": "p0",
        "citation": "OPAC, art. 1",
        "party": True,
        "party_since": "2002",
        "party_source": "t.csv, row 2",
        "party_as_of": "2022-08-25",
    }
    assert q["explanation"].endswith("Every treaty cited here binds Mali (ML): OPAC.")
    answer, data = _answer(("OPAC", True), ("CRC", None))
    annotate(answer, "ML", data, date(2002, 6, 1))
    assert [p["party"] for p in answer["qualifications"][0]["provisions"]] == [None, None, None]


# --- The real tables in ../shared/data, on the real ontology ------------------------------------

needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"{SHARED} is absent: the real treaty-status tables"
)


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent")
    root = tmp_path_factory.mktemp("treaty-status-real")
    settings = settings_for(f"oxigraph:{root}/store")
    build(settings)
    external.load(settings, "treaty-status", SHARED / "un-hr-core")
    external.load(settings, "treaty-status", SHARED / "kelley-simmons")
    return settings


def _opac_rows() -> list[dict[str, str]]:
    with (SHARED / "un-hr-core" / "hr_status_op_crc_ac.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


CHILD_RECRUITMENT = {
    "acts": ["recruitment"],
    "conduct": ["use-of-children-in-hostilities"],
    "victim": {"age": 15},
    "context": {"armed_conflict": "non-international", "perpetrator": "armed-group"},
}


def _opac_provisions(assessor: Assessor, country: str) -> list[dict]:
    facts = {**CHILD_RECRUITMENT, "context": {**CHILD_RECRUITMENT["context"], "country": country}}
    result = assessor.assess(facts)
    return [
        p
        for q in result["qualifications"]
        for p in [*q["provisions"], *(p for e in q["elements"] for p in e["provisions"])]
        if "/crc-opac-" in p["iri"]
    ]


@needs_shared
def test_the_graph_has_as_many_opac_parties_as_the_un_table(real):
    in_file = sum(1 for r in _opac_rows() if r["state party"] == "1")
    in_graph = [s for s in standings(open_store(real), OPAC) if s[2] == "true"]
    assert len(in_graph) == in_file == 170


@needs_shared
def test_opac_provisions_say_whether_the_state_is_party_with_its_year(real):
    rows = _opac_rows()
    party = next(r for r in rows if r["state party"] == "1")
    not_party = next(r for r in rows if r["state party"] == "0")
    assessor = Assessor(open_store(real))
    yes = _opac_provisions(assessor, party["iso2"])
    no = _opac_provisions(assessor, not_party["iso2"])
    assert yes and no
    assert {(p["party"], p["party_since"], p["party_as_of"]) for p in yes} == {
        (True, party["year ratification or accession"], "2022-08-25")
    }
    assert {(p["party"], p["party_since"]) for p in no} == {(False, None)}
    assert all("hr_status_op_crc_ac.csv, row" in p["party_source"] for p in yes + no)


@needs_shared
def test_an_unknown_country_code_is_a_422_naming_it(real):
    client = create_app(settings=real).test_client()
    facts = {**CHILD_RECRUITMENT, "context": {"country": "XX"}}
    response = client.post("/api/assess", json=facts)
    assert response.status_code == 422
    assert "'XX'" in response.get_json()["error"] and "close:" in response.get_json()["error"]
    page = client.get("/id/country/xz", headers={"Accept": "application/json"})
    assert page.status_code == 404 and "close:" in page.get_json()["error"]


@pytest.fixture(scope="module")
def real_server(real):
    with serving(real) as url:
        yield url


@pytest.fixture
def country_page(browser, real_server):
    context = browser.new_context(base_url=real_server)
    yield context.new_page()
    context.close()


@needs_shared
def test_a_country_page_lists_its_treaties_with_their_sources_and_age(country_page):
    page = country_page
    page.goto("/countries")
    page.get_by_label("Search by name or code").fill("mali")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Mali", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Mali"
    party = page.locator("#party")
    opac = party.get_by_role("row").filter(has_text="OPAC")
    assert "2002" in opac.inner_text() and "as of 2022" in opac.inner_text()
    assert "hr_status_op_crc_ac.csv, row" in opac.inner_text()
    assert "to 2011" in page.locator("main").inner_text()
    assert page.get_by_role("heading", name="Sanctions regimes concerning Mali").is_visible()
    assert page.get_by_role("link", name="Mali sanctions regime").is_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Assess facts in this country").click()
    assert page.get_by_label("Country (ISO code, e.g. ML)").input_value() == "ML"


@needs_shared
def test_the_assess_page_says_which_provisions_bind_the_state(country_page):
    page = country_page
    page.goto("/assess?country=SO&acts=recruitment&conduct=use-of-children-in-hostilities&age=15")
    page.locator("#q-child-recruitment-opac > summary").click()
    text = page.locator("#q-child-recruitment-opac").inner_text()
    assert "SO not party" in text and "as of 2022" in text
    assert axe_violations(page) == []


@needs_shared
def test_the_matrix_filtered_by_country_says_which_treaties_bind_it(country_page):
    page = country_page
    page.goto("/matrix")
    page.get_by_label("Binding on country (ISO code)").fill("ML")
    page.get_by_role("button", name="Show").click()
    caption = page.locator("#matrix-caption").inner_text()
    assert "treaties binding ML" in caption and "as of 2022" in caption and "2011" in caption
    opac = page.locator("p.binds", has_text="OPAC: binds since 2002 (as of 2022)")
    assert opac.count() >= 1
    assert (
        page.locator("p.binds", has_text="not party").count()
        + page.locator("p.binds", has_text="no data").count()
        >= 1
    )
    page.goto("/matrix?country=QQ")
    assert "QQ" in page.locator("main").inner_text()

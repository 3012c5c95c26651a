"""`tipkg load un-sanctions`: the Consolidated List loader (loaders/un_sanctions.py), its evidence
flags (loaders/un_evidence.py) and the pages that show them. The small fixture
(tests/data/un-sanctions/small-list.xml) covers parsing in every run; the real 2020 and 2024 files in
../shared/data/un-sanctions are loaded when present, for counts, precision and recall, versions and
the pages in Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import axe_violations
from tests.conftest import run_cli, serving, settings_for
from tipkg.loaders import external
from tipkg.loaders.build import build
from tipkg.loaders.external import LoadContext, LoadError
from tipkg.store import open_store

FIXTURE = Path(__file__).parent / "data" / "un-sanctions" / "small-list.xml"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "un-sanctions"
FILE_2020 = SHARED / "un_sc_consolidated_2020-11-30.xml"
FILE_2024 = SHARED / "un_sc_consolidated_2024-09-26.xml"
BASE = "https://w3id.org/tipkg/"
TIP = "https://w3id.org/tipkg/ontology#"
real_files = pytest.mark.skipif(
    not (FILE_2020.exists() and FILE_2024.exists()),
    reason=f"the real Consolidated List files are not in {SHARED}",
)
FLAGGED = f"""SELECT ?ref ?kind WHERE {{ GRAPH ?g {{ ?p <{TIP}referenceNumber> ?ref ; <{TIP}evidenceOf> ?kind }} }}"""

# The ground truth of docs/notes/sanctions-verification.md §10, checked by reading the records: the
# records whose own text is about trafficking in persons or migrants, and the records a naive
# "traffick|smuggl|migra" matcher hits that are NOT (drugs, arms, oil, diamonds, passport issuers).
TIP_2024 = {"LYi.021", "LYi.022", "LYi.023", "LYi.024", "LYi.029"}
TIP_2020 = {"LYi.021", "LYi.022", "LYi.023", "LYi.024"}
NOT_TIP = {
    *(f"TAi.{n}" for n in ("003", "008", "011", "027", "053", "072", "102", "130", "148", "149", "158", "172")),
    "TAe.013", "QDi.278", "QDi.353", "QDi.364", "QDi.367", "QDi.398", "QDi.410", "QDi.417", "QDe.148",
    "CFi.006", "CFi.014", "CFi.015", "YEi.007", "IRi.026",
}  # fmt: skip


def read_fixture(store, path: Path = FIXTURE):
    return external.read("un-sanctions", path, LoadContext(store, BASE, None, lambda _: None))


def triples_of(snapshot, subject: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for t in snapshot.triples:
        if t.subject.value == subject:
            found.setdefault(t.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1], []).append(
                t.object.value
            )
    return found


# --- the small fixture, every run -------------------------------------------------------------


def test_fixture_records_with_names_aliases_regime_and_dates(store):
    snapshot = read_fixture(store)
    assert (snapshot.snapshot, str(snapshot.as_of), snapshot.read, snapshot.loaded) == (
        "2023-05-04",
        "2023-05-04",
        5,
        4,
    )
    person = triples_of(snapshot, BASE + "id/listed/lyi-901")
    assert person["label"] == ["JOSÉ ÉXEMPLO"]
    assert person["listedOn"] == ["2018-06-07"]  # the time zone of the xs:date dropped
    assert person["listedUnder"] == [BASE + "id/regime/libya"]
    assert person["originalScriptName"] == ["خوسيه"]
    assert sorted(person["altLabel"]) == ["Jose Exemplo", "The Captain", "خوسيه"]
    assert person["nationalityText"] == ["Libya", "Atlantis"] and person["country"] == ["LY"]
    assert person["nationality"] == [BASE + "id/country/ly"]  # linked: the graph has it; Atlantis is not
    assert person["listingBasis"] == ["paragraphs 15 and 17 of resolution 1970"]
    low = [t.subject.value for t in snapshot.triples if t.object.value == "Low"]
    assert low == [BASE + "id/listed/lyi-901/alias/2023-05-04/2"]


def test_fixture_unknown_type_and_bad_reference_are_reported_not_dropped(store):
    snapshot = read_fixture(store)
    entity = triples_of(snapshot, BASE + "id/listed/kpe-901")
    assert entity["listType"] == ["DPRK"] and "listedUnder" not in entity
    assert entity["type"] == [TIP + "ListedEntity"]
    unmatched = [str(u) for u in snapshot.unmatched]
    assert "KPe.901: no regime in the graph has list type 'DPRK'" in unmatched
    assert any(u.startswith("LYi.901: the graph has no para. 15 of resolution 1970") for u in unmatched)
    assert [str(s) for s in snapshot.skipped] == [
        "LY-i-7: reference number not of the form XXi.NNN or XXe.NNN"
    ]
    assert snapshot.counts["records with an unparseable reference"] == 1


def test_fixture_flags_persons_not_commodities(store):
    snapshot = read_fixture(store)
    kinds = {}
    for t in snapshot.triples:
        if t.predicate.value == TIP + "evidenceOf" and "/evidence/" not in t.subject.value:
            kinds.setdefault(t.subject.value.rsplit("/", 1)[-1], set()).add(t.object.value)
    assert kinds == {
        "lyi-901": {"trafficking in persons", "smuggling of migrants"},
        "cdi-901": {"recruitment or use of children", "abduction", "rape or sexual violence"},
    }  # not the drug trafficker who "recruits fighters" and kidnaps for ransom, not arms or oil
    assert snapshot.counts["records flagged"] == 2
    points = {t.object.value for t in snapshot.triples if t.predicate.value == TIP + "pointsTo"}
    assert BASE + "id/qualification/trafficking-in-persons" in points
    assert BASE + "id/grave-violation/recruitment-and-use" in points


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<html><body/></html>", "small.xml:1: root element <html> is not <CONSOLIDATED_LIST>"),
        (
            "<CONSOLIDATED_LIST dateGenerated='2024-01-01'>\n<INDIVIDUALS>\n<INDIVIDUAL>\n<DATAID>1</DATAID>\n"
            "<SHOE_SIZE>9</SHOE_SIZE>\n</INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>",
            "small.xml:5: <SHOE_SIZE> is not allowed in <INDIVIDUAL>",
        ),
        (
            "<CONSOLIDATED_LIST dateGenerated='2024-01-01'>\n<ENTITIES>\n<ENTITY>\n<DATAID>1</DATAID>\n"
            "</ENTITY></ENTITIES></CONSOLIDATED_LIST>",
            "small.xml:3: <ENTITY> lacks <FIRST_NAME>",
        ),
        (
            "<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n<INDIVIDUAL>\n</INDIVIDUALS>",
            "small.xml:4:2: not well-formed XML",
        ),
        (
            "<CONSOLIDATED_LIST><INDIVIDUALS/></CONSOLIDATED_LIST>",
            "small.xml:1: <CONSOLIDATED_LIST> has no dateGenerated",
        ),
    ],
)
def test_a_file_that_is_not_the_list_is_refused_naming_element_and_line(store, tmp_path, text, message):
    path = tmp_path / "small.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LoadError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_fixture(store, path)


def test_flags_keep_drug_arms_and_terrorist_recruitment_apart():
    from tipkg.loaders.un_evidence import flags

    for text in (
        "Collects money from drug traffickers.",
        "Involved in narcotics trafficking and the smuggling of arms.",
        "Has run an organized smuggling network in Kandahar.",
        "Recruited fighters for ISIL and kidnapped journalists for ransom.",
        "Head of the State Anti-Smuggling Headquarters.",
        "Passport issued by the Federal Migration Service.",
    ):
        assert flags(text) == [], text
    assert [f.kind for f in flags("Recruited children as fighters.")] == ["recruitment or use of children"]
    assert [f.kind for f in flags("subjected detainees to forced labour")] == ["forced labour"]


def test_grave_violations_against_children_only_when_children_are_named():
    from tipkg.loaders.un_evidence import flags

    [adults] = flags("Forces under his command committed rape and other sexual violence against civilians.")
    assert "grave-violation/sexual-violence" not in adults.points_to and "conduct/rape" in adults.points_to
    [children] = flags("His fighters abducted children from their schools.")
    assert "grave-violation/abduction" in children.points_to


# --- the real files ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """The curated graph with the 2020 and the 2024 list loaded side by side."""
    if not (FILE_2020.exists() and FILE_2024.exists()):
        pytest.skip(f"the real Consolidated List files are not in {SHARED}")
    settings = settings_for(f"oxigraph:{tmp_path_factory.mktemp('unlist')}/store")
    build(settings)
    results = {f.name[-14:-4]: external.load(settings, "un-sanctions", f) for f in (FILE_2020, FILE_2024)}
    return settings, results


@real_files
def test_both_files_load_side_by_side_with_counts_per_regime(loaded):
    settings, results = loaded
    store = open_store(settings)
    assert [(r.snapshot, r.records) for r in external.loaded(store)] == [
        ("2020-11-30", 1018),
        ("2024-09-26", 875),
    ]
    counts = results["2024-09-26"].snapshot.counts
    expected = {"Al-Qaida": 344, "Taliban": 140, "CAR": 15, "DPRK": 155, "DRC": 53, "GB": 10, "Haiti": 5}
    expected |= {"Iraq": 76, "Libya": 31, "Somalia": 24, "SouthSudan": 8, "Sudan": 3, "Yemen": 11}
    assert {
        k.removeprefix("records "): v for k, v in counts.items() if k.removeprefix("records ") in expected
    } == expected
    assert "records Mali" not in counts and results["2020-11-30"].snapshot.counts["records Mali"] == 8
    unmatched = {str(u) for u in results["2024-09-26"].snapshot.unmatched}
    assert "KPi.001: no regime in the graph has list type 'DPRK'" in unmatched  # reported, and kept:
    assert store.ask(f'ASK {{ <{BASE}id/listed/kpi-001> <{TIP}listType> "DPRK" }}')


@real_files
def test_every_trafficking_record_is_flagged_and_no_drug_or_arms_trafficker(loaded):
    settings, results = loaded
    store = open_store(settings)
    for snapshot, truth in (("2020-11-30", TIP_2020), ("2024-09-26", TIP_2024)):
        graph = external.graph_of(BASE, "un-sanctions", snapshot)
        rows = store.select(FLAGGED, default_graphs=None, named_graphs=[graph])
        by_kind: dict[str, set[str]] = {}
        for r in rows:
            by_kind.setdefault(r["kind"].value, set()).add(r["ref"].value)
        assert by_kind["trafficking in persons"] == truth, snapshot
        assert "smuggling of migrants" not in by_kind
        flagged = set().union(*by_kind.values())
        # CFi.014 and CFi.015 traffic arms and are flagged for sexual violence, which their records name
        other = flagged - by_kind.get("rape or sexual violence", set())
        assert not other & NOT_TIP, snapshot
        assert not any(ref.startswith("TA") for ref in flagged)  # no Taliban drug trafficker, for anything
        counts = results[snapshot].snapshot.counts
        assert counts["records flagged: trafficking in persons"] == len(truth)
    assert {"YEi.006", "CDe.001"} <= by_kind["forced labour"]
    assert {"CDe.001", "CDi.041", "CDi.042", "YEe.001"} <= by_kind["recruitment or use of children"]


@real_files
def test_changes_between_2020_and_2024_for_a_regime(loaded):
    from tipkg.webapp import listed

    settings, _ = loaded
    section = listed.regime(open_store(settings), BASE + "id/regime/libya")
    assert section is not None and section["snapshot"] == "2024-09-26"
    assert [p["number"] for p in section["parties"][:5]] == sorted(TIP_2024)
    changes = section["changes"]
    assert (changes["before"], changes["after"]) == ("2020-11-30", "2024-09-26")
    assert [r["number"] for r in changes["added"]] == ["LYi.029"]
    assert "LYi.026" in [r["number"] for r in changes["amended"]]  # renamed SALIM IBRAHIM AL-MILAD
    mali = listed.regime(open_store(settings), BASE + "id/regime/mali")
    assert mali is not None and mali["parties"] == [] and len(mali["changes"]["removed"]) == 8


@real_files
def test_a_party_named_in_anothers_evidence_shows_it_without_being_flagged(loaded):
    from tipkg.webapp import listed

    settings, _ = loaded
    party = listed.party(open_store(settings), BASE + "id/listed/lyi-026")
    assert party is not None and party["held_by"] == ["2020-11-30", "2024-09-26"]
    assert party["label"] == "Abd Al-Rahman SALIM IBRAHIM AL-MILAD"  # as the latest list names him
    assert party["evidence"] == []  # his own record names no such conduct
    assert [m["number"] for m in party["mentioned"]] == ["LYi.029"]


@real_files
def test_the_named_query_compares_any_two_snapshots(loaded):
    from tipkg import queries

    settings, _ = loaded
    graphs = {s: external.graph_of(BASE, "un-sanctions", s) for s in ("2020-11-30", "2024-09-26")}
    found = queries.select(
        open_store(settings),
        "listed-changes",
        {"before": graphs["2020-11-30"], "after": graphs["2024-09-26"]},
    )
    changes = {(r["change"].value, r["number"].value) for r in found}
    assert ("added", "LYi.029") in changes and ("removed", "MLi.001") in changes
    assert ("removed", "IRi.026") in changes  # a list type no regime has (Iran) is compared too


@real_files
def test_the_command_line_refuses_a_file_that_is_not_the_list_and_loads_nothing(loaded, tmp_path):
    settings, _ = loaded
    bad = tmp_path / "not-the-list.xml"
    bad.write_text("<?xml version='1.0'?>\n<rss><channel/></rss>\n", encoding="utf-8")
    env = {"TIPKG_STORE": settings.store}
    result = run_cli("load", "un-sanctions", str(bad), env=env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "not-the-list.xml:2: root element <rss> is not <CONSOLIDATED_LIST>" in result.stderr
    assert [r.snapshot for r in external.loaded(open_store(settings))] == ["2020-11-30", "2024-09-26"]


# --- pages, in Chromium -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def list_server(loaded):
    settings, _ = loaded
    with serving(settings) as url:
        yield url


@pytest.fixture
def list_page(browser, list_server):
    context = browser.new_context(base_url=list_server)
    page = context.new_page()
    yield page
    context.close()


@real_files
def test_a_listed_traffickers_page_shows_its_evidence(list_page):
    list_page.goto("/id/listed/lyi-029")
    section = list_page.locator("section.listed-party")
    assert "LYi.029" in section.inner_text()
    assert "2018-06-07" not in section.inner_text() and "2021-10-25" in section.inner_text()
    evidence = section.locator("ul.evidence li")
    assert evidence.count() >= 1
    first = evidence.first.inner_text()
    assert (
        first.startswith("Trafficking in persons")
        and "human trafficking activities of the Zawiyah network" in first
    )
    assert evidence.first.get_by_role("link", name="trafficking in persons").count() >= 1
    assert "2024-09-26" in section.inner_text()
    assert axe_violations(list_page) == []


@real_files
def test_a_regime_page_shows_what_changed_between_2020_and_2024(list_page):
    list_page.goto("/sanctions/libya")
    table = list_page.get_by_role("table", name="parties on the Consolidated List of 2024-09-26")
    assert table.locator("tbody tr").first.inner_text().startswith("LYi.021")
    heading = list_page.get_by_role("heading", name="Changes between the lists of 2020-11-30 and 2024-09-26")
    assert heading.is_visible()
    added = list_page.locator("ul.listed-added li")
    assert added.all_inner_texts() == ["LYi.029 Osama Al Kuni Ibrahim"]
    added.first.get_by_role("link").click()
    list_page.wait_for_url("**/id/listed/lyi-029")
    assert axe_violations(list_page) == []


@real_files
def test_search_finds_listed_names_and_aliases_accents_and_spellings_tolerated(loaded):
    from tipkg.webapp import create_app

    settings, _ = loaded
    client = create_app(settings=settings).test_client()
    for query in ("Ghermay", "Ermias Alem", "Dabashi", "Mus'ab"):
        page = client.get("/search", query_string={"q": query}).get_data(as_text=True)
        assert "/id/listed/lyi-02" in page, query

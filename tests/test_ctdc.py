"""CTDC victim records (loaders/ctdc.py): the three layouts told apart by header, -99 and empty cells
as missing (never no), bad input refused with its row, the figures computed at load time; with
../shared/data present, all three files load and the forced-labour page shows, in Chromium, the
chart and the table, with the counts the test computes from the files itself."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.browser import axe_violations, overlapping_year_labels
from tests.conftest import serving, settings_for
from tipkg.loaders import ctdc, external
from tipkg.loaders.build import build
from tipkg.store import open_store

DATA = Path(__file__).parent / "data" / "ctdc"
SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "ctdc"
RAW = SHARED / "raw-global-2020-sample" / "ctdc_global_dataset_2020-04-14_sample50.csv"
CONDENSED = SHARED / "global-2020-condensed" / "ctdc_global_2020_condensed.csv"
SYNTHETIC = SHARED / "vp-synthetic" / "CTDC_VPsynthetic_condensed.csv"
BASE = "https://w3id.org/tipkg/"
FIGURES = """
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX tip: <https://w3id.org/tipkg/ontology#>
SELECT ?slug ?period ?with ?cases ?known WHERE {
  ?f a tip:Figure ; tip:figureOf ?c ; tip:caseCount ?cases .
  FILTER NOT EXISTS { ?f tip:recordedCountry ?country }
  BIND(STRAFTER(STR(?c), "/id/ctdc/") AS ?slug)
  OPTIONAL { ?f tip:registrationPeriod ?period } OPTIONAL { ?f tip:knownCount ?known }
  OPTIONAL { ?f tip:withCategory ?w BIND(STRAFTER(STR(?w), "/id/ctdc/") AS ?with) }
}"""


def read(store, path: Path, loader=ctdc.LOADER) -> tuple[external.Snapshot, ox.Store]:
    """What ``loader`` reads from ``path``, linking against ``store``, and its triples in a store."""
    context = external.LoadContext(store, BASE, None, lambda _: None)
    snapshot = loader.read(path, context)
    graph = ox.Store()
    graph.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in external.triples(snapshot))
    return snapshot, graph


def figures(graph: ox.Store, prefix: str = "ctdc") -> dict[tuple, tuple[int, int | None]]:
    """(category slug, year, other slug) -> (cases, known), for every figure in ``graph``."""
    found = {}
    for row in graph.query(FIGURES.replace("/id/ctdc/", f"/id/{prefix}/")):
        key = (row["slug"].value, row["period"] and row["period"].value, row["with"] and row["with"].value)
        found[key] = (int(row["cases"].value), row["known"] and int(row["known"].value))
    return found  # type: ignore[return-value]


def test_the_full_layout_counts_present_and_known_and_never_counts_minus_99_as_no(store):
    snapshot, graph = read(store, DATA / "global-small.csv")
    assert snapshot.snapshot == "global-dataset-global-small" and snapshot.read == 4
    found = figures(graph)
    # isForcedLabour: 1, 1, 0, -99 -> 2 cases, known in 3 (the -99 is missing, not no)
    assert found[("forced-labour", None, None)] == (2, 3)
    assert found[("forced-labour", "2015", None)] == (2, 2)
    assert found[("debt-bondage", None, None)] == (1, 1)  # 1 and -99: known once
    assert found[("forced-labour", None, "sexual-exploitation")] == (1, None)
    assert found[("abduction", None, None)] == (1, 1)  # its record has no year: in no yearly figure
    assert not any(k[0] == "abduction" and k[1] for k in found)
    nature = next(
        iter(graph.query("SELECT ?n WHERE { ?d <https://w3id.org/tipkg/ontology#figureNature> ?n }"))
    )
    assert "k-anonymised" in nature["n"].value and "not prevalence" in nature["n"].value
    assert (
        len(
            list(
                graph.quads_for_pattern(
                    None, None, ox.NamedNode("http://purl.org/linked-data/cube#Observation")
                )
            )
        )
        == 4
    )


def test_the_condensed_and_synthetic_layouts_are_told_apart_by_their_header(store):
    condensed, graph = read(store, DATA / "condensed-small.csv")
    assert condensed.snapshot.startswith("condensed-")
    found = figures(graph)
    assert found[("forced-labour", None, None)] == (2, 3)  # 1.0, 0.0, empty, 1.0
    assert found[("sexual-exploitation", None, None)] == (1, 2)  # "Multiple" names no one type
    synthetic, graph = read(store, DATA / "synthetic-small.csv")
    assert synthetic.snapshot.startswith("victim-perpetrator-synthetic-")
    found = figures(graph)
    assert found[("forced-labour", "2014-2018", None)] == (1, 1)
    assert found[("sexual-exploitation", None, None)] == (2, 2)
    assert "SYNTHETIC" in synthetic.title or "Synthetic" in synthetic.title


def test_an_unknown_header_is_refused_naming_the_columns_each_format_expects(store):
    with pytest.raises(external.LoadError) as caught:
        ctdc.LOADER.read(DATA / "unknown-header.csv", external.LoadContext(store, BASE, None, print))
    message = str(caught.value)
    assert "unknown-header.csv:1" in message and "isForcedLabour" in message and "ExploitType" in message


def test_a_bad_value_names_its_row_and_loads_nothing(tmp_path):
    settings = settings_for(f"oxigraph:{tmp_path}/store")
    build(settings)
    before = len(list(open_store(settings).quads()))
    with pytest.raises(external.LoadError, match=r"bad-value.csv:4 \(row 3\): isForcedLabour is 'yes'"):
        external.load(settings, "ctdc", DATA / "bad-value.csv")
    assert len(list(open_store(settings).quads())) == before


def test_a_load_writes_the_graph_it_always_wrote_and_a_bad_row_after_a_loaded_chunk_leaves_nothing(tmp_path):
    # global-small.nq: the snapshot graph this file loaded into when records were written as ox.Triple
    # objects (sorted, without its load time); they are now N-Triples text in chunks, which Oxigraph
    # parses while the next is made. Regenerate it only for a change meant to change the graph.
    settings = settings_for(f"oxigraph:{tmp_path}/store")
    build(settings)
    graph = external.load(settings, "ctdc", DATA / "global-small.csv").graph
    quads = sorted(
        f"{q} ."
        for q in open_store(settings).quads()
        if q.graph_name.value == graph and "generatedAtTime" not in q.predicate.value
    )
    assert quads == (DATA / "global-small.nq").read_text(encoding="utf-8").splitlines()
    # A bad row once a whole chunk of records is in the staging store: the load still writes nothing.
    lines = (DATA / "global-small.csv").read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "late-bad-row.csv"
    rows = [lines[1]] * ctdc.CHUNK + [lines[1].replace(",2015,", ",yes,", 1)]
    bad.write_text("\n".join([lines[0], *rows]) + "\n", encoding="utf-8")
    before = sorted(str(q) for q in open_store(settings).quads())
    row = ctdc.CHUNK + 1
    with pytest.raises(
        external.LoadError, match=rf"late-bad-row.csv:{row + 1} \(row {row}\): yearOfRegistration"
    ):
        external.load(settings, "ctdc", bad)
    assert sorted(str(q) for q in open_store(settings).quads()) == before


def test_a_data_set_page_does_not_list_its_records(tmp_path):
    # Every record points at its data set (qb:dataSet): at a million records, listing or grouping
    # them made the page take seconds. The page shows what the data set is, and no record link.
    from tipkg.webapp import create_app

    settings = settings_for(f"oxigraph:{tmp_path}/store")
    build(settings)
    external.load(settings, "ctdc", DATA / "global-small.csv")
    page = create_app(settings=settings).test_client().get("/id/ctdc-data/global-dataset-global-small")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "4 records" in text
    assert "/record/" not in text
    assert "Loaded records that link here are counted in the figures, not listed" in text


needs_shared = pytest.mark.skipif(not CONDENSED.exists(), reason="../shared/data/ctdc is not present")


def _flag_counts(path: Path, column: str, year_column: str) -> tuple[int, Counter]:
    cases, by_year = 0, Counter()
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row[column].strip() in ("1", "1.0"):
                cases += 1
                year = row[year_column].strip().removesuffix(".0")
                if year and year != "-99":
                    by_year[year] += 1
    return cases, by_year


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    if not CONDENSED.exists():
        pytest.skip("../shared/data/ctdc is not present")
    directory = tmp_path_factory.mktemp("ctdc")
    settings = settings_for(f"oxigraph:{directory}/store")
    build(settings)
    for path in (RAW, CONDENSED, SYNTHETIC):
        external.load(settings, "ctdc", path)
    return settings


@needs_shared
def test_all_three_files_load_with_the_counts_the_files_give(loaded):
    store = open_store(loaded)
    rows = {r.snapshot: r for r in external.loaded(store)}
    assert {r.records for r in rows.values()} == {50, 48_801, 21_195}
    cases, by_year = _flag_counts(CONDENSED, "isForcedLabour", "yearOfRegistration")
    dataset = f"<{BASE}id/ctdc-data/condensed-ctdc_global_2020_condensed>"
    found = figures_of(
        store, FIGURES.replace("?f a tip:Figure ;", f"?f a tip:Figure ; qb:dataSet {dataset} ;")
    )
    assert found[("forced-labour", None, None)][0] == cases
    assert {k[1]: v[0] for k, v in found.items() if k[0] == "forced-labour" and k[1] and not k[2]} == dict(
        by_year
    )


def figures_of(store, query: str) -> dict[tuple, tuple[int, int | None]]:
    found = {}
    for row in store.select(query):
        key = (row["slug"].value, row["period"] and row["period"].value, row["with"] and row["with"].value)
        found[key] = (int(row["cases"].value), row["known"] and int(row["known"].value))
    return found


@pytest.fixture(scope="module")
def loaded_server(loaded):
    with serving(loaded) as url:
        yield url


@needs_shared
def test_the_forced_labour_page_draws_the_chart_and_the_table_behind_it(browser, loaded_server):
    cases, by_year = _flag_counts(CONDENSED, "isForcedLabour", "yearOfRegistration")
    context = browser.new_context(base_url=loaded_server)
    page = context.new_page()
    try:
        page.goto("/id/purpose/forced-labour")
        section = page.locator("section.figure-series", has_text="April 2020")
        assert section.count() == 1
        assert f"{cases:,}" in section.locator("p", has_text="records record it").inner_text()
        assert "not prevalence" in page.locator("section.figures").inner_text()
        assert "k-anonymised" in section.inner_text()
        page.wait_for_selector("section.figure-series .figure-chart[data-drawn=true] canvas", timeout=15_000)
        table = section.locator("table.figure-table").first
        shown = {
            r.locator("th").inner_text(): int(r.locator("td").first.inner_text().replace(",", ""))
            for r in table.locator("tbody tr").all()
        }
        assert shown == dict(by_year)
        synthetic = page.locator("section.figure-series", has_text="Synthetic")
        assert "SYNTHETIC" in synthetic.inner_text()
        assert overlapping_year_labels(page) == []
        assert axe_violations(page) == []
    finally:
        context.close()

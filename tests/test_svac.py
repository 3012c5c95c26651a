"""SVAC and RSVAC actor-year reports (loaders/svac.py): forms and actor types coded with the curated
SVAC categories, figures computed at load time, a bad code refused with its row; with
../shared/data/crsv present, both files load with the counts the test computes from them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.test_ctdc import figures, read
from tipkg.loaders import external, svac

DATA = Path(__file__).parent / "data" / "svac"
SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "crsv"
BASE = "https://w3id.org/tipkg/"
TOTALS = """PREFIX tip: <https://w3id.org/tipkg/ontology#>
SELECT ?cases WHERE { ?f tip:figureOf <https://w3id.org/tipkg/id/svac/SLUG> ; tip:caseCount ?cases .
  FILTER NOT EXISTS { ?f tip:registrationPeriod ?p } FILTER NOT EXISTS { ?f tip:withCategory ?w } }"""


def read_svac(store, path: Path):
    return read(store, path, svac.LOADER)


def test_actor_years_are_coded_with_forms_and_actor_types(store):
    snapshot, graph = read_svac(store, DATA / "svac.csv")
    assert snapshot.read == 3
    found = figures(graph, "svac")
    assert found[("rape", None, None)] == (2, 3)  # the NA year is reported (prevalence 0): known
    assert found[("sexual-torture", "2001", None)] == (1, 2)
    assert found[("rebel", None, "sexual-slavery")] == (1, None)  # "1, 2," with its trailing comma
    assert found[("rebel", None, None)] == (2, 2)


def test_a_bad_actor_type_names_its_row(store):
    with pytest.raises(external.LoadError, match=r"bad-actor-type.csv:2 \(row 1\): actor_type is '9'"):
        svac.LOADER.read(DATA / "bad-actor-type.csv", external.LoadContext(store, BASE, None, print))


@pytest.mark.skipif(not (SHARED / "svac.csv").exists(), reason="../shared/data/crsv is not present")
def test_both_files_load_with_the_counts_the_files_give(store):
    snapshot, graph = read_svac(store, SHARED)
    assert [f.name for f in snapshot.files] == ["rsvac.csv", "svac.csv"]
    with (SHARED / "svac.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    rape = sum(1 for r in rows if "1" in [c.strip() for c in r["form"].split(",")])
    with (SHARED / "rsvac.csv").open(newline="") as handle:
        rsvac_rape = sum(1 for r in csv.DictReader(handle) if r["form"] == "rape")
    totals = graph.query(TOTALS.replace("SLUG", "rape"))
    assert sorted(int(row["cases"].value) for row in totals) == sorted([rape, rsvac_rape])

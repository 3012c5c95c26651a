"""The most specific kinds stored by the build and by loads (loaders/kinds.py, tip:mostSpecificKind)
are those the pages used to work out per request with ``FILTER NOT EXISTS`` over the subclasses: the
page queries give the same rows as their earlier texts (tests/data/page-queries-before/), here on
Oxigraph and in tests/test_virtuoso.py on Virtuoso."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import minimal_ontology, settings_for
from tipkg import queries
from tipkg.loaders import external
from tipkg.loaders.build import build
from tipkg.loaders.kinds import MOST_SPECIFIC_KIND
from tipkg.namespaces import TIP
from tipkg.queries import parse_header
from tipkg.store import Store, open_store

DATA = Path(__file__).parent / "data"
BEFORE = DATA / "page-queries-before"
PAGE_QUERIES = ("resource-incoming", "resource-outgoing", "resource-citations")
# Rewritten for Virtuoso's sake, without kinds: compared the same way.
OTHER_PAGE_QUERIES = ("resource-overlaps",)

# The kinds as the queries worked them out before they were stored, for every named subject.
AT_QUERY_TIME = f"""
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?subject ?kind WHERE {{
  ?subject a ?kind .
  FILTER(isIRI(?subject) && STRSTARTS(STR(?kind), "{TIP}"))
  FILTER NOT EXISTS {{ ?subject a ?sub . ?sub rdfs:subClassOf ?kind . FILTER(?sub != ?kind) }}
}}"""
STORED = f"SELECT DISTINCT ?subject ?kind WHERE {{ ?subject <{TIP}mostSpecificKind> ?kind }}"

# Resources whose pages the comparison covers besides one of each kind: classes (whose members
# point at them with rdf:type and tip:mostSpecificKind), a much cited document, a country.
ALSO = [
    TIP + "Provision",
    TIP + "Act",
    TIP + "TraffickingElement",
    "https://w3id.org/tipkg/id/document/unodc-thematic-paper-2018",
    "https://w3id.org/tipkg/id/country/ml",
    "https://w3id.org/tipkg/id/provision/rome-statute-art-7-2-c",
]


def pairs(store: Store, sparql: str) -> set[tuple[str, str]]:
    return {(row["subject"].value, row["kind"].value) for row in store.select(sparql)}


def rows(store: Store, query: queries.NamedQuery, params: dict) -> tuple[list[str], list[tuple]]:
    """The rows, sorted; without the statements of the stored kinds themselves, which the earlier
    texts list as they list any statement (they ran on a graph that had none)."""
    solutions = store.select(query.bind(params), booleans=query.booleans)
    variables = [v.value for v in solutions.variables]
    found = [
        tuple(None if row[v] is None else str(row[v]) for v in variables)
        for row in solutions
        if "property" not in variables or row["property"] != MOST_SPECIFIC_KIND
    ]
    return variables, sorted(found, key=repr)


def sample(store: Store) -> list[str]:
    """One resource of each most specific kind (the first by IRI), and ``ALSO``."""
    text = f"""SELECT ?kind (MIN(STR(?subject)) AS ?first) WHERE {{
      ?subject a ?kind . FILTER(isIRI(?subject) && STRSTARTS(STR(?kind), "{TIP}"))
    }} GROUP BY ?kind"""
    return sorted({row["first"].value for row in store.select(text)} | set(ALSO))


def assert_pages_as_before(store: Store) -> int:
    """Every page query answers as its earlier text did, for each resource of ``sample``; the
    number of resources compared."""
    resources = sample(store)
    for name in (*PAGE_QUERIES, *OTHER_PAGE_QUERIES):
        before, after = parse_header(BEFORE / f"{name}.rq"), queries.get(name)
        param = after.params[0].name
        for iri in resources:
            assert rows(store, after, {param: iri}) == rows(store, before, {param: iri}), (name, iri)
    before, after = parse_header(BEFORE / "search-label-index.rq"), queries.get("search-label-index")
    assert rows(store, after, {}) == rows(store, before, {})
    return len(resources)


def test_every_stored_kind_is_the_one_worked_out_at_query_time(store):
    stored = pairs(store, STORED)
    assert len(stored) > 1000
    assert stored == pairs(store, AT_QUERY_TIME)
    # A provision is an article, paragraph or sub-paragraph first: the broader class is not stored.
    art = "https://w3id.org/tipkg/id/provision/rome-statute-art-7-2-c"
    assert {k for s, k in stored if s == art} and (art, TIP + "Provision") not in stored


def test_the_pages_of_resources_of_every_kind_answer_as_before(store):
    assert assert_pages_as_before(store) > 30


def test_the_kinds_do_not_show_as_statements_of_their_own(client):
    page = client.get("/id/provision/rome-statute-art-7-2-c").get_data(as_text=True)
    assert page.count("most specific kind") == 0


def test_a_load_stores_the_kinds_of_what_it_types_in_the_snapshots_graph(tmp_path):
    fixture = DATA / "legal-texts-graph" / "small-treaty.ttl"
    settings = settings_for(f"oxigraph:{tmp_path}/store", minimal_ontology(tmp_path / "ontology", fixture))
    build(settings)
    result = external.load(settings, "legal-texts", DATA / "legal-texts")
    store = open_store(settings)
    created = "https://w3id.org/tipkg/id/provision/small-treaty-art-2-1-a-i"
    in_graph = f"SELECT ?subject ?kind WHERE {{ GRAPH <{result.graph}> {{ ?subject <{TIP}mostSpecificKind> ?kind }} }}"
    kinds = pairs(store, in_graph)
    # Typed Provision and SubParagraph by the load; the hierarchy in the store makes it a sub-paragraph.
    assert (created, TIP + "SubParagraph") in kinds and (created, TIP + "Provision") not in kinds
    # The snapshot's provenance node is typed too; curated provisions keep their kinds from the build.
    assert any(k == TIP + "SourceSnapshot" for _, k in kinds)
    assert pairs(store, STORED) == pairs(store, AT_QUERY_TIME)
    assert_pages_as_before(store)


@pytest.mark.parametrize("name", (*PAGE_QUERIES, "search-label-index"))
def test_no_page_query_works_out_the_kinds_at_query_time(name):
    assert "tip:mostSpecificKind" in queries.get(name).text
    assert "?sub rdfs:subClassOf ?kindClass" not in queries.get(name).text

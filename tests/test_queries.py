"""The named queries: every file has a valid header and parses; parameters are bound, never pasted,
and hostile values stay values."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from tipkg import queries
from tipkg.errors import QueryError
from tipkg.queries import Param, insert_values

SAMPLE = {
    "iri": ox.NamedNode("https://w3id.org/tipkg/id/instrument/rome-statute"),
    "string": ox.Literal("slavery"),
    "integer": ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
    "boolean": ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")),
}


def test_catalogue_is_not_empty_and_has_the_build_checks():
    names = set(queries.catalogue())
    assert {"triple-count", "build-record", "dump-quads"} <= names
    assert any(name.endswith("-violation") for name in names if name.startswith("checks/"))
    assert all(q.name.endswith("-violation") for q in queries.checks())


@pytest.mark.parametrize("name", sorted(queries.catalogue()))
def test_every_query_has_a_header_and_parses_with_its_parameters_bound(name):
    query = queries.catalogue()[name]
    assert query.purpose and len(query.purpose) > 20
    bound = query.bind({p.name: SAMPLE[p.type] for p in query.params})
    ox.Store().query(bound)  # raises SyntaxError on a malformed query


def test_values_go_after_the_top_level_where_brace_not_into_a_construct_template():
    text = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    out = insert_values(text, {"s": ox.NamedNode("http://x")})
    assert out.startswith("CONSTRUCT { ?s ?p ?o } WHERE { VALUES (?s) { (<http://x>) }")


def test_where_inside_comments_strings_iris_and_variable_names_is_not_mistaken_for_the_keyword():
    text = '# WHERE { not here\nSELECT ?where WHERE { ?s <http://e/WHERE> "WHERE {" . FILTER(?where < 3) }'
    out = insert_values(text, {"s": ox.NamedNode("http://x")})
    assert 'SELECT ?where WHERE { VALUES (?s) { (<http://x>) } ?s <http://e/WHERE> "WHERE {"' in out
    ox.Store().query(out)


def test_values_go_into_the_subquery_a_where_group_opens_with_and_only_that_one():
    # The parameter's rows are found in the subquery first (the planning Virtuoso needs); a subquery
    # after other patterns is left alone, and so is one in the CONSTRUCT template's place.
    text = (
        "SELECT ?l WHERE {\n  # first the rows\n  { SELECT ?o WHERE { { SELECT ?s WHERE { ?s ?p ?o } } } }"
        " ?o <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
    )
    out = insert_values(text, {"s": ox.NamedNode("http://x")})
    assert "{ SELECT ?s WHERE { VALUES (?s) { (<http://x>) } ?s ?p ?o }" in out
    assert out.count("VALUES") == 1
    later = "SELECT * WHERE { ?s ?p ?o { SELECT ?o WHERE { ?o ?q ?r } } }"
    assert insert_values(later, {"s": ox.NamedNode("http://x")}).startswith(
        "SELECT * WHERE { VALUES (?s) { (<http://x>) } ?s ?p ?o {"
    )
    group = "SELECT * WHERE { { ?s ?p ?o } UNION { ?o ?p ?s } }"
    assert insert_values(group, {"s": ox.NamedNode("http://x")}).startswith(
        "SELECT * WHERE { VALUES (?s) { (<http://x>) } { ?s ?p ?o }"
    )
    ox.Store().query(out)


def test_the_queries_that_open_with_a_subquery_bind_their_parameter_inside_it():
    for name in ("case-figures", "resource-overlaps"):
        bound = queries.get(name).bind({"resource": "https://w3id.org/tipkg/id/purpose/forced-labour"})
        inner = bound.index("SELECT", bound.index("WHERE"))
        assert bound.index("VALUES (?resource)") > inner, name


def test_a_parametrised_query_without_where_is_refused():
    with pytest.raises(QueryError, match="WHERE"):
        insert_values("ASK { ?s ?p ?o }", {"s": ox.NamedNode("http://x")})


@pytest.mark.parametrize(
    "hostile",
    [
        '" } ; DROP ALL ; #',
        'x" . ?s ?p ?o } UNION { ?s ?p ?o',
        '\\" }\n} INSERT DATA { <http://a> <http://b> <http://c> }',
        "'''",
        "<http://evil>",
    ],
)
def test_hostile_strings_are_bound_as_literals(store, hostile):
    text = queries.get("search-labels").bind({"text": hostile})
    rows = list(store.query(text))
    assert rows == []


@pytest.mark.parametrize("bad", ["http://a b", "http://a>", "<http://a>", "not an iri\n", 'http://a"'])
def test_bad_iris_are_refused_before_any_query_runs(bad):
    with pytest.raises(QueryError, match="not a valid iri"):
        queries.get("instrument-provisions").bind({"instrument": bad})


def test_prefixed_names_expand_to_the_project_namespaces():
    text = queries.get("instrument-provisions").bind({"instrument": "inst:rome-statute"})
    assert "<https://w3id.org/tipkg/id/instrument/rome-statute>" in text


def test_unknown_and_missing_parameters_are_named():
    with pytest.raises(QueryError, match="no parameter 'nope'"):
        queries.get("instrument-provisions").bind({"nope": "x", "instrument": "inst:x"})
    with pytest.raises(QueryError, match="needs parameter 'instrument'"):
        queries.get("instrument-provisions").bind({})
    with pytest.raises(QueryError, match="no named query 'missing'"):
        queries.get("missing")


def test_typed_parameters_are_checked():
    from tipkg.queries import to_term

    assert to_term("12", Param("n", "integer", False, "")).value == "12"
    with pytest.raises(QueryError, match="not a valid integer"):
        to_term("twelve", Param("n", "integer", False, ""))
    with pytest.raises(QueryError, match="not a valid boolean"):
        to_term("yes", Param("b", "boolean", False, ""))


def test_optional_parameter_may_be_left_out(store):
    everything = list(queries.run(store, "overlaps"))
    one = list(queries.run(store, "overlaps", {"conduct": "purpose:sexual-slavery"}))
    assert everything and one and len(one) < len(everything)
    assert {r["conduct"].value for r in one} == {"https://w3id.org/tipkg/id/purpose/sexual-slavery"}


def test_query_form_sees_past_iris_with_hashes_and_comments():
    from tipkg.store.sparql import query_form

    assert query_form("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?x WHERE {}") == "SELECT"
    assert query_form("# ASK describes nothing\nCONSTRUCT {} WHERE {}") == "CONSTRUCT"

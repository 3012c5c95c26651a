"""The ``tipkg`` command as a user runs it: query, export, and the errors it prints."""

from __future__ import annotations

import json

import pyoxigraph as ox
import rdflib

from tests.conftest import run_cli


def test_query_list_names_every_query_with_its_parameters():
    done = run_cli("query", "--list")
    assert done.returncode == 0
    assert "instrument-provisions instrument=iri" in done.stdout
    assert "overlaps conduct=iri?" in done.stdout


def test_query_runs_with_parameters_in_every_format(built):
    env = {"TIPKG_STORE": built.store}
    table = run_cli("query", "instrument-provisions", "-p", "instrument=inst:rome-statute", env=env)
    assert table.returncode == 0, table.stderr
    assert "art. 7(2)(c)" in table.stdout and "pr:rome-statute-art-7-2-c" in table.stdout
    as_json = run_cli("query", "instruments", "--format", "json", env=env)
    data = json.loads(as_json.stdout)
    labels = {b["label"]["value"] for b in data["results"]["bindings"]}
    assert "Rome Statute of the International Criminal Court" in labels
    as_csv = run_cli("query", "triple-count", "--format", "csv", env=env)
    assert as_csv.stdout.splitlines()[0].strip() == "triples" and int(as_csv.stdout.splitlines()[1]) > 5000


def test_query_errors_are_one_line_messages_not_tracebacks(built):
    env = {"TIPKG_STORE": built.store}
    unknown = run_cli("query", "no-such-query", env=env)
    assert unknown.returncode == 1 and "no named query 'no-such-query'" in unknown.stderr
    bad_iri = run_cli("query", "instrument-provisions", "-p", "instrument=http://a b", env=env)
    assert bad_iri.returncode == 1 and "not a valid iri" in bad_iri.stderr
    not_kv = run_cli("query", "instrument-provisions", "-p", "instrument", env=env)
    assert not_kv.returncode == 2 and "KEY=VALUE" in not_kv.stderr
    for done in (unknown, bad_iri, not_kv):
        assert "Traceback" not in done.stderr


def test_unbuilt_store_and_bad_store_spec_are_explained(tmp_path):
    unbuilt = run_cli("query", "triple-count", env={"TIPKG_STORE": f"oxigraph:{tmp_path}/none"})
    assert unbuilt.returncode == 1 and "run `tipkg build` first" in unbuilt.stderr
    bad = run_cli("query", "triple-count", env={"TIPKG_STORE": "mongo:x"})
    assert bad.returncode == 1 and "oxigraph:PATH" in bad.stderr


def test_export_in_every_format_round_trips_with_blank_nodes_restored(built, tmp_path):
    env = {"TIPKG_STORE": built.store}
    counts = {}
    for fmt, rdflib_format in (("nq", "nquads"), ("ttl", "turtle"), ("jsonld", "json-ld")):
        out = tmp_path / f"dump.{fmt}"
        done = run_cli("export", "--format", fmt, "--out", str(out), env=env)
        assert done.returncode == 0, done.stderr
        text = out.read_text()
        assert ".well-known/genid/" not in text
        graph = rdflib.Dataset() if fmt == "nq" else rdflib.Graph()
        graph.parse(out, format=rdflib_format)
        counts[fmt] = len(graph) if fmt != "nq" else sum(1 for _ in graph.quads())
        assert any(isinstance(o, rdflib.BNode) for o in graph.objects()) or fmt == "nq"
    assert counts["ttl"] == counts["jsonld"]
    assert counts["nq"] >= counts["ttl"]


def test_export_nquads_keeps_the_named_graphs(built, tmp_path):
    out = tmp_path / "dump.nq"
    run_cli("export", "--format", "nq", "--out", str(out), env={"TIPKG_STORE": built.store})
    graphs = {q.graph_name.value for q in ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS)}
    assert "https://w3id.org/tipkg/graph/inferred" in graphs
    assert "https://w3id.org/tipkg/graph/source/data/elements" in graphs

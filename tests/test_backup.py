"""Backup and restore: ``tipkg export --format nq`` then ``tipkg import`` into a fresh store gives
the same graph, loaded sources included; a malformed dump is refused with its line, store untouched."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import minimal_ontology, run_cli, settings_for
from tipkg.loaders import external
from tipkg.loaders.build import build
from tipkg.loaders.export import export
from tipkg.store import open_store

DATA = Path(__file__).parent / "data" / "external"


@pytest.fixture(autouse=True)
def fixture_loader(monkeypatch):
    monkeypatch.setitem(external.LOADERS, "fixture", "tests.external_fixture")


@pytest.fixture
def dumped(tmp_path):
    """A minimal build with a loaded external source, and its N-Quads dump."""
    settings = settings_for(f"oxigraph:{tmp_path}/store", minimal_ontology(tmp_path / "ontology"))
    build(settings)
    external.load(settings, "fixture", DATA / "notes-a.csv")
    dump = tmp_path / "backup.nq"
    with dump.open("wb") as handle:
        export(open_store(settings), "nq", handle, base=settings.base_iri)
    return settings, dump


def quad_set(store) -> set[str]:
    return {str(q) for q in store.quads()}


def test_import_into_a_fresh_store_restores_the_same_graph_with_its_sources(dumped, tmp_path):
    settings, dump = dumped
    original = open_store(settings)
    fresh = f"oxigraph:{tmp_path}/restored"
    result = run_cli("--store", fresh, "import", str(dump))
    assert result.returncode == 0, result.stderr
    assert "imported" in result.stdout
    restored = open_store(settings_for(fresh))
    # skolem IRIs come back with their labels: the very same quads, not merely an isomorphic graph
    assert quad_set(restored) == quad_set(original)
    assert any("/.well-known/genid/" in q for q in quad_set(restored))
    assert external.loaded(restored) == external.loaded(original)
    assert [r.source for r in external.loaded(restored)] == ["fixture"]


def test_a_malformed_dump_is_refused_with_its_line_and_the_store_untouched(dumped, tmp_path):
    settings, dump = dumped
    before = quad_set(open_store(settings))
    builds = sorted(os.listdir(f"{tmp_path}/store.builds"))
    lines = dump.read_text(encoding="utf-8").splitlines()
    broken = tmp_path / "broken.nq"
    broken.write_text(
        "\n".join([*lines[:5], "<http://example.org/a> <http://example.org/b> oops .", *lines[5:]])
    )
    result = run_cli("--store", settings.store, "import", str(broken))
    assert result.returncode == 1
    assert "line 6" in result.stderr and "Traceback" not in result.stderr
    assert quad_set(open_store(settings)) == before
    assert sorted(os.listdir(f"{tmp_path}/store.builds")) == builds  # the staging was thrown away


def test_a_statement_outside_the_named_graphs_is_refused(dumped, tmp_path):
    settings, _ = dumped
    before = quad_set(open_store(settings))
    stray = tmp_path / "stray.nq"
    stray.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n")
    result = run_cli("--store", settings.store, "import", str(stray))
    assert result.returncode == 1
    assert "default graph" in result.stderr
    assert quad_set(open_store(settings)) == before

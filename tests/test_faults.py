"""Faults: a build or a load killed with SIGKILL mid-way leaves the previous store serving and the
next run succeeds; a remote SPARQL backend that goes away is a 503 and the app recovers when it
returns; a full disk during a build is reported, with the previous store still serving."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import minimal_ontology, settings_for
from tipkg.loaders import external
from tipkg.loaders.build import build
from tipkg.store import open_store

ROOT = Path(__file__).resolve().parent.parent
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
LOAD_FIXTURE = (
    "import sys; from tipkg.loaders import external; "
    "external.LOADERS['fixture'] = 'tests.external_fixture'; "
    "from tipkg.cli import main; main(sys.argv[1:])"
)


def env_for(settings) -> dict[str, str]:
    return {
        **os.environ,
        "TIPKG_CONFIG": "",
        "TIPKG_STORE": settings.store,
        "TIPKG_ONTOLOGY_DIR": str(settings.ontology_dir),
        "TIPKG_DOCS_DIR": str(settings.docs_dir),
    }


def count(settings) -> int:
    return int(next(iter(open_store(settings).select(COUNT)))["n"].value)


def builds_of(settings) -> Path:
    return Path(settings.store.removeprefix("oxigraph:") + ".builds")


def kill_once_staging(command: list[str], settings, seconds: float = 240) -> None:
    """Run ``command`` and SIGKILL it as soon as it has created its staging store."""
    builds = builds_of(settings)
    before = {p.name for p in builds.iterdir()}
    process = subprocess.Popen(
        command, env=env_for(settings), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + seconds
    while not {p.name for p in builds.iterdir() if p.is_dir()} - before:
        assert process.poll() is None, f"it ended before it could be killed: {process.stderr.read()}"
        assert time.monotonic() < deadline, "no staging store appeared"
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "it finished before the kill arrived"


@pytest.fixture(scope="module")
def first_build(tmp_path_factory) -> Path:
    """One minimal build, copied for each test (cheaper than building again)."""
    directory = tmp_path_factory.mktemp("faults")
    build(settings_for(f"oxigraph:{directory}/store", minimal_ontology(directory / "ontology")))
    return directory


@pytest.fixture
def settings(first_build, tmp_path, monkeypatch):
    monkeypatch.setitem(external.LOADERS, "fixture", "tests.external_fixture")
    shutil.copytree(first_build, tmp_path / "copy", symlinks=True)  # the store link is relative
    return settings_for(f"oxigraph:{tmp_path}/copy/store", tmp_path / "copy" / "ontology")


def test_kill_9_during_a_build_leaves_the_previous_store_serving(settings):
    serving = count(settings)
    live = os.readlink(settings.store.removeprefix("oxigraph:"))
    kill_once_staging([sys.executable, "-m", "tipkg.cli", "build"], settings)
    assert os.readlink(settings.store.removeprefix("oxigraph:")) == live
    assert count(settings) == serving  # a fresh reader still answers from the previous build
    orphan = {p for p in builds_of(settings).iterdir() if p.is_dir() and p.name != Path(live).name}
    assert orphan, "the killed build's staging should be there to be cleaned"
    rerun = subprocess.run(
        [sys.executable, "-m", "tipkg.cli", "build"], env=env_for(settings), cwd=ROOT, capture_output=True
    )
    assert rerun.returncode == 0, rerun.stderr
    assert count(settings) == serving
    remaining = {p for p in builds_of(settings).iterdir() if p.is_dir()}
    assert not orphan & remaining  # the next commit removed the dead staging
    assert len(remaining) == 2  # the new build and the previous one, a real rollback


def test_kill_9_during_a_load_leaves_the_previous_store_serving(settings, tmp_path):
    serving = count(settings)
    big = tmp_path / "many-notes.csv"  # large enough that the load is still writing when killed
    big.write_text("".join(f"example/recruitment,note {n}\n" for n in range(150_000)), encoding="utf-8")
    kill_once_staging([sys.executable, "-c", LOAD_FIXTURE, "load", "fixture", str(big)], settings)
    assert count(settings) == serving
    assert external.loaded(open_store(settings)) == []
    small = Path(__file__).parent / "data" / "external" / "notes-a.csv"
    rerun = subprocess.run(
        [sys.executable, "-c", LOAD_FIXTURE, "load", "fixture", str(small)],
        env=env_for(settings),
        cwd=ROOT,
        capture_output=True,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert [r.snapshot for r in external.loaded(open_store(settings))] == ["notes-a"]


def test_a_remote_backend_that_goes_away_is_a_503_and_the_app_recovers(tmp_path):
    from tipkg.devtools import virtuoso
    from tipkg.webapp import create_app

    if not virtuoso.available():
        pytest.skip("Virtuoso Open Source (virtuoso-t, isql-vt) is not installed")
    # Our own instance (own directory and ports), so the session's Virtuoso is not disturbed.
    server = virtuoso.start(tmp_path / "virtuoso", buffers=5000)
    try:
        url = server.sparql_url
        settings = settings_for(
            f"sparql:{url},{url},{server.graph_store_url}", minimal_ontology(tmp_path / "o")
        )
        build(settings)
        client = create_app(settings=settings).test_client()
        ask = {"query": "ASK { ?s ?p ?o }"}
        json_accept = {"Accept": "application/sparql-results+json"}
        assert client.get("/sparql", query_string=ask, headers=json_accept).status_code == 200
        html = {"Accept": "text/html"}
        assert client.get("/id/example/treaty", headers=html).status_code == 200

        server.stop()
        started = time.monotonic()
        gone = client.get("/sparql", query_string=ask, headers=json_accept)
        assert gone.status_code == 503
        assert "not available" in gone.get_json()["error"]
        page = client.get("/id/example/paper", headers=html)  # not cached: it needs the store
        assert page.status_code == 503
        assert "not available" in page.get_data(as_text=True) and "Traceback" not in page.get_data(
            as_text=True
        )
        assert time.monotonic() - started < 30  # refused at once, not hung

        server = virtuoso.start(
            server.directory, buffers=5000, http_port=server.http_port, isql_port=server.isql_port
        )
        back = client.get("/sparql", query_string=ask, headers=json_accept)
        assert back.status_code == 200 and back.get_json()["boolean"] is True
        assert client.get("/id/example/paper", headers=html).status_code == 200
    finally:
        server.stop()


@pytest.fixture
def small_disk(tmp_path):
    """A 16 MB tmpfs, mounted for this test (needs root and a container that allows mounts)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs to fill needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(disk)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"this system does not allow mounting a tmpfs: {mounted.stderr.decode().strip()}")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=False)


def test_a_full_disk_during_a_build_is_reported_and_nothing_is_half_written(
    first_build, small_disk, tmp_path
):
    shutil.copytree(first_build / "store.builds", small_disk / "store.builds")
    os.symlink(os.readlink(first_build / "store"), small_disk / "store")
    settings = settings_for(f"oxigraph:{small_disk}/store", first_build / "ontology")
    serving, live = count(settings), os.readlink(small_disk / "store")
    builds_before = sorted(p.name for p in (small_disk / "store.builds").iterdir())
    filler = small_disk / "filler"
    with filler.open("wb") as handle:  # fill the disk, then give back a little: less than a build needs
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    os.truncate(filler, filler.stat().st_size - 128 * 1024)

    failed = subprocess.run(
        [sys.executable, "-m", "tipkg.cli", "build"],
        env=env_for(settings),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert failed.returncode == 1, failed.stderr
    assert "No space left on device" in failed.stderr and "Traceback" not in failed.stderr
    assert os.readlink(small_disk / "store") == live and count(settings) == serving
    assert sorted(p.name for p in (small_disk / "store.builds").iterdir()) == builds_before

    filler.unlink()
    again = subprocess.run(
        [sys.executable, "-m", "tipkg.cli", "build"],
        env=env_for(settings),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert again.returncode == 0, again.stderr
    assert os.readlink(small_disk / "store") != live and count(settings) == serving

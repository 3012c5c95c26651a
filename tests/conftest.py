"""Fixtures: real stores built from the real ontology, a minimal ontology for fast pipeline tests,
the Flask app and client, a real server process, and a real Virtuoso when it is installed."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tipkg.config import Settings, load_settings
from tipkg.devtools import virtuoso
from tipkg.loaders.build import build
from tipkg.store import open_store
from tipkg.webapp import create_app

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology"
EXAMPLES = ONTOLOGY / "examples"


def settings_for(store: str, ontology_dir: Path = ONTOLOGY, docs_dir: Path | None = None) -> Settings:
    """Settings that ignore the caller's environment and config file; docs go to a temporary folder."""
    docs = docs_dir or Path(tempfile.mkdtemp(prefix="tipkg-docs-"))
    return load_settings(
        {"store": store, "ontology_dir": ontology_dir, "docs_dir": docs}, environ={"TIPKG_CONFIG": ""}
    )


def minimal_ontology(target: Path, *extra: Path) -> Path:
    """A copy of the model and shapes with only the minimal valid example as data, plus ``extra``."""
    shutil.copytree(ONTOLOGY / "model", target / "model")
    shutil.copytree(ONTOLOGY / "shapes", target / "shapes")
    (target / "data").mkdir()
    shutil.copy(EXAMPLES / "valid" / "minimal.ttl", target / "data" / "minimal.ttl")
    for path in extra:
        shutil.copy(path, target / "data" / path.name)
    return target


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Settings:
    """The real curated ontology, built once into an on-disk Oxigraph store."""
    directory = tmp_path_factory.mktemp("curated")
    settings = settings_for(f"oxigraph:{directory}/store")
    build(settings)
    return settings


@pytest.fixture(scope="session")
def store(built):
    return open_store(built)


@pytest.fixture
def app(built):
    app = create_app(settings=built)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """Run the installed ``tipkg`` command as a user would."""
    full_env = {**os.environ, "TIPKG_CONFIG": "", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "tipkg.cli", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
    )


def wait_for_server(
    url: str, process: subprocess.Popen, output: Callable[[], str], seconds: float = 60
) -> None:
    """Wait until ``url``/healthz answers (any HTTP status); a process that exits or a deadline that
    passes first is a RuntimeError carrying what the process printed."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"tipkg serve did not start: {output()}") from None
            time.sleep(0.3)


@contextlib.contextmanager
def serving(settings: Settings) -> Iterator[str]:
    """``tipkg serve`` in its own process on a free loopback port, reading ``settings``' store; its URL."""
    port = virtuoso.free_port()
    env = {
        **os.environ,
        "TIPKG_CONFIG": "",
        "TIPKG_STORE": settings.store,
        "TIPKG_DOCS_DIR": str(settings.docs_dir),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "tipkg.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(url, process, lambda: process.stdout.read().decode() if process.stdout else "")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="session")
def server(built):
    """The app served from the curated build."""
    with serving(built) as url:
        yield url


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory):
    """A real Virtuoso on loopback. Skips when it is not installed, unless CI requires it."""
    if not virtuoso.available():
        reason = "Virtuoso Open Source (virtuoso-t, isql-vt) is not installed; `./run test` installs it"
        if os.environ.get("TIPKG_REQUIRE_VIRTUOSO"):
            pytest.fail(reason)
        pytest.skip(reason)
    server = virtuoso.start(tmp_path_factory.mktemp("virtuoso"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright. Skips when absent, unless CI requires it."""
    from tests.browser import CHROMIUM_FLAGS

    executable = shutil.which("chromium")
    if executable is None:
        reason = "Debian's chromium is not installed; `./run test` installs it"
        if os.environ.get("TIPKG_REQUIRE_CHROMIUM"):
            pytest.fail(reason)
        pytest.skip(reason)
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):
    """A fresh browser context on the real server, for one test."""
    context = browser.new_context(base_url=server)
    page = context.new_page()
    yield page
    context.close()

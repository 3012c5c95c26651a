"""The wheel installs like a package: built with ``python -m build`` (sdist, then the wheel from it, as
a release would be), installed with its dependencies from PyPI into a fresh virtualenv, it builds the
graph and serves every page with its front-end packages, from the installed copy and not this checkout.

Slow (a minute or two: two isolated builds, npm, pip, a graph build). ``./run test`` runs it; deselect
it locally with ``-m 'not wheel'``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, wait_for_server
from tipkg.assets import PACKAGES
from tipkg.devtools.virtuoso import free_port

pytestmark = pytest.mark.wheel


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None, timeout: float = 900) -> str:
    out = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert out.returncode == 0, (
        f"{' '.join(map(str, args))} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    )
    return out.stdout


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A fresh virtualenv with the wheel built from this checkout installed in it."""
    tmp = tmp_path_factory.mktemp("wheel")
    run(sys.executable, "-m", "build", "--outdir", tmp / "dist", ROOT, cwd=tmp)
    (wheel,) = (tmp / "dist").glob("tipkg-*.whl")
    run(sys.executable, "-m", "venv", tmp / "venv", cwd=tmp)
    run(tmp / "venv" / "bin" / "python", "-m", "pip", "install", "-q", wheel, cwd=tmp)
    return tmp / "venv"


@pytest.fixture(scope="module")
def served(venv: Path):
    """The venv's ``tipkg build`` into a temporary store, then its ``tipkg serve`` on a free port."""
    work = venv.parent / "work"  # outside the checkout: nothing can be imported from the source tree
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env |= {"TIPKG_CONFIG": "", "TIPKG_STORE": f"oxigraph:{work}/store", "TIPKG_DOCS_DIR": str(work / "docs")}
    run(venv / "bin" / "tipkg", "build", cwd=work, env=env)
    port = free_port()
    log = open(work / "serve.log", "wb")  # noqa: SIM115 - lives as long as the process
    process = subprocess.Popen(
        [venv / "bin" / "tipkg", "serve", "--port", str(port)], cwd=work, env=env, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    wait_for_server(url, process, lambda: (work / "serve.log").read_text())
    yield url
    process.terminate()
    process.wait(timeout=30)
    log.close()


def test_the_installed_package_carries_every_front_end_package(venv):
    site = venv / "lib"
    probe = "import sys, tipkg.assets as a; [print(a.require(n)) for n in sys.argv[1:]]"
    folders = run(venv / "bin" / "python", "-c", probe, *PACKAGES, cwd=venv.parent).split()
    assert len(folders) == len(PACKAGES)
    for folder in folders:
        assert Path(folder).is_relative_to(site), f"{folder} is not inside the virtualenv"
        assert any(Path(folder).iterdir())


def test_the_installed_app_serves_yasgui_and_the_graph_view(served, browser):
    context = browser.new_context(base_url=served)
    page = context.new_page()
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    vendor: list[str] = []
    page.on("request", lambda r: vendor.append(r.url) if "/vendor/" in r.url else None)

    page.goto("/query")
    page.locator("#yasgui .CodeMirror").wait_for()
    assert "# name: act-labels" in page.evaluate("window.tipkgYasgui.getTab().getQuery()")

    page.goto("/id/purpose/sexual-slavery")
    page.wait_for_function("window.tipkgGraph && window.tipkgGraph.nodes().length > 1")
    assert page.locator("#graph canvas").count() > 0
    context.close()

    assert any("/vendor/yasgui/" in u for u in vendor) and any("/vendor/cytoscape/" in u for u in vendor)
    assert failed == []

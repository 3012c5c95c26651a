"""Stage imports run one way, down the data flow of DESIGN.md: a stage imports only the stages below it.

    base (tipkg.errors, namespaces, terms, config, assets, ontology)
      <- store <- queries <- loaders, assessment <- training, webapp <- the command lines

The loaders are imported by no stage but the command line; the web app and the training generator do
not import each other, except ``tipkg.webapp.training_page``: it is the browser's page for the
training stage, the one place the web app runs that generator. ``tipkg.devtools`` (the Virtuoso
launcher, the type check) serves tests and benchmarks, and no stage imports it; ``bench/`` does not
import ``tests/``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tipkg.devtools.layout import ROOT, module_name, package_dirs

BASE = {
    "tipkg",
    "tipkg.errors",
    "tipkg.namespaces",
    "tipkg.terms",
    "tipkg.config",
    "tipkg.assets",
    "tipkg.dates",
}
BASE |= {"tipkg.ontology"}  # data only: the Turtle files as package data
CLI = {"tipkg.cli", "tipkg.training.cli", "tipkg.gen_terms"}  # gen_terms: the generator of tipkg.terms
# What each stage may import, besides itself.
ALLOWED: dict[str, set[str]] = {
    "base": set(),
    "devtools": {"base"},
    "store": {"base"},
    "queries": {"base", "store"},
    "loaders": {"base", "store", "queries"},
    "assessment": {"base", "store", "queries"},
    "training": {"base", "store", "queries", "assessment"},
    "webapp": {"base", "store", "queries", "assessment"},
    "cli": {"base", "store", "queries", "loaders", "assessment", "training", "webapp", "cli"},
}
# Single modules allowed one arrow more than their stage, for the reason given.
EXTRA: dict[tuple[str, str], str] = {
    ("tipkg.webapp.training_page", "training"): "the browser's page for the training stage runs it",
}
# Back-arrows tolerated for a while, with the reason; a line no longer needed fails
# test_no_stale_exceptions. Empty since issue 17: keep it so.
TEMPORARY: dict[tuple[str, str], str] = {}


def stage(module: str) -> str:
    if module in BASE:
        return "base"
    if module in CLI:
        return "cli"
    parts = module.split(".")
    if parts[0] != "tipkg" or len(parts) < 2:
        raise AssertionError(f"{module} belongs to no stage: add it to BASE or CLI in {__file__}")
    if parts[1] in ALLOWED:
        return parts[1]
    raise AssertionError(f"{module} belongs to no stage: add it to BASE, CLI or ALLOWED in {__file__}")


def imported(path: Path, module: str) -> set[str]:
    """Every tipkg module ``path`` imports, at the top or inside functions."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            names |= {base} | {f"{base}.{alias.name}" for alias in node.names}
    # Keep the longest name that is a module: `from tipkg.terms import tip` imports tipkg.terms.
    return {name for name in names if name.split(".")[0] == "tipkg" and _is_module(name)}


def _is_module(name: str) -> bool:
    return any(_module_file(name, folder) for folder in [package_dirs()])


def _module_file(name: str, dirs: dict[str, Path]) -> bool:
    for package, folder in dirs.items():
        if name == package:
            return True
        if name.startswith(package + "."):
            rest = name[len(package) + 1 :].split(".")
            if len(rest) == 1 and (folder / f"{rest[0]}.py").is_file():
                return True
    return False


def arrows() -> list[tuple[str, str, str]]:
    """(module, imported module, imported stage) for every import between two stages."""
    found = []
    for folder in sorted(set(package_dirs().values())):
        for path in sorted(folder.rglob("*.py")):
            if "node_modules" in path.parts or "_vendor" in path.parts:
                continue
            module = module_name(path)
            assert module is not None
            for target in sorted(imported(path, module)):
                if stage(target) != stage(module):
                    found.append((module, target, stage(target)))
    return found


def test_stage_imports_run_down_the_data_flow():
    wrong = [
        f"{module} imports {target} ({stage(module)} -> {to})"
        for module, target, to in arrows()
        if to not in ALLOWED[stage(module)] and (module, to) not in EXTRA and (module, to) not in TEMPORARY
    ]
    assert wrong == []


def test_no_stale_exceptions():
    present = {(module, to) for module, _, to in arrows()}
    stale = sorted(set(EXTRA) - present) + sorted(set(TEMPORARY) - present)
    assert stale == [], "no longer imported: remove these exceptions from tests/test_imports.py"


def test_only_tipkg_assets_knows_where_npm_installs():
    # A stage that reads webapp/frontend/node_modules itself breaks in an installed wheel.
    temporary: dict[str, str] = {}  # file -> why it may still read node_modules (none since issue 17)
    readers = sorted(
        str(path.relative_to(ROOT))
        for folder in set(package_dirs().values())
        for path in folder.rglob("*.py")
        if "node_modules" in path.read_text() and "node_modules" not in path.parts
    )
    assert [r for r in readers if r not in temporary] == ["tipkg/assets.py"]
    assert set(temporary) <= set(readers), "no longer reads node_modules: remove it from `temporary`"


def test_benchmarks_and_stages_do_not_import_the_test_suite():
    offenders = []
    for folder in [ROOT / "bench", *set(package_dirs().values())]:
        for path in folder.rglob("*.py"):
            tree = ast.parse(path.read_text(), str(path))
            for node in ast.walk(tree):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                if isinstance(node, ast.ImportFrom) and not node.level:
                    names = [node.module or ""]
                offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] == "tests"]
    assert offenders == []


def test_no_stage_imports_the_developer_tools():
    assert [(m, t) for m, t, to in arrows() if to == "devtools" and stage(m) != "devtools"] == []


@pytest.mark.parametrize("relative", [False, True])
def test_imports_are_read_with_their_package(tmp_path, relative):
    # The reader must see `from . import x` as an import of the package's x, or arrows go unseen.
    text = "from ..queries import rows\n" if relative else "from tipkg.queries import rows\n"
    path = tmp_path / "sparql.py"
    path.write_text(text)
    assert imported(path, "tipkg.store.sparql") == {"tipkg.queries", "tipkg.queries.rows"}


def test_doctests_import_each_module_once():
    """Collecting the package folders' doctests loads every module under its installed name only."""
    folders = [str(f.relative_to(ROOT)) for f in sorted(set(package_dirs().values())) if f.name != "ontology"]
    probe = (
        "import sys, pytest\n"
        f"code = pytest.main(['--collect-only', '-q', '-p', 'no:cacheprovider', *{folders!r}])\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {folders!r} and not m.startswith('tipkg')))\n"
        "print(sum(1 for m in sys.modules if m.startswith('tipkg.')))\n"
        "sys.exit(code)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert out.returncode == 0, out.stdout + out.stderr
    *_, twice, loaded = out.stdout.splitlines()
    assert twice == "[]", f"modules imported under a second name: {twice}"
    assert int(loaded) > 30  # the probe did import the package's modules

"""The wheel's one build step beyond setuptools' own: install the front-end packages from npm and copy
each one's distributable folder into ``tipkg/_vendor/`` (see ``tipkg.assets``).

Everything else is declared in pyproject.toml. An editable install skips the step: the source tree
reads ``webapp/frontend/node_modules``, which ``./run`` installs.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import tempfile
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
FRONTEND = ROOT / "webapp" / "frontend"


def _packages() -> dict[str, str]:
    """tipkg.assets.PACKAGES, read without importing the package (its dependencies are not in the
    build environment)."""
    tree = ast.parse((ROOT / "tipkg" / "assets.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == "PACKAGES":
            return ast.literal_eval(node.value)  # type: ignore[arg-type]
    raise RuntimeError("tipkg/assets.py defines no PACKAGES table")


class BuildPyWithFrontend(build_py):
    """setuptools' build_py, then ``npm ci`` in a temporary folder and a copy of what pages load."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "tipkg" / "_vendor"
        if target.exists():
            shutil.rmtree(target)
        with tempfile.TemporaryDirectory(prefix="tipkg-npm-") as scratch:
            for name in ("package.json", "package-lock.json"):
                shutil.copy(FRONTEND / name, scratch)
            subprocess.run(
                ["npm", "ci", "--prefix", scratch, "--no-audit", "--no-fund", "--loglevel=error"], check=True
            )
            modules = Path(scratch) / "node_modules"
            for name, folder in _packages().items():
                shutil.copytree(modules / folder, target / name)


setup(cmdclass={"build_py": BuildPyWithFrontend})

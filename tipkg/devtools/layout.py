"""The checkout's folders and the module names they install under (pyproject.toml's package-dir), for
the tools that read the source tree: the doctest collector (conftest.py), the import-direction test
and the type check.

>>> module_name(ROOT / "store" / "sparql.py")
'tipkg.store.sparql'
>>> module_name(ROOT / "webapp" / "__init__.py")
'tipkg.webapp'
>>> module_name(ROOT / "bench" / "build.py") is None
True
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def package_dirs() -> dict[str, Path]:
    """Package name to its folder in the checkout, e.g. ``tipkg.store`` to ``store/``."""
    with (ROOT / "pyproject.toml").open("rb") as f:
        table = tomllib.load(f)["tool"]["setuptools"]["package-dir"]
    return {name: ROOT / folder for name, folder in table.items()}


def module_name(path: Path) -> str | None:
    """The installed name of the module in file ``path``, or None when no package holds it."""
    path = path.resolve()
    best: tuple[str, Path] | None = None
    for name, folder in package_dirs().items():
        if path.is_relative_to(folder) and (best is None or folder.is_relative_to(best[1])):
            best = (name, folder)
    if best is None:
        return None
    parts = [*best[0].split("."), *path.relative_to(best[1]).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)

"""Doctests of the package folders (``--doctest-modules``), imported by their installed names.

pytest would import ``store/sparql.py`` as ``store.sparql``: a second copy of ``tipkg.store.sparql``
with its own classes and registries. The collector below imports each module by the name it
installs under (pyproject.toml's package-dir), so every module is loaded once.
"""

from __future__ import annotations

import importlib
from collections.abc import Generator
from pathlib import Path
from types import ModuleType

import pytest
from _pytest.doctest import DoctestModule

from tipkg.devtools.layout import module_name


class InstalledDoctestModule(DoctestModule):
    def _getobj(self) -> ModuleType:
        name = module_name(self.path)
        assert name is not None
        return importlib.import_module(name)


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> Generator[None, list, list]:
    collected = yield
    if module_name(file_path) is None:
        return collected
    return [
        InstalledDoctestModule.from_parent(parent, path=file_path) if type(item) is DoctestModule else item
        for item in collected
    ]

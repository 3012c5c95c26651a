"""Qualification assessment: which legal qualifications have their elements present on the facts.

The qualifications, their elements and the vocabularies are data in the graph; one generic engine
evaluates them (``engine.py``). ``Assessor`` loads the model once per build of the store and answers
without touching the store again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from tipkg import queries
from tipkg.assessment import engine, facts, participation
from tipkg.assessment.facts import InputError
from tipkg.assessment.model import Model, load, text_of
from tipkg.store import Store

__all__ = ["Assessor", "InputError"]


class Assessor:
    """Assess fact patterns against the qualification model of ``store``. ``build_key``, if given,
    tells the build being served apart (a web app's, read once per request); otherwise each call
    reads the store's build record."""

    def __init__(self, store: Store, build_key: Callable[[], str | None] | None = None) -> None:
        self.store = store
        self._build_key = build_key
        self._lock = threading.Lock()
        self._cached: tuple[str, Model] | None = None
        # issue 13: which provisions bind the State, kept by the same key as the model
        self.participation = participation.Cache(store, self.build)

    def build(self) -> str:
        """What the model is kept by: the build and the last load of external data (a load changes
        the graph without a new build)."""
        known = self._build_key() if self._build_key else None
        if known is not None:
            return known
        row = next(iter(queries.select(self.store, "build-record")))
        last_load = row["lastLoad"]
        return f"{text_of(row, 'build')} {last_load.value if last_load else ''}"

    def model(self) -> Model:
        build = self.build()
        cached = self._cached
        if cached is None or cached[0] != build:
            with self._lock:
                if self._cached is None or self._cached[0] != build:
                    self._cached = (build, load(self.store))
                cached = self._cached
        return cached[1]

    def accepted_values(self) -> dict[str, list[str]]:
        return {key: sorted(values) for key, values in self.model().vocabulary.items()}

    def assess(self, payload: Any) -> dict[str, Any]:
        model = self.model()
        parsed = facts.parse(payload, model)
        result = engine.assess(parsed, model)
        # The State's participation on the date the facts are assessed for (as_of, default today).
        participation.annotate(result, parsed.country, self.participation.get(), parsed.as_of)
        return result

"""Values computed once per build of the store the app serves.

The graph changes only when it is rebuilt, so what a page shapes from query rows can be kept until
the next build: ``per_build(name, params, make)`` returns ``make()``'s value, computed at most once
per build for each ``(name, params)``. The build is told apart by its build record (one cheap
query, run once per request, or once per few seconds on a remote store); a new build empties the
cache. Each app keeps its own cache
(``create_app`` gives it one), so two apps on two stores, or with two base IRIs, never share a
value. A store without a build record is not cached at all: nothing says when it changes.

Cache data, not pages: views still render their HTML on every request. Keys come from the graph
(a resource that exists, a filter of a fixed set), never from free text a reader types, so the
cache is bounded by the size of the graph.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app, g

from tipkg import queries
from tipkg.queries.rows import value

T = TypeVar("T")
_EXTENSION = "tipkg.per_build"
_SEEN = "tipkg.build_seen"  # the build record last read and when, for a store with a state_ttl


class BuildCache:
    """Values by key, for one build at a time; safe to share between threads.

    >>> cache = BuildCache()
    >>> cache.get("build-1", "answer", lambda: 42)
    42
    >>> cache.get("build-1", "answer", lambda: 0)  # kept for this build
    42
    >>> cache.get("build-2", "answer", lambda: 43)  # a new build: computed again
    43
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._build: Hashable = None
        self._values: dict[Hashable, object] = {}
        self._computing: dict[Hashable, threading.Lock] = {}

    def get(self, build: Hashable, key: Hashable, make: Callable[[], T]) -> T:
        """``make()``'s value for ``key`` in ``build``; computed once even when threads ask together."""
        with self._lock:
            if build != self._build:
                self._build, self._values, self._computing = build, {}, {}
            if key in self._values:
                return self._values[key]  # type: ignore[return-value]
            key_lock = self._computing.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if build == self._build and key in self._values:
                    return self._values[key]  # type: ignore[return-value]
            value = make()
            with self._lock:
                if build == self._build:  # a build that came meanwhile is not given an old value
                    self._values[key] = value
                    self._computing.pop(key, None)
            return value


def build_key() -> tuple | None:
    """What tells the build being served apart (its id, times and triple counts), asked once per
    request (the app context's ``g``), or once per ``state_ttl`` seconds of the store for the app
    (a remote store); None when the store holds no build record."""
    if "tipkg_build" not in g:
        from tipkg.webapp import current_store

        store = current_store()
        seen = current_app.extensions.get(_SEEN)
        if store.state_ttl and seen and time.monotonic() - seen[1] < store.state_ttl:
            g.tipkg_build = seen[0]
        else:
            read_at = time.monotonic()
            rows = list(queries.select(store, "build-record"))
            fields = ("build", "started", "ended", "triples", "inferred", "lastLoad", "loads")
            g.tipkg_build = tuple(value(rows[0][f]) for f in fields) if rows else None
            current_app.extensions[_SEEN] = (g.tipkg_build, read_at)
    return g.tipkg_build


def build_id() -> str:
    """The IRI of the build being served, or ``"unbuilt"``."""
    key = build_key()
    return key[0] if key else "unbuilt"


def per_build(name: str, params: Hashable, make: Callable[[], T]) -> T:
    """``make()``'s value, computed once per build of the app's store for ``(name, params)``.

    ``params`` must be hashable (a tuple, a string, None) and hold everything ``make`` depends on
    besides the graph and the app's settings.
    """
    build = build_key()
    if build is None:
        return make()
    from tipkg.webapp import LONG_LIVED

    if current_app.extensions.get(LONG_LIVED) and not _names_a_resource(params):  # a table of the build
        return current_app.extensions[_EXTENSION].get(build, (name, params), lambda: _kept(make))
    return current_app.extensions[_EXTENSION].get(build, (name, params), make)


def _names_a_resource(params: Hashable) -> bool:
    """Whether ``params`` hold an IRI: a value per resource, of which there may be millions.

    >>> _names_a_resource(None), _names_a_resource(("child", "any")), _names_a_resource("https://x/id/a")
    (False, False, True)
    """
    values = params if isinstance(params, tuple) else (params,)
    return any(isinstance(v, str) and v.startswith(("http://", "https://")) for v in values)


def _kept(make: Callable[[], T]) -> T:
    """``make()``'s value, out of the garbage collector's walks with what lives now (bounded: once
    per table of the build, and a table replaced by the next build's is freed by reference count)."""
    from tipkg.webapp import keep_out_of_gc

    made = make()
    keep_out_of_gc()
    return made

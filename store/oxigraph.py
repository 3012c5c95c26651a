"""Embedded Oxigraph stores: on disk behind a swapped symbolic link, or in memory."""

from __future__ import annotations

import itertools
import logging
import os
import shutil
import threading
import time
from collections.abc import Collection, Iterator
from pathlib import Path

import pyoxigraph as ox

from tipkg.errors import StoreError
from tipkg.store import Progress, QueryResult, Staging, Store

COPY_BATCH = 20_000  # quads per step when a build is copied into memory
log = logging.getLogger("tipkg.store")
KEEP_BUILDS = 2  # the live build and the one before it, for a quick manual rollback


def _run(
    store: ox.Store,
    sparql: str,
    default_graphs: list[str] | None,
    named_graphs: list[str] | None,
    base_iri: str | None = None,
) -> QueryResult:
    options: dict[str, object] = {"base_iri": base_iri} if base_iri else {}
    if default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
    else:
        options["use_default_graph_as_union"] = True
    if named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    return store.query(sparql, **options)  # type: ignore[arg-type]


def _named_quads(store: ox.Store, graph_prefix: str | None) -> Iterator[ox.Quad]:
    for graph in list(store.named_graphs()):
        if isinstance(graph, ox.NamedNode) and (graph_prefix is None or graph.value.startswith(graph_prefix)):
            yield from store.quads_for_pattern(None, None, None, graph)


class MemoryStore(Store):
    """Oxigraph in memory; a commit swaps the store object."""

    def __init__(self, spec: str) -> None:
        super().__init__(spec)
        self._store = ox.Store()

    def query(
        self,
        sparql: str,
        *,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
        booleans: Collection[str] = (),  # Oxigraph types booleans itself
    ) -> QueryResult:
        return _run(self._store, sparql, default_graphs, named_graphs, base_iri)

    def quads(self, graph_prefix: str | None = None) -> Iterator[ox.Quad]:
        return _named_quads(self._store, graph_prefix)

    def _new_staging(self) -> Staging:
        return _MemoryStaging(self)

    @classmethod
    def wrapping(cls, store: ox.Store) -> MemoryStore:
        """A project store answering from ``store`` as it is (a staging store, for a loader to
        link against what is being built)."""
        wrapper = cls("memory:")
        wrapper._store = store
        return wrapper


class _MemoryStaging(Staging):
    def __init__(self, owner: MemoryStore) -> None:
        self.owner = owner
        self.store = ox.Store()

    def commit(self, progress: Progress) -> None:
        self.owner._store = self.store

    def discard(self) -> None:
        self.store = ox.Store()


class DiskStore(Store):
    """Oxigraph on disk. ``path`` is a link to ``<path>.builds/<build>``, swapped atomically.

    Readers open the current build read-only and reopen it when the link moves, so a server keeps
    answering from the previous build until the new one is complete. With ``in_memory`` (servers),
    the build is copied into memory when it is opened and queries run on the copy.
    """

    def __init__(
        self, spec: str, path: str, *, in_memory: bool = False, memory_max_bytes: int | None = None
    ) -> None:
        super().__init__(spec)
        self.in_memory = in_memory
        self.memory_max_bytes = memory_max_bytes  # a larger build is read from disk, not copied
        self.link = Path(path)
        self.builds = self.link.with_name(self.link.name + ".builds")
        self._lock = threading.Lock()
        self._opened: tuple[str, ox.Store] | None = None
        if self.link.exists() and not self.link.is_symlink():
            raise StoreError(
                f"{self.link} exists and is not a TIPKG store link; move it away or choose another path"
            )

    def _current(self) -> ox.Store:
        try:
            target = os.readlink(self.link)
        except FileNotFoundError:
            raise StoreError(f"no graph has been built at {self.link} yet: run `tipkg build` first") from None
        opened = self._opened
        if opened is not None and opened[0] == target:
            return opened[1]
        with self._lock:
            if self._opened is None or self._opened[0] != target:
                try:
                    directory = self.link.parent / target
                    store = ox.Store.read_only(str(directory))
                    if self.in_memory and self._fits(directory):
                        # An in-memory copy answers several times faster than RocksDB read-only.
                        copy = ox.Store()
                        # In batches: one bulk_extend over the whole store holds the GIL for its
                        # whole length (a minute for a million quads on a busy machine), and a
                        # server's heartbeat thread would starve and the worker be killed.
                        quads = store.quads_for_pattern(None, None, None, None)
                        while batch := list(itertools.islice(quads, COPY_BATCH)):
                            copy.bulk_extend(batch)
                        store = copy
                except OSError as exc:
                    raise StoreError(f"cannot open the store at {self.link}: {exc}") from exc
                self._opened = (target, store)
            return self._opened[1]

    def _fits(self, directory: Path) -> bool:
        """Whether the build in ``directory`` is small enough to copy into memory."""
        if self.memory_max_bytes is None:
            return True
        size = sum(entry.stat().st_size for entry in os.scandir(directory) if entry.is_file())
        if size > self.memory_max_bytes:
            log.info("the build (%d MiB on disk) is served from disk: over serve_memory_max_mb", size >> 20)
            return False
        return True

    def query(
        self,
        sparql: str,
        *,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
        booleans: Collection[str] = (),  # Oxigraph types booleans itself
    ) -> QueryResult:
        return _run(self._current(), sparql, default_graphs, named_graphs, base_iri)

    def quads(self, graph_prefix: str | None = None) -> Iterator[ox.Quad]:
        try:
            return _named_quads(self._current(), graph_prefix)
        except StoreError:
            return iter(())  # nothing built yet: nothing to keep

    def _new_staging(self, copy_of: ox.Store | None = None) -> Staging:
        self.builds.mkdir(parents=True, exist_ok=True)
        # Unique even for two stagings in one second (loads can be that quick), and sorted by time.
        now = time.time_ns()
        name = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now // 10**9)) + f".{now % 10**9:09d}-{os.getpid()}"
        return _DiskStaging(self, self.builds / name, copy_of)

    def stage(
        self, *, keep: bool = False, only: Collection[str] | None = None, fresh: bool = False
    ) -> Staging:
        """With ``keep``, the copy of the live build is a RocksDB checkpoint (hard links, well under a
        second at any size) instead of a quad-by-quad copy (about a minute per million quads). With
        ``fresh`` (an unload of most of the store), a new store is filled with the ``only`` graphs
        instead: removing millions of quads from a checkpoint is one transaction that took over ten
        minutes and gigabytes of memory for ten million, where copying what stays costs what stays."""
        if not keep or self.in_memory:
            return super().stage(keep=keep, only=only)
        try:
            current = self._current()
        except StoreError:
            return super().stage(keep=True)  # nothing built yet: nothing to keep
        if fresh and only is not None:
            staging = self._new_staging()
            staging.changed, staging.partial = set(), True
            for graph in only:
                quads = current.quads_for_pattern(None, None, None, ox.NamedNode(graph))
                while batch := list(itertools.islice(quads, COPY_BATCH)):
                    staging.store.bulk_extend(batch)
            return staging
        staging = self._new_staging(copy_of=current)
        staging.changed, staging.partial = set(), True
        return staging

    def close(self) -> None:
        self._opened = None


def _complete(directory: Path) -> Path:
    """The marker a committed build leaves in its directory (RocksDB ignores files it did not name,
    and a checkpoint of the build does not copy it)."""
    return directory / "tipkg-complete"


def _running(directory: Path) -> bool:
    """Whether the process that named the staging ``directory`` (``<time>-<pid>``) still runs."""
    try:
        pid = int(directory.name.rsplit("-", 1)[1])
        os.kill(pid, 0)
    except (IndexError, ValueError):
        return True  # not a name we gave: leave it alone
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class _DiskStaging(Staging):
    def __init__(self, owner: DiskStore, directory: Path, copy_of: ox.Store | None = None) -> None:
        self.owner = owner
        self.directory = directory
        try:
            if copy_of is not None:
                copy_of.backup(str(directory))
            self.store = ox.Store(str(directory))
        except OSError as exc:
            shutil.rmtree(directory, ignore_errors=True)  # a full disk: leave no half-made store
            raise StoreError(f"cannot create a store in {directory}: {exc}") from exc

    def commit(self, progress: Progress) -> None:
        self.store.flush()
        self.store.optimize()
        del self.store  # release RocksDB's lock before readers open the directory
        link = self.owner.link
        relative = os.path.relpath(self.directory, link.parent)
        _complete(self.directory).touch()  # before the swap; a staging killed earlier has none
        temporary = link.with_name(f".{link.name}.{self.directory.name}.link")
        os.symlink(relative, temporary)
        os.replace(temporary, link)  # atomic: readers see the old build or the new, never neither
        progress(f"store {link} now points at {relative}")
        self._prune()

    def _prune(self) -> None:
        """Keep the newest ``KEEP_BUILDS`` complete builds; remove the stagings of processes that
        died before committing (a build or load killed mid-way), so they never count as a rollback."""
        live = (self.owner.link.parent / os.readlink(self.owner.link)).resolve()
        builds = sorted(p for p in self.owner.builds.iterdir() if p.is_dir() and p.resolve() != live)
        complete = [p for p in builds if _complete(p).exists()]
        orphans = [p for p in builds if not _complete(p).exists() and not _running(p)]
        for old in [*orphans, *complete[: max(len(complete) - KEEP_BUILDS + 1, 0)]]:
            shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        if hasattr(self, "store"):
            del self.store
        shutil.rmtree(self.directory, ignore_errors=True)

"""``tipkg import``: restore a dump written by ``tipkg export --format nq`` into the store, all or
nothing.

The dump's blank nodes are the store's skolem IRIs turned back (``tipkg.queries.export``); they are
skolemised again with the same labels, so the restored store holds exactly the quads exported, named
graphs, provenance and loaded sources included. The content is filled into a fresh staging store
(``Store.stage()``) and swapped in only when the whole file has parsed; a malformed file is refused
with its line and the live store is untouched.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from tipkg.errors import BuildError, TipkgError
from tipkg.queries.rows import GENID
from tipkg.store import BATCH, Progress, Store


def _quads(path: Path, genid: str) -> Iterator[ox.Quad]:
    def skolem(term):
        return ox.NamedNode(genid + term.value) if isinstance(term, ox.BlankNode) else term

    try:
        for number, quad in enumerate(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS), start=1):
            if isinstance(quad.graph_name, ox.DefaultGraph):
                raise BuildError(
                    f"{path}: statement {number} is in the default graph; a TIPKG dump (`tipkg export "
                    f"--format nq`) has every statement in a named graph"
                )
            yield ox.Quad(skolem(quad.subject), quad.predicate, skolem(quad.object), quad.graph_name)
    except SyntaxError as exc:
        raise BuildError(f"{path}: not N-Quads: {exc.msg if hasattr(exc, 'msg') else exc}") from None


def restore(store: Store, path: Path, *, base: str, progress: Progress = lambda _: None) -> int:
    """Replace the store's whole content with the dump at ``path``; the number of quads restored."""
    if not path.is_file():
        raise TipkgError(f"{path}: no such file")
    genid = base + GENID.lstrip("/")
    staging = store.stage()
    try:
        count = 0
        graphs: set[str] = set()
        quads = _quads(path, genid)
        while batch := list(itertools.islice(quads, BATCH)):
            staging.store.bulk_extend(batch)
            graphs.update(str(q.graph_name)[1:-1] for q in batch)
            count += len(batch)
        if not count:
            raise BuildError(f"{path}: the file holds no statements; nothing restored")
        staging.changed = graphs
        progress(f"restored {count} statements in {len(graphs)} graphs; swapping the store")
        staging.commit(progress)
    except BaseException:
        staging.discard()
        raise
    return count

"""A project memory store filled from Turtle texts, for tests of shaping and checks on small graphs."""

from __future__ import annotations

import pyoxigraph as ox

from tipkg.store.oxigraph import MemoryStore


def memory_store(*turtle: bytes | str) -> MemoryStore:
    """A ``memory:`` store (the project's interface, not bare pyoxigraph) holding ``turtle``."""
    store = MemoryStore("memory:")
    staging = store.stage()
    for text in turtle:
        staging.store.load(text.encode() if isinstance(text, str) else text, format=ox.RdfFormat.TURTLE)
    staging.commit(lambda _message: None)
    return store

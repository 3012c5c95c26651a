"""Training material generated from the graph (modules, handouts, slides, quizzes, flashcards).

Modules are data (``modules/*.toml``). The pipeline normalises the graph into plain dataclasses
through named queries and the assessment engine (``normalise.py``), then renders one template or
writer per format (``render.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

Progress = Callable[[str], None]


def build(
    store,
    module_names: Iterable[str],
    formats: Iterable[str],
    out: Path,
    *,
    seed: int = 0,
    base: str | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """Normalise each module once and render it in every format; return the files written."""
    from tipkg.namespaces import DEFAULT_BASE
    from tipkg.training.modules import get_module
    from tipkg.training.normalise import Normaliser
    from tipkg.training.render import write

    progress = progress or (lambda _m: None)
    base = base or DEFAULT_BASE
    normaliser = Normaliser(store, base=base, progress=progress)
    names, formats = list(module_names), list(formats)
    written = []
    for i, name in enumerate(names, start=1):
        progress(f"[{i}/{len(names)}] {name}: normalise")
        module = normaliser.module(get_module(name, base), seed=seed)
        progress(f"[{i}/{len(names)}] {name}: render {', '.join(formats)}")
        for fmt in formats:
            written.append(write(module, fmt, out, progress))
    return written

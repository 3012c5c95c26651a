"""Reference documentation of the ontology, generated from the model files with pyLODE."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from tipkg.errors import BuildError
from tipkg.loaders.shacl import to_rdflib
from tipkg.loaders.sources import Source


def render(sources: list[Source]) -> str:
    """HTML documentation of every class and property in ontology/model/."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        from pylode import OntPub

        graph = to_rdflib(t for s in sources if s.role == "model" for t in s.triples)
        return OntPub(ontology=graph).make_html()
    except Exception as exc:  # pyLODE raises bare exceptions on ontologies it cannot document
        raise BuildError(f"pyLODE could not document the model: {exc}") from exc
    finally:
        # pyLODE sets the root logger to DEBUG on its way (basicConfig in one of its modules),
        # which floods every later library's debug messages onto the terminal: put it back.
        root.setLevel(level)
        for handler in root.handlers[:]:
            if handler not in handlers:
                root.removeHandler(handler)


def write(html: str, directory: Path) -> Path:
    """Write ``ontology.html`` into ``directory``, replacing the old file atomically."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / "ontology.html"
    temporary = directory / f".ontology.html.{os.getpid()}"
    temporary.write_text(html, encoding="utf-8")
    os.replace(temporary, target)
    return target

"""A loader for the tests of the loading mechanism itself: one ``IRI,label`` pair per line, the IRI
relative to ``<base>id/``. A line that is not such a pair fails the load with its line number. The
IRI is linked only when the graph describes it (otherwise reported as unmatched), except when
written ``!IRI``: then it is linked regardless, for the test that the build checks refuse it. With
``AS_LINES`` the triples come as one chunk of N-Triples text (``Lines``), as large files' records do."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyoxigraph as ox

from tipkg.loaders.external import LoadContext, LoadError, Skip, Snapshot
from tipkg.store import Lines

RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SEE_ALSO = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso")
AS_LINES = False


class _Loader:
    name = "fixture"
    description = "IRI,label lines (tests only)"

    def read(self, path: Path, context: LoadContext) -> Snapshot:
        triples, skipped, unmatched = [], [], []
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                skipped.append(Skip(f"{path.name}:{number}", "empty line"))
                continue
            local, sep, label = line.partition(",")
            if not sep:
                raise LoadError(f"{path}:{number}: expected IRI,label, got {line!r}")
            force = local.startswith("!")
            iri = context.base + "id/" + local.removeprefix("!")
            note = ox.NamedNode(f"{context.base}id/fixture-note/{number}")
            triples.append(ox.Triple(note, RDFS_LABEL, ox.Literal(label, language="en")))
            if force or context.exists(iri):
                triples.append(ox.Triple(note, SEE_ALSO, ox.NamedNode(iri)))
            else:
                unmatched.append(Skip(f"{path.name}:{number}", f"the graph has no {local}"))
        return Snapshot(
            source="fixture",
            snapshot=path.stem,
            title=f"Fixture notes {path.stem}",
            files=[path],
            triples=[as_lines(triples)] if AS_LINES else triples,
            as_of=date(2024, 1, 1),
            read=len(lines),
            loaded=len(lines) - len(skipped),
            skipped=skipped,
            unmatched=unmatched,
        )


def as_lines(triples: list[ox.Triple]) -> Lines:
    references = {}
    for t in triples:
        if isinstance(t.object, ox.NamedNode):
            references.setdefault(t.object.value, (t.subject, t.predicate))
    return Lines("".join(f"{t} .\n" for t in triples).encode(), len(triples), references)


LOADER = _Loader()

"""The curated graph in its own words (DESIGN.md, "Legal core"): no literal of the curated Turtle
repeats a run of N consecutive words of a seed document. Legal provisions are quoted verbatim only
as short quotations with a pinpoint; everything else is written by us.

The seeds are read from ../shared/seeds at run time and never copied into the repository; the test
skips when they are absent. The detector itself is proved on strings of our own, always.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pytest
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS

from tests.conftest import ROOT

SEEDS = ROOT.parent / "shared" / "seeds"
CURATED = sorted((ROOT / "ontology" / "data").glob("*.ttl")) + sorted(
    (ROOT / "ontology" / "model").glob("*.ttl")
)
TIP = Namespace("https://w3id.org/tipkg/ontology#")

# Twelve words: a copied sentence shares a run this long with its source, while the legal terms of
# art that the graph must share with the seeds stay shorter. At ten or eleven words the detector
# flagged treaty wording used as such, e.g. "with intent to destroy, in whole or in part, a
# national" (Genocide Convention, art. II), "forced or compulsory recruitment of children for use in
# armed conflict" (C182, art. 3(a)), "abuse of power or of a position of vulnerability or" (Protocol,
# art. 3(a)), and official names the graph holds only inside prose, e.g. "the monitoring and
# reporting mechanism on grave violations against children".
N = 12

# Names, not prose: a title or name is how the thing is called, and must match its source. Decided
# by predicate and by the class of the subject: the label or title of a document (legal instruments
# and the seeds included), of an organisation or body, and of a provision (its label is the human
# citation, "<instrument title>, art. 3(1)(a)").
NAME_PREDICATES = {RDFS.label, SKOS.prefLabel, SKOS.altLabel, DCTERMS.title, DCTERMS.alternative}
NAMED_CLASSES = {TIP.Document, TIP.Organisation, TIP.Provision}
# The same names inside commentary (a description that names the Team of Experts of resolution
# 1888 (2009) by its full title) are names too: a run is not counted where it lies within a name the
# graph itself gives, by the rule above, to one of its resources. Only names of at least
# NAME_MIN words are looked for, so a short label never hides a copied sentence around it.
NAME_MIN = 4

# Verbatim by design: quotations of a provision's official text, checked against the official
# texts by tests/test_curated_graph.py, not against the seeds.
VERBATIM_PREDICATES = {TIP.quotation}

# Citations, not prose: a pinpoint's locator is where in the document, and for a seed it is often
# the seed's own section heading ("sect. 4.4.3, Strengthening ...").
CITATION = (TIP.locator, TIP.Pinpoint)

# A span in typographic quotation marks is exempt only on a node that links to a provision (by
# dcterms:source, tip:provision, tip:legalBasis or any other property whose value is a tip:Provision):
# then the span is a short quotation of the provision's official text with its pinpoint on the same
# node, as in the glossary's legal definitions. The words around the quotation are still checked.
QUOTED = re.compile(r"“[^”]*”")


def words(text: str) -> list[str]:
    """Lower-cased alphanumeric tokens: punctuation and case never hide a copy."""
    return re.findall(r"[a-z0-9]+", text.lower())


Names = dict[str, set[tuple[str, ...]]]


def name_index(names: Iterable[str]) -> Names:
    """The names of at least NAME_MIN words, as token tuples, by their first word."""
    index: Names = {}
    for name in names:
        tokens = tuple(words(name))
        if len(tokens) >= NAME_MIN:
            index.setdefault(tokens[0], set()).add(tokens)
    return index


def segments(tokens: list[str], names: Names) -> list[list[str]]:
    """The tokens split around every span that is one of the names."""
    masked = [False] * len(tokens)
    for i, token in enumerate(tokens):
        for name in names.get(token, ()):
            if tuple(tokens[i : i + len(name)]) == name:
                masked[i : i + len(name)] = [True] * len(name)
    parts: list[list[str]] = [[]]
    for token, hidden in zip(tokens, masked, strict=True):
        if hidden:
            if parts[-1]:
                parts.append([])
        else:
            parts[-1].append(token)
    return [part for part in parts if part]


def runs(tokens: list[str], n: int = N) -> Iterator[tuple[str, ...]]:
    return (tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def seed_index(seeds: dict[str, str], n: int = N) -> dict[tuple[str, ...], str]:
    """Every run of n words of every seed, to the first seed file holding it."""
    index: dict[tuple[str, ...], str] = {}
    for name, text in sorted(seeds.items()):
        for run in runs(words(text), n):
            index.setdefault(run, name)
    return index


def shared_run(
    text: str, index: dict[tuple[str, ...], str], names: Names | None = None, n: int = N
) -> tuple[str, str] | None:
    """The first run of text found in a seed (outside the names), and that seed's file name."""
    for part in segments(words(text), names or {}):
        for run in runs(part, n):
            if run in index:
                return " ".join(run), index[run]
    return None


@dataclass(frozen=True)
class Flag:
    file: str
    subject: str
    predicate: str
    run: str
    seed: str

    def __str__(self) -> str:
        return f"{self.file}: <{self.subject}> <{self.predicate}> shares “{self.run}” with {self.seed}"


def class_closure(graph: Graph, roots: Iterable[URIRef]) -> set[URIRef]:
    """The classes and all their subclasses (rdfs:subClassOf, transitively)."""
    found = set(roots)
    while True:
        more = {c for c, parent in graph.subject_objects(RDFS.subClassOf) if parent in found}
        if more <= found:
            return found
        found |= more


def instances(graph: Graph, roots: Iterable[URIRef]) -> set:
    return {s for k in class_closure(graph, roots) for s in graph.subjects(RDF.type, k)}


@dataclass(frozen=True)
class Kinds:
    """What the exemptions need to know of every subject, from the union of the files."""

    graph: Graph
    named: set
    provisions: set
    pinpoints: set
    names: Names

    @classmethod
    def of(cls, graph: Graph) -> Kinds:
        named = instances(graph, NAMED_CLASSES)
        names = (str(o) for p in NAME_PREDICATES for s, o in graph.subject_objects(p) if s in named)
        return cls(
            graph,
            named,
            instances(graph, {TIP.Provision}),
            instances(graph, {CITATION[1]}),
            name_index(names),
        )

    def cites_a_provision(self, s) -> bool:
        return any(o in self.provisions for o in self.graph.objects(s))


def checked_parts(kinds: Kinds, s, p, o: Literal) -> list[str]:
    """The parts of a literal that must be in our own words; [] when it is exempt as a whole."""
    if p in VERBATIM_PREDICATES:
        return []
    if p == CITATION[0] and s in kinds.pinpoints:
        return []
    if p in NAME_PREDICATES and s in kinds.named:
        return []
    if kinds.cites_a_provision(s):
        return [part for part in QUOTED.split(str(o)) if part.strip()]
    return [str(o)]


def flags(files: dict[str, Graph], index: dict[tuple[str, ...], str], n: int = N) -> list[Flag]:
    """Every literal of the files that shares a run of n words with a seed, exemptions aside."""
    union = Graph()
    for graph in files.values():
        union += graph
    kinds = Kinds.of(union)
    found = []
    for name, graph in files.items():
        for s, p, o in sorted(graph, key=lambda t: (str(t[0]), str(t[1]), str(t[2]))):
            if not isinstance(o, Literal):
                continue
            for part in checked_parts(kinds, s, p, o):
                hit = shared_run(part, index, kinds.names, n)
                if hit:
                    subject = f"_:{s}" if isinstance(s, BNode) else str(s)
                    found.append(Flag(name, subject, str(p), *hit))
                    break
    return found


def curated() -> dict[str, Graph]:
    return {str(f.relative_to(ROOT)): Graph().parse(f, format="turtle") for f in CURATED}


# --- The detector, on strings of our own (always runs) ---------------------------------------------

PLANTED_SEED = (
    "Chapter 9. The lighthouse keepers of the northern coast kept a written log of every ship that "
    "passed the point between the first frost and the spring thaw, and they sent a copy to the "
    "harbour master each month so that the losses at sea could be counted."
)
COPIED = (
    "Records: the keepers kept a written log of every ship that passed the point between the "
    "first frost and the spring thaw."
)
PARAPHRASE = (
    "Records: from the first frost until the thaw the keepers logged each passing ship and mailed "
    "the harbour master a monthly copy, so that losses could be counted."
)
EX = Namespace("https://w3id.org/tipkg/id/example/")


def planted(*triples) -> dict[str, Graph]:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return {"planted.ttl": graph}


def test_the_detector_flags_a_copied_sentence_and_passes_a_paraphrase():
    index = seed_index({"999_planted.txt": PLANTED_SEED})
    found = flags(
        planted(
            (EX.copied, RDF.type, TIP.Practice),
            (EX.copied, DCTERMS.description, Literal(COPIED, lang="en")),
            (EX.paraphrased, RDF.type, TIP.Practice),
            (EX.paraphrased, DCTERMS.description, Literal(PARAPHRASE, lang="en")),
        ),
        index,
    )
    assert [(f.subject, f.seed) for f in found] == [(str(EX.copied), "999_planted.txt")]
    assert found[0].run in " ".join(words(PLANTED_SEED))
    # the paraphrase shares no four words in a row with the seed, let alone N
    assert shared_run(PARAPHRASE, seed_index({"999_planted.txt": PLANTED_SEED}, n=4), n=4) is None
    assert "planted.ttl" in str(found[0]) and str(DCTERMS.description) in str(found[0])


def test_the_exemptions_are_decided_by_predicate_and_class():
    index = seed_index({"999_planted.txt": PLANTED_SEED})
    title = Literal("They sent a copy to the harbour master each month so that the losses at sea")
    quoted = Literal(f"Under art. 1(1), “{COPIED}” ({'Lighthouse Convention'}, art. 1(1)).")
    found = flags(
        planted(
            # a document's title and an organisation's label are names: exempt
            (EX.report, RDF.type, TIP.Document),
            (EX.report, DCTERMS.title, title),
            (EX.body, RDF.type, TIP.Organisation),
            (EX.body, RDFS.label, title),
            # and so is that name where commentary uses it
            (EX.masked, RDF.type, TIP.Practice),
            (EX.masked, DCTERMS.description, Literal(f"Run with the {title}, in two provinces.")),
            # copied prose as the label of a practice, or as a document's description, is not exempt
            (EX.project, RDF.type, TIP.Practice),
            (EX.project, RDFS.label, Literal(COPIED)),
            (EX.report, DCTERMS.description, Literal(COPIED)),
            # a provision's quotation and a pinpoint's locator are verbatim by design
            (TIP.Article, RDFS.subClassOf, TIP.Provision),
            (EX.art1, RDF.type, TIP.Article),
            (EX.art1, TIP.quotation, Literal(COPIED)),
            (EX.where, RDF.type, TIP.Pinpoint),
            (EX.where, TIP.locator, Literal(COPIED)),
            # a quoted provision on a node citing that provision is exempt; the same text unquoted,
            # or quoted on a node that cites no provision, is not
            (EX.glossary_term, RDF.type, TIP.GlossaryTerm),
            (EX.glossary_term, SKOS.definition, quoted),
            (EX.glossary_term, DCTERMS.source, EX.art1),
            (EX.loose, RDF.type, TIP.GlossaryTerm),
            (EX.loose, SKOS.definition, quoted),
        ),
        index,
    )
    assert sorted(f.subject for f in found) == sorted(str(x) for x in (EX.loose, EX.project, EX.report))


def test_a_subclass_of_a_named_class_is_named():
    model = Graph()
    model.add((TIP.Treaty, RDFS.subClassOf, TIP.LegalInstrument))
    model.add((TIP.LegalInstrument, RDFS.subClassOf, TIP.Document))
    model.add((EX.treaty, RDF.type, TIP.Treaty))
    assert class_closure(model, {TIP.Document}) == {TIP.Document, TIP.LegalInstrument, TIP.Treaty}
    assert instances(model, {TIP.Document}) == {EX.treaty}


# --- The curated graph, against the seeds ------------------------------------------------------------


def test_no_curated_literal_repeats_a_run_of_the_seeds():
    if not SEEDS.is_dir() or not list(SEEDS.glob("*.txt")):
        pytest.skip(f"the seed documents are not at {SEEDS} (they are not part of the repository)")
    index = seed_index({p.name: p.read_text(encoding="utf-8", errors="ignore") for p in SEEDS.glob("*.txt")})
    files = curated()
    assert len(files) > 30 and sum(isinstance(o, Literal) for g in files.values() for o in g.objects()) > 3000
    found = flags(files, index)
    assert not found, f"{len(found)} literals repeat {N} words of a seed:\n" + "\n".join(map(str, found))


def test_without_the_seeds_the_check_skips_with_its_reason(monkeypatch, tmp_path):
    monkeypatch.setattr(sys.modules[__name__], "SEEDS", tmp_path / "shared" / "seeds")
    with pytest.raises(pytest.skip.Exception, match="not part of the repository"):
        test_no_curated_literal_repeats_a_run_of_the_seeds()

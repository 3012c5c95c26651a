"""The practice layer (issue 4), checked against the seed documents themselves where they are
present: every annex I term, every annex II indicator in its group, every table 1 row, every idea
of the UNU paper and every member of a coordination platform is in the graph, sourced and linked
to the legal core. (That no commentary repeats the seeds' prose is tests/test_own_words.py.)"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from tests.conftest import ROOT
from tests.test_curated_graph import ID, select

SEEDS = ROOT.parent / "shared" / "seeds"
PAPER = SEEDS / "002_888c0861e0b5e93a.txt"
UNU = SEEDS / "003_a4625851b20dd696.txt"
LEGAL_CORE = (
    "tip:Conduct",
    "tip:Qualification",
    "tip:LegalInstrument",
    "tip:Provision",
    "tip:Framework",
    "tip:SanctionsRegime",
    "tip:DesignationCriterion",
    "tip:Organisation",
    "tip:Rule",
    "tip:AgeGroup",
)


def seed_lines(path, start: str, stop: str | None = None) -> list[str]:
    if not path.is_file():
        pytest.skip(f"the seed {path.name} is not at {path.parent}")
    lines = path.read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(start))
    last = next(
        (i for i, line in enumerate(lines[first + 1 :], first + 1) if stop and line.startswith(stop)),
        len(lines),
    )
    return lines[first:last]


def linked_to_core(store, cls: str) -> tuple[int, list[str]]:
    """How many resources of ``cls`` there are, and which link to no resource of the legal core."""
    core = " ".join(LEGAL_CORE)
    rows = select(
        store,
        f"""SELECT ?x (COUNT(?target) AS ?links) WHERE {{ ?x a {cls} .
            OPTIONAL {{ ?x ?p ?target . ?target a ?k . VALUES ?k {{ {core} }} }} }} GROUP BY ?x""",
    )
    return len(rows), [r["x"] for r in rows if r["links"] == "0"]


def test_every_annex_i_term_is_a_glossary_term_sourced_and_linked(store):
    terms = {
        line.split("\t", 1)[0].strip().lower()
        for line in seed_lines(PAPER, "Annex I.", "Annex II.")
        if re.match(r"^[A-Z][A-Z ,()'’-]+\t", line)
    }
    terms.discard("term")
    labels = {
        r["label"].lower()
        for r in select(
            store,
            "SELECT ?label WHERE { ?t a tip:GlossaryTerm ; rdfs:label ?label ; dcterms:source ?s }",
        )
    }
    assert len(terms) >= 25
    assert {t for t in terms if not any(t == label or t in label for label in labels)} == set()


def test_every_annex_ii_indicator_is_present_in_its_group(store):
    lines = seed_lines(PAPER, "Annex II.", "UNODC")
    groups = [
        "General indicators",
        "Children",
        "Domestic servitude",
        "Sexual exploitation",
        "Labour exploitation",
        "Begging and petty crime",
    ]
    expected, current = Counter(), None
    for line in lines:
        if line.strip() in groups:
            current = line.strip()
        elif current and line.startswith("- "):
            expected[current] += 1
    rows = select(
        store,
        "SELECT ?i ?group WHERE { ?i a tip:Indicator ; tip:indicatorGroup/rdfs:label ?group ; <http://purl.org/dc/terms/source> ?s }",
    )
    found = Counter()
    for row in rows:
        name = next(g for g in groups if g.split()[0].lower() in row["group"].lower())
        found[name] += 1
    assert sum(expected.values()) > 100
    assert found == expected


def test_indicators_distinguish_persons_from_circumstances(store):
    subjects = Counter(
        r["s"] for r in select(store, "SELECT ?i ?s WHERE { ?i a tip:Indicator ; tip:indicatorSubject ?s }")
    )
    assert len(subjects) == 2 and min(subjects.values()) > 10


@pytest.mark.parametrize("cls", ["tip:Indicator", "tip:GlossaryTerm"])
def test_practice_resources_link_to_the_legal_core(store, cls):
    count, unlinked = linked_to_core(store, cls)
    assert count > 0
    if cls == "tip:GlossaryTerm":  # some terms (migrant, post-conflict) have no counterpart in the core
        assert len(unlinked) <= count // 2
    else:
        assert unlinked == []


def test_every_table_1_row_is_a_case(store):
    lines = seed_lines(PAPER, "Table 1.", "2.1.")
    rows = [line for line in lines[1:] if "\t" in line and not line.startswith("Act\t")]
    cases = select(
        store,
        f"SELECT ?c ?o WHERE {{ ?c a tip:Case ; tip:order ?o FILTER(STRSTARTS(STR(?c), '{ID}case/table-1-row-')) }}",
    )
    assert len(rows) == 7
    assert sorted(int(c["o"]) for c in cases if not c["c"].endswith("-adult")) == list(range(1, 8))
    # Each row's case is sourced and states elements of the legal core (acts, means, purposes).
    linked = select(
        store,
        f"""SELECT DISTINCT ?c WHERE {{ ?c a tip:Case ; dcterms:source ?s ; tip:act ?a ; tip:purpose ?p
        FILTER(STRSTARTS(STR(?c), '{ID}case/table-1-row-')) }}""",
    )
    assert {c["c"] for c in cases} <= {row["c"] for row in linked}


# That no commentary repeats the seeds' prose is checked by tests/test_own_words.py, on every literal
# of the curated Turtle (labels included) at twelve words, with quoted provisions and names exempt.


def test_every_idea_of_the_unu_paper_with_its_sub_points(store):
    lines = seed_lines(UNU, "1. Request the Secretary-General", "Endnotes")
    expected, idea = set(), None
    for line in lines:
        top = re.match(r"^(\d{1,2})\. ", line)
        sub = re.match(r"^([a-h])\. ", line)
        if top:
            idea = top.group(1)
            expected.add(idea)
        elif sub and idea:
            expected.add(f"{idea}({sub.group(1)})")
    rows = select(
        store,
        f"""SELECT ?n WHERE {{ ?r a tip:Recommendation ; skos:inScheme <{ID}scheme/unu-ideas> ;
        skos:notation ?n ; <http://purl.org/dc/terms/source> ?s }}""",
    )
    assert {str(i) for i in range(1, 11)} <= expected
    assert expected - {r["n"] for r in rows} == set()
    count, unlinked = linked_to_core(store, "tip:Recommendation")
    assert count >= 40 and len(unlinked) < count // 2


def test_every_icat_member_the_paper_lists_is_a_member(store):
    lines = seed_lines(
        PAPER, "Composition of the Inter-Agency Coordination Group", "Composition of the Task Team"
    )
    members_line = next(line for line in lines if line.startswith("- *Members.*"))
    acronyms = set(re.findall(r"\(([A-Z][A-Za-z-]+)\)", members_line))
    rows = select(
        store,
        f"""SELECT ?alt WHERE {{ <{ID}org/icat> tip:member ?m . ?m a tip:Organisation .
        {{ ?m skos:altLabel ?alt }} UNION {{ ?m rdfs:label ?alt }} }}""",
    )
    names = {r["alt"] for r in rows}
    assert len(acronyms) >= 7
    assert acronyms - names == set()


def test_task_team_chairs(store):
    rows = select(
        store,
        f"""SELECT ?label WHERE {{ <{ID}org/task-team-anti-trafficking-humanitarian-action> tip:chair ?c .
        ?c rdfs:label ?label }}""",
    )
    labels = " ".join(r["label"] for r in rows)
    for chair in ("International Organization for Migration", "Refugees", "Heartland Alliance"):
        assert chair in labels

"""The curated legal core (issue 3): every resource described and sourced, every member of the
lists the seeds give present, every quotation found in the official text where we have it."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.conftest import ROOT
from tipkg import queries
from tipkg.loaders import external, legal_texts, quotations
from tipkg.loaders.external import LoadContext

ID = "https://w3id.org/tipkg/id/"
TIP = "https://w3id.org/tipkg/ontology#"
PREFIXES = """
PREFIX tip: <https://w3id.org/tipkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
LEGAL_TEXTS = ROOT.parent / "shared" / "data" / "legal-texts"
SEEDS = ROOT.parent / "shared" / "seeds"


def select(store, body: str) -> list[dict[str, str]]:
    return [
        {v.value: (row[v].value if row[v] is not None else None) for v in result.variables}
        for result in [store.query(PREFIXES + body)]
        for row in result
    ]


def labels_in(store, cls: str) -> set[str]:
    return {r["label"] for r in select(store, f"SELECT ?label WHERE {{ ?x a {cls} ; rdfs:label ?label }}")}


# --- Completeness: label, description, source -------------------------------------------------


def test_no_curated_resource_lacks_a_label_a_description_or_a_source(store):
    gaps = list(queries.run(store, "curation-gaps", {"base": "https://w3id.org/tipkg/"}))
    assert [(g["resource"].value, g["missing"].value) for g in gaps] == []
    assert len(select(store, f"SELECT ?x WHERE {{ ?x a ?c FILTER(STRSTARTS(STR(?x), '{ID}')) }}")) > 600


def test_the_gap_query_does_find_gaps():
    scratch = ox.Store()
    g = ox.DefaultGraph()
    bare = ox.NamedNode(ID + "means/bare")
    scratch.add(
        ox.Quad(
            bare,
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode(TIP + "Means"),
            g,
        )
    )
    text = queries.get("curation-gaps").bind({"base": "https://w3id.org/tipkg/"})
    assert {r["missing"].value for r in scratch.query(text)} == {"label", "description", "source"}


# --- 1. Elements of trafficking (ch. 2) -------------------------------------------------------


def notations(store, scheme: str) -> set[str]:
    return {
        r["n"]
        for r in select(
            store, f"SELECT ?n WHERE {{ ?c skos:inScheme <{ID}scheme/{scheme}> ; skos:notation ?n }}"
        )
    }


def test_acts_and_means(store):
    assert labels_in(store, "tip:Act") == {
        "Recruitment",
        "Transportation",
        "Transfer",
        "Harbouring",
        "Receipt",
    }
    assert notations(store, "means") == {
        "threat-or-use-of-force",
        "coercion",
        "abduction",
        "fraud",
        "deception",
        "abuse-of-power",
        "abuse-of-position-of-vulnerability",
        "giving-or-receiving-payments",
    }


def test_purposes_cover_the_protocol_minimum_the_conflict_forms_and_the_other_forms(store):
    purposes = notations(store, "purposes")
    protocol_minimum = {
        "exploitation-of-prostitution",
        "sexual-exploitation",
        "forced-labour",
        "slavery",
        "practices-similar-to-slavery",
        "servitude",
        "organ-removal",
    }
    conflict_specific = {  # sect. 2, the four forms specific to conflict
        "sexual-exploitation-by-armed-or-terrorist-groups",
        "use-of-children-by-armed-or-terrorist-groups",
        "organ-removal-to-treat-fighters-or-finance-war",
        "enslavement-as-tactic-of-terrorism",
    }
    other_forms = {  # the other forms sects. 2.2.1-2.2.5 treat
        "forced-marriage",
        "early-marriage",
        "sexual-slavery",
        "domestic-servitude",
        "debt-bondage",
        "servile-marriage",
        "sale-of-children-for-exploitation",
        "use-of-adults-by-armed-or-terrorist-groups",
        "use-in-combat-roles",
        "use-in-support-roles",
        "suicide-bombing",
        "use-as-human-shields",
        "criminal-activities",
        "begging",
        "use-in-armed-conflict",
        "use-in-terrorist-acts",
    }
    assert protocol_minimum | conflict_specific | other_forms <= purposes


def test_the_rules_and_the_six_key_points(store):
    rules = select(store, "SELECT ?r ?p WHERE { ?r a tip:Rule ; tip:legalBasis ?p }")
    by_rule = {}
    for row in rules:
        by_rule.setdefault(row["r"].rsplit("/", 1)[1], set()).add(row["p"].rsplit("/", 1)[1])
    assert {"trafficking-protocol-art-3-c", "trafficking-protocol-art-3-d"} <= by_rule["child-rule"]
    assert "trafficking-protocol-art-3-b" in by_rule["consent-rule"]
    points = select(store, "SELECT ?o WHERE { ?k a tip:KeyPoint ; tip:order ?o }")
    assert sorted(int(p["o"]) for p in points) == [1, 2, 3, 4, 5, 6]


# --- 2. Instruments ---------------------------------------------------------------------------

# The instruments of the paper's ch. 2 lists and those it cites elsewhere, by IRI and a phrase of
# their official title.
INSTRUMENTS = {
    "iccpr": "Covenant on Civil and Political Rights",
    "cedaw": "Discrimination against Women",
    "crc": "Convention on the Rights of the Child",
    "crc-opsc": "sale of children",
    "crc-opac": "involvement of children in armed conflict",
    "icmw": "Migrant Workers",
    "slavery-convention-1926": "Slavery Convention",
    "supplementary-slavery-convention-1956": "Institutions and Practices Similar to Slavery",
    "convention-1949-traffic-in-persons": "Exploitation of the Prostitution of Others",
    "geneva-convention-i": "Wounded and Sick in Armed Forces in the Field",
    "geneva-convention-ii": "Shipwrecked",
    "geneva-convention-iii": "Prisoners of War",
    "geneva-convention-iv": "Civilian Persons in Time of War",
    "additional-protocol-i": "International Armed Conflicts",
    "additional-protocol-ii": "Non-International Armed Conflicts",
    "rome-statute": "Rome Statute of the International Criminal Court",
    "ilo-c29": "Forced Labour Convention",
    "ilo-p29": "Protocol of 2014 to the Forced Labour Convention",
    "ilo-r203": "Supplementary Measures",
    "ilo-c105": "Abolition of Forced Labour",
    "ilo-c182": "Worst Forms of Child Labour",
    "refugee-convention-1951": "Status of Refugees",
    "refugee-protocol-1967": "Protocol relating to the Status of Refugees",
    "oau-refugee-convention-1969": "Refugee Problems in Africa",
    "cartagena-declaration-1984": "Cartagena Declaration",
    "eu-asylum-acquis": "asylum acquis",
    "asean-trafficking-convention": "ASEAN Convention against Trafficking in Persons",
    "coe-trafficking-convention": "Action against Trafficking in Human Beings",
    "eu-directive-2011-36": "2011/36/EU",
    "saarc-trafficking-convention": "SAARC Convention",
    "untoc": "Transnational Organized Crime",
    "trafficking-protocol": "Trafficking in Persons, Especially Women and Children",
    "smuggling-protocol": "Smuggling of Migrants",
    "genocide-convention": "Crime of Genocide",
    "terrorist-financing-convention": "Financing of Terrorism",
    "ohchr-recommended-principles": "Recommended Principles and Guidelines on Human Rights and Human Trafficking",
    "paris-principles": "Children Associated with Armed Forces or Armed Groups",
    "guiding-principles-internal-displacement": "Guiding Principles on Internal Displacement",
}


def test_every_instrument_of_the_papers_lists_is_present_with_branch_and_title(store):
    rows = select(
        store,
        "SELECT ?i ?label ?branch WHERE { ?i a tip:LegalInstrument ; rdfs:label ?label ; tip:branchOfLaw ?branch }",
    )
    found = {r["i"].removeprefix(ID + "instrument/"): r["label"] for r in rows}
    missing = {
        slug: phrase
        for slug, phrase in INSTRUMENTS.items()
        if phrase.lower() not in found.get(slug, "").lower()
    }
    assert missing == {}


def test_instrument_relations_supplements(store):
    pairs = {
        (r["a"].rsplit("/", 1)[1], r["b"].rsplit("/", 1)[1])
        for r in select(store, "SELECT ?a ?b WHERE { ?a tip:supplements ?b }")
    }
    for pair in [
        ("trafficking-protocol", "untoc"),
        ("smuggling-protocol", "untoc"),
        ("ilo-p29", "ilo-c29"),
        ("supplementary-slavery-convention-1956", "slavery-convention-1926"),
        ("crc-opac", "crc"),
        ("crc-opsc", "crc"),
    ]:
        assert pair in pairs


def test_every_security_council_resolution_the_seeds_cite_is_an_instrument(store):
    if not SEEDS.is_dir():
        pytest.skip(f"the seed documents are not at {SEEDS}")
    cited = set()
    for seed in SEEDS.glob("*.txt"):
        text = seed.read_text(errors="ignore")
        for phrase in re.findall(r"[Rr]esolutions? ((?:\d{3,4} \(\d{4}\)(?:,|,? and)? ?)+)", text):
            cited |= {f"sc-res-{n}-{y}" for n, y in re.findall(r"(\d{3,4}) \((\d{4})\)", phrase)}
    present = {
        r["i"].rsplit("/", 1)[1]
        for r in select(store, "SELECT ?i WHERE { ?i a tip:SecurityCouncilResolution }")
    }
    assert len(cited) > 10
    assert cited - present == set()


def test_every_resolution_has_a_date_and_symbol(store):
    rows = select(
        store,
        """SELECT ?r ?date ?symbol WHERE { ?r a tip:Resolution .
        OPTIONAL { ?r eli:date_document ?date } OPTIONAL { ?r tip:symbol ?symbol } }""",
    )
    assert rows
    assert [r["r"] for r in rows if r["date"] is None or r["symbol"] is None] == []


# --- 3. Provisions ----------------------------------------------------------------------------

PROVISIONS = {
    "trafficking-protocol": [
        "art. 3(a)",
        "art. 3(b)",
        "art. 3(c)",
        "art. 3(d)",
        "art. 5",
        "art. 6",
        "art. 9",
    ],
    "smuggling-protocol": ["art. 3(a)", "art. 6(1)", "art. 6(3)"],
    "untoc": [
        "art. 2(a)",
        "art. 2(b)",
        "art. 3",
        "art. 6",
        "art. 12",
        "art. 13",
        "art. 14",
        "art. 16",
        "art. 18",
    ],
    "rome-statute": [
        "art. 6",
        "art. 6(b)",
        "art. 6(d)",
        "art. 6(e)",
        "art. 7(1)(c)",
        "art. 7(1)(d)",
        "art. 7(1)(g)",
        "art. 7(1)(k)",
        "art. 7(2)(c)",
        "art. 8(2)(b)(xxii)",
        "art. 8(2)(b)(xxvi)",
        "art. 8(2)(e)(vi)",
        "art. 8(2)(e)(vii)",
    ],
    "slavery-convention-1926": ["art. 1"],
    "supplementary-slavery-convention-1956": ["art. 1(a)", "art. 1(b)", "art. 1(c)", "art. 1(d)", "art. 7"],
    "ilo-c29": ["art. 2(1)"],
    "ilo-c182": ["art. 2", "art. 3(a)", "art. 3(b)", "art. 3(c)", "art. 3(d)"],
    "ilo-c105": ["art. 1"],
    "crc": ["art. 32", "art. 34", "art. 35", "art. 38"],
    "crc-opsc": ["art. 2(a)", "art. 3"],
    "crc-opac": ["art. 1", "art. 2", "art. 3", "art. 4"],
    "cedaw": ["art. 6"],
    "iccpr": ["art. 8"],
    "genocide-convention": ["art. II"],
    "terrorist-financing-convention": ["art. 2(1)"],
    "coe-trafficking-convention": ["art. 4", "art. 26"],
    "asean-trafficking-convention": ["art. 14(7)"],
    "eu-directive-2011-36": ["art. 2", "art. 8"],
    "sc-res-2331-2016": ["para. 10"],
}


@pytest.mark.parametrize("instrument", sorted(PROVISIONS))
def test_the_provisions_legal_advisers_cite_are_present_to_the_letter(store, instrument):
    rows = queries.run(store, "instrument-provisions", {"instrument": f"inst:{instrument}"})
    citations = {r["citation"].value for r in rows}
    assert set(PROVISIONS[instrument]) - citations == set()


def test_provisions_nest_from_sub_paragraph_to_instrument(store):
    chain = select(
        store,
        f"""SELECT ?parent WHERE {{ <{ID}provision/rome-statute-art-8-2-b-xxii> eli:is_part_of+ ?parent }}""",
    )
    parents = {r["parent"].rsplit("/", 1)[1] for r in chain}
    assert {"rome-statute-art-8-2-b", "rome-statute-art-8-2", "rome-statute-art-8", "rome-statute"} <= parents


# Quotations are checked against the official texts in shared/data/legal-texts when present, by the
# product's own check (loaders/legal_texts.py, loaders/quotations.py), which runs on every load.


def test_every_quotation_is_in_the_official_text_of_its_own_provision(store):
    if not (LEGAL_TEXTS / "treaties-md").is_dir():
        pytest.skip(f"the official texts are not at {LEGAL_TEXTS}")
    context = LoadContext(store, "https://w3id.org/tipkg/", None, lambda _: None, ROOT / "ontology")
    snapshot = external.read("legal-texts", LEGAL_TEXTS, context)  # a mismatch raises LoadError
    assert snapshot.counts["quotations checked"] > 110


def test_the_quotation_check_finds_a_wrong_quotation_and_a_wrong_pinpoint():
    if not (LEGAL_TEXTS / "treaties-md").is_dir():
        pytest.skip(f"the official texts are not at {LEGAL_TEXTS}")
    path = LEGAL_TEXTS / "treaties-md" / "un_trafficking_in_persons_protocol_2000__BWBV0001749.md"
    texts = legal_texts.full_texts("trafficking-protocol", legal_texts.parse(path)[0], ID + "provision/")
    pr = ID + "provision/trafficking-protocol-art-3-"
    # The lettering of the non-official copy this graph once quoted, and a right quotation cited to
    # the wrong sub-paragraph.
    assert quotations.check("set forth in subparagraph a) of this", texts[pr + "b"]) is not None
    assert quotations.check('Child" shall mean any person', texts[pr + "c"]) is not None
    assert quotations.check('Child" shall mean any person', texts[pr + "d"]) is None
    assert quotations.check("set forth in subparagraph (a) of this", texts[pr + "b"]) is None


def test_quotations_are_short(store):
    rows = select(store, "SELECT ?p ?q WHERE { ?p tip:quotation ?q }")
    assert [r["p"] for r in rows if len(r["q"].split()) > 70] == []


# --- 4. Overlaps ------------------------------------------------------------------------------


def test_trafficking_and_smuggling_compared_on_the_eight_dimensions_of_table_3(store):
    rows = select(
        store,
        f"""SELECT ?label WHERE {{ <{ID}comparison/trafficking-vs-smuggling> tip:point ?p .
        ?p rdfs:label ?label ; tip:leftValue ?l ; tip:rightValue ?r }}""",
    )
    assert len(rows) == 8


def test_atrocity_crime_overlaps_of_table_4_cite_the_rome_statute(store):
    rows = select(
        store, """SELECT ?q ?prov WHERE { ?o a tip:Overlap ; tip:qualification ?q ; tip:provision ?prov }"""
    )
    cited = {}
    for r in rows:
        cited.setdefault(r["q"].rsplit("/", 1)[1], set()).add(r["prov"].rsplit("/", 1)[1])
    assert "rome-statute-art-7-2-c" in cited["crime-against-humanity-enslavement"]
    assert "rome-statute-art-7-1-g" in cited["crime-against-humanity-sexual-slavery"]
    assert {"rome-statute-art-8-2-b-xxii", "rome-statute-art-8-2-e-vi"} <= cited["war-crime-sexual-slavery"]
    assert {"rome-statute-art-8-2-b-xxvi", "rome-statute-art-8-2-e-vii"} <= cited[
        "war-crime-child-recruitment"
    ]
    assert cited["genocide"]


def test_child_recruitment_war_crime_overlap_carries_the_under_15_threshold(store):
    rows = select(
        store,
        f"""SELECT ?age WHERE {{ ?o tip:qualification <{ID}qualification/war-crime-child-recruitment> ;
        tip:victimAgeGroup ?age }}""",
    )
    assert {r["age"].rsplit("/", 1)[1] for r in rows} == {"under-15"}


def test_crsv_forms_conflict_links_and_terrorism_uses(store):
    forms = {r["c"].rsplit("/", 1)[1] for r in select(store, "SELECT ?c WHERE { ?c a tip:CRSVForm }")}
    assert {
        "rape",
        "sexual-slavery",
        "forced-prostitution",
        "forced-pregnancy",
        "forced-abortion",
        "enforced-sterilization",
        "forced-marriage",
        "trafficking-for-sexual-purposes",
    } <= forms
    links = select(store, f"SELECT ?c WHERE {{ ?c skos:inScheme <{ID}scheme/crsv-conflict-links> }}")
    uses = select(
        store, f"SELECT ?c WHERE {{ ?c skos:inScheme <{ID}scheme/sexual-violence-terrorism-uses> }}"
    )
    assert len(links) == 5 and len(uses) == 6
    assert select(
        store,
        f"SELECT ?o WHERE {{ ?o tip:conduct <{ID}crsv/trafficking-for-sexual-purposes> ; tip:inFramework <{ID}framework/crsv> }}",
    )


LISTING = {
    "killing-and-maiming": "sc-res-1882-2009",
    "recruitment-and-use": "sc-res-1379-2001",
    "sexual-violence": "sc-res-1882-2009",
    "attacks-on-schools-and-hospitals": "sc-res-1998-2011",
    "abduction": "sc-res-2225-2015",
}


def test_the_six_grave_violations_their_listing_triggers_and_their_link_to_trafficking(store):
    rows = select(
        store,
        "SELECT ?g ?t ?by WHERE { ?g a tip:GraveViolation ; tip:triggersListing ?t OPTIONAL { ?g tip:listingTriggerAddedBy ?by } }",
    )
    found = {r["g"].rsplit("/", 1)[1]: (r["t"], r["by"] and r["by"].rsplit("/", 1)[1]) for r in rows}
    assert set(found) == set(LISTING) | {"denial-of-humanitarian-access"}
    assert found["denial-of-humanitarian-access"][0] == "false"
    for violation, resolution in LISTING.items():
        assert found[violation] == ("true", resolution)
    linked = {
        r["g"].rsplit("/", 1)[1]
        for r in select(
            store,
            f"SELECT ?g WHERE {{ ?o tip:conduct ?g ; tip:inFramework <{ID}framework/grave-violations> . ?g a tip:GraveViolation }}",
        )
    }
    assert linked == set(found)


def test_trafficking_and_terrorism_overlaps_cite_their_provisions(store):
    rows = select(
        store,
        f"""SELECT ?q ?p WHERE {{ ?o tip:inFramework <{ID}framework/terrorism> ; tip:qualification ?q ; tip:provision ?p }}""",
    )
    cited = {(r["q"].rsplit("/", 1)[1], r["p"].rsplit("/", 1)[1]) for r in rows}
    assert ("terrorist-financing", "terrorist-financing-convention-art-2-1") in cited
    assert ("victim-of-terrorism", "sc-res-2331-2016-para-10") in cited


def test_practices_similar_to_slavery_of_table_2(store):
    rows = select(
        store,
        f"""SELECT ?c ?p WHERE {{ ?o tip:inFramework <{ID}framework/slavery-conventions> ; tip:conduct ?c ; tip:provision ?p }}""",
    )
    pairs = {(r["c"].rsplit("/", 1)[1], r["p"].rsplit("/", 1)[1]) for r in rows}
    for slug, letter in (
        ("debt-bondage", "a"),
        ("serfdom", "b"),
        ("servile-marriage", "c"),
        ("sale-of-children-for-exploitation", "d"),
    ):
        assert (slug, f"supplementary-slavery-convention-1956-art-1-{letter}") in pairs


def test_worst_forms_of_child_labour_and_child_recruitment(store):
    rows = select(
        store, """SELECT ?f ?p WHERE { ?o a tip:Overlap ; tip:inFramework ?f ; tip:provision ?p }"""
    )
    pairs = {(r["f"].rsplit("/", 1)[1], r["p"].rsplit("/", 1)[1]) for r in rows}
    assert ("ilo-conventions", "ilo-c182-art-3-a") in pairs
    assert any(f == "childrens-rights" and p.startswith("crc-opac-art-") for f, p in pairs)


# --- 5. Sanctions -----------------------------------------------------------------------------

REGIMES = {
    "isil-al-qaida": "sc-res-1267-1999",
    "mali": "sc-res-2374-2017",
    "car": "sc-res-2127-2013",
    "drc": "sc-res-1533-2004",
    "libya": "sc-res-1970-2011",
    "yemen": "sc-res-2140-2014",
    "somalia": "sc-res-751-1992",
    "south-sudan": "sc-res-2206-2015",
    "sudan": "sc-res-1591-2005",
    "eritrea": "sc-res-1907-2009",
    "haiti": "sc-res-2653-2022",
    "taliban": "sc-res-1988-2011",
}


def test_the_sanctions_regimes_the_paper_names_with_resolution_and_committee(store):
    rows = select(
        store,
        "SELECT ?r ?est ?committee WHERE { ?r a tip:SanctionsRegime ; tip:establishedBy ?est ; tip:committee ?committee }",
    )
    found = {r["r"].rsplit("/", 1)[1]: r["est"].rsplit("/", 1)[1] for r in rows}
    assert found == REGIMES


def test_every_designation_criterion_is_cited_to_a_resolution_paragraph(store):
    rows = select(
        store,
        """SELECT ?c ?citation ?res WHERE { ?regime tip:criterion ?c . ?c tip:provision ?p .
        ?p tip:citation ?citation ; tip:inInstrument ?res . ?res a tip:SecurityCouncilResolution }""",
    )
    assert len({r["c"] for r in rows}) >= 10
    assert all(r["citation"].startswith("para. ") for r in rows)


def test_model_documentation_is_built_with_the_graph(built):
    html = Path(built.docs_dir, "ontology.html").read_text()
    assert "designation criterion" in html and "grave violation against children" in html


def test_sanctions_dates_in_force_as_verified(store):
    """Issue 18: every regime says since when it is in force; Mali and Eritrea say when and why they
    ended; the DRC criteria of res. 2198 (2015) gave way to those of res. 2293 (2016)."""
    rows = select(
        store,
        """SELECT ?r ?from ?until ?why ?type WHERE { ?r a tip:SanctionsRegime ; tip:inForceFrom ?from .
        OPTIONAL { ?r tip:inForceUntil ?until } OPTIONAL { ?r tip:endedBecause ?why }
        OPTIONAL { ?r tip:unListType ?type } }""",
    )
    found = {r["r"].rsplit("/", 1)[1]: r for r in rows}
    assert set(found) == set(REGIMES)
    assert (found["mali"]["from"], found["mali"]["until"]) == ("2017-09-05", "2023-08-31")
    assert "vetoed" in found["mali"]["why"]
    assert (found["eritrea"]["until"], "2444" in found["eritrea"]["why"]) == ("2018-11-13", True)
    assert {k for k, r in found.items() if r["until"]} == {"mali", "eritrea"}
    assert (found["haiti"]["type"], found["haiti"]["from"]) == ("Haiti", "2022-10-21")
    assert (found["taliban"]["type"], found["taliban"]["from"]) == ("Taliban", "2011-06-17")
    replaced = select(
        store,
        """SELECT ?old ?until ?new ?p WHERE { ?old dcterms:isReplacedBy ?new ; tip:inForceUntil ?until .
        ?new tip:provision ?p ; tip:inForceFrom "2016-06-23"^^<http://www.w3.org/2001/XMLSchema#date> }""",
    )
    assert {(r["old"].rsplit("/", 1)[1], r["until"], r["p"].rsplit("/", 1)[1]) for r in replaced} == {
        ("drc-children", "2016-06-22", "sc-res-2293-2016-para-7-d"),
        ("drc-violence-against-children-and-women", "2016-06-22", "sc-res-2293-2016-para-7-e"),
    }


def test_the_rapporteurs_2014_report_carries_its_official_symbol(store):
    rows = select(store, "SELECT ?s WHERE { <https://w3id.org/tipkg/id/document/a-69-33797> tip:symbol ?s }")
    assert [r["s"] for r in rows] == ["A/69/269"]

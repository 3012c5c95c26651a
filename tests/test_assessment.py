"""Qualification assessment (issue 5): every qualification present, missing and unknown on facts
chosen from its provisions; the worked examples of table 1; the API and CLI with bad input."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.conftest import run_cli
from tipkg.assessment import Assessor, InputError
from tipkg.assessment.cases import load_cases

ADULT_TIP = {
    "acts": ["recruitment"],
    "means": ["deception"],
    "purposes": ["forced-labour"],
    "victim": {"age": 25},
}
CHILD_SOLDIER = {
    "acts": ["recruitment"],
    "purposes": ["use-in-armed-conflict"],
    "victim": {"age": 14},
    "context": {"armed_conflict": "non-international", "perpetrator": "armed-group"},
}

# qualification id -> (facts on which it is present, facts on which an element is missing,
# facts on which an element is unknown). Written from the provisions each element cites.
CASES = {
    # Protocol art. 3(a): act + means + purpose; art. 3(c): no means for a child.
    "trafficking-in-persons": (
        ADULT_TIP,
        {"acts": ["recruitment"], "means": [], "purposes": ["forced-labour"], "victim": {"age": 25}},
        {"acts": ["recruitment"], "means": [], "purposes": ["forced-labour"]},
    ),
    # Smuggling Protocol art. 3(a): illegal entry + financial or material benefit.
    "smuggling-of-migrants": (
        {"context": {"illegal_entry": True, "financial_or_material_benefit": True}},
        {"context": {"illegal_entry": True, "financial_or_material_benefit": False}},
        {"context": {"illegal_entry": True}},
    ),
    # art. 6(3): plus circumstances entailing exploitation or inhuman treatment.
    "smuggling-of-migrants-aggravated": (
        {
            "purposes": ["forced-labour"],
            "context": {"illegal_entry": True, "financial_or_material_benefit": True},
        },
        {
            "purposes": [],
            "conduct": [],
            "context": {"illegal_entry": True, "financial_or_material_benefit": True},
        },
        {"context": {"illegal_entry": True, "financial_or_material_benefit": True}},
    ),
    # Rome Statute art. 7(1)(c), 7(2)(c): enslavement + widespread or systematic attack.
    "crime-against-humanity-enslavement": (
        {"conduct": ["sale-or-gifting-of-persons"], "context": {"widespread_or_systematic_attack": True}},
        {"conduct": ["sale-or-gifting-of-persons"], "context": {"widespread_or_systematic_attack": False}},
        {"purposes": ["sexual-slavery"]},
    ),
    # art. 7(1)(g).
    "crime-against-humanity-sexual-slavery": (
        {"purposes": ["sexual-slavery"], "context": {"widespread_or_systematic_attack": True}},
        {"purposes": ["forced-labour"], "context": {"widespread_or_systematic_attack": True}},
        {"purposes": ["sexual-slavery"]},
    ),
    # art. 8(2)(b)(xxii) / 8(2)(e)(vi): sexual slavery or enforced prostitution + armed conflict.
    "war-crime-sexual-slavery": (
        {"conduct": ["enforced-prostitution"], "context": {"armed_conflict": "international"}},
        {"purposes": ["sexual-slavery"], "context": {"armed_conflict": "none"}},
        {"purposes": ["sexual-slavery"]},
    ),
    # art. 8(2)(b)(xxvi) / 8(2)(e)(vii): under 15 + armed conflict.
    "war-crime-child-recruitment": (
        CHILD_SOLDIER,
        {**CHILD_SOLDIER, "victim": {"age": 16}},
        {**CHILD_SOLDIER, "victim": {"age_group": "child"}},
    ),
    # Genocide Convention art. II: intent + an underlying act.
    "genocide": (
        {"conduct": ["forcible-transfer-of-children"], "context": {"intent_to_destroy_group": True}},
        {"conduct": ["forcible-transfer-of-children"], "context": {"intent_to_destroy_group": False}},
        {"conduct": ["forcible-transfer-of-children"]},
    ),
    "grave-violation-killing-and-maiming": (
        {
            "conduct": ["killing-or-maiming"],
            "victim": {"age": 10},
            "context": {"armed_conflict": "international"},
        },
        {
            "conduct": ["killing-or-maiming"],
            "victim": {"age": 30},
            "context": {"armed_conflict": "international"},
        },
        {"conduct": ["killing-or-maiming"], "victim": {"age": 10}},
    ),
    "grave-violation-recruitment-and-use": (
        {**CHILD_SOLDIER, "victim": {"age": 16}},
        {**CHILD_SOLDIER, "victim": {"age": 19}},
        {**CHILD_SOLDIER, "context": {}},
    ),
    "grave-violation-sexual-violence": (
        {
            "conduct": ["rape"],
            "victim": {"age_group": "child"},
            "context": {"armed_conflict": "non-international"},
        },
        {"conduct": ["rape"], "victim": {"age_group": "child"}, "context": {"armed_conflict": "none"}},
        {"conduct": ["rape"], "context": {"armed_conflict": "non-international"}},
    ),
    "grave-violation-attacks-on-schools-and-hospitals": (
        {
            "conduct": ["attack-on-school-or-hospital"],
            "victim": {"age_group": "child"},
            "context": {"armed_conflict": "international"},
        },
        {"conduct": [], "victim": {"age_group": "child"}, "context": {"armed_conflict": "international"}},
        {"victim": {"age_group": "child"}, "context": {"armed_conflict": "international"}},
    ),
    "grave-violation-abduction": (
        {"means": ["abduction"], "victim": {"age": 12}, "context": {"armed_conflict": "non-international"}},
        {"means": ["deception"], "victim": {"age": 12}, "context": {"armed_conflict": "non-international"}},
        {"victim": {"age": 12}, "context": {"armed_conflict": "non-international"}},
    ),
    "grave-violation-denial-of-humanitarian-access": (
        {
            "conduct": ["denial-of-humanitarian-access"],
            "victim": {"age_group": "child"},
            "context": {"armed_conflict": "international"},
        },
        {
            "conduct": ["denial-of-humanitarian-access"],
            "victim": {"age_group": "adult"},
            "context": {"armed_conflict": "international"},
        },
        {"conduct": ["denial-of-humanitarian-access"], "victim": {"age_group": "child"}},
    ),
    "conflict-related-sexual-violence": (
        {"purposes": ["sexual-exploitation"], "context": {"armed_conflict": "non-international"}},
        {"purposes": ["forced-labour"], "conduct": [], "context": {"armed_conflict": "non-international"}},
        {"conduct": ["rape"]},
    ),
    # Terrorist Financing Convention art. 2(1).
    "terrorist-financing": (
        {"context": {"proceeds_finance_terrorism": True}},
        {"context": {"proceeds_finance_terrorism": False}},
        {"acts": ["recruitment"]},
    ),
    # SC res. 2331 (2016) para. 10.
    "victim-of-terrorism": (
        {"purposes": ["sexual-slavery"], "context": {"perpetrator": "terrorist-group"}},
        {"purposes": ["sexual-slavery"], "context": {"perpetrator": "organized-criminal-group"}},
        {"purposes": ["sexual-slavery"]},
    ),
    # ILO C29 art. 2(1).
    "forced-labour": (
        {"purposes": ["domestic-servitude"]},
        {"purposes": ["organ-removal"]},
        {"acts": ["recruitment"]},
    ),
    # ILO C182 art. 3; a child is under 18 (art. 2).
    "worst-forms-of-child-labour": (
        {"purposes": ["criminal-activities"], "victim": {"age": 16}},
        {"purposes": ["criminal-activities"], "victim": {"age": 18}},
        {"purposes": ["criminal-activities"]},
    ),
    # Slavery Convention 1926 art. 1(1).
    "slavery": ({"purposes": ["sexual-slavery"]}, {"purposes": ["begging"]}, {}),
    # Supplementary Convention 1956 art. 1.
    "practice-similar-to-slavery": ({"purposes": ["debt-bondage"]}, {"purposes": ["begging"]}, {}),
    # OPAC arts. 2 and 4: under 18.
    "child-recruitment-opac": (
        {**CHILD_SOLDIER, "victim": {"age": 17}},
        {**CHILD_SOLDIER, "victim": {"age": 20}},
        {k: v for k, v in CHILD_SOLDIER.items() if k != "victim"},
    ),
    # CoE Convention art. 26; EU Directive art. 8; ASEAN art. 14(7); SC res. 2331 para. 2(d).
    "non-punishment": (
        {"purposes": ["use-in-terrorist-acts"]},
        {"purposes": ["forced-labour"]},
        {"acts": ["recruitment"]},
    ),
    # The regimes' designation criteria, where the regime applies.
    "sanctions-designation": (
        {"purposes": ["use-in-armed-conflict"], "victim": {"age": 12}, "context": {"country": "CD"}},
        {
            "acts": [],
            "means": [],
            "purposes": ["begging"],
            "conduct": [],
            "context": {"country": "FR", "perpetrator": "other"},
        },
        {"purposes": ["use-in-armed-conflict"]},
    ),
}


@pytest.fixture(scope="module")
def assessor(store):
    return Assessor(store)


def status(assessor, payload, qualification):
    result = assessor.assess(payload)
    return {q["id"]: q for q in result["qualifications"]}[qualification]


def test_every_qualification_of_the_contract_is_assessed_and_tested(assessor):
    ids = {q["id"] for q in assessor.assess({})["qualifications"]}
    assert set(CASES) <= ids
    assert ids - set(CASES) == set()


@pytest.mark.parametrize("qualification", sorted(CASES))
@pytest.mark.parametrize(("index", "expected"), [(0, "present"), (1, "missing"), (2, "unknown")])
def test_each_qualification_is_present_missing_or_unknown_as_the_provisions_say(
    assessor, qualification, index, expected
):
    answer = status(assessor, CASES[qualification][index], qualification)
    assert answer["status"] == expected, json.dumps(answer, indent=1)
    if expected == "present":
        assert answer["provisions"], "a present qualification cites its provisions"
    if expected == "missing":
        assert answer["missing"]
    if expected == "unknown":
        assert answer["needed"]


def test_the_seven_worked_examples_of_table_1_are_trafficking(store, assessor):
    cases = load_cases(store)
    rows = {
        c.order: c for c in cases.values() if c.iri.rsplit("/", 1)[1].startswith("table-1-row-") and c.order
    }
    assert sorted(rows) == [1, 2, 3, 4, 5, 6, 7]
    for order, case in rows.items():
        answer = status(assessor, case.input, "trafficking-in-persons")
        assert answer["status"] == "present", (order, case.input, answer)
    for order in (2, 5, 6, 7):  # the child rule: the paper says no means is required
        answer = status(assessor, rows[order].input, "trafficking-in-persons")
        means = next(e for e in answer["elements"] if e["label"].startswith("A means"))
        assert means.get("waived_by") == "The victim is a child (under 18)"
        assert "child" in answer["explanation"]


def test_the_child_rule_and_consent(assessor):
    child = status(
        assessor,
        {"acts": ["receipt"], "means": [], "purposes": ["forced-marriage"], "victim": {"age": 17}},
        "trafficking-in-persons",
    )
    assert child["status"] == "present" and "consent is always irrelevant" in child["explanation"]
    adult = status(assessor, ADULT_TIP, "trafficking-in-persons")
    assert "consent of the victim" in adult["explanation"] and "irrelevant" in adult["explanation"]


def test_war_crime_provision_follows_the_type_of_conflict(assessor):
    international = status(
        assessor,
        {**CHILD_SOLDIER, "context": {"armed_conflict": "international"}},
        "war-crime-child-recruitment",
    )
    assert [p["citation"] for p in international["provisions"]] == ["Rome Statute, art. 8(2)(b)(xxvi)"]
    non_international = status(assessor, CHILD_SOLDIER, "war-crime-child-recruitment")
    assert [p["citation"] for p in non_international["provisions"]] == ["Rome Statute, art. 8(2)(e)(vii)"]
    open_type = status(assessor, {**CHILD_SOLDIER, "context": {}}, "war-crime-child-recruitment")
    assert {p["condition"] for p in open_type["provisions"]} == {
        "In an international armed conflict",
        "In a non-international armed conflict",
    }


def test_grave_violations_say_whether_they_trigger_listing(assessor):
    answer = assessor.assess({})
    by_id = {q["id"]: q["explanation"] for q in answer["qualifications"]}
    assert "SC res. 1379 (2001)" in by_id["grave-violation-recruitment-and-use"]
    assert "not a trigger for listing" in by_id["grave-violation-denial-of-humanitarian-access"]


def test_values_are_also_accepted_as_concept_iris(assessor):
    answer = status(
        assessor,
        {**ADULT_TIP, "means": ["https://w3id.org/tipkg/id/means/deception"]},
        "trafficking-in-persons",
    )
    assert answer["status"] == "present"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"means": ["magic"]}, "means[0]: unknown value 'magic'; accepted: abduction"),
        ({"means": "deception"}, "means: expected a list"),
        ({"victim": {"age": "ten"}}, "victim.age: expected a whole number"),
        ({"victim": {"age": 16, "age_group": "adult"}}, "contradicts"),
        ({"context": {"illegal_entry": "yes"}}, "context.illegal_entry: expected true or false"),
        ({"context": {"country": "XX"}}, "not an ISO 3166-1 alpha-2"),
        ({"context": {"armed_conflict": "civil war"}}, "accepted: international, non-international, none"),
        ({"colour": "red"}, "unknown key 'colour'"),
        ([1, 2], "must be a JSON object"),
    ],
)
def test_bad_input_is_refused_with_the_problem_named(assessor, payload, message):
    with pytest.raises(InputError) as caught:
        assessor.assess(payload)
    assert message in str(caught.value)


def post(url: str, body: bytes, content_type: str = "application/json"):
    request = urllib.request.Request(
        url + "/api/assess", data=body, headers={"Content-Type": content_type}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_api_answers_the_contract_through_a_real_server(server):
    code, data = post(server, json.dumps(CHILD_SOLDIER).encode())
    assert code == 200
    by_id = {q["id"]: q for q in data["qualifications"]}
    assert by_id["war-crime-child-recruitment"]["status"] == "present"
    for q in data["qualifications"]:
        assert set(q) >= {
            "id",
            "label",
            "status",
            "elements",
            "missing",
            "needed",
            "provisions",
            "explanation",
        }
        assert all({"label", "status", "facts"} <= set(e) for e in q["elements"])
        assert all({"iri", "citation"} <= set(p) for p in q["provisions"])


@pytest.mark.parametrize(
    ("body", "content_type", "code", "fragment"),
    [
        (b'{"acts": [', "application/json", 400, "not valid JSON"),
        (b'{"means": ["magic"]}', "application/json", 422, "unknown value 'magic'"),
        (b'{"victim": {"age": -1}}', "application/json", 422, "victim.age"),
        (b"acts=recruitment", "application/x-www-form-urlencoded", 415, "application/json"),
        (b'{"acts": ["' + b"x" * 70000 + b'"]}', "application/json", 413, ""),
    ],
)
def test_api_bad_input_gets_a_4xx_naming_the_problem(server, body, content_type, code, fragment):
    status_code, data = post(server, body, content_type)
    assert status_code == code
    assert fragment in data["error"]


def test_api_unknown_value_lists_the_accepted_ones(server):
    code, data = post(server, b'{"purposes": ["fun"]}')
    assert code == 422 and data["field"] == "purposes[0]" and "forced-labour" in data["accepted"]


def test_openapi_document_describes_the_contract(server):
    with urllib.request.urlopen(server + "/api/openapi.json", timeout=30) as answer:
        spec = json.load(answer)
    assert spec["openapi"].startswith("3.")
    assert {"200", "400", "413", "415", "422"} <= set(spec["paths"]["/api/assess"]["post"]["responses"])
    assert "Qualification" in spec["components"]["schemas"]


def test_cli_assess_prints_the_same_json(built, tmp_path):
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps(ADULT_TIP))
    done = run_cli("assess", str(facts), env={"TIPKG_STORE": built.store})
    assert done.returncode == 0, done.stderr
    assert {q["id"]: q["status"] for q in json.loads(done.stdout)["qualifications"]}[
        "trafficking-in-persons"
    ] == "present"
    facts.write_text("{not json")
    bad = run_cli("assess", str(facts), env={"TIPKG_STORE": built.store})
    assert bad.returncode == 1 and "not valid JSON" in bad.stderr and "Traceback" not in bad.stderr


@pytest.mark.parametrize(
    ("regime", "context", "expected", "needed"),
    [
        # The ISIL and Al-Qaida regime applies wherever the perpetrator is of the groups it lists.
        ("isil-al-qaida", {"perpetrator": "terrorist-group"}, "present", []),
        ("isil-al-qaida", {"perpetrator": "armed-group"}, "missing", []),
        ("isil-al-qaida", {"country": "CD"}, "unknown", ["context.perpetrator"]),
        # A country regime applies to the facts of its country.
        ("drc", {"country": "CD"}, "present", []),
        ("drc", {"country": "FR", "perpetrator": "terrorist-group"}, "missing", []),
        ("drc", {"perpetrator": "armed-group"}, "unknown", ["context.country"]),
    ],
)
def test_a_regime_applies_where_its_scope_in_the_graph_says(assessor, regime, context, expected, needed):
    from tipkg.assessment import facts
    from tipkg.assessment.engine import Evaluation
    from tipkg.assessment.sanctions import _where

    model = assessor.model()
    criteria = [c for c in model.criteria if c.regime.endswith(f"/regime/{regime}")]
    assert criteria, regime
    parsed = facts.parse({"context": context}, model)
    for criterion in criteria:
        outcome = _where(criterion, Evaluation(parsed, model))
        assert (outcome.status, outcome.needed) == (expected, needed), criterion.iri


def test_the_global_regime_scope_is_a_requirement_of_the_graph(assessor):
    model = assessor.model()
    isil = next(c for c in model.criteria if c.regime.endswith("/regime/isil-al-qaida"))
    assert (
        isil.scope in model.requirements and model.requirements[isil.scope].fact_key == "context.perpetrator"
    )
    assert all(c.country and c.scope is None for c in model.criteria if c is not isil)

"""The generated terms module matches the model, and the shared row helpers behave."""

from __future__ import annotations

from tipkg import gen_terms, terms


def test_terms_module_is_current():
    expected = gen_terms.render(gen_terms.collect())
    assert gen_terms.TARGET.read_text(encoding="utf-8") == expected, (
        "tipkg/terms.py is out of date with ontology/model/: run `python -m tipkg.gen_terms`"
    )


def test_terms_name_model_terms():
    assert terms.tip.quotation == "https://w3id.org/tipkg/ontology#quotation"
    assert terms.skos.broader == "http://www.w3.org/2004/02/skos/core#broader"
    assert terms.tip.ageBelow.startswith(terms.tip.NS)


def test_age_groups_from_the_graph(store):
    from tipkg.assessment.ages import age_groups, groups_for, narrowest

    groups = age_groups(store)
    assert [g.notation for g in groups] == ["under-15", "under-16", "child", "adult"]
    assert [g.notation for g in groups_for(14, groups)] == ["under-15", "under-16", "child"]
    assert [g.notation for g in groups_for(15, groups)] == ["under-16", "child"]  # OPAC art. 3(1)
    assert [g.notation for g in groups_for(16, groups)] == ["child"]
    assert [g.notation for g in groups_for(17, groups)] == ["child"]
    assert narrowest(18, groups).notation == "adult"
    assert narrowest(0, groups).notation == "under-15"

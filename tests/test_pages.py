"""Pages in a real headless Chromium (Debian's), driven by Playwright, against a real server."""

from __future__ import annotations

import pytest

from tests.browser import axe_violations, shot


def test_assess_a_child_recruited_by_an_armed_group_and_ask_what_if(page):
    page.goto("/assess")
    page.get_by_label("Recruitment").check()
    page.get_by_role("group", name="Means").get_by_label("None of these").check()
    page.get_by_label("Use in armed conflict", exact=True).check()
    page.get_by_label("Age in years").fill("14")
    page.get_by_label("Armed conflict", exact=True).select_option("non-international")
    page.get_by_role("button", name="Assess").click()

    present = page.locator("section", has=page.get_by_role("heading", name="Elements present"))
    assert present.get_by_text(
        "War crime of conscripting, enlisting or using children under fifteen"
    ).is_visible()
    assert present.get_by_text("Trafficking in persons", exact=True).is_visible()
    page.locator("#q-war-crime-child-recruitment > summary").click()
    link = page.locator("#q-war-crime-child-recruitment").get_by_role(
        "link", name="Rome Statute, art. 8(2)(e)(vii)"
    )
    assert link.is_visible()
    shot(page, "assess-results")

    # What if the child were 15 to 17? The Rome Statute's under-15 threshold is no longer met.
    page.get_by_role("link", name="a child", exact=True).click()
    page.wait_for_url("**age_group=child**")
    missing = page.locator("section", has=page.get_by_role("heading", name="Facts still needed"))
    assert missing.get_by_text(
        "War crime of conscripting, enlisting or using children under fifteen"
    ).is_visible()
    present = page.locator("section", has=page.get_by_role("heading", name="Elements present"))
    assert present.get_by_text("Trafficking in persons", exact=True).is_visible()

    # What if an adult? No means were used, so trafficking's elements are no longer all present.
    page.get_by_role("link", name="an adult").click()
    page.wait_for_url("**age_group=adult**")  # the link loads a new answer: wait for it
    missing = page.locator("section", has=page.get_by_role("heading", name="An element is missing"))
    assert missing.get_by_text("Trafficking in persons", exact=True).is_visible()

    # Follow the provision to its page.
    page.get_by_role("link", name="international", exact=True).click()
    page.locator("#q-war-crime-child-recruitment > summary").click()
    page.locator("#q-war-crime-child-recruitment").get_by_role(
        "link", name="Rome Statute, art. 8(2)(b)(xxvi)"
    ).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Rome Statute, art. 8(2)(b)(xxvi)"
    shot(page, "provision")


def test_the_form_is_usable_with_the_keyboard_alone(page):
    page.goto("/assess")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    for _ in range(3):
        page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.tagName + ':' + document.activeElement.type")
    assert focused == "INPUT:checkbox"
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked")


def test_bad_input_and_unknown_iris_give_helpful_pages(page):
    response = page.goto("/assess?age=ten")
    assert response.status == 422
    assert "not a whole number" in page.get_by_role("alert").inner_text()
    response = page.goto("/id/provision/no-such-provision")
    assert response.status == 404
    assert page.get_by_role("link", name="Assess facts").first.is_visible()
    shot(page, "not-found")


@pytest.mark.parametrize(
    "path",
    [
        "/assess",
        "/assess?acts=recruitment&means_none=1&purposes=use-in-armed-conflict&age=14&armed_conflict=non-international",
        "/assess?age=ten",
        "/id/no-such-kind/nothing",
        "/id/overlap/sexual-slavery-crsv",
        "/id/case/table-1-row-2",
        "/id/qualification/trafficking-in-persons",
        "/id/regime/mali",
        "/id/document/unodc-thematic-paper-2018?cited_by=overlap&page=2",
    ],
)
def test_assessment_error_and_other_pages_pass_axe(page, path):
    """axe-core, served from the app's own npm packages, finds no WCAG 2 A/AA violation."""
    page.goto(path)
    violations = axe_violations(page, impacts=("serious", "critical"))
    assert violations == [], (path, violations)

"""The sanctions pages speak for a date: ``/sanctions`` and ``/sanctions/<regime>`` with
``?as_of=YYYY-MM-DD`` (default today) on the real built graph; what is in force that day, what has
ended, when and why; a bad date is a 400 that names it. The journey runs in a real headless
Chromium against a real ``tipkg serve``."""

from __future__ import annotations

import re

import pytest

from tests.browser import axe_violations, shot
from tests.test_matrix import HTML, by_id, get_page, text


def test_today_mali_has_ended_and_says_when_and_why(client):
    tree = get_page(client, "/sanctions")
    said = text(tree.find(".//form[@class='as-of']"))
    assert "(today)" in said
    row = text(by_id(tree, "summary-mali"))
    assert "Ended: last day in force 31 August 2023" in row
    status = text(by_id(tree, "status-mali"))
    assert "31 August 2023" in status and "vetoed" in status
    assert "Ended" in text(by_id(tree, "summary-eritrea"))
    assert "In force since 21 October 2022" in text(by_id(tree, "summary-haiti"))
    assert "In force since 17 June 2011" in text(by_id(tree, "summary-taliban"))


def test_as_of_2020_mali_is_in_force_and_haiti_not_yet_set_up(client):
    tree = get_page(client, "/sanctions?as_of=2020-06-01")
    said = text(tree.find(".//form[@class='as-of']"))
    assert "1 June 2020" in said and "(today)" not in said
    assert "In force since 5 September 2017" in text(by_id(tree, "summary-mali"))
    mali = by_id(tree, "mali")
    assert mali.find(".//a[@href='/id/provision/sc-res-2374-2017-para-8-c']") is not None
    assert "No designation criterion of this regime was in force" not in text(mali)
    assert by_id(tree, "haiti") is None  # set up in 2022
    assert "Ended" in text(by_id(tree, "summary-eritrea"))  # since 14 November 2018


def test_drc_criteria_of_2293_replace_those_of_2198(client):
    now = by_id(get_page(client, "/sanctions"), "drc")
    table = now.find(".//table[@class='criteria']")
    assert table.find(".//a[@href='/id/provision/sc-res-2293-2016-para-7-d']") is not None
    assert table.find(".//a[@href='/id/provision/sc-res-2198-2015-para-5-d']") is None
    earlier = text(now.find(".//div[@class='earlier-criteria']"))
    assert "22 June 2016" in earlier and "Replaced by" in earlier and "2293" in earlier
    then = by_id(get_page(client, "/sanctions?as_of=2016-01-01"), "drc")
    table = then.find(".//table[@class='criteria']")
    assert table.find(".//a[@href='/id/provision/sc-res-2198-2015-para-5-d']") is not None
    assert table.find(".//a[@href='/id/provision/sc-res-2293-2016-para-7-d']") is None


def test_a_regime_page_speaks_for_its_date(client):
    tree = get_page(client, "/sanctions/mali?as_of=2023-08-31")
    assert "In force since 5 September 2017" in text(tree.find(".//main"))  # the last day
    tree = get_page(client, "/sanctions/mali?as_of=2023-09-01")
    assert "Ended: last day in force 31 August 2023" in text(tree.find(".//main"))
    tree = get_page(client, "/sanctions/haiti?as_of=2020-06-01")
    assert "Not yet in force (from 21 October 2022)" in text(tree.find(".//main"))
    get_page(client, "/sanctions/atlantis", 404)


@pytest.mark.parametrize("path", ["/sanctions", "/sanctions/mali"])
@pytest.mark.parametrize("bad", ["2020-13-01", "yesterday", "0999-01-01"])
def test_a_bad_as_of_is_a_400_that_names_it(client, path, bad):
    response = client.get(f"{path}?as_of={bad}", headers=HTML)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "as_of" in page and bad.split("-")[0] in page
    assert "Traceback" not in page


# --- In a real browser ------------------------------------------------------------------------


def _mali_status(page) -> str:
    return page.locator("#summary-mali").get_by_role("cell").first.inner_text()


def test_the_sanctions_page_as_of_2020_and_today_differ_for_mali(page):
    page.goto("/sanctions")
    assert page.get_by_text(re.compile(r"\(today\)")).is_visible()
    assert _mali_status(page).startswith("Ended: last day in force 31 August 2023")
    assert page.locator("#status-mali").get_by_text("vetoed", exact=False).is_visible()
    shot(page, "sanctions-today")

    date = page.get_by_label("Show as of")
    date.fill("2020-06-01")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"as_of=2020-06-01"))
    assert page.get_by_text("1 June 2020").first.is_visible()
    assert _mali_status(page) == "In force since 5 September 2017"
    assert page.locator("#haiti").count() == 0
    assert axe_violations(page) == []
    shot(page, "sanctions-2020")

    page.locator("#h-mali").get_by_role("link", name="Mali sanctions regime").click()
    page.wait_for_url(re.compile(r"/sanctions/mali\?as_of=2020-06-01"))
    assert page.get_by_role("heading", level=1, name="Mali sanctions regime").is_visible()
    assert page.get_by_role("link", name="Show as of today").is_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Show as of today").click()
    assert page.locator("#status-mali").get_by_text("Ended: last day in force 31 August 2023").is_visible()

"""Shared by the tests that drive Debian's Chromium with Playwright: launch flags, screenshots and
the axe-core accessibility check.
The `browser` and `page` fixtures are in conftest.py."""

from __future__ import annotations

import itertools
from pathlib import Path

from tipkg.training.render import CHROMIUM_FLAGS as _FLAGS

SCREENSHOTS = Path(__file__).resolve().parent / "output" / "screenshots"
# The project's one list of Chromium flags (without the background-networking ones Chromium tries to
# reach the network at every start); the PDF-only flag does not matter to Playwright.
CHROMIUM_FLAGS = list(_FLAGS)


def shot(page, name: str, full_page: bool = True) -> Path:
    """Write a screenshot for people to look at, and check that it is not blank."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    assert path.stat().st_size > 10_000
    return path


def axe_violations(page, rules=("wcag2a", "wcag2aa"), impacts=None) -> list[str]:
    """Run axe-core (the app's own copy from npm) on the page; its violations of ``rules``, each as
    "rule: first targets", only those of the given ``impacts`` when named."""
    page.add_script_tag(url="/vendor/axe-core/axe.min.js")
    return page.evaluate(
        """async ([rules, impacts]) => (await axe.run(document, {runOnly: rules})).violations
            .filter(v => !impacts || impacts.includes(v.impact))
            .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))""",
        [list(rules), list(impacts) if impacts else None],
    )


# Each chart's year labels as uPlot drew them on its canvas: the text, its centre and its width in
# the axis font (uPlot keeps the drawn ticks and values on the axis; figures.js keeps the chart).
_DRAWN_YEAR_LABELS = """() => [...document.querySelectorAll('.figure-chart[data-drawn=true]')].map(element => {
  const chart = element.chart, axis = chart.axes[0];
  const probe = document.createElement('canvas').getContext('2d');
  probe.font = axis.font[0].replace(/\\d+px/, (axis.font[2] || 12) + 'px');
  return axis._splits.map((tick, i) => ({
    text: String(axis._values[i]),
    centre: chart.valToPos(tick, 'x'),
    width: probe.measureText(String(axis._values[i])).width,
  })).filter(label => label.text);
})"""


def overlapping_year_labels(page) -> list[str]:
    """Pairs of neighbouring year labels of the page's charts that a reader sees run together, and
    the number of charts read (so that a page with no chart drawn cannot pass unseen)."""
    charts = page.evaluate(_DRAWN_YEAR_LABELS)
    assert charts and all(charts), "no chart with year labels was drawn"
    clashes = []
    for labels in charts:
        for left, right in itertools.pairwise(labels):
            if right["centre"] - left["centre"] < (left["width"] + right["width"]) / 2 + 2:
                clashes.append(f"{left['text']} and {right['text']}")
    return clashes

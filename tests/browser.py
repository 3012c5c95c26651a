"""Shared by the tests that drive Debian's Chromium with Playwright: launch flags, screenshots and
the axe-core accessibility check.
The `browser` and `page` fixtures are in conftest.py."""

from __future__ import annotations

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

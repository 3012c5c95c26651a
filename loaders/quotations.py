"""Every verbatim quotation of a provision, checked against the provision's official text.

A quotation must be found in the official text of the provision it is attached to (the provision's
own words and those of its sub-divisions), after normalising whitespace, quote marks and dashes
only. A mismatch names the curated file and line, the provision, the quotation and the nearest
official wording, so that the curator can fix it.

>>> normalise("“Child”  shall\\nmean – any")
'"Child" shall mean - any'
>>> nearest("set forth in subparagraph a) of this", "exploitation set forth in subparagraph (a) of this article")
'set forth in subparagraph (a) of this article'
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "‑": "-"})


def normalise(text: str) -> str:
    """Whitespace, quote marks and dashes made uniform; nothing else."""
    text = text.translate(_QUOTES).replace("``", '"').replace("''", '"')
    return " ".join(text.split())


def nearest(quotation: str, official: str) -> str:
    """The stretch of ``official`` closest to ``quotation``: as long as it, around the longest
    run of words they share."""
    quote, text = normalise(quotation), normalise(official)
    matcher = difflib.SequenceMatcher(None, text, quote, autojunk=False)
    match = matcher.find_longest_match(0, len(text), 0, len(quote))
    start = max(0, match.a - match.b)
    end = min(len(text), start + len(quote) + 2)
    while start > 0 and text[start - 1] != " ":  # whole words
        start -= 1
    while end < len(text) and text[end] != " ":
        end += 1
    return text[start:end].strip()


@dataclass(frozen=True)
class Mismatch:
    where: str  # file:line of the quotation in the curated Turtle
    provision: str
    quotation: str
    official: str  # the nearest official wording, or why there is none

    def __str__(self) -> str:
        return (
            f"{self.where}: the quotation of {self.provision} is not in its official text\n"
            f"      quoted:   {self.quotation}\n      official: {self.official}"
        )


def quotation_line(ontology_dir: Path | None, path: str | None, provision: str, prefixes_of: str) -> str:
    """``file:line`` of the provision's ``tip:quotation`` in the curated Turtle (the file alone
    when it cannot be read). ``prefixes_of`` is the provision's local name after ``pr:``."""
    if path is None:
        return "(file unknown)"
    if ontology_dir is None or not (ontology_dir / path).is_file():
        return path
    lines = (ontology_dir / path).read_text(encoding="utf-8").splitlines()
    start = next(
        (
            n
            for n, line in enumerate(lines)
            if re.match(rf"^(?:pr:{re.escape(prefixes_of)}|<{re.escape(provision)}>)(?![\w-])", line)
        ),
        None,
    )
    if start is None:
        return path
    for n in range(start, len(lines)):
        if "tip:quotation" in lines[n]:
            return f"{path}:{n + 1}"
        if n > start and lines[n].rstrip().endswith(" ."):
            break
    return f"{path}:{start + 1}"


def check(quotation: str, official: str | None) -> str | None:
    """None when ``quotation`` is in ``official``; else the nearest official wording."""
    if official is None:
        return "(the official text has no such article or sub-division)"
    if normalise(quotation) in normalise(official):
        return None
    return nearest(quotation, official)

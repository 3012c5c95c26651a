"""Official treaty texts to trees of articles, paragraphs and sub-paragraphs, with where each came from.

Two layouts are read: the Dutch treaty database's Markdown (English text first, a Dutch translation
after it) and public-law's JSON of the Rome Statute. Both become ``Article`` trees whose units carry
the path a citation names (``("7", "2", "c")``), their own line of text, and the file line (or JSON
element) they start on, so that every later error can say where.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tipkg.errors import TipkgError


class TextError(TipkgError):
    """An official text that cannot be read: the message names file and line."""


@dataclass
class Unit:
    """A paragraph or sub-paragraph: its label in the citation, its own text and its parts."""

    label: str
    marker: str  # the kind of numbering: "num", "alpha", "roman", "alphadot"
    text: str
    line: int
    children: list[Unit] = field(default_factory=list)

    def full_text(self) -> str:
        """The unit with everything below it, one line per unit, in the text's order."""
        return "\n".join([self.text, *(child.full_text() for child in self.children)]).strip()

    def walk(self, path: tuple[str, ...]):
        """``(path, unit)`` for this unit and every unit below it."""
        here = (*path, self.label)
        yield here, self
        for child in self.children:
            yield from child.walk(here)


@dataclass
class Article:
    number: str  # "3", "8 bis"
    heading: str | None
    part: tuple[str, str | None] | None  # (number, title)
    line: int
    intro: str = ""
    units: list[Unit] = field(default_factory=list)

    def full_text(self) -> str:
        return "\n".join([self.intro, *(u.full_text() for u in self.units)]).strip()

    def walk(self):
        """``(path below the article, unit)`` for every paragraph and sub-paragraph."""
        for unit in self.units:
            yield from unit.walk(())


_MARKERS = (
    ("num", re.compile(r"^(\d+)\.(?:\s+|$|(?=[A-Z]))")),  # "1.Slavery is" in the 1926 text
    ("num", re.compile(r"^\((\d+)\)\s*")),
    ("roman", re.compile(r"^\(([ivxl]{2,})\)\s*")),
    ("alpha", re.compile(r"^\(?([a-z])\)\s*")),
    ("alphadot", re.compile(r"^([a-z])\.\s*")),
)
_PREVIOUS_LETTER = {"i": "h", "v": "u", "x": "w", "l": "k"}


def _marker(line: str, stack: list[Unit]) -> tuple[str, str, str] | None:
    """``(kind, label, rest)`` when ``line`` starts a numbered unit. A one-letter ``(i)``, ``(v)`` or
    ``(x)`` is a roman numeral unless it follows the letter before it in the alphabet."""
    for kind, pattern in _MARKERS:
        match = pattern.match(line)
        if not match:
            continue
        label = match.group(1)
        if kind == "alpha" and label in _PREVIOUS_LETTER:
            previous = next((u for u in reversed(stack) if u.marker == "alpha"), None)
            follows = previous is not None and previous.label == _PREVIOUS_LETTER[label]
            if not follows and any(u.marker == "alpha" for u in stack):
                kind = "roman"
        return kind, label, line[match.end() :]
    return None


def fill(article: Article, lines: list[tuple[int, str]]) -> None:
    """Nest the numbered lines of an article: a kind of numbering seen before closes the units
    opened after it; a new kind opens a level below the current one."""
    stack: list[Unit] = []
    for number, raw in lines:
        line = raw.strip()
        if not line:
            continue
        found = _marker(line, stack)
        if found is None:
            if stack:
                stack[-1].text = f"{stack[-1].text} {line}".strip()
            else:
                article.intro = f"{article.intro} {line}".strip()
            continue
        kind, label, _rest = found
        while stack and kind in {u.marker for u in stack}:
            if stack.pop().marker == kind:
                break
        unit = Unit(label=label, marker=kind, text=line, line=number)
        (stack[-1].children if stack else article.units).append(unit)
        stack.append(unit)


_ARTICLE = re.compile(r"^###\s*Article\s+(\d+(?:\s+(?:bis|ter|quater))?)\s*$", re.IGNORECASE)
_STOP = re.compile(r"^###\s*(ANNEX\b|Recommendation\b|Artikel\b)", re.IGNORECASE)
_PART = re.compile(r"^###\s*(?:(PART|CHAPTER|SECTION|TITLE)\s+)?([IVXLC]+|\d+)\s*$", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
# The Dutch database writes the UN's "(a)" as "a)"; cross-references follow its lettering, so the
# official form is restored where a (sub)paragraph is named by its letter.
_REFERENCE = re.compile(r"\b((?:sub-?)?paragraphs?|and|or|to) ([a-z])\)")
_EDITORIAL = re.compile(r"^Treedt in werking\b")  # the database's Dutch note on entry into force


def _clean(line: str) -> str:
    line = _LINK.sub(r"\1", _TAG.sub("", line)).replace("``", "\u201c")
    return _REFERENCE.sub(lambda m: f"{m.group(1)} ({m.group(2)})", line)


def english_end(lines: list[str]) -> int:
    """Index of the first line after the English text: the Dutch title repeated, an annex, a
    recommendation appended to a convention, or the first Dutch article heading."""
    dutch = next((ln[2:].strip().casefold()[:20] for ln in lines if re.match(r"^##[^#]", ln)), None)
    for index, line in enumerate(lines):
        if index > 5 and dutch and line.startswith("####") and line[4:].strip().casefold()[:20] == dutch:
            return index
        if _STOP.match(line):
            return index
    return len(lines)


def parse_markdown(name: str, text: str) -> list[Article]:
    """The English articles of one Markdown treaty file; a heading that cannot be read, or an article
    number seen twice, is a TextError naming ``name`` and the line."""
    lines = text.splitlines()
    reader = _MarkdownReader(name)
    for index, raw in enumerate(lines[: english_end(lines)]):
        if not reader.feed(index + 1, raw.rstrip()):
            break
    reader.close()
    if not reader.articles:
        raise TextError(f"{name}: no article headings ('### Article N') in the English text")
    return reader.articles


class _MarkdownReader:
    """Reads a file's lines in turn: headings open articles and parts, other lines fill them."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.articles: list[Article] = []
        self.part: tuple[str, str | None] | None = None
        self.body: list[tuple[int, str]] = []
        self.pending_title: str | None = None  # "part" or "article": what a following #### line titles
        self.seen: dict[str, int] = {}

    def close(self) -> None:
        if self.articles:
            fill(self.articles[-1], self.body)
        self.body = []

    def feed(self, number: int, line: str) -> bool:
        """Take one line; False when the English text has ended."""
        if line.startswith("####"):
            return self._title(line)
        if line.startswith("###"):
            self._heading(number, line)
        elif line.strip() and not _EDITORIAL.match(line.strip()):
            self.pending_title = None
            if self.articles:
                self.body.append((number, _clean(line)))
        return True

    def _title(self, line: str) -> bool:
        if self.pending_title is None and self.articles:
            return False  # a title that heads no article or part: the translation begins
        title = _clean(line[4:]).strip() or None
        if self.pending_title == "article" and self.articles and self.articles[-1].heading is None:
            self.articles[-1].heading = title
        elif self.pending_title == "part" and self.part is not None:
            self.part = (self.part[0], title)
        self.pending_title = None
        return True

    def _heading(self, number: int, line: str) -> None:
        match = _ARTICLE.match(line)
        if match:
            self.close()
            label = re.sub(r"\s+", " ", match.group(1)).lower()
            if label in self.seen:
                raise TextError(
                    f"{self.name}:{number}: article {label} again (first at line {self.seen[label]})"
                )
            self.seen[label] = number
            self.articles.append(Article(number=label, heading=None, part=self.part, line=number))
            self.pending_title = "article"
            return
        part_match = _PART.match(line)
        if not part_match or re.match(r"^###\s*Article", line, re.IGNORECASE):
            raise TextError(f"{self.name}:{number}: cannot read the heading {line.strip()!r}")
        self.close()
        self.part, self.pending_title = (part_match.group(2), None), "part"


def parse_rome_json(name: str, data: object) -> tuple[dict, list[Article], list[dict]]:
    """``(metadata, articles, footnotes)`` of public-law's Rome Statute JSON. Lines in errors are
    ``element N`` of the top-level array."""
    if not isinstance(data, list):
        raise TextError(f"{name}: expected a JSON array of metadata, part, article and footnote objects")
    metadata: dict = {}
    parts: dict[int, str | None] = {}
    articles: list[Article] = []
    footnotes: list[dict] = []
    for index, element in enumerate(data, start=1):
        kind = next(iter(element), None) if isinstance(element, dict) and len(element) == 1 else None
        value = element.get(kind) if kind else None
        if kind not in {"metadata", "part", "article", "footnote"} or not isinstance(value, dict):
            raise TextError(f"{name}: element {index}: not one of metadata, part, article, footnote")
        if kind == "metadata":
            metadata = value
        elif kind == "part":
            parts[int(value["number"])] = value.get("name")
        elif kind == "footnote":
            footnotes.append(value)
        else:
            try:
                number, text, part_number = str(value["number"]), value["text"], int(value["part_number"])
            except (KeyError, TypeError, ValueError) as exc:
                raise TextError(f"{name}: element {index}: article without {exc}") from exc
            article = Article(
                number=number.lower(),
                heading=value.get("name"),
                part=(str(part_number), parts.get(part_number)),
                line=index,
            )
            fill(article, list(enumerate(text.split("\n"), start=1)))
            articles.append(article)
    if not articles:
        raise TextError(f"{name}: no article elements")
    return metadata, articles, footnotes

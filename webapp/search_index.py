"""The search engine behind /search, free of Flask: an index built once per build from the rows of
``search-label-index`` (what can be found, with its label and kind) and of ``search-text`` for each
property ``search-fields`` names (the values looked in), phrase search in those values ranked against
the labels, typo correction and near-label suggestions by trigrams, and highlighting. A search asks
the store nothing: what it looks in is bounded by the curated graph and the loaded data sets'
descriptions (victim records carry no searchable text), a few thousand values.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from tipkg import queries
from tipkg.queries.rows import Row, rows
from tipkg.terms import skos, tip

SNIPPET = 220
# Kinds a reader most often looks for come first among equally good matches; the machinery of the
# assessment (requirements, conditions, remarks) last. A ranking of this page's results, not a fact
# about the kinds: it stays with the page that ranks.
KIND_ORDER = (
    "ExploitativePurpose",
    "CRSVForm",
    "Act",
    "Means",
    "OtherConduct",
    "GraveViolation",
    "AtrocityCrime",
    "Qualification",
    "GlossaryTerm",
    "Treaty",
    "Article",
    "Paragraph",
    "SubParagraph",
)
KIND_LAST = ("Requirement", "ConditionalProvision", "Remark", "ComparisonPoint")
# SKOS's classes carry no English label in the graph (the SKOS vocabulary is not loaded).
SKOS_LABELS = {"Concept": "concept", "ConceptScheme": "concept scheme"}
CORRECTION_CUTOFF = 0.75  # difflib's ratio a label word needs to replace a word of the query

_WORD = re.compile(r"[^\W\d_]{3,}")


@dataclass
class Entry:
    iri: str
    label: str
    kind: str
    kind_label: str
    alts: list[str] = field(default_factory=list)


@dataclass
class LabelIndex:
    build: str
    entries: dict[str, Entry]
    words: dict[int, list[str]]  # vocabulary of label words, by length
    trigrams: dict[str, set[str]]  # trigram -> IRIs whose label or alternative label has it
    names: dict[str, list[str]]  # IRI -> its label and alternative labels, normalised
    name_grams: dict[str, frozenset[str]]  # normalised name -> its trigrams
    word_grams: dict[str, list[str]]  # trigram -> the vocabulary's words that have it
    texts: list[Text] = field(default_factory=list)  # the values searched, of indexed resources only


@dataclass(frozen=True)
class Text:
    iri: str
    field: str  # "label", "alt" or "text"
    value: str
    lowered: str  # what a search compares, as SPARQL's LCASE would have it


def norm(text: str) -> str:
    """Lower case, accents and runs of white space removed: what search compares.

    >>> norm("  Traite  des ÊTRES ")
    'traite des etres'
    """
    if not text.isascii():  # ASCII has no accents to take off
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.lower().split())


def grams(text: str) -> set[str]:
    padded = f"  {norm(text)} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def kind_of(type_iri: str) -> str:
    for namespace in (tip.NS, skos.NS):
        if type_iri.startswith(namespace):
            return type_iri[len(namespace) :]
    return type_iri.rsplit("/", 1)[-1]


def kind_rank(kind: str) -> tuple[int, int]:
    if kind in KIND_ORDER:
        return (0, KIND_ORDER.index(kind))
    if kind in KIND_LAST:
        return (2, KIND_LAST.index(kind))
    return (1, 0)


def load_index(store: Any, build: str, base: str | None = None) -> LabelIndex:
    """The label index of ``store``'s graph (``build`` names the build it was made from)."""
    index = make_index(build, rows(queries.select(store, "search-label-index", base=base)))
    for field_row in rows(queries.select(store, "search-fields", base=base)):
        field_name = str(field_row["field"])
        for row in rows(
            queries.select(store, "search-text", {"property": str(field_row["property"])}, base=base)
        ):
            iri = str(row["resource"])
            if iri in index.entries:
                value = str(row["value"])
                index.texts.append(Text(iri, field_name, value, value.lower()))
    return index


def _entries(found: list[Row]) -> tuple[dict[str, Entry], dict[str, list[str]]]:
    entries: dict[str, Entry] = {}
    alts: dict[str, list[str]] = {}
    for row in found:
        iri = str(row["resource"])
        if row["alt"] is not None:
            alts.setdefault(iri, []).append(row["alt"])
            continue
        kind = kind_of(str(row["type"]))
        entry = entries.get(iri)
        if entry is None or kind_rank(kind) < kind_rank(entry.kind):
            label = (row["typeLabel"] or SKOS_LABELS.get(kind, kind)).strip()
            entries[iri] = Entry(iri, str(row["label"]), kind, label[:1].upper() + label[1:])
    return entries, alts


def make_index(build: str, found: list[Row]) -> LabelIndex:
    entries, alts = _entries(found)
    words: dict[int, set[str]] = {}
    trigrams: dict[str, set[str]] = {}
    names: dict[str, list[str]] = {}
    for iri, entry in entries.items():
        entry.alts = sorted(set(alts.get(iri, [])))
        names[iri] = [norm(n) for n in (entry.label, *entry.alts)]
        for name in names[iri]:
            for word in _WORD.findall(name):
                words.setdefault(len(word), set()).add(word)
            for gram in grams(name):
                trigrams.setdefault(gram, set()).add(iri)
    name_grams = {name: frozenset(grams(name)) for all_names in names.values() for name in all_names}
    word_grams: dict[str, list[str]] = {}
    for word in sorted({w for by_length in words.values() for w in by_length}):
        for gram in grams(word):
            word_grams.setdefault(gram, []).append(word)
    by_length = {n: sorted(w) for n, w in words.items()}
    return LabelIndex(build, entries, by_length, trigrams, names, name_grams, word_grams)


@dataclass
class Hit:
    entry: Entry
    rank: int
    field: str
    value: str

    def key(self) -> tuple[int, int, int, tuple[int, int], str]:
        # Equal labels: the kind decides; otherwise the shorter label, the nearer to the text, wins.
        tier = kind_rank(self.entry.kind)
        return (self.rank, tier[0], len(self.entry.label), tier, self.entry.label.lower())


def _rank(field_name: str, value: str, needle: str) -> int:
    if field_name == "label":
        lowered = norm(value)
        return 0 if lowered == needle else 1 if lowered.startswith(needle) else 2
    return 3 if field_name == "alt" else 4


def find(index: LabelIndex, text: str, extra: tuple[str, ...] = ()) -> list[Hit]:
    """Resources whose fields contain ``text`` (and every word of ``extra``), best first."""
    needle = norm(text)
    best: dict[str, Hit] = {}
    for found in index.texts:
        if needle not in found.lowered:
            continue
        entry, value, kind = index.entries[found.iri], found.value, found.field
        if extra and not all(word in norm(value) for word in extra):
            continue
        hit = Hit(entry, _rank(kind, value, needle), kind, value)
        if entry.iri not in best or hit.key() < best[entry.iri].key():
            best[entry.iri] = hit
    return sorted(best.values(), key=Hit.key)


def correct(index: LabelIndex, text: str) -> str | None:
    """The query with each unknown word replaced by the closest word of the labels, if any changed."""
    changed, out = False, []
    for word in norm(text).split():
        if len(word) < 3 or not word.isalpha() or word in index.words.get(len(word), ()):
            out.append(word)
            continue
        match = closest_word(index, word)
        if match:
            out.append(match)
            changed = True
        else:
            out.append(word)
    return " ".join(out) if changed else None


def closest_word(index: LabelIndex, word: str) -> str | None:
    """The label word most like ``word`` by difflib's ratio, at least ``CORRECTION_CUTOFF``, as
    ``difflib.get_close_matches`` would pick it, but among the words of about the same length that
    share a trigram with ``word`` only (the trigram index finds them; a word that shares none is
    at best a four-letter near miss)."""
    candidates = {
        candidate
        for gram in grams(word)
        for candidate in index.word_grams.get(gram, ())
        if abs(len(candidate) - len(word)) <= 2
    }
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word)
    best: tuple[float, str] | None = None
    for candidate in candidates:
        matcher.set_seq1(candidate)
        if matcher.real_quick_ratio() < CORRECTION_CUTOFF or matcher.quick_ratio() < CORRECTION_CUTOFF:
            continue
        score = matcher.ratio()
        if score >= CORRECTION_CUTOFF and (best is None or (score, candidate) > best):
            best = (score, candidate)
    return best[1] if best else None


def suggest(index: LabelIndex, text: str, limit: int = 8) -> list[Entry]:
    """Labels that look most like ``text``, by trigram overlap and then difflib's ratio."""
    wanted = grams(text)
    shared: Counter[str] = Counter()
    for gram in wanted:
        for iri in index.trigrams.get(gram, ()):
            shared[iri] += 1
    needle = norm(text)
    scored = []
    for iri, count in shared.most_common(200):
        score = max(
            count / len(wanted | index.name_grams[name])
            + difflib.SequenceMatcher(None, needle, name).ratio() / 2
            for name in index.names[iri]
        )
        scored.append((score, iri))
    scored.sort(key=lambda pair: (-pair[0], kind_rank(index.entries[pair[1]].kind)))
    seen: set[str] = set()
    out: list[Entry] = []
    for score, iri in scored:
        entry = index.entries[iri]
        if score < 0.35 or entry.label.lower() in seen:
            continue
        seen.add(entry.label.lower())
        out.append(entry)
        if len(out) == limit:
            break
    return out


def _spans(text: str, terms: list[str]) -> list[list[int]]:
    """Where ``terms`` occur in ``text``, overlapping matches merged."""
    spans: list[tuple[int, int]] = []
    for term in terms:
        pattern = re.compile(r"\s+".join(re.escape(part) for part in term.split()), re.IGNORECASE)
        spans.extend(m.span() for m in pattern.finditer(text))
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def _window(text: str, first: int) -> tuple[int, int]:
    """A snippet's bounds around ``first``, cut at spaces."""
    lo = max(0, first - SNIPPET // 3)
    if lo:
        space = text.find(" ", lo)
        lo = space + 1 if 0 <= space < first else lo
    hi = min(len(text), lo + SNIPPET)
    if hi < len(text):
        space = text.rfind(" ", lo, hi)
        hi = space if space > lo else hi
    return lo, hi


def highlight(text: str, terms: list[str], *, snippet: bool = False) -> Markup:
    """``text`` escaped, with every occurrence of ``terms`` in <mark>; cut around the first match."""
    merged = _spans(text, [t for t in terms if t])
    lo, hi = 0, len(text)
    if snippet and len(text) > SNIPPET:
        lo, hi = _window(text, merged[0][0] if merged else 0)
    out, cursor = [], lo
    if lo > 0:
        out.append("… ")
    for start, end in merged:
        if end <= lo or start >= hi:
            continue
        start, end = max(start, lo), min(end, hi)
        out.append(escape(text[cursor:start]))
        out.append(Markup("<mark>") + escape(text[start:end]) + Markup("</mark>"))
        cursor = end
    out.append(escape(text[cursor:hi]))
    if hi < len(text):
        out.append(" …")
    return Markup("").join(out)

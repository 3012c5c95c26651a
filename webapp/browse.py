"""Pages that list and find things: search, the elements of trafficking, grave violations, CRSV,
atrocity crimes, the glossary, the indicators checklist and the worked examples.

Every page runs named queries (``browse-*``, ``search-*``) and groups their rows; nothing here
walks the graph. Search ranks the rows of ``search-text`` against a label index built once per
build (``search-label-index``, kept by ``tipkg.webapp.cache``) and falls back to fuzzy
matching over that index when the phrase is not found.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, render_template, request, url_for
from markupsafe import Markup, escape

from tipkg import queries
from tipkg.assessment.cases import load_cases
from tipkg.assessment.facts import CONTEXT_FLAGS, LIST_KEYS
from tipkg.webapp import cache

bp = Blueprint("browse", __name__)

MAX_QUERY = 200
MAX_RESULTS = 100
SNIPPET = 220
TIP = "https://w3id.org/tipkg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
# Kinds a reader most often looks for come first among equally good matches; the machinery of the
# assessment (requirements, conditions, remarks) last.
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
SKOS_LABELS = {"Concept": "concept", "ConceptScheme": "concept scheme"}
KIND_LAST = ("Requirement", "ConditionalProvision", "Remark", "ComparisonPoint")
WAYS_IN = (
    ("Elements of trafficking", "/elements"),
    ("Instruments", "/instruments"),
    ("Grave violations against children", "/grave-violations"),
    ("Conflict-related sexual violence", "/crsv"),
    ("Atrocity crimes", "/atrocity-crimes"),
    ("Sanctions regimes", "/sanctions"),
    ("Indicators", "/indicators"),
    ("Glossary", "/glossary"),
    ("Worked examples", "/examples"),
    ("Overlap matrix", "/matrix"),
)


def _store():
    from tipkg.webapp import current_store

    return current_store()


def _base() -> str:
    return current_app.config["TIPKG_SETTINGS"].base_iri


def _run(name: str, params: dict | None = None) -> list[dict]:
    """The rows of a named query as dicts of plain values (None for unbound)."""
    rows = queries.run(_store(), name, params, base=_base())
    names = [v.value for v in rows.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in rows]


def _local(iri: str) -> str:
    from tipkg.webapp.pages import local

    return local(iri)


def _order(value: str | None) -> float:
    try:
        return float(value) if value is not None else float("inf")
    except ValueError:
        return float("inf")


# ---------------------------------------------------------------------------------------------
# The label index: once per build
# ---------------------------------------------------------------------------------------------


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


_WORD = re.compile(r"[^\W\d_]{3,}")


def _norm(text: str) -> str:
    """Lower case, accents and runs of white space removed: what search compares."""
    if not text.isascii():  # ASCII has no accents to take off
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.lower().split())


def _grams(text: str) -> set[str]:
    padded = f"  {_norm(text)} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def per_build(name: str, make):
    """``make()``'s value, computed once per build: list pages change only with a build."""
    return cache.per_build(f"browse:{name}", None, make)


def _kind(type_iri: str) -> str:
    for namespace in (TIP, SKOS):
        if type_iri.startswith(namespace):
            return type_iri[len(namespace) :]
    return type_iri.rsplit("/", 1)[-1]


def label_index() -> LabelIndex:
    """The label index of the build being served, built on first use and kept per build."""
    return cache.per_build(
        "browse:label-index", None, lambda: _make_index(cache.build_id(), _run("search-label-index"))
    )


def _make_index(build: str, rows: list[dict]) -> LabelIndex:
    entries: dict[str, Entry] = {}
    alts: dict[str, list[str]] = {}
    for row in rows:
        if row["alt"] is not None:
            alts.setdefault(row["resource"], []).append(row["alt"])
            continue
        iri, kind = row["resource"], _kind(row["type"])
        entry = entries.get(iri)
        if entry is None or _kind_rank(kind) < _kind_rank(entry.kind):
            label = (row["typeLabel"] or SKOS_LABELS.get(kind, kind)).strip()
            entries[iri] = Entry(iri, row["label"], kind, label[:1].upper() + label[1:])
    words: dict[int, set[str]] = {}
    trigrams: dict[str, set[str]] = {}
    names: dict[str, list[str]] = {}
    for iri, entry in entries.items():
        entry.alts = sorted(set(alts.get(iri, [])))
        names[iri] = [_norm(n) for n in (entry.label, *entry.alts)]
        for name in names[iri]:
            for word in _WORD.findall(name):
                words.setdefault(len(word), set()).add(word)
            for gram in _grams(name):
                trigrams.setdefault(gram, set()).add(iri)
    name_grams = {name: frozenset(_grams(name)) for all_names in names.values() for name in all_names}
    word_grams: dict[str, list[str]] = {}
    for word in sorted({w for by_length in words.values() for w in by_length}):
        for gram in _grams(word):
            word_grams.setdefault(gram, []).append(word)
    return LabelIndex(
        build,
        entries,
        {n: sorted(w) for n, w in words.items()},
        trigrams,
        names,
        name_grams,
        word_grams,
    )


def _kind_rank(kind: str) -> tuple[int, int]:
    if kind in KIND_ORDER:
        return (0, KIND_ORDER.index(kind))
    if kind in KIND_LAST:
        return (2, KIND_LAST.index(kind))
    return (1, 0)


# ---------------------------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------------------------


@dataclass
class Hit:
    entry: Entry
    rank: int
    field: str
    value: str

    def key(self):
        # Equal labels: the kind decides; otherwise the shorter label, the nearer to the text, wins.
        tier = _kind_rank(self.entry.kind)
        return (self.rank, tier[0], len(self.entry.label), tier, self.entry.label.lower())


def _search(index: LabelIndex, text: str, extra: tuple[str, ...] = ()) -> list[Hit]:
    """Resources whose fields contain ``text`` (and every word of ``extra``), best first."""
    needle = _norm(text)
    best: dict[str, Hit] = {}
    for row in _run("search-text", {"text": needle}):
        entry = index.entries.get(row["resource"])
        if entry is None:
            continue
        value, kind = row["value"], row["field"]
        if extra:
            lowered = _norm(value)
            if not all(word in lowered for word in extra):
                continue
        if kind == "label":
            lowered = _norm(value)
            rank = 0 if lowered == needle else 1 if lowered.startswith(needle) else 2
        else:
            rank = 3 if kind == "alt" else 4
        hit = Hit(entry, rank, kind, value)
        if row["resource"] not in best or hit.key() < best[row["resource"]].key():
            best[row["resource"]] = hit
    return sorted(best.values(), key=Hit.key)


CORRECTION_CUTOFF = 0.75  # difflib's ratio a label word needs to replace a word of the query


def _correct(index: LabelIndex, text: str) -> str | None:
    """The query with each unknown word replaced by the closest word of the labels, if any changed."""
    changed, out = False, []
    for word in _norm(text).split():
        if len(word) < 3 or not word.isalpha() or word in index.words.get(len(word), ()):
            out.append(word)
            continue
        match = _closest_word(index, word)
        if match:
            out.append(match)
            changed = True
        else:
            out.append(word)
    return " ".join(out) if changed else None


def _closest_word(index: LabelIndex, word: str) -> str | None:
    """The label word most like ``word`` by difflib's ratio, at least ``CORRECTION_CUTOFF``, as
    ``difflib.get_close_matches`` would pick it, but among the words of about the same length that
    share a trigram with ``word`` only (the trigram index finds them; a word that shares none is
    at best a four-letter near miss)."""
    candidates = {
        candidate
        for gram in _grams(word)
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


def _suggest(index: LabelIndex, text: str, limit: int = 8) -> list[Entry]:
    """Labels that look most like ``text``, by trigram overlap and then difflib's ratio."""
    grams = _grams(text)
    shared: Counter[str] = Counter()
    for gram in grams:
        for iri in index.trigrams.get(gram, ()):
            shared[iri] += 1
    needle = _norm(text)
    scored = []
    for iri, count in shared.most_common(200):
        score = max(
            count / len(grams | index.name_grams[name])
            + difflib.SequenceMatcher(None, needle, name).ratio() / 2
            for name in index.names[iri]
        )
        scored.append((score, iri))
    scored.sort(key=lambda pair: (-pair[0], _kind_rank(index.entries[pair[1]].kind)))
    seen, out = set(), []
    for score, iri in scored:
        entry = index.entries[iri]
        if score < 0.35 or entry.label.lower() in seen:
            continue
        seen.add(entry.label.lower())
        out.append(entry)
        if len(out) == limit:
            break
    return out


def highlight(text: str, terms: list[str], *, snippet: bool = False) -> Markup:
    """``text`` escaped, with every occurrence of ``terms`` in <mark>; cut around the first match."""
    terms = [t for t in terms if t]
    spans: list[tuple[int, int]] = []
    for term in terms:
        pattern = re.compile(r"\s+".join(re.escape(part) for part in term.split()), re.IGNORECASE)
        spans.extend(m.span() for m in pattern.finditer(text))
    spans.sort()
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    lo, hi = 0, len(text)
    if snippet and len(text) > SNIPPET:
        first = merged[0][0] if merged else 0
        lo = max(0, first - SNIPPET // 3)
        if lo:
            space = text.find(" ", lo)
            lo = space + 1 if 0 <= space < first else lo
        hi = min(len(text), lo + SNIPPET)
        if hi < len(text):
            space = text.rfind(" ", lo, hi)
            hi = space if space > lo else hi
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


_KIND_PARAM = re.compile(r"^[A-Za-z]{1,60}$")


@bp.get("/search")
def search():
    raw = request.args.get("q", "")
    kind = request.args.get("kind", "").strip()
    if len(raw) > MAX_QUERY:
        abort(
            400,
            description=f"The search text is {len(raw)} characters long; searches take at most {MAX_QUERY}. "
            "Try a few words from a label, such as “sexual slavery” or “forced labour”.",
        )
    if kind and not _KIND_PARAM.match(kind):
        abort(400, description="The kind to filter by is a class name such as ExploitativePurpose.")
    text = " ".join(raw.split())
    context: dict = {"q": text, "kind": kind, "ways_in": WAYS_IN, "hits": [], "facets": []}
    if not text:
        return render_template("browse-search.html", **context)
    index = label_index()
    hits = _search(index, text)
    shown_for, terms = None, [text]
    if not hits and len(text.split()) > 1:  # every word, in any order
        words = sorted(_norm(text).split(), key=len, reverse=True)
        hits = _search(index, words[0], tuple(words[1:]))
        terms = words
    if not hits:
        corrected = _correct(index, text)
        if corrected:
            hits = _search(index, corrected)
            if not hits and len(corrected.split()) > 1:
                words = sorted(corrected.split(), key=len, reverse=True)
                hits = _search(index, words[0], tuple(words[1:]))
                terms = words
            else:
                terms = [corrected]
            shown_for = corrected if hits else None
    facets = Counter(h.entry.kind for h in hits)
    labels = {h.entry.kind: h.entry.kind_label for h in hits}
    context["facets"] = [
        {
            "kind": k,
            "label": labels[k],
            "count": n,
            "href": url_for("browse.search", q=text, kind=k),
        }
        for k, n in sorted(facets.items(), key=lambda kv: (-kv[1], labels[kv[0]]))
    ]
    context["total"] = len(hits)
    if kind:
        hits = [h for h in hits if h.entry.kind == kind]
        context["kind_label"] = labels.get(kind, kind)
    context["hits"] = [
        {
            "href": _local(h.entry.iri),
            "label": highlight(h.entry.label, terms),
            "kind": h.entry.kind_label,
            "match": (
                None
                if h.field == "label"
                else Markup("Also called: ") + highlight(h.value, terms)
                if h.field == "alt"
                else highlight(h.value, terms, snippet=True)
            ),
        }
        for h in hits[:MAX_RESULTS]
    ]
    context["shown"] = len(hits)
    context["shown_for"] = shown_for
    context["suggestions"] = (
        []
        if hits or (kind and context["total"])
        else [{"href": _local(e.iri), "label": e.label, "kind": e.kind_label} for e in _suggest(index, text)]
    )
    context["all_href"] = url_for("browse.search", q=text)
    return render_template("browse-search.html", **context)


# ---------------------------------------------------------------------------------------------
# Concept lists
# ---------------------------------------------------------------------------------------------


def scheme(slug: str) -> dict:
    """A concept scheme's label, definition and its concepts as a tree (a concept with two broader
    concepts appears under each)."""
    rows = _run("browse-scheme-concepts", {"scheme": f"{_base()}id/scheme/{slug}"})
    if not rows:
        abort(404, description=f"The graph has no concept scheme {slug!r}; rebuild it with `tipkg build`.")
    concepts: OrderedDict[str, dict] = OrderedDict()
    for row in rows:
        concept = concepts.setdefault(
            row["concept"],
            {
                "iri": row["concept"],
                "href": _local(row["concept"]),
                "label": row["label"],
                "definition": row["definition"] or row["description"],
                "order": _order(row["order"]),
                "broader": [],
                "children": [],
            },
        )
        if row["broader"] and row["broader"] not in concept["broader"]:
            concept["broader"].append(row["broader"])

    def sort(items):
        return sorted(items, key=lambda c: (c["order"], c["label"].lower()))

    children: dict[str, list[dict]] = {}
    for concept in concepts.values():
        for parent in concept["broader"]:
            if parent in concepts:
                children.setdefault(parent, []).append(concept)

    def grow(concept: dict, path: frozenset) -> dict:
        kids = [c for c in sort(children.get(concept["iri"], [])) if c["iri"] not in path]
        return {**concept, "children": [grow(k, path | {k["iri"]}) for k in kids]}

    roots = [c for c in concepts.values() if not any(p in concepts for p in c["broader"])]
    return {
        "label": rows[0]["schemeLabel"],
        "definition": rows[0]["schemeDefinition"],
        "concepts": [grow(c, frozenset({c["iri"]})) for c in sort(roots)],
        "count": len(concepts),
    }


@bp.get("/elements")
def elements():
    sections = per_build(
        "elements",
        lambda: [
            ("acts", "Acts", scheme("acts")),
            ("means", "Means", scheme("means")),
            ("purposes", "Exploitative purposes", scheme("purposes")),
            ("conduct", "Other conduct", scheme("conduct")),
        ],
    )
    return render_template("browse-elements.html", sections=sections)


@bp.get("/crsv")
def crsv():
    sections = per_build(
        "crsv",
        lambda: [
            ("forms", "Forms of conflict-related sexual violence", scheme("crsv-forms")),
            ("links", "Signs of a link to the conflict", scheme("crsv-conflict-links")),
            (
                "terrorism",
                "Sexual violence as a tactic of terrorism",
                scheme("sexual-violence-terrorism-uses"),
            ),
        ],
    )
    return render_template("browse-crsv.html", sections=sections)


def _grouped(rows: list[dict], key: str, fields: tuple[str, ...], lists: dict[str, tuple[str, ...]]):
    """Rows of one fact each, gathered into one dict per ``key``: ``fields`` taken from any row that
    has them, ``lists`` (name -> the row keys of one item) gathered without duplicates."""
    out: OrderedDict[str, dict] = OrderedDict()
    for row in rows:
        item = out.setdefault(row[key], {"iri": row[key], "href": _local(row[key]), **{n: [] for n in lists}})
        for name in fields:
            if row.get(name) is not None and item.get(name) is None:
                item[name] = row[name]
            item.setdefault(name, None)
        for name, keys in lists.items():
            if row.get(keys[0]) is not None:
                value = {k: row[k] for k in keys}
                if value not in item[name]:
                    item[name].append(value)
    return out


@bp.get("/grave-violations")
def grave_violations():
    return render_template("browse-grave-violations.html", violations=per_build("gv", _grave_violations))


def _grave_violations() -> list[dict]:
    items = _grouped(
        _run("browse-grave-violations"),
        "violation",
        ("label", "definition", "order", "triggersListing"),
        {"added_by": ("addedBy", "addedByLabel"), "related": ("related", "relatedLabel")},
    )
    return sorted(items.values(), key=lambda v: (_order(v["order"]), v["label"] or ""))


FRAMEWORK_ORDER = ("Genocide", "Crimes against humanity", "War crimes")


@bp.get("/atrocity-crimes")
def atrocity_crimes():
    groups, count = per_build("atrocity", _atrocity_crimes)
    return render_template("browse-atrocity-crimes.html", groups=groups, count=count)


def _atrocity_crimes():
    items = _grouped(
        _run("browse-atrocity-crimes"),
        "crime",
        ("label", "definition", "frameworkLabel"),
        {
            "provisions": ("provision", "provisionLabel", "quotation", "condition"),
            "overlaps": ("overlap", "overlapLabel"),
        },
    )
    groups: OrderedDict[str, list] = OrderedDict()
    for crime in sorted(items.values(), key=lambda c: c["label"] or ""):
        crime["provisions"].sort(key=lambda p: (p["condition"] is not None, p["condition"] or "", _cite(p)))
        crime["overlaps"].sort(key=lambda o: o["overlapLabel"])
        groups.setdefault(crime["frameworkLabel"] or "Other atrocity crimes", []).append(crime)
    ordered = sorted(
        groups.items(),
        key=lambda kv: (FRAMEWORK_ORDER.index(kv[0]) if kv[0] in FRAMEWORK_ORDER else 99, kv[0]),
    )
    return ordered, len(items)


def _cite(provision: dict) -> list:
    """A sort key that puts art. 7(1) before 7(1)(c) and 8(2)(b)(xxii) before 8(2)(e)(vi)."""
    parts = re.split(r"[^0-9a-z]+", provision["provisionLabel"].lower())
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p]


@bp.get("/glossary")
def glossary():
    letters, count = per_build("glossary", _glossary)
    alphabet = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    return render_template("browse-glossary.html", letters=letters, alphabet=alphabet, count=count)


def _glossary():
    items = _grouped(
        _run("browse-glossary"),
        "term",
        ("label", "definition", "order"),
        {
            "defines": ("defines", "definesLabel"),
            "sources": ("source", "sourceLabel", "document", "documentLabel", "locator"),
        },
    )
    letters: OrderedDict[str, list] = OrderedDict()
    for term in sorted(items.values(), key=lambda t: _norm(t["label"] or "")):
        term["slug"] = term["iri"].rstrip("/").rsplit("/", 1)[-1]
        for source in term["sources"]:
            if source["sourceLabel"] is None:
                source["sourceLabel"] = f"{source['documentLabel']}, {source['locator']}"
                source["href"] = _local(source["document"])
                source["pinpoint"] = True
            else:
                source["href"] = _local(source["source"])
        term["sources"].sort(key=lambda s: bool(s.get("pinpoint")))
        term["defines"].sort(key=lambda d: d["definesLabel"])
        letter = _norm(term["label"] or "?")[:1].upper()
        letters.setdefault(letter if letter.isalpha() else "#", []).append(term)
    return letters, len(items)


@bp.get("/indicators")
def indicators():
    groups, by_slug = per_build("indicators", _indicators)
    observed = request.args.getlist("observed")
    unknown = [o for o in observed if o not in by_slug]
    if unknown:
        abort(
            400,
            description=f"No indicator is called {unknown[0][:60]!r}. Tick the indicators on the checklist "
            "instead of writing their names in the address.",
        )
    summary: Counter[tuple[str, str]] = Counter()
    ticked = [by_slug[o] for o in dict.fromkeys(observed)]
    for item in ticked:
        for target in item["points_to"]:
            summary[(target["label"], target["href"])] += 1
    return render_template(
        "browse-indicators.html",
        groups=groups,
        observed=set(observed),
        ticked=ticked,
        summary=[{"label": k[0], "href": k[1], "count": n} for k, n in summary.most_common()],
        count=len(by_slug),
    )


def _indicators():
    groups: dict[str, dict] = {}
    subjects: dict[str, dict] = {}
    items: dict[str, dict] = {}
    for row in _run("browse-indicators"):
        if row["indicator"] is None and row["groupLabel"] is not None:
            groups[row["group"]] = {
                "iri": row["group"],
                "href": _local(row["group"]),
                "slug": row["group"].rsplit("/", 1)[-1],
                "label": row["groupLabel"],
                "definition": row["groupDefinition"],
                "order": _order(row["groupOrder"]),
            }
        elif row["indicator"] is None and row["subjectLabel"] is not None:
            subjects[row["subject"]] = {"label": row["subjectLabel"], "order": _order(row["subjectOrder"])}
        elif row["indicator"] is not None:
            item = items.setdefault(row["indicator"], {"iri": row["indicator"], "points_to": []})
            if row["label"] is not None:
                item.update(
                    group=row["group"],
                    subject=row["subject"],
                    label=row["label"],
                    definition=row["definition"],
                    order=_order(row["order"]),
                    slug=row["indicator"].rsplit("/", 1)[-1],
                    href=_local(row["indicator"]),
                )
            if row["indicates"] is not None:
                target = {"href": _local(row["indicates"]), "label": row["indicatesLabel"]}
                if target not in item["points_to"]:
                    item["points_to"].append(target)
    items = {iri: i for iri, i in items.items() if "slug" in i}
    for item in items.values():
        item["points_to"].sort(key=lambda t: t["label"].lower())
    for group in groups.values():
        group["subjects"] = []
        for subject_iri, subject in sorted(subjects.items(), key=lambda kv: kv[1]["order"]):
            members = sorted(
                (i for i in items.values() if i["group"] == group["iri"] and i["subject"] == subject_iri),
                key=lambda i: (i["order"], i["label"]),
            )
            if members:
                group["subjects"].append({"label": subject["label"], "indicators": members})
    ordered = sorted(groups.values(), key=lambda g: (g["order"], g["label"]))
    return ordered, {i["slug"]: i for i in items.values()}


# ---------------------------------------------------------------------------------------------
# Worked examples
# ---------------------------------------------------------------------------------------------

_TABLE_ROW = re.compile(r"/case/table-1-row-(\d+)$")


def assess_href(payload: dict) -> str | None:
    """/assess with a case's input as the form's query parameters, or None when it states no facts."""
    params: list[tuple[str, str]] = []
    for key in LIST_KEYS:
        if key in payload:
            params.extend((key, v) for v in payload[key])
            if not payload[key]:
                params.append((f"{key}_none", "1"))
    victim = payload.get("victim", {})
    if "age" in victim:
        params.append(("age", str(victim["age"])))
    elif victim.get("age_group"):
        params.append(("age_group", victim["age_group"]))
    context = payload.get("context", {})
    for name in ("armed_conflict", "perpetrator", "country"):
        if context.get(name):
            params.append((name, context[name]))
    for flag in CONTEXT_FLAGS:
        if flag in context:
            params.append((flag, "true" if context[flag] else "false"))
    if not params:
        return None
    return url_for("pages.assess") + "?" + urlencode(params)


@bp.get("/examples")
def examples():
    table, variants, others = per_build("examples", _examples)
    return render_template("browse-examples.html", table=table, variants=variants, others=others)


def _examples():
    rows = _run("browse-cases")
    inputs = load_cases(_store())
    cases: OrderedDict[str, dict] = OrderedDict()
    for row in rows:
        case = cases.setdefault(
            row["case"],
            {"iri": row["case"], "href": _local(row["case"]), "facts": {}, "no_means": False, "age": None},
        )
        for name in ("label", "description", "order", "locator"):
            if row.get(name) is not None:
                case[name] = row[name]
        key = row["key"]
        if key == "no_means":
            case["no_means"] = True
        elif key == "age":
            case["age"] = row["value"]
        elif key is not None:
            item = {"href": _local(row["value"]), "label": row["valueLabel"]}
            if item not in case["facts"].setdefault(key, []):
                case["facts"][key].append(item)
    for case in cases.values():
        for values in case["facts"].values():
            values.sort(key=lambda v: v["label"].lower())
        case.setdefault("label", case["iri"])
        payload = inputs[case["iri"]].input if case["iri"] in inputs else {}
        case["assess"] = assess_href(payload)
        match = _TABLE_ROW.search(case["iri"])
        case["row"] = int(match.group(1)) if match else None
    table = sorted((c for c in cases.values() if c["row"] is not None), key=lambda c: c["row"])
    variants = sorted(
        (c for c in cases.values() if c["row"] is None and "/case/table-1-" in c["iri"]),
        key=lambda c: c["iri"],
    )
    others = sorted(
        (c for c in cases.values() if "/case/table-1-" not in c["iri"]), key=lambda c: c["label"].lower()
    )
    return table, variants, others

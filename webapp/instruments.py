"""Instruments and resource pages: ``/instruments`` (the instruments by branch of law), the context
of every ``/id/...`` page (what a resource is, says, cites, links to and is linked from, what cites
it as a source, a page at a time, its overlaps, its neighbourhood graph and, for an instrument, its
table of contents), and ``/graph/id/...``, the neighbourhood graph as JSON."""

from __future__ import annotations

import re
from collections import Counter, OrderedDict, defaultdict
from datetime import date
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, abort, current_app, jsonify, render_template

from tipkg import queries
from tipkg.namespaces import short
from tipkg.webapp.cache import per_build

bp = Blueprint("instruments", __name__)

TIP = "https://w3id.org/tipkg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
ELI = "http://data.europa.eu/eli/ontology#"
GENID = "/.well-known/genid/"
LEGAL_INSTRUMENT = TIP + "LegalInstrument"
SOURCE = DCT + "source"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"

# Properties from vocabularies whose terms carry no label in the model, in plain words.
PROPERTY_WORDS = {
    SKOS + "broader": "broader concept",
    SKOS + "narrower": "narrower concept",
    SKOS + "related": "related",
    SKOS + "closeMatch": "close match",
    SKOS + "exactMatch": "same as",
    SKOS + "inScheme": "in scheme",
    SKOS + "topConceptOf": "top concept of",
    SKOS + "hasTopConcept": "top concept",
    SKOS + "altLabel": "also called",
    SKOS + "prefLabel": "preferred label",
    SKOS + "definition": "definition",
    SKOS + "scopeNote": "scope note",
    SKOS + "example": "example",
    SKOS + "notation": "code",
    DCT + "source": "source",
    DCT + "description": "description",
    DCT + "title": "title",
    DCT + "identifier": "identifier",
    DCT + "issued": "issued",
    DCT + "bibliographicCitation": "citation",
    DCT + "creator": "author",
    DCT + "publisher": "publisher",
    "http://www.w3.org/2000/01/rdf-schema#seeAlso": "see also",
    "http://www.w3.org/2000/01/rdf-schema#comment": "comment",
    "http://www.w3.org/2002/07/owl#sameAs": "same as",
    "http://www.w3.org/ns/prov#wasDerivedFrom": "derived from",
}
# Prose shown as paragraphs under the heading, in this order.
PROSE = [
    TIP + "quotation",
    SKOS + "definition",
    DCT + "description",
    TIP + "condition",
    TIP + "explanation",
    SKOS + "scopeNote",
]
# Shown elsewhere on the page (heading, kind, sources) or of no use to a reader.
HIDDEN = {RDF_TYPE, RDFS_LABEL, SOURCE, TIP + "order", SKOS + "topConceptOf", SKOS + "hasTopConcept"}
# How a link reads from the other end, on the page of the resource it points to.
INCOMING_WORDS = {
    TIP + "provision": "Relied on as a provision by",
    TIP + "legalBasis": "Legal basis of",
    TIP + "conduct": "Overlaps about this conduct",
    TIP + "qualification": "Overlaps with this qualification",
    TIP + "inFramework": "In this framework",
    TIP + "reaches": "Reached by",
    TIP + "concerns": "Concerning it",
    SOURCE: "Cited as a source by",
    ELI + "is_part_of": "Its parts",
    ELI + "has_part": "Part of",
    SKOS + "related": "Related",
    SKOS + "broader": "Narrower concepts",
    SKOS + "narrower": "Broader concepts",
    SKOS + "inScheme": "Concepts in this scheme",
    SKOS + "closeMatch": "Close matches",
    SKOS + "exactMatch": "Same as",
    TIP + "satisfiedBy": "Satisfies",
    TIP + "supplements": "Supplemented by",
    TIP + "supplementedBy": "Supplements",
}
INSTRUMENT_RELATIONS = [
    (TIP + "supplements", "Supplements"),
    (TIP + "supplementedBy", "Supplemented by"),
    (ELI + "amends", "Amends"),
    (ELI + "amended_by", "Amended by"),
]
PLURALS = {"designation criterion": "designation criteria"}
GRAPH_LIMIT = 60
INCOMING_LIMIT = 400
CITATIONS_PAGE = 50  # resources citing one resource, listed a page at a time


@bp.app_template_filter("upper_first")
def upper_first(text: str) -> str:
    """Capitalise the first letter only ("Security Council resolution" stays as it is)."""
    return text[:1].upper() + text[1:] if text else text


@bp.app_template_filter("human_date")
def human_date(text: str) -> str:
    """``1998-07-17`` as "17 July 1998"; years and other forms unchanged."""
    try:
        return date.fromisoformat(text).strftime("%-d %B %Y")
    except (TypeError, ValueError):
        return text


def _base() -> str:
    return current_app.config["TIPKG_SETTINGS"].base_iri


def _store():
    from tipkg.webapp import current_store

    return current_store()


def _local(iri: str) -> str | None:
    base = _base()
    return "/" + iri[len(base) :] if iri.startswith(base) and GENID not in iri else None


def _text(term) -> str | None:
    return None if term is None else term.value


def _words(prop: str, label: str | None) -> str:
    """A property in plain words: its label in the model, a known reading, or its name split."""
    if label:
        return label
    if prop in PROPERTY_WORDS:
        return PROPERTY_WORDS[prop]
    name = re.split(r"[#/]", prop)[-1]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).replace("_", " ").lower()


def plural(noun: str, count: int) -> str:
    if count == 1:
        return noun
    return PLURALS.get(noun, noun if noun.endswith("s") else noun + "s")


def natural_key(text: str) -> list:
    """Sort "art. 10" after "art. 9" and "(ii)" after "(i)" by numbers first, then text."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.findall(r"\d+|\D+", text)]


def _entry(iri: str, label: str | None, kind: str | None = None, element: bool = False) -> dict:
    return {
        "iri": iri,
        "text": label or short(iri),
        "href": _local(iri) or (iri if iri.startswith("http") else None),
        "kind": kind,
        "element": element,
    }


def resource_context(
    iri: str, rest: str, *, cited_by: str | None = None, page: str | None = None
) -> dict | None:
    """Everything the page of ``iri`` shows, or None when the graph says nothing about it.

    ``cited_by`` (a kind's slug) and ``page`` (from 1) choose which of the resources that cite it as
    a source are listed; a bad choice is a 400 or 404 with a message."""
    store = _store()
    outgoing = list(queries.run(store, "resource-outgoing", {"resource": iri}))
    if not outgoing:
        return None
    label, kinds, types = iri, [], set()
    prose: dict[str, list[str]] = defaultdict(list)
    details: OrderedDict[str, list[str]] = OrderedDict()
    relations: OrderedDict[str, list[dict]] = OrderedDict()
    relation_props: dict[str, list[dict]] = defaultdict(list)
    sources: list[dict] = []
    shown: set[str] = {iri}
    citation = in_instrument = instrument_href = None
    for row in outgoing:
        prop, value = row["property"].value, row["value"]
        is_iri = isinstance(value, ox.NamedNode)
        if prop == RDF_TYPE:
            types.add(value.value)
            if _truthy(row["mostSpecific"]) and row["valueLabel"] is not None:
                kinds.append(row["valueLabel"].value)
            continue
        if prop == RDFS_LABEL:
            label = value.value
            continue
        if prop == SOURCE:
            sources.append(_source(row))
            if is_iri:
                shown.add(value.value)
            continue
        if prop == TIP + "citation":
            citation = value.value
        if prop == TIP + "inInstrument" and row["valueLabel"] is not None:
            in_instrument = row["valueLabel"].value
            instrument_href = _local(value.value)
        if prop in HIDDEN:
            continue
        words = _words(prop, _text(row["propertyLabel"]))
        if prop in PROSE:
            prose[prop].append(value.value)
        elif is_iri and GENID not in value.value:
            entry = _entry(
                value.value, _text(row["valueLabel"]), _text(row["valueKind"]), bool(row["isElement"])
            )
            if entry not in relations.setdefault(words, []):
                relations[words].append(entry)
                relation_props[prop].append(entry)
            shown.add(value.value)
        elif not is_iri:
            details.setdefault(words, []).append(_literal(value))
    texts = [(_words(p, None), text) for p in PROSE for text in prose.get(p, [])]
    if LEGAL_INSTRUMENT in types:
        _without_parts(relations, relation_props)

    incoming_rows = list(queries.run(store, "resource-incoming", {"resource": iri}))
    incoming: OrderedDict[str, list[dict]] = OrderedDict()
    graph_in = []
    for row in incoming_rows[:INCOMING_LIMIT]:
        subject, prop = row["subject"].value, row["property"].value
        if subject in shown and prop != SOURCE:
            continue  # already listed among its relations (an inverse or symmetric link)
        heading = INCOMING_WORDS.get(prop) or f"Linked as “{_words(prop, _text(row['propertyLabel']))}”"
        entry = _entry(subject, _text(row["subjectLabel"]), _text(row["subjectKind"]), bool(row["isElement"]))
        incoming.setdefault(heading, []).append(entry)
        graph_in.append((entry, _words(prop, _text(row["propertyLabel"]))))
    for entries in incoming.values():
        entries.sort(key=lambda e: ((e["kind"] or "~"), e["text"].lower()))
    cited = citations_page(iri, rest, cited_by, page)
    graph_in.extend((entry, "source") for _, entries in cited["groups"] for entry in entries)

    context = {
        "iri": iri,
        "rest": rest,
        "label": label,
        "kinds": kinds or ["resource"],
        "texts": texts,
        "details": list(details.items()),
        "sources": sources,
        "relations": list(relations.items()),
        "incoming": list(incoming.items()),
        "incoming_truncated": len(incoming_rows) > INCOMING_LIMIT,
        "cited": cited,
        "overlaps": _overlaps(iri),
        "citation": f"{in_instrument}, {citation}" if citation and in_instrument else f"{label}, {iri}",
        "is_provision": bool(citation and in_instrument),
        "cited_in": {"text": in_instrument, "href": instrument_href, "citation": citation}
        if citation and in_instrument
        else None,
        "graph": _graph(iri, label, kinds, relations.items(), graph_in),
        "instrument": None,
    }
    if LEGAL_INSTRUMENT in types:
        context["instrument"] = _instrument(iri, relation_props)
    return context


def citations(iri: str) -> dict:
    """The resources that cite ``iri`` as a source (``resource-citations``), by kind, kept per build:
    ``kinds`` (slug, label, count) most numerous first, ``entries`` in that order of kinds, then by
    label, each with the locators its pinpoints give."""
    return per_build("resource-citations", iri, lambda: _citations(iri))


def _citations(iri: str) -> dict:
    found: OrderedDict[str, dict] = OrderedDict()
    locators: dict[str, set[str]] = defaultdict(set)
    for row in queries.run(_store(), "resource-citations", {"source": iri}):
        subject = row["subject"].value
        if subject not in found:
            found[subject] = _entry(
                subject, _text(row["subjectLabel"]), _text(row["subjectKind"]), _truthy(row["isElement"])
            )
        if row["locator"] is not None:
            locators[subject].add(row["locator"].value)
    entries = list(found.values())
    for entry in entries:
        entry["locator"] = "; ".join(sorted(locators[entry["iri"]], key=natural_key)) or None
        entry["slug"] = _slug(entry["kind"] or "other")
    counts = Counter((e["slug"], e["kind"] or "other") for e in entries)
    kinds = [
        {"slug": slug, "label": label, "count": count}
        for (slug, label), count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][1]))
    ]
    rank = {k["slug"]: n for n, k in enumerate(kinds)}
    entries.sort(key=lambda e: (rank[e["slug"]], e["text"].lower(), e["iri"]))
    return {"entries": entries, "kinds": kinds}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def citations_page(iri: str, rest: str, cited_by: str | None, page: str | None) -> dict:
    """One page of the resources citing ``iri``: all of them or those of one kind, grouped by kind,
    ``CITATIONS_PAGE`` at a time, with the counts by kind and links to the other pages."""
    found = citations(iri)
    kinds = {k["slug"]: k for k in found["kinds"]}
    if cited_by and cited_by not in kinds:
        choices = ", ".join(kinds) or "none: nothing cites this resource"
        abort(
            400,
            description=f"No resource of the kind {cited_by[:60]!r} cites this one; the kinds are: {choices}.",
        )
    try:
        number = int(page) if page else 1
    except ValueError:
        abort(400, description=f"The page {page[:20]!r} is not a whole number; pages count from 1.")
    entries = [e for e in found["entries"] if not cited_by or e["slug"] == cited_by]
    pages = max(1, -(-len(entries) // CITATIONS_PAGE))
    if not 1 <= number <= pages:
        abort(404, description=f"There is no page {number} of what cites this resource; there are {pages}.")
    shown = entries[(number - 1) * CITATIONS_PAGE : number * CITATIONS_PAGE]
    groups: OrderedDict[str, list[dict]] = OrderedDict()
    for entry in shown:
        groups.setdefault(entry["slug"], []).append(entry)

    def href(to: int | None = None, kind: str | None = cited_by) -> str:
        query = urlencode([(k, v) for k, v in (("cited_by", kind), ("page", to)) if v and v != 1])
        return f"/id/{rest}{'?' + query if query else ''}#citations"

    return {
        "total": len(found["entries"]),
        "count": len(entries),
        "kind": kinds[cited_by] if cited_by else None,
        "kinds": [{**k, "href": href(kind=k["slug"])} for k in found["kinds"]],
        "all_href": href(kind=None),
        "groups": [(kinds[slug], group) for slug, group in groups.items()],
        "first": (number - 1) * CITATIONS_PAGE + 1,
        "last": (number - 1) * CITATIONS_PAGE + len(shown),
        "page": number,
        "pages": pages,
        "previous": href(number - 1) if number > 1 else None,
        "next": href(number + 1) if number < pages else None,
    }


def _without_parts(relations: OrderedDict, relation_props: dict) -> None:
    """On an instrument's page the table of contents lists its parts: drop them from the relations."""
    parts = relation_props.pop(ELI + "has_part", [])
    for words, entries in list(relations.items()):
        kept = [e for e in entries if e not in parts]
        if kept:
            relations[words] = kept
        else:
            del relations[words]


def _literal(value: ox.Literal) -> str:
    if value.datatype.value == XSD_BOOLEAN:
        return "yes" if value.value in {"true", "1"} else "no"
    return value.value


def _source(row) -> dict:
    """A source line in words: the document's short title and the locator, or the provision."""
    value = row["value"]
    if row["document"] is not None:
        title = _text(row["documentShort"]) or _text(row["documentLabel"]) or short(row["document"].value)
        locator = _text(row["locator"])
        return {
            "text": f"{title}, {locator}" if locator else title,
            "href": _local(row["document"].value),
            "title": _text(row["documentLabel"]),
        }
    if isinstance(value, ox.NamedNode):
        return {
            "text": _text(row["valueLabel"]) or short(value.value),
            "href": _local(value.value),
            "title": None,
        }
    return {"text": value.value, "href": None, "title": None}


def _truthy(term) -> bool:
    """A boolean from a query: Oxigraph answers true/false, Virtuoso 1/0."""
    return term is not None and term.value in {"true", "1"}


def _overlaps(iri: str) -> list[dict]:
    found: OrderedDict[str, dict] = OrderedDict()
    for row in queries.run(_store(), "resource-overlaps", {"resource": iri}):
        key = row["overlap"].value
        overlap = found.get(key)
        if overlap is None:
            overlap = found[key] = {
                **_entry(key, row["overlapLabel"].value),
                "roles": [],
                "condition": _text(row["condition"]),
                "framework": _entry(row["framework"].value, _text(row["frameworkLabel"]))
                if row["framework"] is not None
                else None,
                "qualification": _entry(row["qualification"].value, _text(row["qualificationLabel"]))
                if row["qualification"] is not None
                else None,
                "age_group": _text(row["ageGroupLabel"]),
                "conflict_type": _text(row["conflictTypeLabel"]),
                "conduct": [],
                "provisions": [],
            }
        if row["role"].value not in overlap["roles"]:
            overlap["roles"].append(row["role"].value)
        if row["member"] is not None and row["member"].value != iri:
            member = _entry(
                row["member"].value,
                _text(row["memberLabel"]),
                element=_truthy(row["memberIsElement"]),
            )
            bucket = overlap["conduct"] if row["memberRole"].value == "conduct" else overlap["provisions"]
            if member not in bucket:
                bucket.append(member)
    return list(found.values())


def _graph(iri: str, label: str, kinds: list[str], relations, incoming) -> dict:
    """The neighbourhood for Cytoscape: the resource, what it links to, what links to it."""
    nodes = {
        iri: {
            "id": iri,
            "label": label,
            "kind": ", ".join(kinds),
            "href": _local(iri),
            "centre": True,
            "ring": 3,
        }
    }
    edges = []
    for words, entries in relations:
        for entry in entries:
            if entry["iri"] not in nodes and len(nodes) >= GRAPH_LIMIT:
                continue
            nodes.setdefault(entry["iri"], _node(entry, ring=2))
            edges.append({"source": iri, "target": entry["iri"], "label": words})
    for entry, words in incoming:
        if entry["iri"] not in nodes and len(nodes) >= GRAPH_LIMIT:
            continue
        nodes.setdefault(entry["iri"], _node(entry, ring=1))
        edges.append({"source": entry["iri"], "target": iri, "label": words})
    return {"nodes": list(nodes.values()), "edges": edges}


def _node(entry: dict, ring: int) -> dict:
    """A neighbour: ``ring`` 2 for what the resource links to (inner ring), 1 for what links to it."""
    return {
        "ring": ring,
        "id": entry["iri"],
        "label": entry["text"],
        "kind": entry["kind"] or "",
        "href": entry["href"],
        "element": entry["element"],
    }


def _instrument(iri: str, relation_props: dict[str, list[dict]]) -> dict:
    """An instrument's table of contents, what relies on each provision, and related instruments."""
    toc, count = per_build("instrument-toc", iri, lambda: _toc(iri))
    related = [
        (words, relation_props[prop]) for prop, words in INSTRUMENT_RELATIONS if relation_props.get(prop)
    ]
    return {"toc": toc, "count": count, "related": related}


def _toc(iri: str) -> tuple[list[dict], int]:
    """The provisions of an instrument as a tree, each with what relies on it by kind (two queries,
    whatever the number of provisions), and how many provisions there are."""
    store = _store()
    rows = list(queries.run(store, "instrument-provisions", {"instrument": iri}))
    uses: dict[str, Counter] = defaultdict(Counter)
    for row in queries.run(store, "instrument-provision-uses", {"instrument": iri}):
        uses[row["provision"].value][row["kindLabel"].value] += int(row["count"].value)
    children: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        provision = row["provision"].value
        children[row["parent"].value].append(
            {
                "iri": provision,
                "href": _local(provision),
                "citation": row["citation"].value,
                "label": row["label"].value,
                "quotation": _text(row["quotation"]),
                "order": int(row["order"].value) if row["order"] is not None else None,
                "uses": [f"{count} {plural(kind, count)}" for kind, count in sorted(uses[provision].items())],
            }
        )

    def tree(parent: str, depth: int = 0) -> list[dict]:
        items = sorted(
            children.get(parent, []),
            key=lambda p: (p["order"] is None, p["order"] or 0, natural_key(p["citation"])),
        )
        if depth < 6:
            for item in items:
                item["children"] = tree(item["iri"], depth + 1)
        return items

    return tree(iri), len(rows)


@bp.get("/instruments")
def index():
    """The instruments grouped by branch of law, with their kind and dates."""
    branches: dict[str, list[dict]] = defaultdict(list)
    kinds = {}
    for row in queries.run(_store(), "instruments"):
        branch = _text(row["branch"]) or "Other instruments"
        entry = {
            **_entry(row["instrument"].value, row["label"].value),
            "kind": row["kind"].value,
            "adopted": _text(row["adopted"]),
            "in_force": _text(row["inForce"]),
        }
        kinds[entry["kind"]] = None
        if not any(e["iri"] == entry["iri"] for e in branches[branch]):
            branches[branch].append(entry)
    kind_words = {
        TIP + "Treaty": "treaty",
        TIP + "SecurityCouncilResolution": "Security Council resolution",
        TIP + "GeneralAssemblyResolution": "General Assembly resolution",
        TIP + "Legislation": "legislation",
        TIP + "SoftLawInstrument": "soft-law instrument",
    }
    groups = []
    for branch in sorted(branches, key=lambda b: (b == "Other instruments", b.lower())):
        entries = sorted(branches[branch], key=lambda e: (e["adopted"] or "9999", e["text"].lower()))
        for entry in entries:
            entry["kind_text"] = kind_words.get(entry["kind"], short(entry["kind"]))
        groups.append((branch, entries))
    total = len({e["iri"] for _, entries in groups for e in entries})
    return render_template("instruments.html", groups=groups, total=total)


@bp.get("/graph/id/<path:rest>")
def graph(rest: str):
    """The neighbourhood graph of a resource as JSON (nodes and edges) for scripts."""
    iri = f"{_base()}id/{rest}"
    context = resource_context(iri, rest)
    if context is None:
        abort(404, description=f"The graph has no resource {iri}.")
    return jsonify(context["graph"])

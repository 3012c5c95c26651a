"""What a resource page shows, shaped from query rows into plain data, without Flask.

How each property is named and shown comes from the graph (``ontology/model/display.ttl``, read by
``display-properties``); the functions here only apply it. Every function takes the store and the
base IRI, so tests call them on any store.
"""

from __future__ import annotations

import re
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from tipkg import queries
from tipkg.namespaces import short
from tipkg.queries.rows import GENID, local_path, truthy, value
from tipkg.terms import dcterms, rdf, rdfs, tip, xsd

GRAPH_LIMIT = 60
INCOMING_LIMIT = 400


@dataclass(frozen=True)
class Display:
    """How the pages show properties: names, headings of incoming links, modes and order."""

    words: dict[str, str] = field(default_factory=dict)
    inverse: dict[str, str] = field(default_factory=dict)
    modes: dict[str, frozenset[str]] = field(default_factory=dict)
    order: dict[str, int] = field(default_factory=dict)
    incoming_not_listed: frozenset[str] = frozenset()  # classes (tip:incomingNotListed)

    def name(self, prop: str, label: str | None = None) -> str:
        """A property in plain words: its label, its display label, or (for data loaded from
        outside, which the build checks do not cover) its local name split into words."""
        if label:
            return label
        if prop in self.words:
            return self.words[prop]
        local = re.split(r"[#/]", prop)[-1]
        return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local).replace("_", " ").lower()

    def shown_as(self, prop: str, mode: str) -> bool:
        return mode in self.modes.get(prop, frozenset())

    def ranked(self, *modes: str) -> list[str]:
        """The properties shown in any of ``modes``, in their display order."""
        chosen = [p for p, shown in self.modes.items() if shown & set(modes)]
        return sorted(chosen, key=lambda p: (self.order.get(p, 0), p))


def read_display(store: Any) -> Display:
    """The display annotations of the graph (queries ``display-properties`` and ``display-classes``)."""
    words: dict[str, str] = {}
    inverse: dict[str, str] = {}
    modes: dict[str, set[str]] = defaultdict(set)
    order: dict[str, int] = {}
    for row in queries.select(store, "display-properties"):
        prop = row["property"].value
        name = value(row["label"]) or value(row["wording"])
        if name:
            words[prop] = name
        if row["inverse"] is not None:
            inverse[prop] = row["inverse"].value
        if row["mode"] is not None:
            modes[prop].add(row["mode"].value)
        if row["order"] is not None:
            order[prop] = int(row["order"].value)
    not_listed = frozenset(row["class"].value for row in queries.select(store, "display-classes"))
    return Display(words, inverse, {p: frozenset(m) for p, m in modes.items()}, order, not_listed)


@dataclass(frozen=True)
class Entry:
    """A resource as a page lists it: its text, link, kind and whether it is a trafficking element."""

    iri: str
    text: str
    href: str | None
    kind: str | None = None
    element: bool = False
    locator: str | None = None
    slug: str | None = None


def entry(iri: str, label: str | None, base: str, kind: str | None = None, element: bool = False) -> Entry:
    href = local_path(iri, base) or (iri if iri.startswith("http") else None)
    return Entry(iri, label or short(iri), href, kind, element)


@dataclass
class Outgoing:
    """What a resource says: its label, kinds, paragraphs, details, relations and sources."""

    label: str
    kinds: list[str] = field(default_factory=list)
    types: set[str] = field(default_factory=set)
    texts: list[tuple[str, str, bool]] = field(default_factory=list)
    details: OrderedDict[str, list[str]] = field(default_factory=OrderedDict)
    relations: OrderedDict[str, list[Entry]] = field(default_factory=OrderedDict)
    by_property: dict[str, list[Entry]] = field(default_factory=lambda: defaultdict(list))
    sources: list[dict] = field(default_factory=list)
    shown: set[str] = field(default_factory=set)
    citation: str | None = None
    in_instrument: str | None = None
    instrument_href: str | None = None


def outgoing(store: Any, iri: str, base: str, display: Display) -> Outgoing | None:
    """What ``iri`` says and links to (query ``resource-outgoing``), or None when it says nothing."""
    rows = list(queries.select(store, "resource-outgoing", {"resource": iri}))
    if not rows:
        return None
    found = Outgoing(label=iri, shown={iri})
    prose: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        prop, term = row["property"].value, row["value"]
        if prop == rdf.type:
            found.types.add(term.value)
            if truthy(row["mostSpecific"]) and row["valueLabel"] is not None:
                found.kinds.append(row["valueLabel"].value)
        elif prop == rdfs.label:
            found.label = term.value
        elif prop == dcterms.source:
            found.sources.append(_source(row, base))
            if isinstance(term, ox.NamedNode):
                found.shown.add(term.value)
        else:
            _statement(found, row, base, display, prose)
    found.texts = [
        (display.name(p), text, display.shown_as(p, tip.QuotationDisplay))
        for p in display.ranked(tip.ProseDisplay, tip.QuotationDisplay)
        for text in prose.get(p, [])
    ]
    return found


def _statement(found: Outgoing, row: Any, base: str, display: Display, prose: dict[str, list[str]]) -> None:
    prop, term = row["property"].value, row["value"]
    if prop == tip.citation:
        found.citation = term.value
    if prop == tip.inInstrument and row["valueLabel"] is not None:
        found.in_instrument = row["valueLabel"].value
        found.instrument_href = local_path(term.value, base)
    if display.shown_as(prop, tip.HiddenDisplay):
        return
    if display.shown_as(prop, tip.ProseDisplay) or display.shown_as(prop, tip.QuotationDisplay):
        prose[prop].append(term.value)
        return
    words = display.name(prop, value(row["propertyLabel"]))
    if isinstance(term, ox.NamedNode) and GENID not in term.value:
        item = entry(
            term.value, value(row["valueLabel"]), base, value(row["valueKind"]), truthy(row["isElement"])
        )
        if item not in found.relations.setdefault(words, []):
            found.relations[words].append(item)
            found.by_property[prop].append(item)
        found.shown.add(term.value)
    elif isinstance(term, ox.Literal):
        found.details.setdefault(words, []).append(_literal(term))


def without_parts(found: Outgoing, display: Display) -> None:
    """On an instrument's page the table of contents lists its parts: drop them from the relations."""
    parts = [e for p in display.ranked(tip.TableOfContentsDisplay) for e in found.by_property.pop(p, [])]
    for words, entries in list(found.relations.items()):
        kept = [e for e in entries if e not in parts]
        if kept:
            found.relations[words] = kept
        else:
            del found.relations[words]


def _literal(term: ox.Literal) -> str:
    if term.datatype.value == xsd.boolean:
        return "yes" if term.value in {"true", "1"} else "no"
    return term.value


def _source(row: Any, base: str) -> dict:
    """A source line in words: the document's short title and the locator, or the provision."""
    term = row["value"]
    if row["document"] is not None:
        document = row["document"].value
        title = value(row["documentShort"]) or value(row["documentLabel"]) or short(document)
        locator = value(row["locator"])
        return {
            "text": f"{title}, {locator}" if locator else title,
            "href": local_path(document, base),
            "title": value(row["documentLabel"]),
        }
    if isinstance(term, ox.NamedNode):
        return {
            "text": value(row["valueLabel"]) or short(term.value),
            "href": local_path(term.value, base),
            "title": None,
        }
    return {"text": term.value, "href": None, "title": None}


def incoming(
    store: Any, iri: str, base: str, display: Display, shown: set[str]
) -> tuple[list[tuple[str, list[Entry]]], list[tuple[Entry, str]], bool]:
    """What links to ``iri`` (query ``resource-incoming``) by heading, leaving out what its relations
    already list; the links for the graph; and whether the list was cut at ``INCOMING_LIMIT``."""
    rows = list(queries.select(store, "resource-incoming", {"resource": iri}))
    headed: OrderedDict[str, list[Entry]] = OrderedDict()
    links: list[tuple[Entry, str]] = []
    for row in rows[:INCOMING_LIMIT]:
        subject, prop = row["subject"].value, row["property"].value
        if subject in shown and prop != dcterms.source:
            continue  # already listed among its relations (an inverse or symmetric link)
        words = display.name(prop, value(row["propertyLabel"]))
        heading = display.inverse.get(prop) or f"Linked as “{words}”"
        item = entry(
            subject, value(row["subjectLabel"]), base, value(row["subjectKind"]), truthy(row["isElement"])
        )
        headed.setdefault(heading, []).append(item)
        links.append((item, words))
    for entries in headed.values():
        entries.sort(key=lambda e: ((e.kind or "~"), e.text.lower()))
    return list(headed.items()), links, len(rows) > INCOMING_LIMIT


def graph(iri: str, label: str, kinds: list[str], base: str, relations: Any, links: Any) -> dict:
    """The neighbourhood for Cytoscape: the resource, what it links to (ring 2), what links to it (1)."""
    nodes = {
        iri: {
            "id": iri,
            "label": label,
            "kind": ", ".join(kinds),
            "href": local_path(iri, base),
            "centre": True,
            "ring": 3,
        }
    }
    edges = []
    for words, entries in relations:
        for item in entries:
            if item.iri not in nodes and len(nodes) >= GRAPH_LIMIT:
                continue
            nodes.setdefault(item.iri, _node(item, ring=2))
            edges.append({"source": iri, "target": item.iri, "label": words})
    for item, words in links:
        if item.iri not in nodes and len(nodes) >= GRAPH_LIMIT:
            continue
        nodes.setdefault(item.iri, _node(item, ring=1))
        edges.append({"source": item.iri, "target": iri, "label": words})
    return {"nodes": list(nodes.values()), "edges": edges}


def _node(item: Entry, ring: int) -> dict:
    return {
        "ring": ring,
        "id": item.iri,
        "label": item.text,
        "kind": item.kind or "",
        "href": item.href,
        "element": item.element,
    }


def overlaps(store: Any, iri: str, base: str) -> list[dict]:
    """The overlaps ``iri`` takes part in (query ``resource-overlaps``), with the conduct and
    provisions each names besides ``iri`` itself."""
    found: OrderedDict[str, dict] = OrderedDict()
    for row in queries.select(store, "resource-overlaps", {"resource": iri}):
        key = row["overlap"].value
        overlap = found.get(key)
        if overlap is None:
            overlap = found[key] = _overlap(row, base)
        if row["role"].value not in overlap["roles"]:
            overlap["roles"].append(row["role"].value)
        # An overlap may hold in more than one conflict type or age group (a war crime in both
        # international and non-international conflict): one row each, every one shown.
        for name, key in (("ageGroupLabel", "age_groups"), ("conflictTypeLabel", "conflict_types")):
            label = value(row[name])
            if label and label not in overlap[key]:
                overlap[key].append(label)
                overlap[key].sort()
        if row["member"] is not None and row["member"].value != iri:
            member = entry(
                row["member"].value, value(row["memberLabel"]), base, element=truthy(row["memberIsElement"])
            )
            bucket = overlap["conduct"] if row["memberRole"].value == "conduct" else overlap["provisions"]
            if member not in bucket:
                bucket.append(member)
    return list(found.values())


def _overlap(row: Any, base: str) -> dict:
    def linked(name: str) -> Entry | None:
        term = row[name]
        return None if term is None else entry(term.value, value(row[name + "Label"]), base)

    return {
        **vars(entry(row["overlap"].value, row["overlapLabel"].value, base)),
        "roles": [],
        "condition": value(row["condition"]),
        "framework": linked("framework"),
        "qualification": linked("qualification"),
        "age_groups": [],
        "conflict_types": [],
        "conduct": [],
        "provisions": [],
    }

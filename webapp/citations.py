"""What cites a resource as its source, by kind and a page at a time, shaped without Flask."""

from __future__ import annotations

import re
from collections import Counter, OrderedDict, defaultdict
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from tipkg import queries
from tipkg.queries.rows import natural_key, truthy, value
from tipkg.webapp.resource_model import Entry, entry

CITATIONS_PAGE = 50  # resources citing one resource, listed a page at a time


class ChoiceError(ValueError):
    """A kind or page of citations that does not exist; ``status`` is the HTTP status it means."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def citations(store: Any, iri: str, base: str) -> dict:
    """The resources that cite ``iri`` as a source (query ``resource-citations``): ``kinds`` (slug,
    label, count) most numerous first, ``entries`` in that order of kinds, then by label, each with
    the locators its pinpoints give."""
    found: OrderedDict[str, Entry] = OrderedDict()
    locators: dict[str, set[str]] = defaultdict(set)
    for row in queries.select(store, "resource-citations", {"source": iri}):
        subject = row["subject"].value
        if subject not in found:
            found[subject] = entry(
                subject, value(row["subjectLabel"]), base, value(row["subjectKind"]), truthy(row["isElement"])
            )
        if row["locator"] is not None:
            locators[subject].add(row["locator"].value)
    entries = [
        replace(
            e,
            locator="; ".join(sorted(locators[e.iri], key=natural_key)) or None,
            slug=_slug(e.kind or "other"),
        )
        for e in found.values()
    ]
    counts = Counter((e.slug, e.kind or "other") for e in entries)
    kinds = [
        {"slug": slug, "label": label, "count": count}
        for (slug, label), count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][1]))
    ]
    rank = {k["slug"]: n for n, k in enumerate(kinds)}
    entries.sort(key=lambda e: (rank[e.slug], e.text.lower(), e.iri))
    return {"entries": entries, "kinds": kinds}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _number(page: str | None) -> int:
    if not page:
        return 1
    try:
        return int(page)
    except ValueError:
        raise ChoiceError(400, f"The page {page[:20]!r} is not a whole number; pages count from 1.") from None


def citations_page(found: dict, rest: str, cited_by: str | None, page: str | None) -> dict:
    """One page of ``found`` (from ``citations``): all of them or those of one kind, grouped by
    kind, ``CITATIONS_PAGE`` at a time, with the counts by kind and links to the other pages."""
    kinds = {k["slug"]: k for k in found["kinds"]}
    if cited_by and cited_by not in kinds:
        choices = ", ".join(kinds) or "none: nothing cites this resource"
        raise ChoiceError(
            400, f"No resource of the kind {cited_by[:60]!r} cites this one; the kinds are: {choices}."
        )
    number = _number(page)
    entries = [e for e in found["entries"] if not cited_by or e.slug == cited_by]
    pages = max(1, -(-len(entries) // CITATIONS_PAGE))
    if not 1 <= number <= pages:
        raise ChoiceError(404, f"There is no page {number} of what cites this resource; there are {pages}.")
    shown = entries[(number - 1) * CITATIONS_PAGE : number * CITATIONS_PAGE]
    groups: OrderedDict[str, list[Entry]] = OrderedDict()
    for item in shown:
        groups.setdefault(str(item.slug), []).append(item)

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

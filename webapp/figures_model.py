"""The "identified cases" section of a purpose, means or data-collection category page, shaped from
the figures loaded victim records were summed into at load time (``queries/case-figures.rq``): for
each data set and each of its categories that match the page's resource, the cases in all, by year
and with which other categories. Nothing here counts records: the counts are in the graph.

>>> shape([])
[]
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from tipkg import queries
from tipkg.queries.rows import Row, local_path, rows
from tipkg.store import Store

MATCHES = {
    "http://www.w3.org/2004/02/skos/core#exactMatch": "the same as",
    "http://www.w3.org/2004/02/skos/core#closeMatch": "a close match for",
    "http://www.w3.org/2004/02/skos/core#relatedMatch": "related to",
}
TOP_WITH = 12  # co-occurring categories listed


@dataclass
class Series:
    """One category of one data set: its cases in all, by year, and with other categories."""

    dataset: str
    dataset_label: str
    nature: str
    category: str
    category_label: str
    href: str | None
    match: str | None  # how the category matches the page's resource, in words; None: it is the resource
    cases: int = 0
    known: int | None = None
    years: list[tuple[str, int, int | None]] = field(default_factory=list)  # (year, cases, known)
    together: list[tuple[str, str | None, int]] = field(default_factory=list)  # (label, href, cases)

    @property
    def slug(self) -> str:
        """A stable id for the series' chart and table on the page."""
        return hashlib.sha1(f"{self.dataset} {self.category}".encode()).hexdigest()[:10]


def shape(found_rows: list[Row], base: str = "") -> list[Series]:
    found: dict[tuple[str, str], Series] = {}
    for row in found_rows:
        dataset, category = row["dataset"] or "", row["category"] or ""
        series = found.get((dataset, category))
        if series is None:
            series = found[(dataset, category)] = Series(
                dataset,
                row["datasetLabel"] or dataset,
                row["nature"] or "",
                category,
                row["categoryLabel"] or category,
                local_path(category, base),
                MATCHES.get(row.get("match") or ""),
            )
        cases, known = _int(row.get("cases")) or 0, _int(row.get("known"))
        period, other = row.get("period"), row.get("other")
        if other:
            if len(series.together) < TOP_WITH:
                series.together.append((row.get("otherLabel") or other, local_path(other, base), cases))
        elif period:
            series.years.append((period, cases, known))
        else:
            series.cases, series.known = cases, known
    for series in found.values():
        series.years.sort()
    return list(found.values())


def _int(text: str | None) -> int | None:
    return int(text) if text else None


def figures(store: Store, iri: str, base: str) -> list[Series]:
    """The figures of ``iri``'s page: one series per data set and matching category."""
    return shape(rows(queries.select(store, "case-figures", {"resource": iri})), base)

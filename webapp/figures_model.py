"""The "identified cases" section of a purpose, means or data-collection category page, shaped from
the figures loaded victim records were summed into at load time (``queries/case-figures.rq``): for
each data set and each of its categories that match the page's resource, the cases in all, by year
and with which other categories; and the "reports of armed actors" section of a country page
(``queries/country-reports.rq``): per data set, year and armed actor, the records and those reporting
sexual violence, the forms and the highest prevalence levels. Nothing here counts records: the counts
are in the graph.

>>> shape([])
[]
"""

from __future__ import annotations

import hashlib
import re
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


# The report series whose prevalence levels SVAC and RSVAC give, in the order a page shows them.
SERIES = {
    "state_prev": "US State Department",
    "ai_prev": "Amnesty International",
    "hrw_prev": "Human Rights Watch",
}


@dataclass
class ActorYear:
    """One armed actor in one year, as reported in one data collection for one country."""

    year: str
    actor: str
    type_label: str
    type_href: str | None
    records: int
    reported: int  # records reporting sexual violence
    forms: list[str]
    levels: list[str]  # the highest level each report series gives (SERIES order), "no report" when none
    locations: list[str]

    @property
    def shared(self) -> list[str]:
        """The locations that name more than one country (the record is on each one's page)."""
        return [place for place in self.locations if ", " in place]


@dataclass
class CountryReports:
    """The armed actors one data collection reports for a country, by year."""

    dataset: str
    dataset_label: str
    nature: str
    actors: list[ActorYear] = field(default_factory=list)  # every actor-year coded, reported or not

    @property
    def reported(self) -> list[ActorYear]:
        return [a for a in self.actors if a.reported]

    @property
    def years(self) -> list[tuple[str, int, int]]:
        """(year, actors reported, actors coded): the chart's and the table's numbers."""
        by_year: dict[str, list[int]] = {}
        for a in self.actors:
            counts = by_year.setdefault(a.year, [0, 0])
            counts[0] += 1 if a.reported else 0
            counts[1] += 1
        return [(year, n, coded) for year, (n, coded) in sorted(by_year.items())]

    @property
    def slug(self) -> str:
        return hashlib.sha1(self.dataset.encode()).hexdigest()[:10]


def _label_order(label: str) -> tuple[int, str]:
    """Forms in the collection's order: by the code in "Rape (SVAC form 1)", then words.

    >>> sorted(["Sexual torture (SVAC form 7)", "sexual abuse", "Rape (SVAC form 1)"], key=_label_order)
    ['Rape (SVAC form 1)', 'Sexual torture (SVAC form 7)', 'sexual abuse']
    """
    found = re.search(r"form (\d+)\)$", label)
    return (int(found.group(1)) if found else 99, label)


def country_shape(found_rows: list[Row], base: str = "") -> list[CountryReports]:
    """The rows of ``country-reports`` as one ``CountryReports`` per data set.

    >>> row = {"dataset": "d", "datasetLabel": "SVAC", "nature": "n", "period": "2003", "actor": "RCD",
    ...        "type": "https://w3id.org/tipkg/id/svac/rebel", "typeLabel": "Rebel group", "cases": "1",
    ...        "known": "2", "forms": "Rape (SVAC form 1)", "values": "state_prev: 3; hrw_prev: 1; location: X"}
    >>> [r] = country_shape([row], "https://w3id.org/tipkg/")
    >>> a = r.actors[0]
    >>> a.actor, a.type_href, a.forms, a.levels, a.locations, r.years
    ('RCD', '/id/svac/rebel', ['Rape (SVAC form 1)'], ['3', 'no report', '1'], ['X'], [('2003', 1, 1)])
    """
    found: dict[str, CountryReports] = {}
    for row in found_rows:
        dataset = row["dataset"] or ""
        reports = found.get(dataset)
        if reports is None:
            reports = found[dataset] = CountryReports(
                dataset, row["datasetLabel"] or dataset, row["nature"] or ""
            )
        values: dict[str, list[str]] = {}
        for item in (row.get("values") or "").split("; "):
            variable, _, text = item.partition(": ")
            if text:
                values.setdefault(variable, []).append(text)
        forms = [f for f in (row.get("forms") or "").split("; ") if f] + values.get("form", [])
        reports.actors.append(
            ActorYear(
                year=row["period"] or "",
                actor=row["actor"] or "",
                type_label=row["typeLabel"] or "",
                type_href=local_path(row["type"] or "", base),
                records=_int(row.get("known")) or 0,
                reported=_int(row.get("cases")) or 0,
                forms=sorted(forms, key=_label_order),
                levels=[(values.get(c) or ["no report"])[0] for c in SERIES],
                locations=sorted(values.get("location", [])),
            )
        )
    for reports in found.values():
        reports.actors.sort(key=lambda a: (a.year, a.actor.casefold()))
    return list(found.values())


def country_reports(store: Store, iri: str, base: str) -> list[CountryReports]:
    """What loaded reports of armed actors say of the country ``iri``, one entry per data set."""
    return country_shape(rows(queries.select(store, "country-reports", {"country": iri})), base)

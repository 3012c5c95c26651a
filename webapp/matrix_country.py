"""The overlap matrix filtered by country (issue 13), free of Flask: for each cell, the treaties its
entries rest on and whether each binds the State today, by the loaded treaty-status tables."""

from __future__ import annotations

from datetime import date

from tipkg.assessment.participation import Participations, on_date

MARKS = {True: "binds", False: "not party", None: "no data"}


def bindings(view: dict, data: Participations, code: str, on: date | None = None) -> dict[str, list[dict]]:
    """Cell id -> the treaties of the cell's provisions, each with ``binds`` (True, False, None),
    the year the State became party and the date the table speaks for."""
    on = on or date.today()
    out: dict[str, list[dict]] = {}
    for group in view["groups"]:
        for row in group["rows"]:
            for cell in row["cells"]:
                found: dict[str, dict] = {}
                for entry in cell["entries"]:
                    for provision in entry["item"].provisions:
                        instrument = data.instruments.get(provision)
                        if instrument is None or not instrument.treaty or instrument.label in found:
                            continue
                        standing = data.standings.get(code, {}).get(instrument.iri)
                        binds = on_date(standing, on) if standing else None
                        found[instrument.label] = {
                            "label": instrument.label,
                            "binds": binds,
                            "mark": MARKS[binds],
                            "since": standing.since if standing and standing.party else None,
                            "as_of": standing.as_of[:4] if standing else None,
                        }
                if found:
                    out[cell["id"]] = sorted(found.values(), key=lambda t: t["label"].casefold())
    return out


def tables(data: Participations, code: str) -> list[str]:
    """The years the State's loaded tables speak for, for the caption ("as of 2022", "as of 2011")."""
    return sorted({s.as_of[:4] for s in data.standings.get(code, {}).values()}, reverse=True)

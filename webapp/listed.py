"""What resource pages show of the UN Consolidated List (loaded by ``tipkg load un-sanctions``):
``party`` for a listed person's or entity's page, ``regime`` for a sanctions regime's page (its
listed parties, trafficking-related first, and what changed between the two latest snapshots).
Flask-free: each takes the store and returns plain data for the templates' includes."""

from __future__ import annotations

from typing import Any

from tipkg import queries
from tipkg.queries.rows import rows

SOURCE = "un-sanctions"


def snapshots(store: Any) -> list[dict]:
    """The loaded snapshots of the list, oldest first: id, graph and the date they speak for."""
    found = [r for r in rows(queries.select(store, "sources")) if r["source"] == SOURCE]
    return sorted(
        ({"id": r["snapshot"], "graph": r["graph"], "as_of": r["asOf"] or r["snapshot"]} for r in found),
        key=lambda s: s["as_of"],
    )


def _record(snap: dict, r: dict) -> None:
    snap.update(
        label=r["label"],
        list_type=r["text"],
        listed_on=r["extra"],
        regime=r["target"],
        regime_label=r["targetLabel"],
    )


def party(store: Any, iri: str) -> dict | None:
    """The party as the latest snapshot holding it has it, and which snapshots hold it."""
    by_snapshot: dict[str, dict] = {}
    for r in rows(queries.select(store, "listed-party", {"party": iri})):
        snap = by_snapshot.setdefault(
            r["snapshot"] or "",
            {"id": r["snapshot"], "as_of": r["asOf"], "aliases": [], "script": [], "nationalities": []}
            | {
                "designations": [],
                "narrative": "",
                "basis": [],
                "paragraphs": {},
                "evidence": {},
                "mentioned": {},
            },
        )
        _part(snap, r)
    if not by_snapshot:
        return None
    ordered = sorted(by_snapshot.values(), key=lambda s: s["as_of"] or s["id"])
    latest = ordered[-1]
    latest["held_by"] = [s["id"] for s in ordered if "label" in s]
    latest["paragraphs"] = sorted(latest["paragraphs"].values(), key=lambda p: p["label"])
    latest["evidence"] = sorted(latest["evidence"].values(), key=lambda e: e["iri"])
    latest["mentioned"] = sorted(latest["mentioned"].values(), key=lambda m: m["number"])
    latest["aliases"] = sorted(latest["aliases"], key=lambda a: (a["quality"] != "Good", a["name"]))
    return latest


# Parts of ``listed-party`` that are a list of labels, and the key each goes to.
_LABEL_LISTS = {"script": "script", "designation": "designations", "basis": "basis"}


def _part(snap: dict, r: dict) -> None:
    part = r["part"]
    if part in _LABEL_LISTS:
        snap[_LABEL_LISTS[part]].append(r["label"])
    elif part == "record":
        _record(snap, r)
        snap["number"] = r["number"]
    elif part == "alias":
        snap["aliases"].append({"name": r["label"], "quality": r["text"]})
    elif part == "nationality":
        snap["nationalities"].append({"text": r["label"], "iri": r["target"]})
    elif part == "narrative":
        snap["narrative"] = r["label"]
    elif part == "paragraph":
        entry = snap["paragraphs"].setdefault(
            r["target"], {"iri": r["target"], "label": r["label"], "criteria": []}
        )
        if r["text"] and r["text"] not in entry["criteria"]:
            entry["criteria"].append(r["text"])
    elif part == "mentioned":
        entry = snap["mentioned"].setdefault(
            r["target"], {"iri": r["target"], "number": r["number"], "label": r["label"]}
        )
        entry.setdefault("passages", set()).add(r["text"])
    elif part in ("evidence", "points"):
        key = r["target"] if part == "evidence" else r["extra"]
        entry = snap["evidence"].setdefault(
            key, {"iri": key, "kind": "", "passage": r["text"], "field": "", "points": []}
        )
        if part == "evidence":
            entry.update(kind=r["label"], field=r["extra"])
        else:
            entry["points"].append({"iri": r["target"], "label": r["label"]})


def regime(store: Any, iri: str) -> dict | None:
    """The regime's listed parties in the latest snapshot (trafficking in persons first, then other
    flagged records, then the rest) and the changes between the two latest snapshots."""
    loaded = snapshots(store)
    if not loaded:
        return None
    latest = loaded[-1]
    found = [
        r
        for r in rows(queries.select(store, "regime-listed", {"regime": iri}))
        if r["snapshot"] == latest["id"]
    ]

    def order(r: dict) -> tuple:
        kinds = r["kinds"] or ""
        return ("trafficking in persons" not in kinds, r["flagged"] not in ("true", "1"), r["number"])

    parties = [
        {
            "iri": r["party"],
            "number": r["number"],
            "label": r["label"],
            "listed_on": r["listedOn"],
            "kinds": r["kinds"],
        }
        for r in sorted(found, key=order)
    ]
    changes = None
    if len(loaded) > 1:
        before = loaded[-2]
        changed = rows(
            queries.select(
                store, "listed-changes", {"regime": iri, "before": before["graph"], "after": latest["graph"]}
            )
        )
        changes = {
            "before": before["id"],
            "after": latest["id"],
            **{kind: [r for r in changed if r["change"] == kind] for kind in ("added", "removed", "amended")},
        }
    return {"snapshot": latest["id"], "parties": parties, "changes": changes}

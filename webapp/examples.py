"""The worked examples page (/examples): the rows of the source's table 1 in order, the variants
of a row, then the situations the source describes in prose. Where a case sits is data
(``tip:tableRow``, ``tip:variantOf``); ``examples`` shapes the rows of ``browse-cases`` without
Flask, and each case links to /assess with its facts filled in."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, current_app, render_template, url_for

from tipkg.assessment.cases import load_cases
from tipkg.assessment.facts import CONTEXT_FLAGS, LIST_KEYS
from tipkg.queries.rows import Row
from tipkg.webapp import cache
from tipkg.webapp.list_shapes import href, run

bp = Blueprint("examples", __name__)


def assess_params(payload: dict) -> list[tuple[str, str]]:
    """A case's assessment input as the /assess form's query parameters.

    >>> assess_params({"means": [], "victim": {"age": 12}, "context": {"armed_conflict": "international"}})
    [('means_none', '1'), ('age', '12'), ('armed_conflict', 'international')]
    """
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
    return params


@dataclass
class Examples:
    table: list[dict]  # the table's rows, by row number
    variants: list[dict]  # second readings of a row, by IRI
    others: list[dict]  # the rest, by label


def _case(cases: OrderedDict[str, dict], row: Row, base: str) -> None:
    iri = str(row["case"])
    case = cases.setdefault(
        iri, {"iri": iri, "href": href(iri, base), "facts": {}, "no_means": False, "age": None, "row": None}
    )
    for name in ("label", "description", "order", "locator", "variantOf"):
        if row.get(name) is not None:
            case[name] = row[name]
    if row["tableRow"] is not None:
        case["row"] = int(row["tableRow"])
    key = row["key"]
    if key == "no_means":
        case["no_means"] = True
    elif key == "age":
        case["age"] = row["value"]
    elif key is not None:
        item = {"href": href(str(row["value"]), base), "label": row["valueLabel"]}
        if item not in case["facts"].setdefault(key, []):
            case["facts"][key].append(item)


def shape_examples(store: Any, base: str, assess_url: Callable[[list[tuple[str, str]]], str]) -> Examples:
    """Every worked example, grouped by where it sits in its source; ``assess_url`` turns a case's
    input into the link that assesses it."""
    inputs = load_cases(store)
    cases: OrderedDict[str, dict] = OrderedDict()
    for row in run(store, "browse-cases", base):
        _case(cases, row, base)
    for case in cases.values():
        for values in case["facts"].values():
            values.sort(key=lambda v: v["label"].lower())
        case.setdefault("label", case["iri"])
        params = assess_params(inputs[case["iri"]].input if case["iri"] in inputs else {})
        case["assess"] = assess_url(params) if params else None
    table = sorted((c for c in cases.values() if c["row"] is not None), key=lambda c: c["row"])
    variants = sorted((c for c in cases.values() if c.get("variantOf")), key=lambda c: c["iri"])
    others = sorted(
        (c for c in cases.values() if c["row"] is None and not c.get("variantOf")),
        key=lambda c: c["label"].lower(),
    )
    return Examples(table, variants, others)


@bp.get("/examples")
def examples():
    from tipkg.webapp import current_store

    base = current_app.config["TIPKG_SETTINGS"].base_iri
    assess = url_for("pages.assess")
    found = cache.per_build(
        "browse:examples",
        None,
        lambda: shape_examples(current_store(), base, lambda p: assess + "?" + urlencode(p)),
    )
    return render_template(
        "browse-examples.html", table=found.table, variants=found.variants, others=found.others
    )

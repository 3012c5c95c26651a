"""The sections of a module read from the graph: key concepts, the legal framework, overlaps,
comparisons, indicators, sanctions regimes and further reading, each from its named query
(``queries/training-*.rq``) for each topic the module file names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tipkg.queries.rows import natural_key, truthy, value
from tipkg.training.model import (
    Comparison,
    ComparisonPoint,
    Concept,
    Criterion,
    Indicator,
    Module,
    Overlap,
    Provision,
    Reading,
    Ref,
    Regime,
    add_ref,
    ref_key,
)
from tipkg.training.modules import ModuleSpec

Run = Callable[[str, dict[str, object]], Any]  # runs a named query with its parameters


def by_citation(ref: Ref) -> tuple[list[tuple[int, int, str]], str]:
    """Order of provision references: by citation, numbers by value."""
    return (natural_key(ref.label), ref.iri)


def concepts(spec: ModuleSpec, module: Module, run: Run) -> None:
    seen: set[str] = set()
    for topic in spec.concepts:
        for row in run("training-concepts", {"topic": topic}):
            iri = str(value(row["concept"]))
            if iri in seen or not value(row["definition"]):
                continue
            seen.add(iri)
            module.concepts.append(
                Concept(
                    iri, str(value(row["label"])), str(value(row["definition"])), "concept",
                    value(row["notation"]),
                )
            )  # fmt: skip
    if "training-glossary" in spec.queries:
        for topic in spec.concepts:
            for row in run("training-glossary", {"topic": topic}):
                iri = str(value(row["term"]))
                if iri in seen:
                    continue
                seen.add(iri)
                defines = Ref(str(value(row["defines"])), str(value(row["definesLabel"])))
                module.concepts.append(
                    Concept(
                        iri, str(value(row["label"])), str(value(row["definition"])), "glossary term",
                        defines=defines,
                    )
                )  # fmt: skip


def provisions(spec: ModuleSpec, module: Module, run: Run) -> None:
    found: dict[str, Provision] = {}
    for topic in spec.framework:
        for row in run("training-provisions", {"topic": topic}):
            iri = str(value(row["provision"]))
            if iri not in found:
                quotation = value(row["quotation"])
                found[iri] = Provision(
                    iri,
                    str(value(row["label"])),
                    value(row["citation"]) or "",
                    Ref(str(value(row["instrument"])), str(value(row["instrumentLabel"]))),
                    quotation or value(row["description"]) or "",
                    quotation is not None,
                )
            add_ref(found[iri].covers, value(row["resource"]), value(row["resourceLabel"]))
    for p in found.values():
        p.covers.sort(key=ref_key)
    module.provisions = sorted(found.values(), key=lambda p: (p.instrument.label, natural_key(p.citation)))


def _overlap(row: Any) -> Overlap:
    qualification = value(row["qualification"])
    return Overlap(
        str(value(row["overlap"])),
        str(value(row["label"])),
        [],
        Ref(str(value(row["framework"])), str(value(row["frameworkLabel"]))),
        Ref(qualification, str(value(row["qualificationLabel"]))) if qualification else None,
        value(row["condition"]) or "",
        value(row["explanation"]) or "",
        [],
    )


def overlaps(spec: ModuleSpec, module: Module, run: Run) -> None:
    found: dict[str, Overlap] = {}
    ages: dict[str, set[str]] = {}
    conflicts: dict[str, set[str]] = {}
    for topic in spec.overlaps:
        for row in run("training-overlaps", {"topic": topic}):
            iri = str(value(row["overlap"]))
            overlap = found.setdefault(iri, _overlap(row))
            add_ref(overlap.conduct, value(row["conduct"]), value(row["conductLabel"]))
            add_ref(overlap.provisions, value(row["provision"]), value(row["provisionLabel"]))
            ages.setdefault(iri, set()).add(value(row["ageGroupLabel"]) or "")
            conflicts.setdefault(iri, set()).add(value(row["conflictTypeLabel"]) or "")
    for iri, o in found.items():
        # An overlap limited to several groups or types lists them all.
        o.age_group = " or ".join(sorted(filter(None, ages[iri]))) or None
        o.conflict_type = " or ".join(sorted(filter(None, conflicts[iri]))) or None
        o.conduct.sort(key=ref_key)
        o.provisions.sort(key=by_citation)
    module.overlaps = sorted(found.values(), key=lambda o: (o.framework.label, o.label, o.iri))


def comparisons(spec: ModuleSpec, module: Module, run: Run) -> None:
    for iri in spec.comparisons:
        comparison = None
        about = list(run("training-concepts", {"topic": iri}))
        for row in run("training-comparison", {"comparison": iri}):
            if comparison is None:
                comparison = Comparison(
                    iri,
                    str(value(about[0]["label"])) if about else iri,
                    (value(about[0]["definition"]) if about else None) or "",
                    Ref(str(value(row["left"])), str(value(row["leftLabel"]))),
                    Ref(str(value(row["right"])), str(value(row["rightLabel"]))),
                    [],
                )
            comparison.points.append(
                ComparisonPoint(
                    str(value(row["point"])), str(value(row["pointLabel"])),
                    str(value(row["leftValue"])), str(value(row["rightValue"])),
                )
            )  # fmt: skip
        if comparison is not None:
            module.comparisons.append(comparison)


def indicators(spec: ModuleSpec, module: Module, run: Run) -> None:
    found: dict[str, Indicator] = {}
    for topic in spec.indicators:
        for row in run("training-indicators", {"topic": topic}):
            iri = str(value(row["indicator"]))
            if iri not in found:
                found[iri] = Indicator(
                    iri,
                    str(value(row["label"])),
                    value(row["definition"]) or "",
                    Ref(str(value(row["group"])), str(value(row["groupLabel"]))),
                    value(row["subjectLabel"]) or "",
                    [],
                )
            add_ref(found[iri].indicates, value(row["indicates"]), value(row["indicatesLabel"]))
    for i in found.values():
        i.indicates.sort(key=ref_key)
    module.indicators = list(found.values())


def _regime(row: Any) -> Regime:
    if truthy(row["global"]):
        scope = "global: persons and groups wherever they are"
    else:
        country = value(row["country"])
        scope = f"country: {country}" if country else ""
    return Regime(
        str(value(row["regime"])),
        str(value(row["regimeLabel"])),
        value(row["regimeDescription"]) or "",
        scope,
        value(row["committeeLabel"]) or "",
        value(row["establishedByLabel"]) or "",
        [],
    )


def regimes(spec: ModuleSpec, module: Module, run: Run) -> None:
    found: dict[str, Regime] = {}
    criteria: dict[str, Criterion] = {}
    for row in run("training-sanctions", {}):
        regime = found.setdefault(str(value(row["regime"])), _regime(row))
        c_iri = str(value(row["criterion"]))
        if c_iri not in criteria:
            criteria[c_iri] = Criterion(
                c_iri, str(value(row["criterionLabel"])), value(row["criterionDescription"]) or "", [], []
            )
            regime.criteria.append(criteria[c_iri])
        add_ref(criteria[c_iri].provisions, value(row["provision"]), value(row["provisionLabel"]))
        add_ref(criteria[c_iri].reaches, value(row["reaches"]), value(row["reachesLabel"]))
    for c in criteria.values():
        c.reaches.sort(key=ref_key)
        c.provisions.sort(key=by_citation)
    module.regimes = list(found.values())


def reading(spec: ModuleSpec, module: Module, run: Run) -> None:
    found: dict[str, Reading] = {}
    authors: dict[str, set[str]] = {}
    symbols: dict[str, set[str]] = {}
    for topic in spec.reading:
        for row in run("training-further-reading", {"topic": topic}):
            iri = str(value(row["document"]))
            if iri not in found:
                found[iri] = Reading(
                    iri, str(value(row["label"])), value(row["description"]) or "", "",
                    value(row["year"]) or "", "", value(row["url"]) or "", [],
                )  # fmt: skip
            authors.setdefault(iri, set()).add(value(row["authorLabel"]) or "")
            symbols.setdefault(iri, set()).add(value(row["symbol"]) or "")
            add_ref(found[iri].about, value(row["about"]), value(row["aboutLabel"]))
    for iri, item in found.items():
        item.author = "; ".join(sorted(filter(None, authors[iri])))
        item.symbol = ", ".join(sorted(filter(None, symbols[iri])))
        item.about.sort(key=ref_key)
    module.reading = sorted(found.values(), key=lambda r: (r.label, r.iri))

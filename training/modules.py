"""Training modules as data: one small TOML file per module in ``modules/``.

A module names its topics (graph resources and concept schemes), the named queries it draws on
(each feeds one section), its learning objectives in the project's own words, its exercises
(worked examples by case IRI, and the scenario variants to generate from each) and the size of its
quiz. Resource names may be full IRIs or prefixed names (``case:table-1-row-2``, ``scheme:means``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from tipkg.errors import TipkgError
from tipkg.namespaces import DEFAULT_BASE, PREFIXES, id_prefixes

HERE = Path(__file__).resolve().parent
MODULES = HERE / "modules"
VARIANT_KINDS = ("age", "means", "conflict")
SECTION_QUERIES = (
    "training-concepts",
    "training-glossary",
    "training-provisions",
    "training-overlaps",
    "training-comparison",
    "training-indicators",
    "training-sanctions",
    "training-further-reading",
    "training-case",
    "training-sources",
)
# Kinds of resource (ontology/README.md) beyond the prefixes of tipkg.namespaces.
EXTRA_KINDS = {
    "case": "case",
    "resp": "response",
    "rule": "rule",
    "key-point": "key-point",
    "term": "term",
    "igroup": "indicator-group",
    "indicator": "indicator",
    "cmp": "comparison",
    "age": "age-group",
    "conflict": "conflict-type",
    "perp": "perpetrator",
    "req": "requirement",
    "fact": "context-fact",
    "branch": "branch",
}


class ModuleError(TipkgError):
    """A module file is missing, unreadable or names something it may not."""


@dataclass(frozen=True)
class ExerciseSpec:
    case: str
    variants: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModuleSpec:
    name: str
    title: str
    summary: str
    objectives: tuple[str, ...]
    concepts: tuple[str, ...]  # schemes or resources whose concepts are the key concepts
    framework: tuple[str, ...]  # topics whose provisions make the legal-framework table
    overlaps: tuple[str, ...]  # frameworks, qualifications or conduct whose overlaps to show
    reading: tuple[str, ...]  # topics whose recommended documents are the further reading
    comparisons: tuple[str, ...]
    indicators: tuple[str, ...]
    focus: tuple[str, ...]  # qualification ids whose answer keys the exercises show
    queries: tuple[str, ...]
    exercises: tuple[ExerciseSpec, ...]
    quiz: dict[str, int] = field(default_factory=dict)
    path: Path | None = None


def expand(name: str, base: str = DEFAULT_BASE) -> str:
    table = {**PREFIXES, **id_prefixes(base), **{p: f"{base}id/{k}/" for p, k in EXTRA_KINDS.items()}}
    prefix, colon, local = name.partition(":")
    if colon and prefix in table and not local.startswith("//"):
        return table[prefix] + local
    if name.startswith(("http://", "https://")):
        return name
    raise ModuleError(f"{name!r} is neither a full IRI nor a known prefixed name")


def _strings(data: dict, key: str, where: str, base: str, *, iris: bool = True) -> tuple[str, ...]:
    values = data.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ModuleError(f"{where}: {key!r} must be a list of strings")
    return tuple(expand(v, base) for v in values) if iris else tuple(values)


def load_module(path: Path, base: str = DEFAULT_BASE) -> ModuleSpec:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ModuleError(f"{path}: {exc}") from exc
    where = str(path)
    for key in ("title", "summary"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise ModuleError(f"{where}: {key!r} is required")
    topics = data.get("topics", {})
    queries_ = _strings(data, "queries", where, base, iris=False)
    unknown = [q for q in queries_ if q not in SECTION_QUERIES]
    if unknown:
        raise ModuleError(f"{where}: unknown queries {unknown}; known: {', '.join(SECTION_QUERIES)}")
    exercises = []
    for i, item in enumerate(data.get("exercises", [])):
        if not isinstance(item, dict) or not isinstance(item.get("case"), str):
            raise ModuleError(f"{where}: exercises[{i}] needs a 'case'")
        variants = tuple(item.get("variants", []))
        bad = [v for v in variants if v not in VARIANT_KINDS]
        if bad:
            raise ModuleError(f"{where}: exercises[{i}]: unknown variants {bad}; known: {VARIANT_KINDS}")
        exercises.append(ExerciseSpec(expand(item["case"], base), variants))
    objectives = _strings(data, "objectives", where, base, iris=False)
    if not objectives:
        raise ModuleError(f"{where}: at least one learning objective is required")
    quiz = data.get("quiz", {})
    if not all(isinstance(v, int) and v >= 0 for v in quiz.values()):
        raise ModuleError(f"{where}: quiz sizes must be whole numbers")
    return ModuleSpec(
        name=path.stem,
        title=data["title"],
        summary=data["summary"],
        objectives=objectives,
        concepts=_strings(topics, "concepts", where, base),
        framework=_strings(topics, "framework", where, base),
        overlaps=_strings(topics, "overlaps", where, base),
        reading=_strings(topics, "reading", where, base),
        comparisons=_strings(topics, "comparisons", where, base),
        indicators=_strings(topics, "indicators", where, base),
        focus=_strings(data, "focus", where, base, iris=False),
        queries=queries_,
        exercises=tuple(exercises),
        quiz=dict(quiz),
        path=path,
    )


def module_names(directory: Path = MODULES) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.toml"))


def get_module(name: str, base: str = DEFAULT_BASE, directory: Path = MODULES) -> ModuleSpec:
    path = directory / f"{name}.toml"
    if not path.is_file():
        raise ModuleError(f"no training module {name!r}; known: {', '.join(module_names(directory))}")
    return load_module(path, base)

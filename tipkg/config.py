"""Settings, layered: defaults, then a TOML file, then the environment, then explicit overrides.

The file is ``tipkg.toml`` in the working directory, or the path in ``TIPKG_CONFIG`` (empty: no file). Environment
variables are ``TIPKG_<KEY>`` in upper case (``TIPKG_STORE=memory:``). Keys:

- ``store``: ``oxigraph:PATH`` (default ``oxigraph:var/store``), ``memory:``, or
  ``sparql:QUERY_URL[,UPDATE_URL]``;
- ``base_iri``: the base of every resource IRI (default ``https://w3id.org/tipkg/``);
- ``ontology_dir``: where the Turtle sources are (default: the package's ``ontology/``);
- ``docs_dir``: where the build writes the ontology's reference documentation (default ``var/docs``);
- ``sparql_user`` / ``sparql_password``: HTTP credentials for a remote store, if it needs them;
- ``sparql_timeout``: seconds a query on /sparql may run before it is stopped (default 10); 0 turns
  the limit off, and queries then run in the request's thread, without the worker processes;
- ``sparql_max_result_bytes``: the largest answer /sparql sends for one query, in bytes as serialised
  (default 32 MiB);
- ``sparql_workers``: processes that run /sparql queries on an on-disk store (default 2);
  ``sparql_max_memory_mb``: the memory one query may take in such a process, beyond the store it
  answers from (default 1024): a query past it stops its process and is answered 503 saying so.
- ``sources``: external data ``tipkg build`` loads after the curated graph, a list of tables
  ``{source = "legal-texts", path = "../shared/data/legal-texts", as_of = 2024-01-01}`` (``as_of``
  optional); in the environment, ``TIPKG_SOURCES="legal-texts=PATH,un-sanctions=PATH"``.
- ``serve_from_memory``: whether the web app and its query workers copy the current on-disk build
  into memory to answer from (default true: several times faster; about 370 MB and 10 s per million
  triples per process); ``serve_memory_max_mb``: the largest build, as it lies on disk, that it
  copies (default 1024, about four million triples; 0: none): a larger one is read from disk, so that each
  process's memory stays bounded whatever is loaded.
- ``serve_workers`` / ``serve_threads``: the processes (default 0: one per CPU core) and threads per
  process of ``tipkg serve`` (gunicorn, threaded workers; default 4 threads);
  ``serve_keepalive``: seconds an idle keep-alive connection is held open (default 5).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from pathlib import Path
from typing import Any

from tipkg.errors import ConfigError
from tipkg.namespaces import DEFAULT_BASE

PACKAGE_ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"


def _default_ontology_dir() -> Path:
    # Installed as a package, the ontology sits in tipkg/ontology; in a checkout, beside tipkg/.
    try:
        import tipkg.ontology

        return Path(tipkg.ontology.__file__).resolve().parent
    except ImportError:  # pragma: no cover - only without an install
        return PACKAGE_ONTOLOGY_DIR


@dataclass(frozen=True)
class SourceSpec:
    """One external source for ``tipkg build`` to load: its kind, its path, the date it speaks for."""

    source: str
    path: Path
    as_of: date | None = None


@dataclass(frozen=True)
class Settings:
    """Everything the stages need to know about where things are."""

    store: str = "oxigraph:var/store"
    base_iri: str = DEFAULT_BASE
    ontology_dir: Path = PACKAGE_ONTOLOGY_DIR
    docs_dir: Path = Path("var/docs")
    sparql_user: str | None = None
    sparql_password: str | None = None
    sparql_timeout: float = 10.0
    sparql_max_result_bytes: int = 32 * 1024 * 1024
    sparql_workers: int = 2
    sparql_max_memory_mb: int = 1024
    serve_from_memory: bool = True
    serve_memory_max_mb: int = 1024
    serve_workers: int = 0
    serve_threads: int = 4
    serve_keepalive: int = 5
    sources: tuple[SourceSpec, ...] = ()

    def __post_init__(self) -> None:
        if not self.base_iri.endswith(("/", "#")):
            raise ConfigError(f"base_iri must end with '/' or '#': {self.base_iri!r}")
        if self.store.partition(":")[0] not in {"oxigraph", "memory", "sparql"}:
            raise ConfigError(
                f"store {self.store!r} is not one of oxigraph:PATH, memory:, sparql:QUERY_URL[,UPDATE_URL]"
            )


_KEYS = {f.name for f in fields(Settings)}
_BOOLEANS = {
    "true": True,
    "1": True,
    "yes": True,
    "on": True,
    "false": False,
    "0": False,
    "no": False,
    "off": False,
}


def _coerce(values: Mapping[str, Any], origin: str) -> dict[str, Any]:
    unknown = set(values) - _KEYS
    if unknown:
        raise ConfigError(
            f"{origin}: unknown setting(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(_KEYS))}"
        )
    out = dict(values)
    if "sources" in out:
        out["sources"] = _sources(out["sources"], origin)
    for key in ("ontology_dir", "docs_dir"):
        if key in out:
            out[key] = Path(out[key])
    if "serve_from_memory" in out and not isinstance(out["serve_from_memory"], bool):
        text = str(out["serve_from_memory"]).strip().lower()
        if text not in _BOOLEANS:
            raise ConfigError(
                f"{origin}: serve_from_memory must be true or false, got {out['serve_from_memory']!r}"
            )
        out["serve_from_memory"] = _BOOLEANS[text]
    numbers = (
        ("sparql_timeout", float),
        ("sparql_max_result_bytes", int),
        ("sparql_workers", int),
        ("sparql_max_memory_mb", int),
        ("serve_workers", int),
        ("serve_threads", int),
        ("serve_keepalive", int),
        ("serve_memory_max_mb", int),
    )
    for key, kind in numbers:
        if key in out:
            try:
                out[key] = kind(out[key])
            except (TypeError, ValueError):
                raise ConfigError(f"{origin}: {key} must be a number, got {out[key]!r}") from None
            if (
                key in {"sparql_timeout", "serve_workers", "serve_keepalive", "serve_memory_max_mb"}
                and out[key] < 0
            ):
                meaning = (
                    " (no limit)"
                    if key == "sparql_timeout"
                    else " (one per core)"
                    if key == "serve_workers"
                    else ""
                )
                raise ConfigError(f"{origin}: {key} must be 0{meaning} or more, got {out[key]!r}")
            if (
                key not in {"sparql_timeout", "serve_workers", "serve_keepalive", "serve_memory_max_mb"}
                and out[key] <= 0
            ):
                raise ConfigError(f"{origin}: {key} must be positive, got {out[key]!r}")
    return out


def _sources(raw: Any, origin: str) -> tuple[SourceSpec, ...]:
    """``sources`` from TOML (a list of tables), the environment (``kind=PATH,...``) or overrides."""
    if isinstance(raw, str):
        raw = [
            dict(zip(("source", "path"), item.split("=", 1), strict=False)) for item in raw.split(",") if item
        ]
    if not isinstance(raw, list | tuple):
        raise ConfigError(f"{origin}: sources must be a list of {{source, path, as_of}} tables")
    specs = []
    for number, item in enumerate(raw, start=1):
        if isinstance(item, SourceSpec):
            specs.append(item)
            continue
        if (
            not isinstance(item, dict)
            or not {"source", "path"} <= set(item)
            or set(item) - {"source", "path", "as_of"}
        ):
            raise ConfigError(
                f"{origin}: source {number} needs exactly source, path and optionally as_of, got {item!r}"
            )
        as_of = item.get("as_of")
        if isinstance(as_of, str):
            try:
                as_of = date.fromisoformat(as_of)
            except ValueError:
                raise ConfigError(f"{origin}: source {number}: as_of {as_of!r} is not YYYY-MM-DD") from None
        specs.append(SourceSpec(str(item["source"]), Path(item["path"]), as_of))
    return tuple(specs)


def load_settings(
    overrides: Mapping[str, Any] | None = None, *, environ: Mapping[str, str] | None = None
) -> Settings:
    """Build the settings from defaults, the config file, the environment and ``overrides``."""
    environ = os.environ if environ is None else environ
    settings = Settings(ontology_dir=_default_ontology_dir())
    name = environ.get("TIPKG_CONFIG", "tipkg.toml")
    path = Path(name)
    if not name:  # TIPKG_CONFIG= (empty) reads no file at all
        pass
    elif path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
        settings = replace(settings, **_coerce(data.get("tipkg", data), str(path)))
    elif "TIPKG_CONFIG" in environ:
        raise ConfigError(f"TIPKG_CONFIG names {path}, which is not a file")
    from_env = {key: environ[f"TIPKG_{key.upper()}"] for key in _KEYS if f"TIPKG_{key.upper()}" in environ}
    settings = replace(settings, **_coerce(from_env, "environment"))
    if overrides:
        settings = replace(settings, **_coerce(overrides, "overrides"))
    return settings

"""A description of the machine a benchmark ran on, for bench/RESULTS.md."""

from __future__ import annotations

import os
import platform
from importlib.metadata import version
from pathlib import Path


def describe() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown memory"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GiB RAM"
    packages = ", ".join(f"{p} {version(p)}" for p in ("pyoxigraph", "rdflib", "owlready2", "pyshacl"))
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}; {packages}"
    )


def write_section(results: Path, title: str, body: str) -> None:
    """Replace (or append) the section ``## title`` of RESULTS.md with ``body``."""
    text = (
        results.read_text()
        if results.exists()
        else "# Benchmark results\n\nWritten by the scripts in bench/; run them again to refresh a section.\n"
    )
    header = f"## {title}"
    start = text.find(header)
    section = f"{header}\n\n{body.strip()}\n"
    if start < 0:
        text = text.rstrip() + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(header))
        text = text[:start] + section + (text[end:] if end >= 0 else "")
    results.write_text(text)

"""The load alone, for A/B runs: generate CTDC-shaped files as bench/scale.py does, load each with
``tipkg load ctdc`` into an on-disk store holding the curated graph (built on first use), print the
row bench/scale.py prints (triples/s over the whole load, its phases) with the process's CPU time and
peak RSS and the machine's load average, and unload it again. Pages are not served.

Run it against two checkouts on the same ``--work`` folder in turn: the generated files and the
built store are reused, so the two loads see the same input and the same store.

    python -m bench.load_ab --sizes 100000 --work /tmp/tipkg-load
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path

from bench import scale
from tipkg.config import load_settings
from tipkg.loaders import external
from tipkg.loaders.build import build


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/tipkg-load"))
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    config = {"store": f"oxigraph:{args.work}/store", "docs_dir": str(args.work / "docs")}
    settings = load_settings(config, environ={"TIPKG_CONFIG": ""})
    if not (args.work / "store").exists():
        build(settings)
    for size in args.sizes:
        path = args.work / f"ctdc_scale_{size}.csv"
        if not path.exists():
            scale.generate(path, size)
        before, started = resource.getrusage(resource.RUSAGE_SELF), time.strftime("%H:%M:%S")
        outcome = scale.timed(settings, path)
        after = resource.getrusage(resource.RUSAGE_SELF)
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        p = outcome["phases"]
        print(
            f"{started} {size:,} records, {outcome['triples']:,} triples: {outcome['triples'] / p['total']:,.0f}"
            f" triples/s; read and write {p['read and write']:.1f} s, build checks {p['build checks']:.1f} s,"
            f" commit {p['commit']:.1f} s; CPU {cpu:.1f} s; peak RSS {after.ru_maxrss / 1024:,.0f} MiB;"
            f" load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        external.unload(settings, "ctdc", outcome["snapshot"])


if __name__ == "__main__":
    main()

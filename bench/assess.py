"""Benchmark the assessment: latency in process and through POST /api/assess on a real server.

    .venv/bin/python -m bench.assess [--requests 2000]

Builds the curated graph into a temporary on-disk store, then assesses the worked examples of the
graph in turn: first by calling the engine in process, then over HTTP against `tipkg serve`
(gunicorn) in a second process on loopback, one request at a time. Records p50, p99 and max in
bench/RESULTS.md. Target (issue 5): p99 under 100 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.machine import describe, write_section
from tipkg.assessment import Assessor
from tipkg.assessment.cases import load_cases
from tipkg.config import load_settings
from tipkg.devtools.virtuoso import free_port
from tipkg.loaders.build import build
from tipkg.store import open_store

RESULTS = Path(__file__).with_name("RESULTS.md")


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"{statistics.median(ordered):.2f} ms | {p99:.2f} ms | {ordered[-1]:.2f} ms"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        spec = f"oxigraph:{tmp}/store"
        settings = load_settings({"store": spec, "docs_dir": f"{tmp}/docs"}, environ={"TIPKG_CONFIG": ""})
        build(settings)
        store = open_store(settings)
        inputs = [case.input for case in load_cases(store).values()]
        assessor = Assessor(store)
        assessor.assess(inputs[0])  # load the model once, as a server does on its first request

        in_process = []
        for i in range(args.requests):
            started = time.perf_counter()
            assessor.assess(inputs[i % len(inputs)])
            in_process.append((time.perf_counter() - started) * 1000)

        port = free_port()
        env = {**os.environ, "TIPKG_CONFIG": "", "TIPKG_STORE": spec}
        server = subprocess.Popen([sys.executable, "-m", "tipkg.cli", "serve", "--port", str(port)], env=env)
        url = f"http://127.0.0.1:{port}/api/assess"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).read()
                    break
                except OSError:
                    time.sleep(0.2)
            over_http = []
            for i in range(args.requests + 50):
                body = json.dumps(inputs[i % len(inputs)]).encode()
                request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
                started = time.perf_counter()
                urllib.request.urlopen(request, timeout=30).read()
                if i >= 50:  # the first requests warm the server and load the model
                    over_http.append((time.perf_counter() - started) * 1000)
        finally:
            server.terminate()
            server.wait(timeout=30)

    section = f"""Machine: {describe()}. Run on {time.strftime("%Y-%m-%d")} with `python -m bench.assess --requests {args.requests}`.
The {len(inputs)} worked examples of the graph assessed in turn, one request at a time; target p99 under 100 ms.

| path | p50 | p99 | max |
|---|---|---|---|
| engine in process | {percentiles(in_process)} |
| POST /api/assess, tipkg serve (gunicorn), loopback | {percentiles(over_http)} |
"""
    write_section(RESULTS, "Assessment (bench/assess.py)", section)
    print(section)


if __name__ == "__main__":
    main()

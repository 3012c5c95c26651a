"""Load on the server as shipped: ``tipkg serve`` (gunicorn, threaded workers) over the curated graph,
driven from this process on loopback with keep-alive connections, at rising concurrency.

    .venv/bin/python -m bench.load [--seconds 10] [--max-requests 20000] [--concurrency 1,4,16] [--compare-waitress]

Each client thread sends, in turn, a page (``/id/act/recruitment``), a SPARQL point query (one act's
properties, the act varying) and an assessment (``POST /api/assess``), each with its own connection
kept alive. Bounded by ``--seconds`` and ``--max-requests`` per level. Records throughput, p50, p99
and errors per level in bench/RESULTS.md. ``--compare-waitress`` measures the old server (waitress,
8 threads; needs ``pip install waitress``) on the same load. The driver is Python threads, so on a
small machine it shares the cores with the server: the figures are a floor.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from bench.machine import describe, write_section
from tipkg.config import load_settings
from tipkg.devtools.virtuoso import free_port
from tipkg.loaders.build import build

RESULTS = Path(__file__).with_name("RESULTS.md")
ROOT = Path(__file__).resolve().parent.parent
ACTS = ["recruitment", "transportation", "transfer", "harbouring", "receipt"]
POINT = "SELECT ?p ?o WHERE {{ <https://w3id.org/tipkg/id/act/{act}> ?p ?o }}"
FACTS = {
    "acts": ["recruitment"],
    "means": ["deception"],
    "purposes": ["forced-labour"],
    "victim": {"age": 25},
}


def requests_for(i: int) -> tuple[str, str, bytes | None, dict[str, str]]:
    kind = i % 3
    if kind == 0:
        return "GET", "/id/act/recruitment", None, {"Accept": "text/html"}
    if kind == 1:
        query = urllib.parse.quote(POINT.format(act=ACTS[i % len(ACTS)]))
        return "GET", f"/sparql?query={query}", None, {"Accept": "application/sparql-results+json"}
    return "POST", "/api/assess", json.dumps(FACTS).encode(), {"Content-Type": "application/json"}


def drive(port: int, clients: int, seconds: float, cap: int) -> dict:
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    counter = iter(range(cap))

    def client(offset: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = offset
        while time.monotonic() < deadline:
            with lock:
                if next(counter, None) is None:
                    break
            method, path, body, headers = requests_for(i)
            i += 1
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                answer = connection.getresponse()
                answer.read()
                ok = answer.status == 200
                if answer.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException) as exc:
                ok = False
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                answer = None
                reason = type(exc).__name__
            elapsed = time.perf_counter() - started
            with lock:
                times.append(elapsed)
                if not ok:
                    errors.append(reason if answer is None else str(answer.status))
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    ordered = sorted(times)
    return {
        "clients": clients,
        "requests": len(times),
        "rps": len(times) / wall,
        "p50": statistics.median(ordered) * 1000,
        "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
        "errors": len(errors),
        "kinds": sorted(set(errors)),
    }


def start(command: list[str], env: dict, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                # Warm every worker and its query process: a few rounds of each kind.
                drive(port, 8, 3, 300)
                return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError(f"server did not start: {command}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument("--concurrency", default="1,4,16")
    parser.add_argument("--compare-waitress", action="store_true")
    args = parser.parse_args(argv)
    levels = [int(n) for n in args.concurrency.split(",")]
    with tempfile.TemporaryDirectory(prefix="tipkg-load-") as tmp:
        settings = load_settings({"store": f"oxigraph:{tmp}/store", "docs_dir": f"{tmp}/docs"}, environ={})
        build(settings)
        env = {**os.environ, "TIPKG_CONFIG": "", "TIPKG_STORE": settings.store}
        servers: dict[str, str | None] = {"`tipkg serve` (gunicorn, threaded workers, as shipped)": None}
        if args.compare_waitress:
            servers["waitress, 8 threads (the server shipped before)"] = "waitress"
        rows = []
        for label, kind in servers.items():
            port = free_port()
            if kind == "waitress":
                code = (
                    "import waitress; from tipkg.webapp import create_app; "
                    f"waitress.serve(create_app(), host='127.0.0.1', port={port}, threads=8)"
                )
                command = [sys.executable, "-c", code]
            else:
                command = [sys.executable, "-m", "tipkg.cli", "serve", "--port", str(port)]
            process = start(command, env, port)
            try:
                for clients in levels:
                    row = drive(port, clients, args.seconds, args.max_requests)
                    print(label, row, flush=True)
                    rows.append((label, row))
            finally:
                process.terminate()
                process.wait(30)
    lines = [
        f"`python -m bench.load {' '.join(argv if argv is not None else sys.argv[1:])}`; {describe()}. Mixed "
        "requests in turn (a resource page, a SPARQL point query, an assessment), keep-alive, from Python "
        "threads in a second process on loopback. Load average of the machine at the end (other work "
        f"shares it): {', '.join(f'{x:.1f}' for x in os.getloadavg())}.",
        "",
        "| server | clients | requests | req/s | p50 | p99 | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, row in rows:
        kinds = f" ({', '.join(row['kinds'])})" if row["kinds"] else ""
        lines.append(
            f"| {label} | {row['clients']} | {row['requests']:,} | {row['rps']:,.0f} | {row['p50']:.1f} ms | "
            f"{row['p99']:.1f} ms | {row['errors']}{kinds} |"
        )
    write_section(RESULTS, "Load (bench/load.py)", "\n".join(lines))


if __name__ == "__main__":
    main()

"""Helpers for the /sparql tests: a `tipkg serve` process of our own, raw HTTP, stores with given data.

The servers here write their output to a log file (never an unread pipe, which would block the server
once full) so that a failure can show what the server said.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path

import pyoxigraph as ox

from tests.conftest import settings_for
from tipkg.devtools import virtuoso
from tipkg.store import open_store

TIMEOUT = 30.0  # seconds; every request in these tests is bounded


@dataclass
class Response:
    status: int
    headers: Message
    body: bytes

    @property
    def content_type(self) -> str:
        """The media type without parameters, in lower case ('' when absent)."""
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def describe(self) -> str:
        return f"HTTP {self.status} {self.headers.get('Content-Type')!r}: {self.text[:600]!r}"


def request(
    base_url: str,
    method: str,
    path: str,
    *,
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
    timeout: float = TIMEOUT,
) -> Response:
    """Send exactly this request (no header added but Host, Accept-Encoding: identity and Content-Length)."""
    parts = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        elif method in {"POST", "PUT", "PATCH"}:
            connection.putheader("Content-Length", "0")
        connection.endheaders(body)
        answer = connection.getresponse()
        return Response(answer.status, answer.headers, answer.read())
    finally:
        connection.close()


def store_with_graphs(directory: Path, graphs: Mapping[str, Path]) -> str:
    """A new on-disk TIPKG store holding each N-Triples file in the named graph given as its key."""
    spec = f"oxigraph:{directory}/store"
    staging = open_store(settings_for(spec)).stage()
    for graph, path in graphs.items():
        staging.store.load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    staging.commit(lambda _: None)
    return spec


@dataclass
class ServerProcess:
    url: str
    process: subprocess.Popen
    log: Path
    env: dict[str, str] = field(default_factory=dict)

    def output(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-4000:]
        except OSError:
            return ""

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)


def start_server(store: str, log_dir: Path, env: Mapping[str, str] | None = None) -> ServerProcess:
    """`tipkg serve` on a free loopback port reading ``store``; waits until /sparql answers an ASK."""
    port = virtuoso.free_port()
    full_env = {**os.environ, "TIPKG_CONFIG": "", "TIPKG_STORE": store, **(env or {})}
    log = log_dir / f"serve-{port}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "tipkg.cli", "serve", "--port", str(port)],
            env=full_env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    server = ServerProcess(f"http://127.0.0.1:{port}", process, log, dict(env or {}))
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(server.url + "/sparql?query=ASK%7B%7D", timeout=5):
                return server
        except urllib.error.HTTPError:
            return server  # it answers; the tests judge the answer
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                server.stop()
                raise RuntimeError(f"tipkg serve did not start: {server.output()}") from None
            time.sleep(0.3)

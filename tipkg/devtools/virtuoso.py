"""Start a throw-away Virtuoso Open Source server on loopback, for tests and benchmarks.

The Debian package cannot start its own service inside a container, so we run ``virtuoso-t`` in the
foreground with an ini of our own (its own database directory, loopback ports, a small buffer
pool), wait for the HTTP port, and grant SPARQL Update and graph writes to the anonymous SPARQL user
so that the build can load through the standard protocols (Update, and the Graph Store Protocol).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{isql_port}
LiteMode = 0
DisableUnixSocket = 1
DisableTcpSocket = 0
ServerThreads = 10
CheckpointInterval = 60
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
MaxQueryMem = 500M
DirsAllowed = ., {dir}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 20
ServerThreads = 20

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 400
"""


def available() -> bool:
    return shutil.which("virtuoso-t") is not None and shutil.which("isql-vt") is not None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Virtuoso:
    directory: Path
    http_port: int
    isql_port: int
    process: subprocess.Popen

    @property
    def sparql_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    @property
    def graph_store_url(self) -> str:
        """The SPARQL 1.1 Graph Store HTTP Protocol endpoint (anonymous; see the grants in start)."""
        return f"http://127.0.0.1:{self.http_port}/sparql-graph-crud"

    def isql(self, statement: str) -> str:
        out = subprocess.run(
            ["isql-vt", str(self.isql_port), "dba", "dba", f"exec={statement}"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if out.returncode != 0 or "Error" in out.stdout:
            raise RuntimeError(f"isql failed on {statement!r}: {out.stdout}{out.stderr}")
        return out.stdout

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def start(
    directory: Path,
    *,
    buffers: int = 20000,
    timeout: float = 90,
    http_port: int | None = None,
    isql_port: int | None = None,
) -> Virtuoso:
    """Start Virtuoso with its database in ``directory``; returns when SPARQL answers. Given the
    ports of a server that was stopped, it starts again on the same database and addresses."""
    directory.mkdir(parents=True, exist_ok=True)
    http_port, isql_port = http_port or free_port(), isql_port or free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(
        INI.format(
            dir=directory, http_port=http_port, isql_port=isql_port, buffers=buffers, dirty=buffers * 3 // 4
        )
    )
    log = open(directory / "stdout.log", "wb")  # noqa: SIM115 - lives as long as the process
    process = subprocess.Popen(
        ["virtuoso-t", "+foreground", "+configfile", str(ini)],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=directory,
    )
    server = Virtuoso(directory, http_port, isql_port, process)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(
                f"virtuoso-t exited with {process.returncode}: {(directory / 'stdout.log').read_text()}"
            )
        try:
            with urllib.request.urlopen(f"{server.sparql_url}?query=ASK%7B%7D", timeout=5) as answer:
                if answer.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"Virtuoso did not answer on port {http_port} within {timeout} s")
        time.sleep(0.5)
    server.isql('GRANT SPARQL_UPDATE TO "SPARQL";')
    # The Graph Store endpoint writes as the anonymous user: let it read and write every graph.
    server.isql("DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);")
    return server

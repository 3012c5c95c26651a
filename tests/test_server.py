"""`tipkg serve` as shipped: how its worker processes hold connections.

Real `tipkg serve` processes on loopback, driven over raw sockets: what a client sees is whether and
when it is answered, and what the operating system shows is which process listens where.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.sparql_fixtures import ServerProcess, request, start_server

ASK = "/sparql?query=ASK%7B%7D"


@pytest.fixture(scope="module")
def one_thread(built, tmp_path_factory):
    """One process with one request thread: an idle connection that held it would block everyone."""
    server = start_server(
        built.store,
        tmp_path_factory.mktemp("one-thread"),
        {"TIPKG_SERVE_WORKERS": "1", "TIPKG_SERVE_THREADS": "1", "TIPKG_SERVE_KEEPALIVE": "2"},
    )
    yield server
    server.stop()


def connect(server: ServerProcess) -> socket.socket:
    host, port = server.url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def test_an_idle_connection_holds_no_thread(one_thread):
    """A client that connects and sends nothing (a browser's pre-opened socket, or a slow client)
    waits in the event loop: the next client is answered at once, not after gunicorn's 5 s wait for
    data in the only thread."""
    idle = [connect(one_thread) for _ in range(3)]
    try:
        time.sleep(0.2)  # accepted by now
        started = time.monotonic()
        answer = request(one_thread.url, "GET", ASK, timeout=10)
        elapsed = time.monotonic() - started
        assert answer.status == 200, answer.describe()
        assert elapsed < 1.0, f"answered after {elapsed:.2f} s behind idle connections"
    finally:
        for sock in idle:
            sock.close()


def test_an_idle_connection_is_closed_after_the_keepalive_time(one_thread):
    sock = connect(one_thread)
    try:
        started = time.monotonic()
        assert sock.recv(1) == b"", "the server sent something to a client that asked nothing"
        waited = time.monotonic() - started
        assert 1.0 <= waited <= 5.0, f"closed after {waited:.2f} s; serve_keepalive is 2 s"
    finally:
        sock.close()


def test_a_request_sent_in_pieces_is_answered(one_thread):
    """The first bytes wake the connection; the rest of a slow client's request is read in its thread."""
    sock = connect(one_thread)
    try:
        for piece in (
            b"GET /sparql?query=ASK%7B%7D HT",
            b"TP/1.1\r\nHost: x\r\n",
            b"Connection: close\r\n\r\n",
        ):
            sock.sendall(piece)
            time.sleep(0.3)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
        assert b'"boolean":true' in answer.replace(b" ", b""), answer[-200:]
    finally:
        sock.close()


def listening_sockets(pid: int, port: int) -> set[str]:
    """The inodes of the TCP sockets process ``pid`` holds that listen on ``port``."""
    listening = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == "0A":  # 0A: LISTEN
            listening.add(fields[9])
    held = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:[") and target[8:-1] in listening:
            held.add(target[8:-1])
    return held


def test_each_worker_process_listens_on_its_own_socket(built, tmp_path):
    """With a socket per process, the kernel spreads new connections over the processes. On one
    shared socket the process that woke first took a whole burst of keep-alive connections and
    served them alone while the others idled."""
    server = start_server(built.store, tmp_path, {"TIPKG_SERVE_WORKERS": "2"})
    try:
        port = int(server.url.rsplit(":", 1)[1])
        pid = server.process.pid  # gunicorn's master: its children are the worker processes
        workers = [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        assert len(workers) == 2, (workers, server.output())
        sockets = [listening_sockets(pid, port) for pid in workers]
        assert all(len(held) == 1 for held in sockets), sockets
        assert sockets[0] != sockets[1], f"both processes listen on the same socket {sockets[0]}"
        for _ in range(6):  # and every connection is answered, whichever socket it reached
            assert request(server.url, "GET", ASK, timeout=10).status == 200
    finally:
        server.stop()


def test_a_second_server_on_the_same_port_is_refused(one_thread):
    """Sockets that share their port would let a second server start silently beside the first."""
    port = one_thread.url.rsplit(":", 1)[1]
    env = {**os.environ, "TIPKG_CONFIG": "", "TIPKG_STORE": one_thread.env.get("TIPKG_STORE", "memory:")}
    second = subprocess.run(
        [sys.executable, "-m", "tipkg.cli", "serve", "--port", port],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert second.returncode == 1, (second.returncode, second.stdout, second.stderr)
    assert f"cannot serve on 127.0.0.1:{port}" in second.stderr and "another --port" in second.stderr
    assert "Traceback" not in second.stderr
    assert request(one_thread.url, "GET", ASK, timeout=10).status == 200  # the first one still serves

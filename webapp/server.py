"""``tipkg serve``: the web app under gunicorn, with threaded workers sized to the machine.

Each worker process builds its own app (``create_app``), so each opens (or copies into memory) the
current build and follows the store link when a new build is swapped in. Idle and keep-alive
connections wait in each process's event loop; a request being read or answered holds one of its
threads, so a client that sends slowly holds a thread (put a buffering proxy in front on a public
network). The settings ``serve_workers``, ``serve_threads`` and ``serve_keepalive`` size them.
"""

from __future__ import annotations

import os
import selectors
import socket
import time
from functools import partial

from gunicorn.app.base import BaseApplication
from gunicorn.workers.gthread import TConn, ThreadWorker

from tipkg.config import Settings
from tipkg.errors import TipkgError


def options(settings: Settings, host: str, port: int) -> dict[str, object]:
    """gunicorn's settings for ``settings``, serving on ``host:port``."""
    workers = settings.serve_workers or max(1, len(os.sched_getaffinity(0)))
    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "worker_class": "tipkg.webapp.server.Worker",
        # A listening socket per process: the kernel spreads new connections over them. On one
        # shared socket, the process that woke first took a whole burst of keep-alive connections
        # (16 to 0 seen under wrk) and served them alone, at half the machine's throughput.
        "reuse_port": True,
        "threads": settings.serve_threads,
        "keepalive": settings.serve_keepalive,
        # A worker silent for this long is restarted: well past the longest /sparql query and the
        # copy of a large build into memory (serve_from_memory) that follows a new build.
        "timeout": max(300, int(settings.sparql_timeout) + 30),
        "graceful_timeout": 20,
        "limit_request_line": 8190,  # a GET query longer than this is refused 414: POST it
        "proc_name": "tipkg",
        "accesslog": None,
        "errorlog": "-",
    }


HEARTBEAT_SECONDS = 1.0  # how often a worker tells the master it is alive (the master waits `timeout`)


class Worker(ThreadWorker):
    """gunicorn's threaded worker, with a new connection held in the event loop until its first
    bytes arrive (an idle or pre-opened connection holds no thread, and is closed after
    ``keepalive`` seconds), and a heartbeat once a second rather than on every turn of the loop (a
    system call per request)."""

    _beat = 0.0

    def notify(self) -> None:
        now = time.monotonic()
        if now - self._beat >= HEARTBEAT_SECONDS:
            self._beat = now
            super().notify()

    def accept(self, listener) -> None:
        try:
            client, address = listener.accept()
        except (BlockingIOError, ConnectionAbortedError):
            return  # a spurious wake-up, or a client gone before it was accepted
        self.nr_conns += 1
        conn = TConn(self.cfg, client, address, listener.getsockname())  # non-blocking until read
        conn.timeout = time.monotonic() + self.cfg.keepalive
        self.pending_conns.append(conn)
        self.poller.register(client, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn))


class Server(BaseApplication):
    def __init__(self, settings: Settings, host: str, port: int) -> None:
        self.settings = settings
        self.chosen = options(settings, host, port)
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.chosen.items():
            self.cfg.set(key, value)

    def load(self):
        from tipkg.webapp import create_app

        return create_app(settings=self.settings, long_lived=True)


def serve(settings: Settings, host: str, port: int) -> None:
    """Serve until stopped (SIGINT or SIGTERM: workers finish their requests first)."""
    check_port(host, port)
    Server(settings, host, port).run()


def check_port(host: str, port: int) -> None:
    """Refuse a port another server listens on. The workers' sockets share their port (SO_REUSEPORT),
    so a second `tipkg serve` on it would otherwise start and take half of the first one's clients."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # closed connections are no obstacle
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise TipkgError(
                f"cannot serve on {host}:{port}: {exc.strerror or exc} (another server may be listening "
                "there: stop it or choose another --port)"
            ) from None

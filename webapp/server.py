"""``tipkg serve``: the web app under gunicorn, with threaded workers sized to the machine.

Each worker process builds its own app (``create_app``), so each opens (or copies into memory) the
current build and follows the store link when a new build is swapped in. Threaded workers hold
keep-alive connections and slow clients without blocking the others; the settings
``serve_workers``, ``serve_threads`` and ``serve_keepalive`` size them.
"""

from __future__ import annotations

import os

from gunicorn.app.base import BaseApplication

from tipkg.config import Settings


def options(settings: Settings, host: str, port: int) -> dict[str, object]:
    """gunicorn's settings for ``settings``, serving on ``host:port``."""
    workers = settings.serve_workers or max(1, len(os.sched_getaffinity(0)))
    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
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
    Server(settings, host, port).run()

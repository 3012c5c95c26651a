"""Running /sparql queries with a time limit and a result cap.

On an on-disk Oxigraph store, queries run in worker processes that open the store (or copy it into
memory); a query that passes the time limit has its worker killed, and a new one is started when
next needed, so the server and the other requests carry on. Other stores, and a limit of 0 (off),
run queries in the request's thread (a remote server enforces its own limits). pyoxigraph writes
the answers in the negotiated format, capped in size as they are written.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import queue
import resource
import select
import signal
import socket
import struct
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, NamedTuple, cast

import pyoxigraph as ox

from tipkg.config import Settings
from tipkg.store import Store, open_store

log = logging.getLogger("tipkg.webapp.sparql")
UNAVAILABLE = "the query service is not available at the moment; try again shortly"
CRASHED = (
    "the query stopped its worker (it may be too large or too deeply nested for this endpoint); "
    "the endpoint is still up: simplify the query or split it"
)

STARTUP_TIMEOUT = 120  # seconds for a worker to import and open the store, on a busy machine
# pyoxigraph's parser and planner recurse over the query: on the main thread's 8 MiB stack a query
# of a few thousand nested groups or unions overflowed it and killed the worker. Queries run on a
# thread with this much stack (reserved, not used, until a query needs it), so such a query reaches
# the time limit or an answer instead.
WORKER_STACK_BYTES = 512 * 1024 * 1024


class QueryTimeout(Exception):
    pass


class QueryTooLarge(Exception):
    """The query took more memory than ``sparql_max_memory_mb``; ``args[0]`` is the limit in MiB."""


class ResultTooLarge(Exception):
    """The serialised answer passed the size cap; ``args[0]`` is the cap in bytes."""


class QueryFailed(Exception):
    """The store refused or failed the query (syntax or evaluation); the message says why."""


class WorkerUnavailable(Exception):
    """A query worker could not start or stopped while running a query (HTTP 503); the message is
    for the client, the cause goes to the log."""


class WorkerBug(Exception):
    """The worker raised something unexpected: a bug, answered 500 with a logged id."""


class Job(NamedTuple):
    query: str
    media_type: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    base_iri: str | None = None


RDF_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}


class CappedBuffer:
    """A binary sink that refuses to grow past ``limit`` bytes.

    pyoxigraph's serializers write to it in chunks of a few KiB as they pull solutions from the
    query, so an oversized answer is stopped early, never held whole in memory.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.parts: list[bytes] = []

    def write(self, chunk) -> int:
        self.size += len(chunk)
        if self.size > self.limit:
            raise ResultTooLarge(self.limit)
        self.parts.append(bytes(chunk))
        return len(chunk)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


def execute(store: Store, job: Job, max_bytes: int) -> bytes:
    """Run ``job`` on ``store`` and serialise the answer with pyoxigraph's own writers (they are
    several times faster than Python ones); raise ResultTooLarge or QueryFailed."""
    out = CappedBuffer(max_bytes)
    try:
        result = store.query(
            job.query,
            default_graphs=list(job.default_graphs) or None,
            named_graphs=list(job.named_graphs) or None,
            base_iri=job.base_iri,
        )
        sink = cast(IO[bytes], out)  # duck-typed: pyoxigraph only calls write()
        if job.media_type in RESULT_TYPES and isinstance(result, ox.QuerySolutions | ox.QueryBoolean):
            result.serialize(sink, format=RESULT_TYPES[job.media_type])
        elif isinstance(result, ox.QueryTriples):
            result.serialize(sink, format=RDF_TYPES[job.media_type])
        else:  # a remote store's CONSTRUCT answer, already parsed into triples
            ox.serialize(cast(Iterator[ox.Triple], result), sink, format=RDF_TYPES[job.media_type])
    except SyntaxError as exc:
        raise QueryFailed(f"malformed query: {exc}") from exc
    except (OSError, ValueError, RuntimeError) as exc:
        raise QueryFailed(f"the query could not be evaluated: {exc}") from exc
    return out.getvalue()


# --- Worker processes ---------------------------------------------------------------------------


# The hop to a worker is a blocking socket pair carrying length-prefixed messages: a job as a
# pickled tuple, an answer as a status byte and the bytes. A query costs five system calls (a send
# and a receive each side, and the server's poll that waits out the time limit); multiprocessing's
# Connection took seven, and a socket timeout would poll before every send and receive.
HEADER = struct.Struct("!I")


def _send(channel: socket.socket, *parts: bytes) -> None:
    channel.sendall(HEADER.pack(sum(map(len, parts))) + b"".join(parts))


def _receive(channel: socket.socket) -> bytes:
    """One message; EOFError if the other side has gone."""
    chunk = channel.recv(1 << 16)
    if len(chunk) < HEADER.size:
        chunk += _exactly(channel, HEADER.size - len(chunk))
    (size,) = HEADER.unpack_from(chunk)
    if len(chunk) - HEADER.size >= size:
        return chunk[HEADER.size :]
    return chunk[HEADER.size :] + _exactly(channel, size - len(chunk) + HEADER.size)


def _exactly(channel: socket.socket, size: int) -> bytes:
    out = bytearray(size)
    view, got = memoryview(out), 0
    while got < size:
        n = channel.recv_into(view[got:])
        if not n:
            raise EOFError
        got += n
    return bytes(out)


def _worker(settings: Settings, channel: socket.socket) -> None:
    threading.stack_size(WORKER_STACK_BYTES)
    thread = threading.Thread(target=_serve_jobs, args=(settings, channel), name="queries")
    thread.start()
    thread.join()


def _serve_jobs(settings: Settings, channel: socket.socket) -> None:
    try:
        before_store = _mapped()
        store = open_store(settings, serving=True)
        store.query("ASK {}")  # open (or copy) the store now, so that no query's time limit pays for it
        _limit_memory(settings.sparql_max_memory_mb, before_store)
        _send(channel, b"r")
    except Exception as exc:
        _send(channel, b"f", f"the store cannot be opened: {exc}".encode())
        return
    limit = settings.sparql_max_result_bytes
    while True:
        try:
            message = _receive(channel)
        except (EOFError, OSError):  # the server has gone
            return
        try:
            _send(channel, b"o", execute(store, Job(*pickle.loads(message)), limit))
        except ResultTooLarge as exc:
            _send(channel, b"L", str(exc.args[0]).encode())
        except QueryFailed as exc:
            _send(channel, b"f", str(exc).encode())
        except MemoryError:
            _send(channel, b"M")
        except Exception as exc:  # a bug: its text goes to the log, never to the client
            _send(channel, b"e", f"{type(exc).__name__}: {exc}".encode())


def _mapped() -> int:
    """The bytes of address space this process maps."""
    return int(Path("/proc/self/statm").read_text().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _limit_memory(megabytes: int, before_store: int) -> None:
    """Cap this process's address space at what it maps now, plus room for a copy of the next build
    of the same size (the store took ``mapped - before_store``), plus ``megabytes``. A query that
    allocates past the cap fails: in Python with MemoryError, in pyoxigraph with an abort that stops
    the process."""
    mapped = _mapped()
    limit = mapped + max(mapped - before_store, 0) + (megabytes << 20)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


class _Worker(NamedTuple):
    process: multiprocessing.process.BaseProcess
    channel: socket.socket
    poller: select.poll  # made once: waiting on it is the time limit


def isolated(settings: Settings) -> bool:
    """Whether /sparql queries run in worker processes, under the time and memory limits: on an
    embedded store with a time limit (a remote store enforces its own; 0 turns the limits off)."""
    return settings.store.startswith("oxigraph:") and settings.sparql_timeout > 0


class Runner:
    """Run jobs with ``settings.sparql_timeout``, in worker processes when the store allows it."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self.isolated = isolated(settings)
        self._context = multiprocessing.get_context("spawn")  # no fork of a threaded server
        self._idle: queue.LifoQueue = queue.LifoQueue()  # the most recently used worker: its caches are warm
        self._lock = threading.Lock()
        self._started = 0

    def _spawn(self):
        """Start a worker and wait until it has opened the store (not counted in any time limit)."""
        parent, child = socket.socketpair()
        process = self._context.Process(target=_worker, args=(self.settings, child), daemon=True)
        process.start()
        child.close()
        poller = select.poll()
        poller.register(parent.fileno(), select.POLLIN)
        if not poller.poll(STARTUP_TIMEOUT * 1000):
            process.kill()
            parent.close()
            log.error("a query worker did not start within %s s", STARTUP_TIMEOUT)
            raise WorkerUnavailable(UNAVAILABLE)
        try:
            answer = _receive(parent)
        except (EOFError, OSError):
            process.join(5)
            answer = f"fthe worker exited with code {process.exitcode}".encode()
        if answer != b"r":
            process.join(5)
            parent.close()
            log.error("a query worker could not start: %s", answer[1:].decode(errors="replace"))
            raise WorkerUnavailable(UNAVAILABLE)
        return _Worker(process, parent, poller)

    def _take(self):
        """An idle worker if there is one, else a new one up to ``sparql_workers``, else wait: a
        server handling one request at a time (gunicorn's sync workers) keeps a single worker."""
        while True:
            try:
                return self._idle.get_nowait()
            except queue.Empty:
                pass
            with self._lock:
                spawn = self._started < self.settings.sparql_workers
                self._started += spawn
            if spawn:
                try:
                    return self._spawn()
                except BaseException:
                    self._retire(None)
                    raise
            try:
                return self._idle.get(timeout=0.1)  # then look again: a retired worker frees a place
            except queue.Empty:
                continue

    def _retire(self, process) -> None:
        """Stop a worker that ran past the limit or broke; the next request that needs one starts it,
        so the client of this one gets its answer now."""
        if process is not None:
            process.kill()
            process.join(5)
        with self._lock:
            self._started -= 1

    def run(self, job: Job) -> bytes:
        if not self.isolated:
            return execute(self.store, job, self.settings.sparql_max_result_bytes)
        worker = self._take()
        healthy = False
        try:
            _send(worker.channel, pickle.dumps(tuple(job), protocol=pickle.HIGHEST_PROTOCOL))
            # The worker sends its answer once it is whole: once it starts, the rest follows.
            if not worker.poller.poll(self.settings.sparql_timeout * 1000):
                raise QueryTimeout(self.settings.sparql_timeout)
            answer = _receive(worker.channel)
            healthy = True
        except (EOFError, OSError):
            worker.process.join(1)
            if worker.process.exitcode == -signal.SIGABRT:  # pyoxigraph failed an allocation past the cap
                log.warning("a query passed the memory limit and stopped its worker")
                raise QueryTooLarge(self.settings.sparql_max_memory_mb) from None
            log.error("a query worker stopped while running a query (exit code %s)", worker.process.exitcode)
            raise WorkerUnavailable(CRASHED) from None
        finally:
            if healthy:
                self._idle.put(worker)
            else:
                worker.channel.close()
                self._retire(worker.process)
        status, payload = answer[:1], answer[1:]
        if status == b"o":
            return payload
        if status == b"L":
            raise ResultTooLarge(int(payload))
        if status == b"M":
            raise QueryTooLarge(self.settings.sparql_max_memory_mb)
        if status == b"e":
            raise WorkerBug(payload.decode(errors="replace"))
        raise QueryFailed(payload.decode(errors="replace"))

"""Running /sparql queries with a time limit and a result cap.

On an on-disk Oxigraph store, queries run in worker processes that open the store read-only; a
query that passes the time limit has its worker killed and replaced, so the server and the other
requests carry on. Other stores run queries in the request's thread (a remote server enforces its
own limits). Results are capped while they are read, then written in the negotiated format.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import multiprocessing
import queue
import threading
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from tipkg.config import Settings
from tipkg.store import Store, open_store

STARTUP_TIMEOUT = 120  # seconds for a worker to import and open the store, on a busy machine


class QueryTimeout(Exception):
    pass


class TooManyResults(Exception):
    pass


class QueryFailed(Exception):
    """The store refused or failed the query (syntax or evaluation); the message says why."""


@dataclass(frozen=True)
class Job:
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
RESULT_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)


def execute(store: Store, job: Job, max_rows: int) -> bytes:
    """Run ``job`` on ``store`` and serialise the answer; raise TooManyResults or QueryFailed."""
    try:
        result = store.query(
            job.query,
            default_graphs=list(job.default_graphs) or None,
            named_graphs=list(job.named_graphs) or None,
            base_iri=job.base_iri,
        )
        if isinstance(result, ox.QueryBoolean):
            return write_boolean(bool(result), job.media_type)
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            rows = list(itertools.islice(result, max_rows + 1))
            if len(rows) > max_rows:
                raise TooManyResults(max_rows)
            return write_solutions(variables, rows, job.media_type)
        triples = list(itertools.islice(result, max_rows + 1))
        if len(triples) > max_rows:
            raise TooManyResults(max_rows)
        return ox.serialize(triples, format=RDF_TYPES[job.media_type])
    except SyntaxError as exc:
        raise QueryFailed(f"malformed query: {exc}") from exc
    except (OSError, ValueError, RuntimeError) as exc:
        raise QueryFailed(f"the query could not be evaluated: {exc}") from exc


# --- SPARQL 1.1 Query Results writers (JSON, XML, CSV, TSV) -----------------------------------


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def _xml_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def write_solutions(variables: list[str], rows: list, media_type: str) -> bytes:
    if media_type == "application/sparql-results+json":
        bindings = [{v: _json_term(row[v]) for v in variables if row[v] is not None} for row in rows]
        return json.dumps(
            {"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False
        ).encode()
    if media_type == "application/sparql-results+xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
        out += [f"<variable name={quoteattr(v)}/>" for v in variables]
        out.append("</head><results>")
        for row in rows:
            out.append("<result>")
            out += [
                f"<binding name={quoteattr(v)}>{_xml_term(row[v])}</binding>"
                for v in variables
                if row[v] is not None
            ]
            out.append("</result>")
        out.append("</results></sparql>\n")
        return "".join(out).encode()
    if media_type == "text/csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        for row in rows:
            writer.writerow(["" if row[v] is None else row[v].value for v in variables])
        return buffer.getvalue().encode()
    lines = ["\t".join(f"?{v}" for v in variables)]  # TSV: terms in their SPARQL/Turtle form
    lines += ["\t".join("" if row[v] is None else str(row[v]) for v in variables) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def write_boolean(value: bool, media_type: str) -> bytes:
    if media_type == "application/sparql-results+xml":
        text = "true" if value else "false"
        return f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/><boolean>{text}</boolean></sparql>\n'.encode()
    if media_type in {"text/csv", "text/tab-separated-values"}:
        return b"true\n" if value else b"false\n"
    return json.dumps({"head": {}, "boolean": value}).encode()


# --- Worker processes ---------------------------------------------------------------------------


def _worker(settings: Settings, connection) -> None:
    store = open_store(settings)
    try:
        store.query("ASK {}")  # open the store now, so that no query's time limit pays for it
        connection.send(("ready", None))
    except Exception as exc:
        connection.send(("failed", f"the store cannot be opened: {exc}"))
        return
    while True:
        job = connection.recv()
        if job is None:
            return
        try:
            connection.send(("ok", execute(store, job, settings.sparql_max_rows)))
        except TooManyResults as exc:
            connection.send(("too-many", exc.args[0]))
        except QueryFailed as exc:
            connection.send(("failed", str(exc)))
        except Exception as exc:
            connection.send(("failed", f"{type(exc).__name__}: {exc}"))


class Runner:
    """Run jobs with ``settings.sparql_timeout``, in worker processes when the store allows it."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self.isolated = settings.store.startswith("oxigraph:")
        self._context = multiprocessing.get_context("spawn")  # no fork of a threaded server
        self._idle: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._started = 0

    def _spawn(self):
        """Start a worker and wait until it has opened the store (not counted in any time limit)."""
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_worker, args=(self.settings, child), daemon=True)
        process.start()
        child.close()
        if not parent.poll(STARTUP_TIMEOUT):
            process.kill()
            raise QueryFailed(f"a query worker did not start within {STARTUP_TIMEOUT} s")
        status, message = parent.recv()
        if status != "ready":
            process.join(5)
            raise QueryFailed(message)
        return process, parent

    def _take(self):
        with self._lock:
            if self._started < self.settings.sparql_workers:
                self._started += 1
                return self._spawn()
        return self._idle.get()

    def run(self, job: Job) -> bytes:
        if not self.isolated:
            try:
                return execute(self.store, job, self.settings.sparql_max_rows)
            except TooManyResults as exc:
                raise TooManyResults(exc.args[0]) from None
        process, connection = self._take()
        try:
            connection.send(job)
            if not connection.poll(self.settings.sparql_timeout):
                process.kill()
                process.join(5)
                process, connection = self._spawn()
                raise QueryTimeout(self.settings.sparql_timeout)
            status, payload = connection.recv()
        except (EOFError, BrokenPipeError, ConnectionResetError):
            process.kill()
            process, connection = self._spawn()
            raise QueryFailed("the query worker stopped unexpectedly") from None
        finally:
            self._idle.put((process, connection))
        if status == "ok":
            return payload
        if status == "too-many":
            raise TooManyResults(payload)
        raise QueryFailed(payload)

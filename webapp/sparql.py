"""``/sparql``: a read-only SPARQL 1.1 Protocol endpoint.

Queries by GET, by POST urlencoded and by POST ``application/sparql-query``; the dataset from
``default-graph-uri`` / ``named-graph-uri``; results in the format the client accepts (or names with
``format``). Updates and ``SERVICE`` are refused; a time limit and a cap on the answer's size stop runaway queries.
With no query, GET answers with a SPARQL 1.1 Service Description.

The endpoint is a WSGI app of its own on werkzeug's request and response, mounted in front of the
Flask app (``mount``): Flask's request context, URL matching and response hooks cost more than a
point query, and the endpoint needs none of them. Its errors are JSON, by the classes of
``tipkg.webapp.errors``, and the security headers wrap it as they wrap every page.
"""

from __future__ import annotations

import functools
import json
import re

import pyoxigraph as ox
from flask import Flask
from werkzeug.datastructures import MIMEAccept, MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_accept_header
from werkzeug.wrappers import Request, Response

from tipkg.config import Settings
from tipkg.errors import StoreError
from tipkg.queries import _is_keyword, _scan
from tipkg.store.sparql import query_form
from tipkg.webapp.errors import failure
from tipkg.webapp.sparql_runner import (
    RDF_TYPES,
    RESULT_TYPES,
    Job,
    QueryFailed,
    QueryTimeout,
    QueryTooLarge,
    ResultTooLarge,
    Runner,
    WorkerUnavailable,
    isolated,
)

PATH = "/sparql"
METHODS = "GET, POST, OPTIONS"
MAX_QUERY_BYTES = 1024 * 1024
MAX_DEPTH = 256  # groups and brackets nested deeper than any real query; the parser recurses on them
FORMAT_NAMES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "rdf": "application/rdf+xml",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
}
ALIASES = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
}
# Names clients such as SPARQLWrapper send in format=, which mean an RDF syntax for CONSTRUCT/DESCRIBE.
GRAPH_FORMAT_NAMES = {
    "xml": "application/rdf+xml",
    "rdf+xml": "application/rdf+xml",
    "json": "application/ld+json",
    "json-ld": "application/ld+json",
    "n3": "text/turtle",
    "turtle": "text/turtle",
}
_UPDATE = re.compile(r"^\s*(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE)
_PROLOGUE = re.compile(r"^\s*((BASE\s*<[^>]*>|PREFIX\s+[\w.-]*:\s*<[^>]*>)\s*)*", re.IGNORECASE)


class ProtocolError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class _Request(Request):
    # A form or body past the query's own cap is refused 413 before it is read whole.
    max_content_length = MAX_QUERY_BYTES + 64 * 1024
    max_form_memory_size = MAX_QUERY_BYTES + 64 * 1024


class Endpoint:
    """The /sparql WSGI app of ``app`` (its settings, its store)."""

    def __init__(self, app: Flask) -> None:
        self.settings = app.config["TIPKG_SETTINGS"]
        # Made now, once (it starts no worker until a query needs one), for the app to share.
        self.runner = app.extensions["tipkg.sparql"] = Runner(self.settings, app.extensions["tipkg.store"])

    def __call__(self, environ, start_response):
        request = _Request(environ)
        try:
            if request.method in {"GET", "HEAD", "POST"}:
                response = self.answer(request)
            elif request.method == "OPTIONS":
                response = _preflight()
            else:
                response = _error(405, f"{request.method} is not allowed on {PATH}; use GET or POST")
                response.headers["Allow"] = METHODS
        except HTTPException as exc:  # werkzeug's own, e.g. a form past max_content_length
            response = _error(exc.code or 400, exc.description or exc.name)
        except Exception as exc:  # the store gone (503) or a bug (a logged 500 with an id)
            status, message, extra = failure(exc, request.method, request.path)
            response = _error(status, message, **extra)
        return response(environ, start_response)

    def answer(self, request: Request) -> Response:
        try:
            query, default_graphs, named_graphs = _read_request(request)
            if query is None:
                return _service_description(request, self.settings)
            form = _check(query)
            media_type = _choose(form, request.headers.get("Accept", ""), request.values.get("format", ""))
            # Relative IRIs resolve against the endpoint (built by hand: base_url quotes it again).
            base = f"{request.scheme}://{request.host}{request.root_path}{request.path}"
            job = Job(query, media_type, tuple(default_graphs), tuple(named_graphs), base)
            body = self.runner.run(job)
        except ProtocolError as exc:
            return _error(exc.status, str(exc))
        except QueryTimeout as exc:
            return _error(
                503,
                f"the query ran past the time limit of {exc.args[0]:g} s and was stopped; narrow it or add LIMIT",
            )
        except QueryTooLarge as exc:
            return _error(
                503,
                f"the query took more than the {exc.args[0]:,} MiB of memory a query may use here and was "
                "stopped; narrow it or add LIMIT",
            )
        except ResultTooLarge as exc:
            return _error(
                400,
                f"the answer is larger than {exc.args[0]:,} bytes, the cap of this endpoint; narrow the query or add LIMIT",
            )
        except QueryFailed as exc:
            return _error(400, str(exc))
        except WorkerUnavailable as exc:
            return _error(503, str(exc))
        return Response(body, mimetype=media_type, headers=COMMON_HEADERS)


def mount(app: Flask) -> None:
    """Answer ``PATH`` with the ``Endpoint`` ahead of ``app``'s pages; ``url_for("sparql.endpoint")``
    still builds its URL."""
    endpoint, pages = Endpoint(app), app.wsgi_app
    app.add_url_rule(PATH, endpoint="sparql.endpoint", build_only=True)

    def dispatch(environ, start_response):
        if environ.get("PATH_INFO") == PATH:
            return endpoint(environ, start_response)
        return pages(environ, start_response)

    app.wsgi_app = dispatch  # type: ignore[method-assign]


COMMON_HEADERS = (("Access-Control-Allow-Origin", "*"), ("Vary", "Accept"))


def _error(status: int, message: str, **extra: object) -> Response:
    body = json.dumps({"error": message, "status": status, **extra})
    return Response(body, status=status, mimetype="application/json", headers=COMMON_HEADERS)


def _preflight() -> Response:
    headers = {
        "Access-Control-Allow-Methods": METHODS,
        "Access-Control-Allow-Headers": "Content-Type, Accept",
        "Access-Control-Max-Age": "86400",
    }
    return Response(status=204, headers=[*headers.items(), *COMMON_HEADERS])


def _read_request(request: Request) -> tuple[str | None, list[str], list[str]]:
    """The query and dataset of a request, by the protocol's three request forms."""
    args = request.args
    if request.method != "POST":
        if "update" in args:
            raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is not accepted")
        queries, params = args.getlist("query"), args
    else:
        queries, params = _read_post(request)
    if len(queries) > 1:
        raise ProtocolError(400, "more than one query parameter; send one query per request")
    return (
        (queries[0] if queries else None),
        params.getlist("default-graph-uri"),
        params.getlist("named-graph-uri"),
    )


def _read_post(request: Request) -> tuple[list[str], MultiDict[str, str]]:
    """A POST's queries and parameters: a URL-encoded form, or a query as the body."""
    args = request.args
    if (request.content_length or 0) > MAX_QUERY_BYTES:
        raise ProtocolError(413, f"the request is larger than {MAX_QUERY_BYTES // 1024} KiB")
    kind = request.mimetype
    if kind == "application/sparql-update":
        raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is not accepted")
    if kind == "application/x-www-form-urlencoded":
        form = request.form
        if "update" in form:
            raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is not accepted")
        queries = form.getlist("query") + args.getlist("query")
        params = form.copy()
        for key in ("default-graph-uri", "named-graph-uri"):
            for value in args.getlist(key):
                params.add(key, value)
    elif kind == "application/sparql-query":
        queries, params = [_body_query(request)], MultiDict(args)
    else:
        raise ProtocolError(
            415,
            "send the query as application/sparql-query or as application/x-www-form-urlencoded with query=",
        )
    if not queries:
        raise ProtocolError(400, "no query: send query=... or an application/sparql-query body")
    return queries, params


def _body_query(request: Request) -> str:
    """An application/sparql-query body, which must be UTF-8."""
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in {"utf-8", "utf8"}:
        raise ProtocolError(400, f"an application/sparql-query body must be UTF-8, not {charset}")
    try:
        return request.get_data().decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(400, "the query is not valid UTF-8") from None


def _check(query: str) -> str:
    if len(query.encode()) > MAX_QUERY_BYTES:
        raise ProtocolError(413, f"the query is larger than {MAX_QUERY_BYTES // 1024} KiB")
    prologue = _PROLOGUE.match(query)  # the pattern matches any text, if only emptily
    body = query[prologue.end() if prologue else 0 :]
    if _UPDATE.match(body):
        raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is not accepted")
    if query.count("{") + query.count("(") > MAX_DEPTH:  # only then is the depth worth scanning for
        _check_depth(query)
    upper = query.upper()
    if "SERVICE" in upper:  # the scan is slow; most queries need none
        for i, _char in _scan(query):
            if upper.startswith("SERVICE", i) and _is_keyword(query, i, 7):
                raise ProtocolError(400, "SERVICE (federated query) is disabled on this endpoint")
    try:
        return query_form(query)  # the full parse happens where the query runs
    except StoreError as exc:
        raise ProtocolError(400, f"malformed query: {exc}") from exc


def _check_depth(query: str) -> None:
    depth = deepest = 0
    for _, char in _scan(query):
        if char in "{(":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "})":
            depth -= 1
    if deepest > MAX_DEPTH:
        raise ProtocolError(
            400,
            f"the query nests groups and brackets {deepest} deep; this endpoint accepts up to {MAX_DEPTH}",
        )


@functools.lru_cache(maxsize=512)
def _choose(form: str, accept_header: str, named: str) -> str:
    """The media type to answer ``form`` in. Clients send few distinct Accept headers, and parsing
    one costs more than a point query, so the choice is cached (errors are raised, never cached)."""
    offered = list(RESULT_TYPES) if form in {"SELECT", "ASK"} else list(RDF_TYPES)
    if named:
        key = named.lower()
        graph_names = GRAPH_FORMAT_NAMES if form in {"CONSTRUCT", "DESCRIBE"} else {}
        media_type = graph_names.get(key) or FORMAT_NAMES.get(key) or ALIASES.get(named, named)
        if media_type not in offered:
            raise ProtocolError(
                406, f"format {named!r} is not available for {form}; use one of: {', '.join(offered)}"
            )
        return media_type
    accept = parse_accept_header(accept_header, MIMEAccept)
    if not accept or (accept.best == "*/*" and len(list(accept.values())) == 1):
        return offered[0]
    for alias, target in ALIASES.items():
        if target in offered and accept[alias] and not accept[target]:
            return target
    best = accept.best_match(offered)
    if best is None:
        raise ProtocolError(
            406, f"none of the requested types is available for {form}; available: {', '.join(offered)}"
        )
    return best


def limits_text(settings: Settings) -> str:
    """The endpoint's limits, as the service description states them."""
    timeout = f"{settings.sparql_timeout:g} s" if settings.sparql_timeout else "no time limit"
    memory = f"{settings.sparql_max_memory_mb:,} MiB of memory; " if isolated(settings) else ""
    return (
        f"Limits per query: {timeout} of running time; {memory}answers up to "
        f"{settings.sparql_max_result_bytes:,} bytes as serialised; query text up to {MAX_QUERY_BYTES // 1024} KiB; "
        f"groups and brackets nested up to {MAX_DEPTH} deep. A query past a limit is stopped and answered "
        "503 (time, memory), 400 or 413, saying which."
    )


def _service_description(request: Request, settings: Settings) -> Response:
    url = request.base_url
    limits = limits_text(settings)
    description = f"""
@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix formats: <http://www.w3.org/ns/formats/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<{url}> a sd:Service ;
    sd:endpoint <{url}> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:feature sd:UnionDefaultGraph ;
    sd:resultFormat formats:SPARQL_Results_JSON , formats:SPARQL_Results_XML , formats:SPARQL_Results_CSV ,
        formats:SPARQL_Results_TSV , formats:Turtle , formats:N-Triples , formats:RDF_XML , formats:JSON-LD ;
    dcterms:description "Read-only SPARQL 1.1 endpoint of TIPKG. The default graph is the union of the graphs of the build; SERVICE is disabled. {limits}" .
"""
    triples = [q.triple for q in ox.parse(description.encode(), format=ox.RdfFormat.TURTLE)]
    offered = list(RDF_TYPES)
    media_type = request.accept_mimetypes.best_match(offered) if request.accept_mimetypes else None
    media_type = media_type or "text/turtle"
    body = ox.serialize(triples, format=RDF_TYPES[media_type])
    return Response(body, mimetype=media_type, headers=COMMON_HEADERS)

"""Errors and security headers for every response, installed once by ``create_app`` so that every
page (today's and those still to come) inherits them.

Errors are answered by class: the client's mistakes (a bad parameter, an unreadable ``as_of``, an
unknown resource) are 400/404/422 naming the problem; a store that cannot be reached is a 503;
anything else is a bug, logged with its traceback under a short id and answered 500 with that id,
never with the exception's text. The answer is HTML or JSON by the same negotiation as pages:
HTML for browsers and ``*/*``, JSON when the client asks for it, and always JSON on the machine
surfaces (``/api/``, ``/sparql``, ``/graph/``, ``/healthz``).

An error class of a page's own declares its status with a class attribute ``http_status`` (e.g.
``http_status = 404``); a route may also ``abort(code, description=...)``.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from tipkg.assessment import InputError
from tipkg.dates import DateError
from tipkg.errors import BuildError, ConfigError, QueryError, StoreError

log = logging.getLogger("tipkg.webapp")

# Status by class, most specific first found along the exception's MRO.
STATUS: dict[type[BaseException], int] = {
    DateError: 400,
    QueryError: 400,  # from a page: a parameter (an IRI, a number) that does not bind
    InputError: 422,
    StoreError: 503,
    BuildError: 503,
    ConfigError: 500,
}
JSON_ONLY = ("/api/", "/sparql", "/graph/", "/healthz")
UNAVAILABLE = "The graph store is not available at the moment; try again shortly."

# No inline script anywhere: page scripts are files under /static/ (see docs/architecture.md, "A
# page"). Inline styles stay allowed, since YASGUI and Cytoscape set them as they draw.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}
_SECURITY_ITEMS = tuple(SECURITY_HEADERS.items())


def status_of(exc: BaseException) -> int:
    """The HTTP status an exception is answered with (500 for anything not known to be the client's)."""
    declared = getattr(exc, "http_status", None)
    if isinstance(declared, int):
        return declared
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def wants_json() -> bool:
    if request.path.startswith(JSON_ONLY):
        return True
    accept = request.accept_mimetypes
    if not accept:
        return False
    # Offered in this order, so that */* and text/html (and a tie) choose the page.
    return accept.best_match(["text/html", "application/json"]) == "application/json"


def answer(
    status: int, message: str, *, name: str | None = None, extra: Mapping[str, object] | None = None
) -> Response:
    """An error response in the negotiated form; ``extra``: more fields (a reference, a field name)."""
    extra = extra or {}
    if wants_json():
        response = jsonify(error=message, status=status, **extra)
    else:
        title = name or _reason(status)
        response = Response(
            render_template("error.html", code=status, name=title, description=message, **extra),
            mimetype="text/html",
        )
    response.status_code = status
    response.headers.add("Vary", "Accept")
    return response


def _reason(status: int) -> str:
    from werkzeug.http import HTTP_STATUS_CODES

    return HTTP_STATUS_CODES.get(status, "Error")


def _http_error(exc: HTTPException) -> Response:
    response = answer(exc.code or 500, exc.description or exc.name, name=exc.name)
    for key, value in exc.get_headers():  # e.g. Allow on a 405
        if key.lower() != "content-type":
            response.headers[key] = value
    return response


def failure(exc: Exception, method: str, path: str) -> tuple[int, str, dict[str, object]]:
    """The status, message and extra fields an exception is answered with; a store outage and a
    bug are logged under a reference the answer gives, and a bug's text never reaches the client."""
    status = status_of(exc)
    if status == 503:
        reference = uuid.uuid4().hex[:12]
        log.warning("store unavailable [%s]: %s", reference, exc)
        return 503, UNAVAILABLE, {"reference": reference}
    if status >= 500:
        reference = uuid.uuid4().hex[:12]
        log.error("internal error [%s] on %s %s", reference, method, path, exc_info=exc)
        return (
            500,
            f"Something went wrong on our side; it has been logged as {reference}.",
            {"reference": reference},
        )
    if isinstance(exc, InputError):
        return status, str(exc), {"field": exc.field, "accepted": exc.accepted}
    return status, str(exc), {}


def _exception(exc: Exception) -> Response:
    status, message, extra = failure(exc, request.method, request.path)
    return answer(status, message, extra=extra)


class SecurityHeaders:
    """WSGI middleware adding ``SECURITY_HEADERS`` to every response that does not set its own.

    At the WSGI level, on the plain list of header pairs: werkzeug's ``Headers.setdefault`` raised
    and caught a KeyError per missing header, a tenth of a point query's time on /sparql."""

    def __init__(self, app) -> None:
        self.app = app

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            present = {name.lower() for name, _ in headers}
            headers.extend(item for item in _SECURITY_ITEMS if item[0].lower() not in present)
            return start_response(status, headers, exc_info)

        return self.app(environ, start)


def install(app: Flask) -> None:
    """Register the error handlers and the security headers on ``app``."""
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _exception)
    app.wsgi_app = SecurityHeaders(app.wsgi_app)  # type: ignore[method-assign]

"""The JSON API: ``POST /api/assess`` and its OpenAPI description at ``/api/openapi.json``."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import BadRequest

from tipkg.assessment import Assessor, InputError
from tipkg.webapp import cache

bp = Blueprint("api", __name__, url_prefix="/api")
OPENAPI = Path(__file__).with_name("openapi.json")


def assessor() -> Assessor:
    from tipkg.webapp import current_store

    if "tipkg.assessor" not in current_app.extensions:
        # Keyed by the build record the request already read (webapp/cache.py), not read again.
        current_app.extensions["tipkg.assessor"] = Assessor(current_store(), _served_build)
    return current_app.extensions["tipkg.assessor"]


def _served_build() -> str | None:
    key = cache.build_key()
    return None if key is None else repr(key)


MAX_INPUT_BYTES = 64 * 1024  # an assessment input is a few hundred bytes


@bp.post("/assess")
def assess():
    if (request.content_length or 0) > MAX_INPUT_BYTES:
        return jsonify(error=f"the input is larger than {MAX_INPUT_BYTES // 1024} KiB", status=413), 413
    if not request.is_json:
        return jsonify(error="send the facts as JSON with Content-Type: application/json", status=415), 415
    try:
        payload = request.get_json()
    except BadRequest:
        return jsonify(error="the body is not valid JSON", status=400), 400
    try:
        return jsonify(assessor().assess(payload))
    except InputError as exc:
        return jsonify(error=str(exc), field=exc.field, accepted=exc.accepted, status=422), 422


@bp.get("/vocabulary")
def vocabulary():
    """The values each input key accepts, from the graph."""
    return jsonify(assessor().accepted_values())


@bp.get("/openapi.json")
def openapi():
    return Response(OPENAPI.read_text(encoding="utf-8"), mimetype="application/json")


def _check_openapi() -> None:  # imported by tests: the file must stay valid JSON
    json.loads(OPENAPI.read_text(encoding="utf-8"))

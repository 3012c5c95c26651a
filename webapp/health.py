"""``/healthz``: is the app up, which store does it read, how big is the graph, which build."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from tipkg import queries
from tipkg.errors import StoreError
from tipkg.queries.rows import integer

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    from tipkg.webapp import current_store

    settings = current_app.config["TIPKG_SETTINGS"]
    store = current_store()
    try:
        triples = int(next(iter(queries.select(store, "triple-count")))["triples"].value)
        records = list(queries.select(store, "build-record"))
    except StoreError as exc:
        return jsonify(status="unavailable", store=store.spec, error=str(exc)), 503
    build = None
    if records:
        record = records[0]
        params = {"build": record["build"]}
        build = {
            "id": record["build"].value.rsplit("/", 1)[-1],
            "iri": record["build"].value,
            "started": record["started"].value,
            "ended": record["ended"].value,
            "triples": integer(record["triples"]),
            "inferred_triples": integer(record["inferred"]),
            "files": [
                {
                    "path": r["path"].value,
                    "sha256": r["sha256"].value,
                    "triples": integer(r["triples"]),
                    "graph": r["graph"].value,
                }
                for r in queries.select(store, "build-files", params)
            ],
            "tools": [r["tool"].value for r in queries.select(store, "build-tools", params)],
        }
    status = "ok" if triples and build else "empty"
    return jsonify(
        status=status, store=store.spec, base_iri=settings.base_iri, triples=triples, build=build
    ), (200 if status == "ok" else 503)

"""The Flask app: ``create_app()`` is the factory (config layered as in tipkg.config)."""

from __future__ import annotations

import gc
from collections.abc import Mapping
from typing import Any

from flask import Flask

from tipkg.config import Settings, load_settings
from tipkg.store import Store, open_store
from tipkg.webapp.cache import BuildCache


def create_app(
    config: Mapping[str, Any] | None = None,
    *,
    settings: Settings | None = None,
    store: Store | None = None,
    long_lived: bool = False,
) -> Flask:
    """Build the app. ``config`` overrides settings keys (as the tests' mapping does); ``store``
    lets a caller share an already open store (tests, the in-memory store). ``long_lived``: the app
    lives as long as its process (a server's worker), and so do the tables it keeps per build: they
    are kept out of the garbage collector's walks (``keep_out_of_gc``)."""
    settings = settings or load_settings(config)
    app = Flask(__name__)
    app.config["TIPKG_SETTINGS"] = settings
    app.extensions["tipkg.store"] = store or open_store(settings, serving=True)
    app.extensions["tipkg.per_build"] = BuildCache()

    from tipkg.webapp.api import bp as api
    from tipkg.webapp.compare import bp as compare
    from tipkg.webapp.countries import bp as countries
    from tipkg.webapp.examples import bp as examples
    from tipkg.webapp.filters import bp as filters
    from tipkg.webapp.health import bp as health
    from tipkg.webapp.linked_data import bp as linked_data
    from tipkg.webapp.lists import bp as lists
    from tipkg.webapp.matrix import bp as matrix
    from tipkg.webapp.pages import bp as pages
    from tipkg.webapp.query_page import bp as query_page
    from tipkg.webapp.resource import bp as resource
    from tipkg.webapp.sanctions import bp as sanctions
    from tipkg.webapp.search import bp as search
    from tipkg.webapp.training_page import bp as training_page
    from tipkg.webapp.vendor import bp as vendor
    from tipkg.webapp.vocabulary import bp as vocabulary

    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024  # a hard ceiling; /sparql and /api set their own
    app.register_blueprint(health)
    app.register_blueprint(api)
    app.register_blueprint(pages)
    app.register_blueprint(linked_data)
    for blueprint in (
        filters,
        vendor,
        search,
        lists,
        examples,
        matrix,
        compare,
        sanctions,
        countries,
        resource,
        query_page,
        training_page,
        vocabulary,
    ):
        app.register_blueprint(blueprint)

    from tipkg.webapp import errors, sparql

    sparql.mount(app)  # /sparql ahead of the pages, inside the security headers
    errors.install(app)  # errors by class, negotiated; security headers on every response
    if long_lived:
        app.extensions[LONG_LIVED] = True
        keep_out_of_gc()  # the modules and the app, for as long as the process
    return app


LONG_LIVED = "tipkg.long_lived"


def keep_out_of_gc() -> None:
    """Collect, then take every object alive out of the garbage collector's walks (``gc.freeze``).
    A full collection walks the oldest generation: with the modules and the tables kept per build
    in it, one request in a few dozen paused 12-50 ms (an assessment page: 5 ms p50, 54 ms p95 at
    every size of bench/scale.py). A frozen object is still freed when nothing refers to it; a cycle
    of frozen objects is not, so this is for what lives as long as the process (``long_lived``)."""
    gc.collect()
    gc.freeze()


def current_store() -> Store:
    from flask import current_app

    return current_app.extensions["tipkg.store"]

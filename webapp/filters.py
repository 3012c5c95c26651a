"""The template filters every page uses: ``upper_first``, ``human_date`` and ``local``."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app

bp = Blueprint("filters", __name__)


@bp.app_template_filter("upper_first")
def upper_first(text: str) -> str:
    """Capitalise the first letter only ("Security Council resolution" stays as it is).

    >>> upper_first("treaty"), upper_first("")
    ('Treaty', '')
    """
    return text[:1].upper() + text[1:] if text else text


@bp.app_template_filter("human_date")
def human_date(text: str) -> str:
    """``1998-07-17`` as "17 July 1998"; years and other forms unchanged.

    >>> human_date("1998-07-17"), human_date("1998")
    ('17 July 1998', '1998')
    """
    try:
        return date.fromisoformat(text).strftime("%-d %B %Y")
    except (TypeError, ValueError):
        return text


@bp.app_template_filter("local")
def local(iri: str) -> str:
    """The app's own path for an IRI under the configured base; other IRIs unchanged."""
    base = current_app.config["TIPKG_SETTINGS"].base_iri
    return "/" + iri[len(base) :] if iri.startswith(base) else iri

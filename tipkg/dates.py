"""The date an answer speaks for (``as_of``), read the same way by every page, the API and the CLI.

Facts that change carry ``tip:inForceFrom`` and ``tip:inForceUntil`` (the last day in force,
inclusive); ``in_force`` is the rule every query and page applies, in Python, and the
``IN_FORCE_FILTER`` text is the same rule for a SPARQL query that binds ``?asOf``.

>>> as_of("2020-06-01")
datetime.date(2020, 6, 1)
>>> in_force(date(2023, 8, 31), start=date(2017, 9, 5), until=date(2023, 8, 31))
True
>>> in_force(date(2023, 9, 1), start=date(2017, 9, 5), until=date(2023, 8, 31))
False
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from tipkg.errors import TipkgError

EARLIEST = date(1900, 1, 1)  # no fact of the graph is older; an earlier as_of is a typing mistake

# For a SPARQL query with ?asOf bound and the resource's optional ?from and ?until.
IN_FORCE_FILTER = "FILTER((!BOUND(?from) || ?from <= ?asOf) && (!BOUND(?until) || ?until >= ?asOf))"


class DateError(TipkgError):
    """An ``as_of`` (or another date) that cannot be read; the message names the field and the value."""


def today() -> date:
    return datetime.now(UTC).date()


def as_of(text: str | None, *, field: str = "as_of") -> date:
    """``text`` as a date (``YYYY-MM-DD``); today when it is None or empty."""
    if text is None or not str(text).strip():
        return today()
    if not isinstance(text, str):
        raise DateError(f"{field} must be a date written YYYY-MM-DD, got {type(text).__name__}")
    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        raise DateError(f"{field} must be a date written YYYY-MM-DD, got {text[:40]!r}") from None
    if value < EARLIEST:
        raise DateError(
            f"{field} {value.isoformat()} is before {EARLIEST.isoformat()}, earlier than anything the graph knows"
        )
    return value


def in_force(on: date, *, start: date | None, until: date | None) -> bool:
    """Whether something in force from ``start`` to ``until`` (inclusive; None: open) holds ``on``."""
    return (start is None or start <= on) and (until is None or on <= until)

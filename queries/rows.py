"""Query rows to plain Python values: the helpers every stage above the queries shares.

Stores answer with pyoxigraph terms; pages, the assessment and the training generator want strings,
numbers and dicts. Booleans arrive as ``true``/``false`` typed ``xsd:boolean`` from every backend
(the SPARQL backend normalises Virtuoso's ``1``/``0`` once, in ``tipkg.store.sparql``).

>>> import pyoxigraph as ox
>>> value(ox.Literal("art. 7"))
'art. 7'
>>> value(None) is None
True
>>> sorted(["art. 10", "art. 9", "art. 9 bis"], key=natural_key)
['art. 9', 'art. 9 bis', 'art. 10']
>>> local_path("https://w3id.org/tipkg/id/act/recruitment", "https://w3id.org/tipkg/")
'/id/act/recruitment'
>>> local_path("http://example.org/x", "https://w3id.org/tipkg/") is None
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

GENID = "/.well-known/genid/"
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph
Row = dict[str, str | None]


def value(term: Any) -> str | None:
    """The lexical value of a term (an IRI's text, a literal's lexical form), or None if unbound."""
    return None if term is None else term.value


def integer(term: Any) -> int | None:
    """A term's value as an int, or None when unbound or not a whole number."""
    try:
        return None if term is None else int(term.value)
    except ValueError:
        return None


def truthy(term: Any) -> bool:
    """Whether a boolean term of a query's answer is ``true`` (False when unbound).

    >>> truthy(ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")))
    True
    >>> truthy(None)
    False
    """
    return term is not None and term.value == "true"


def rows(results: Any) -> list[Row]:
    """Every solution of a SELECT as a dict of plain values, unbound variables as None."""
    names = [variable.value for variable in results.variables]
    return [{name: value(solution[name]) for name in names} for solution in results]


def natural_key(text: str) -> list[tuple[int, int, str]]:
    """Sort "art. 10" after "art. 9" and "(ii)" after "(i)": numbers by value, the rest as text."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.findall(r"\d+|\D+", text)]


def local_path(iri: str, base: str) -> str | None:
    """The app's own path for an IRI under ``base`` (not a skolem IRI), or None for any other IRI."""
    return "/" + iri[len(base) :] if iri.startswith(base) and GENID not in iri else None


def column(results: Iterable[Any], name: str) -> list[str]:
    """One bound variable of every solution, in order, unbound ones left out."""
    return [solution[name].value for solution in results if solution[name] is not None]

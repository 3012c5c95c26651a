"""Victim age groups with their bounds, read from the graph (``tip:ageFrom``, ``tip:ageBelow``), so
that no stage writes the thresholds of 15 and 18 years in code."""

from __future__ import annotations

from dataclasses import dataclass

from tipkg import queries
from tipkg.queries.rows import integer, value
from tipkg.store import Store


@dataclass(frozen=True)
class AgeGroup:
    """A band of ages in whole years: ``from_age`` inclusive, ``below`` exclusive (None: unbounded)."""

    iri: str
    notation: str
    label: str
    from_age: int | None
    below: int | None

    def contains(self, age: int) -> bool:
        """Whether ``age`` falls in the band.

        >>> AgeGroup("x", "child", "Child", None, 18).contains(17)
        True
        """
        return (self.from_age is None or age >= self.from_age) and (self.below is None or age < self.below)

    def within(self, other: AgeGroup) -> bool:
        """Whether every age of this band is also in ``other`` (under-15 is within child).

        >>> AgeGroup("u", "under-15", "", None, 15).within(AgeGroup("c", "child", "", None, 18))
        True
        >>> AgeGroup("a", "adult", "", 18, None).within(AgeGroup("c", "child", "", None, 18))
        False
        """
        low = other.from_age is None or (self.from_age is not None and self.from_age >= other.from_age)
        high = other.below is None or (self.below is not None and self.below <= other.below)
        return low and high


def age_groups(store: Store) -> list[AgeGroup]:
    """The age groups of the graph, narrowest first (under-15 before child)."""
    return [
        AgeGroup(
            iri=str(value(row["group"])),
            notation=str(value(row["notation"])),
            label=str(value(row["label"])),
            from_age=integer(row["from"]),
            below=integer(row["below"]),
        )
        for row in queries.select(store, "age-groups")
    ]


def groups_for(age: int, groups: list[AgeGroup]) -> list[AgeGroup]:
    """The groups an age falls in, narrowest first.

    >>> bands = [AgeGroup("u", "under-15", "", None, 15), AgeGroup("c", "child", "", None, 18),
    ...          AgeGroup("a", "adult", "", 18, None)]
    >>> [g.notation for g in groups_for(14, bands)], [g.notation for g in groups_for(17, bands)]
    (['under-15', 'child'], ['child'])
    """
    return [group for group in groups if group.contains(age)]


def narrowest(age: int, groups: list[AgeGroup]) -> AgeGroup | None:
    """The narrowest group an age falls in (``under-15`` for 12, ``adult`` for 30)."""
    found = groups_for(age, groups)
    return found[0] if found else None

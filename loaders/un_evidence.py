"""Which passages of a Consolidated List record mention trafficking-related conduct.

``flags(text)`` finds, in one field of a record, the passages that mention trafficking in persons or
migrant smuggling, recruitment or use of children, rape or sexual violence, abduction, slavery, the
sale of persons or forced labour, each with the curated resources it points to.

Precision first: a false flag is an accusation. "Trafficking" qualified by a commodity (drugs,
narcotics, arms, oil, wildlife ...) is not trafficking in persons; "smuggling" counts only with persons
or migrants as its object; "recruit" counts only with children named; kidnapping for ransom is not
flagged. An unqualified "trafficking" ("a transnational trafficking network") counts as trafficking in
persons only when the record names no commodity trafficked anywhere (``commodity_named``), which in
the 2020 and 2024 lists selects the Libya listings of June 2018 and no other record. The grave
violations against children (sexual violence, abduction) are pointed to only when children are named
within ``CHILD_WINDOW`` characters of the match.

>>> [f.kind for f in flags("Involved in drug trafficking and arms smuggling.")]
[]
>>> [f.kind for f in flags("Leader of a transnational trafficking network")]
['trafficking in persons']
>>> [f.kind for f in flags("Leader of a transnational trafficking network", commodity=True)]
[]
>>> sorted({f.kind for f in flags("responsible for the recruitment and use of children and rape.")})
['rape or sexual violence', 'recruitment or use of children']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Curated resources, relative to <base>id/.
TIP = "qualification/trafficking-in-persons"

# Commodities whose trafficking or smuggling is not trafficking in persons.
_COMMODITY = (
    r"drugs?|narcotics?|heroin|opium|cocaine|hashish|cannabis|morphine|methamphetamine|captagon|"
    r"arms|weapons?|ammunition|munitions|explosives?|oil|fuel|petrol|diesel|wildlife|ivory|"
    r"diamonds?|gold|minerals?|charcoal|timber|tobacco|cigarettes?|goods|contraband|antiquities|"
    r"cultural property|counterfeit|precursors?"
)
COMMODITY_TRAFFICKING = re.compile(
    rf"\b(?:{_COMMODITY})(?:[- ]\w+){{0,2}}[- ](?:traffick|smuggl)\w*"
    rf"|\b(?:traffick|smuggl)\w*(?: \w+){{0,2}} (?:of|in) (?:\w+ ){{0,2}}(?:{_COMMODITY})\b",
    re.IGNORECASE,
)
_PERSONS = r"human beings?|humans?|persons?|people|women|girls|boys|children|child|migrants?|refugees?"
_CHILD = re.compile(r"\b(?:child\w*|minors?|boys?|girls?|under the age of 18)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Rule:
    kind: str
    pattern: re.Pattern[str]
    points_to: tuple[str, ...]
    points_to_if_children: tuple[str, ...] = ()


def _rule(kind: str, pattern: str, *points: str, children: tuple[str, ...] = ()) -> Rule:
    return Rule(kind, re.compile(pattern, re.IGNORECASE), points, children)


RULES = (
    _rule(
        "trafficking in persons",
        rf"\b(?:{_PERSONS})[- ]traffick\w*|\btraffick\w* (?:in|of) (?:\w+ )?(?:{_PERSONS})\b",
        "qualification/trafficking-in-persons",
    ),
    _rule(
        "smuggling of migrants",
        rf"\b(?:{_PERSONS})[- ]smuggl\w*|\bsmuggl\w* (?:of|in) (?:\w+ )?(?:{_PERSONS})\b",
        "qualification/smuggling-of-migrants",
    ),
    _rule(
        "recruitment or use of children",
        r"\b(?:recruit\w*|us(?:e|es|ed|ing)|enlist\w*|conscript\w*)(?: (?:and|or) (?:us(?:e|es|ed|ing)|recruit\w*))?"
        r" (?:of )?(?:\w+ )?(?:child\w*|minors|boys|girls)\b|\bchild soldiers?\b",
        "purpose/use-of-children-by-armed-or-terrorist-groups",
        "grave-violation/recruitment-and-use",
    ),
    _rule(
        "rape or sexual violence",
        r"\brap(?:e|es|ed|ing)\b|\bsexual(?: and gender[- ]based)? violence\b|\bsexual abuse\b"
        r"|\bsexual exploitation\b|\bsexual slavery\b",
        "conduct/rape",
        "conduct/other-sexual-violence",
        "crsv/rape",
        children=("grave-violation/sexual-violence",),
    ),
    _rule(
        "abduction",
        r"\babduct\w*",
        "means/abduction",
        children=("grave-violation/abduction",),
    ),
    _rule("slavery", r"\b(?:slave(?:s|ry)?|enslave\w*)\b", "purpose/slavery"),
    _rule(
        "sale of persons",
        rf"\b(?:sale|sold|selling) of (?:\w+ )?(?:{_PERSONS})\b",
        "conduct/sale-or-gifting-of-persons",
    ),
    _rule("forced labour", r"\bforced labou?r\b", "purpose/forced-labour", "qualification/forced-labour"),
)
UNQUALIFIED_TRAFFICKING = re.compile(r"\btraffick(?:ing|ers?)\b(?! (?:of|in) )", re.IGNORECASE)
_SEXUAL_SLAVERY = ("purpose/sexual-slavery", "crsv/sexual-slavery")
_SENTENCE = re.compile(r"(?<=[.;])\s+(?=[A-Z(])")
PASSAGE_MAX = 400
CHILD_WINDOW = 60  # characters either side of a match within which children must be named


@dataclass(frozen=True)
class Flag:
    kind: str
    passage: str
    points_to: tuple[str, ...]


def commodity_named(text: str) -> bool:
    """Whether ``text`` speaks of trafficking or smuggling a commodity (drugs, arms, oil ...)."""
    return bool(COMMODITY_TRAFFICKING.search(text))


def _passage(sentence: str, start: int, end: int) -> str:
    if len(sentence) <= PASSAGE_MAX:
        return sentence
    half = (PASSAGE_MAX - (end - start)) // 2
    lo, hi = max(0, start - half), min(len(sentence), end + half)
    return ("…" if lo else "") + sentence[lo:hi].strip() + ("…" if hi < len(sentence) else "")


def flags(text: str, *, commodity: bool | None = None) -> list[Flag]:
    """The flagged passages of one field; ``commodity`` says whether the whole record names a
    trafficked commodity (by default, whether this text does)."""
    text = " ".join(text.split())
    if commodity is None:
        commodity = commodity_named(text)
    found: list[Flag] = []
    for sentence in _SENTENCE.split(text):
        masked = COMMODITY_TRAFFICKING.sub(lambda m: " " * len(m.group(0)), sentence)
        kinds: set[str] = set()
        for rule in RULES:
            match = rule.pattern.search(masked)
            if not match:
                continue
            points = rule.points_to
            near = sentence[max(0, match.start() - CHILD_WINDOW) : match.end() + CHILD_WINDOW]
            if rule.points_to_if_children and _CHILD.search(near):
                points += rule.points_to_if_children
            if "sexual slavery" in match.group(0).lower():
                points += _SEXUAL_SLAVERY
            found.append(Flag(rule.kind, _passage(sentence, *match.span()), points))
            kinds.add(rule.kind)
        plain = UNQUALIFIED_TRAFFICKING.search(masked)
        if plain and not commodity and "trafficking in persons" not in kinds:
            found.append(Flag("trafficking in persons", _passage(sentence, *plain.span()), (TIP,)))
    return found

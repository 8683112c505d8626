"""Search before create: keys to find possible earlier registrations of the same person, and a
score for how alike two identity records are.

Names of this population are spelled differently from one register to the next
(transliteration, swapped order, particles), and dates of birth are often estimated, so the
keys are deliberately coarse (phonetic codes, year of birth) and the score does the sorting.
"""

from __future__ import annotations

from dataclasses import dataclass

import jellyfish

from schakel.engine.identity import IdentityData
from schakel.engine.linkage.normalise import (
    family_name_tokens,
    given_name_tokens,
    normalise_bsn,
    normalise_document_number,
    normalise_phone,
    soundex,
)


def search_keys(identity: IdentityData) -> set[str]:
    """Plain keys (to be hashed with a secret before storage) that likely duplicates share."""
    names = family_name_tokens(identity.family_name) + given_name_tokens(identity.given_names)
    for alias in identity.aliases:
        names += family_name_tokens(alias)
    keys = {f"sx:{code}" for code in (soundex(n) for n in names) if code}
    if identity.date_of_birth:
        keys.add(f"dob:{identity.date_of_birth}")
    ids = identity.identifiers
    for prefix, value in (
        ("bsn", normalise_bsn(ids.bsn)),
        ("vn", normalise_document_number(ids.v_number)),
        ("pp", normalise_document_number(ids.passport)),
        ("ph", normalise_phone(identity.phone)),
    ):
        if value:
            keys.add(f"{prefix}:{value}")
    return keys


@dataclass(frozen=True)
class Likeness:
    score: float
    reasons: tuple[str, ...]


def _name_similarity(a: IdentityData, b: IdentityData) -> float:
    """Best Jaro-Winkler over name tokens in any order, so swapped names still match."""
    left = family_name_tokens(a.family_name) + given_name_tokens(a.given_names)
    right = family_name_tokens(b.family_name) + given_name_tokens(b.given_names)
    if not left or not right:
        return 0.0
    best = [max(jellyfish.jaro_winkler_similarity(x, y) for y in right) for x in left]
    return sum(best) / len(best)


def _date_similarity(a: str | None, b: str | None) -> float:
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    if len(a) == len(b) == 10 and a[:4] == b[:4] and (a[5:7], a[8:]) == (b[8:], b[5:7]):
        return 0.8  # day and month swapped, a common registration error
    if a[:4] == b[:4]:
        return 0.6
    return 0.0


def likeness(a: IdentityData, b: IdentityData) -> Likeness:
    """0 (nothing alike) to 1 (same identifiers, names and date of birth)."""
    reasons = []
    for field in ("bsn", "v_number", "passport"):
        mine, theirs = getattr(a.identifiers, field), getattr(b.identifiers, field)
        if mine and theirs and mine == theirs:
            return Likeness(1.0, (f"same {field}",))
    names = _name_similarity(a, b)
    dates = _date_similarity(a.date_of_birth, b.date_of_birth)
    if names >= 0.9:
        reasons.append("names alike")
    if dates >= 1.0:
        reasons.append("same date of birth")
    elif dates >= 0.8:
        reasons.append("date of birth with day and month swapped")
    elif dates > 0:
        reasons.append("same year of birth")
    if a.nationality and a.nationality == b.nationality:
        reasons.append("same nationality")
    score = 0.6 * names + 0.3 * dates + (0.1 if "same nationality" in reasons else 0.0)
    return Likeness(round(score, 3), tuple(reasons))


def query_keys(text: str) -> list[set[str]]:
    """The search keys a typed search term shares with a stored identity, one set per part:
    a BSN or a V-number gives its key; each word of a name gives its phonetic keys (as a family
    or a given name). A person matches when every part shares at least one key."""
    parts: list[set[str]] = []
    for word in text.split():
        digits = "".join(c for c in word if c.isdigit())
        if digits and len(digits) == len(word.replace("-", "").replace(".", "")):
            if len(digits) in (8, 9):
                bsn = normalise_bsn(digits)
                parts.append({f"bsn:{bsn}"} if bsn else set())
            else:
                number = normalise_document_number(digits)
                parts.append({f"vn:{number}"} if number else set())
            continue
        names = family_name_tokens(word) + given_name_tokens(word)
        codes = {f"sx:{code}" for code in (soundex(n) for n in names) if code}
        if codes:
            parts.append(codes)
    return parts

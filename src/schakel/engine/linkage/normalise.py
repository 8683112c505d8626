"""Normalisation of names and short identifiers before they are hashed.

Both sources must turn the same person into the same strings, whatever script, spelling or name
order a registration used, because after hashing nothing can be repaired. The rules here are
tuned to the population of trafficking victims in the Netherlands: Romanian, Bulgarian,
Ukrainian, Nigerian, Eritrean and Vietnamese names written by Dutch staff, often from hearing,
often from a foreign passport in another script.
"""

# ruff: noqa: RUF001  (Cyrillic and typographic letters are the point here)

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# Letters NFKD does not decompose into a base letter plus marks.
SPECIAL_LETTERS = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "ħ": "h",
        "ŀ": "l",
        "ĸ": "k",
        "ŉ": "n",
    }
)

# Cyrillic letters shared by Ukrainian, Russian and Bulgarian, in the Ukrainian national
# system (2010) where the languages agree; language-specific letters are below.
_CYRILLIC_COMMON = {
    "а": "a", "б": "b", "в": "v", "д": "d", "е": "e", "ж": "zh", "з": "z", "й": "i",
    "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "ь": "",
    "ю": "iu", "я": "ia", "ё": "e", "ы": "y", "э": "e", "і": "i", "ї": "i", "є": "ie",
    "ґ": "g", "ђ": "dj", "ј": "j", "љ": "lj", "њ": "nj", "ћ": "c", "џ": "dz", "ѓ": "g",
    "ќ": "k", "ѕ": "dz", "'": "", "’": "",
}  # fmt: skip
_CYRILLIC_BY_LANGUAGE = {
    "uk": {"г": "h", "и": "y", "щ": "shch", "ъ": ""},
    "bg": {"г": "g", "и": "i", "щ": "sht", "ъ": "a"},
    "ru": {"г": "g", "и": "i", "щ": "shch", "ъ": ""},
}
_CYRILLIC_TABLES = {
    language: str.maketrans(_CYRILLIC_COMMON | extra)
    for language, extra in _CYRILLIC_BY_LANGUAGE.items()
}
_UKRAINIAN_LETTERS = set("іїєґ")
_BULGARIAN_INNER_HARD_SIGN = re.compile(r"ъ(?=\w)")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")

# Family-name particles in the languages of this population and of Dutch registers. They move
# between the given-name field, the family-name field and a separate prefix field.
_PARTICLE_TEXT = """van de der den het ter ten te t op in von vom zu zum di da del della dos das do
du des la le al el bin bint ibn ben"""
PARTICLES = frozenset(_PARTICLE_TEXT.split())

# Spelling alternations that transliteration systems and hearing produce, applied to one token
# of ASCII letters. Order matters: longer patterns first.
_SKELETON_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"shch|sch|sh", "s"),
        (r"zh", "z"),
        (r"tsch|tch|ch", "c"),
        (r"kh", "h"),
        (r"ph", "f"),
        (r"th", "t"),
        (r"ts|tz", "c"),
        (r"ck|q", "k"),
        (r"x", "ks"),
        (r"w", "v"),
        (r"[yj]", "i"),
        (r"ou", "u"),
        (r"^ie", "e"),
        (r"(.)\1+", r"\1"),
    )
)

# Frequent given names whose variants differ beyond the skeleton rules (skeleton -> canonical).
GIVEN_NAME_VARIANTS = {
    variant: canonical
    for canonical, variants in {
        "muhamad": "mohamed mohamad muhamed mohamud mahamed",
        "aleksandr": "oleksandr aleksander oleksander aleksandar",
        "aleksei": "oleksi aleksi alekse",
        "evgeni": "evgen evhen evheni",
        "sergei": "serhi sergi",
        "olga": "olha",
        "ana": "hana gana",
        "mihail": "mikail mihailo mihal",
    }.items()
    for variant in [canonical, *variants.split()]
}

_NON_LETTER = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\D+")
_ALNUM = re.compile(r"[^0-9a-z]+")

MISSING_MARKERS = frozenset(
    {"", "-", "--", "?", "??", "nan", "none", "null", "n/a", "na", "nb", "onbekend", "unknown"}
)


def is_missing(value: object) -> bool:
    """True for the many spellings of 'no value' in registration extracts."""
    if value is None:
        return True
    if isinstance(value, float) and value != value:
        return True
    return str(value).strip().casefold() in MISSING_MARKERS


def transliterate(text: str) -> str:
    """Cyrillic to Latin, choosing Ukrainian, Bulgarian or Russian rules from telltale letters.

    A Ukrainian passport writes Г as H, a Bulgarian one as G; guessing the language from the
    letters only that language uses keeps both close to the Latin spelling in their passports.
    """
    lowered = text.casefold()
    if not _CYRILLIC.search(lowered):
        return lowered
    if _UKRAINIAN_LETTERS.intersection(lowered):
        language = "uk"
    elif _BULGARIAN_INNER_HARD_SIGN.search(lowered):
        language = "bg"
    else:
        language = "ru"
    return lowered.translate(_CYRILLIC_TABLES[language])


def fold_text(value: object) -> str | None:
    """Lower-case ASCII letters and single spaces: script, case and diacritics removed."""
    if is_missing(value):
        return None
    text = transliterate(unicodedata.normalize("NFC", str(value)))
    text = text.translate(SPECIAL_LETTERS)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = text.replace("'", "").replace("’", "").replace("`", "")
    text = _SPACES.sub(" ", _NON_LETTER.sub(" ", text)).strip()
    return text or None


@lru_cache(maxsize=262_144)
def skeleton(token: str) -> str:
    """One token reduced so that common transliteration variants become equal."""
    for pattern, replacement in _SKELETON_RULES:
        token = pattern.sub(replacement, token)
    return token


def _strip_particles(tokens: list[str], *, leading: bool, trailing: bool) -> list[str]:
    core = [token for token in tokens if token not in PARTICLES]
    if not core:
        return tokens
    if leading and trailing:
        return core
    start, end = 0, len(tokens)
    while trailing and end > start and tokens[end - 1] in PARTICLES:
        end -= 1
    while leading and start < end and tokens[start] in PARTICLES:
        start += 1
    return tokens[start:end]


def family_name_tokens(value: object) -> list[str]:
    """Family name without particles, each token reduced to its skeleton.

    'van der Berg', 'Berg, van der' and 'VAN DER BERG' all become ['berg']: registers disagree
    on where the prefix goes, and the prefix carries almost no identifying information.
    """
    text = fold_text(value)
    if text is None:
        return []
    tokens = _strip_particles(text.split(), leading=True, trailing=True)
    return [skeleton(token) for token in tokens]


def given_name_tokens(value: object) -> list[str]:
    """Given names as skeleton tokens, with stray trailing particles dropped."""
    text = fold_text(value)
    if text is None:
        return []
    tokens = _strip_particles(text.split(), leading=False, trailing=True)
    reduced = [skeleton(token) for token in tokens]
    return [GIVEN_NAME_VARIANTS.get(token, token) for token in reduced]


def text_tokens(value: object) -> list[str]:
    """Free text such as a place or an address, as skeleton tokens (digits kept)."""
    if is_missing(value):
        return []
    text = unicodedata.normalize("NFKD", transliterate(str(value)).translate(SPECIAL_LETTERS))
    text = "".join(char for char in text if not unicodedata.combining(char))
    tokens = _ALNUM.sub(" ", text).split()
    return [token if token.isdigit() else skeleton(token) for token in tokens]


def sorted_name_key(given: Iterable[str], family: Iterable[str]) -> str | None:
    """All name tokens in alphabetical order, so swapped given and family names agree."""
    tokens = sorted({*given, *family})
    return " ".join(tokens) if tokens else None


_SOUNDEX_CODES = str.maketrans("bfpvcgjkqsxzdtlmnr", "111122222222334556")


@lru_cache(maxsize=65_536)
def soundex(token: str) -> str | None:
    """American Soundex of a skeleton token; a coarse key for blocking, never for scoring."""
    letters = "".join(char for char in token if "a" <= char <= "z")
    if not letters:
        return None
    coded = letters.translate(_SOUNDEX_CODES)
    digits = []
    previous = coded[0]
    for letter, code in zip(letters[1:], coded[1:], strict=True):
        if code.isdigit() and code != previous:
            digits.append(code)
        if letter not in "hw":
            previous = code
    return (letters[0] + "".join(digits) + "000")[:4]


def normalise_sex(value: object) -> str | None:
    """'m', 'f' or 'x'; Dutch and English spellings and the ISO 5218 digits."""
    if is_missing(value):
        return None
    text = str(value).strip().casefold()
    if text in {"m", "man", "male", "mannelijk", "jongen", "1"}:
        return "m"
    if text in {"f", "v", "vrouw", "female", "woman", "vrouwelijk", "meisje", "2"}:
        return "f"
    if text in {"x", "o", "other", "overig", "anders", "9"}:
        return "x"
    return None


def normalise_code(value: object) -> str | None:
    """A code such as a nationality: letters and digits only, case folded."""
    if is_missing(value):
        return None
    text = _ALNUM.sub("", fold_text(value) or "")
    return text or None


def normalise_postcode(value: object) -> str | None:
    """Postcode without spaces, case folded ('1234 AB' and '1234ab' agree)."""
    if is_missing(value):
        return None
    text = _ALNUM.sub("", str(value).casefold())
    return text or None


def normalise_phone(value: object) -> str | None:
    """The last nine digits: the Dutch subscriber number with or without 0, +31 or 0031."""
    if is_missing(value):
        return None
    digits = _DIGITS.sub("", str(value))
    return digits[-9:] if len(digits) >= 7 else None


def normalise_bsn(value: object) -> str | None:
    """Nine digits; a leading zero dropped by a spreadsheet is restored."""
    if is_missing(value):
        return None
    digits = _DIGITS.sub("", str(value))
    return digits.zfill(9) if 8 <= len(digits) <= 9 else None


def normalise_document_number(value: object) -> str | None:
    """A V-number or passport number: letters and digits, upper case, no separators."""
    if is_missing(value):
        return None
    text = _ALNUM.sub("", str(value).casefold()).upper()
    return text or None

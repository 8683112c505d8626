"""Normalisation of names and short identifiers before they are hashed.

Both sources must turn the same person into the same strings, whatever script, spelling or name
order a registration used, because after hashing nothing can be repaired. The rules here are
tuned to the population of trafficking victims in the Netherlands: Romanian, Bulgarian,
Ukrainian, Nigerian, Eritrean, Ethiopian, Moroccan, Syrian, Sudanese and Vietnamese names
written by Dutch staff, often from hearing, often from a foreign passport in another script
(`scripts`).

Any change to what a value becomes changes the encoding: raise `NORMALISATION_VERSION`, so that
files normalised differently are refused together (`schema.EncodingSchema.fingerprint`).
"""

# ruff: noqa: RUF001  (typographic letters are the point here)

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from schakel.engine.linkage.name_variants import NAME_VARIANT_SPELLINGS
from schakel.engine.linkage.scripts import to_latin

# 1: Latin, Cyrillic. 2: Arabic and Ethiopic script, gh, dj, oe, -aye, Abd- compounds, the
# hyphenated Arabic article, and name variants for family names too.
NORMALISATION_VERSION = 2

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
        (r"gh", "g"),  # Arabic gh, Tigrinya Ghebre, Romanian Gheorghe, Edo Oghogho
        (r"ph", "f"),
        (r"th", "t"),
        (r"ts|tz", "c"),
        (r"ck|q", "k"),
        (r"x", "ks"),
        (r"w", "v"),
        (r"dj", "j"),  # French for Arabic j (Djamila), Serbian dj
        (r"[yj]", "i"),
        (r"ou", "u"),
        (r"oe(?=[b-df-hj-np-tv-z])", "u"),  # Dutch for u (Moestafa, Joesoef)
        (r"^ie", "e"),
        (r"^vold", "veld"),  # Tigrinya Wolde-/Welde-
        (r"(.)\1+", r"\1"),
        (r"aie$", "ai"),  # Amharic -aye, Tigrinya -ay and -ai (Tesfaye, Tesfay, Tesfai)
    )
)

# A hyphenated Arabic article: al-, el-, ul-, or assimilated to the next consonant (ash-Shami,
# ad-Din, er-Rahman, Ech-Cherif). Only with the hyphen and the repeated consonant: "An" and "Ed"
# are names too.
_ARTICLE = re.compile(r"\b[aeu](l|sh|ch|th|dh|[dnrstz])-(?=(\w+))")
# ʿAbd ("servant of") compounds: Abdelkader, Abdul Kader, Abd al-Qadir and Abdurrahman all
# become the tokens abd + the name; Abdullah, Abdallah and Abd Allah one token.
_ABD_HEAD = re.compile(r"^abd(?:[aeiou](?:l|[dnrstz]))?$")
_ABD_COMPOUND = re.compile(
    r"^abd(?:[aeiou](?:l|(?P<sun>[dnrstz])(?=(?P=sun)))?)?(?P<name>[a-z]{3,})$"
)
_ABDULLAH_FORMS = re.compile(r"^abd[aeiou]?l+ah?$")
_ALLAH_FORMS = frozenset({"allah", "alah", "lah", "llah", "alla", "ullah"})
_ABDULLAH = "abdullah"
_ARTICLE_TOKENS = frozenset({"al", "el", "ul", "il"})
# Whole words in Arabic or Ethiopic script (Arabic with its vowel marks) and those marks.
_SCRIPT_WORD = re.compile(r"[\u0621-\u064a\u064b-\u0652\u0670-\u06ff\u1200-\u139f]+")
_ARABIC_MARKS = re.compile(r"[\u064b-\u0652\u0670\u0640]")
_OTHER_SCRIPT = re.compile(r"[\u0600-\u06ff\u1200-\u139f]")

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
    """Case-folded text with Cyrillic, Arabic and Ethiopic letters written in Latin (`scripts`);
    names of the variant table written in Arabic or Ethiopic get their Latin spelling."""
    lowered = text.casefold()
    if lowered.isascii():
        return lowered
    if _SCRIPT_WORD.search(lowered):
        lowered = _SCRIPT_WORD.sub(_script_name, lowered)
    return to_latin(lowered)


def _script_name(found: re.Match[str]) -> str:
    word = found.group(0)
    return SCRIPT_NAMES.get(_ARABIC_MARKS.sub("", word), word)


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


def _without_articles(value: object) -> object:
    """A hyphenated Arabic article dropped (al-Amrani, ash-Shami), before hyphens become spaces."""
    if not isinstance(value, str) or "-" not in value:
        return value
    text = value.casefold()

    def drop(found: re.Match[str]) -> str:
        consonant, following = found.group(1), found.group(2)
        return "" if consonant == "l" or following.startswith(consonant) else found.group(0)

    return _ARTICLE.sub(drop, text)


def _abd_compounds(tokens: list[str]) -> list[str]:
    """ʿAbd + name as two tokens, 'abd' and the name, whichever way it was written; Abdullah as
    one. Registrations write Abdelkader, Abdul Kader and Abd al-Qadir for one name."""
    out: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if _ABDULLAH_FORMS.match(token):
            out.append(_ABDULLAH)
            continue
        if _ABD_HEAD.match(token) and index < len(tokens):
            if tokens[index] in _ARTICLE_TOKENS and index + 1 < len(tokens):
                index += 1
            name = tokens[index]
            index += 1
            out += [_ABDULLAH] if name in _ALLAH_FORMS else ["abd", name]
            continue
        compound = _ABD_COMPOUND.match(token)
        out += ["abd", compound.group("name")] if compound else [token]
    return out


def _name_tokens(value: object) -> list[str]:
    text = fold_text(_without_articles(value))
    return _abd_compounds(text.split()) if text is not None else []


def _canonical(tokens: Iterable[str]) -> list[str]:
    return [NAME_VARIANTS.get(token, token) for token in (skeleton(t) for t in tokens)]


def family_name_tokens(value: object) -> list[str]:
    """Family name without particles, each token reduced to its skeleton and canonical form.

    'van der Berg', 'Berg, van der' and 'VAN DER BERG' all become ['berg']: registers disagree
    on where the prefix goes, and the prefix carries almost no identifying information.
    """
    tokens = _strip_particles(_name_tokens(value), leading=True, trailing=True)
    return _canonical(tokens)


def given_name_tokens(value: object) -> list[str]:
    """Given names as skeleton tokens in canonical form, stray trailing particles dropped."""
    tokens = _strip_particles(_name_tokens(value), leading=False, trailing=True)
    return _canonical(tokens)


def _variant_lines(text: str) -> list[list[str]]:
    lines: list[str] = []
    for line in text.strip().splitlines():
        if line.startswith(" ") and lines:
            lines[-1] += " " + line.strip()
        elif line.strip():
            lines.append(line.strip())
    return [[spelling.strip() for spelling in line.split(",")] for line in lines]


def _variant_table(text: str) -> dict[str, str]:
    """Normalised Latin spelling -> normalised first spelling of its line; a spelling claimed
    by two lines is an error in the table (two names would merge)."""
    table: dict[str, str] = {}
    for spellings in _variant_lines(text):
        keys = [
            "".join(skeleton(t) for t in _name_tokens(s))
            for s in spellings
            if not _OTHER_SCRIPT.search(s)
        ]
        for key in keys:
            if table.get(key, keys[0]) != keys[0]:
                raise ValueError(f"name variant {key!r} belongs to two names")
            table[key] = keys[0]
    return table


def _script_table(text: str) -> dict[str, str]:
    """Spelling in Arabic or Ethiopic script -> the line's first (Latin) spelling."""
    return {
        spelling: spellings[0].casefold()
        for spellings in _variant_lines(text)
        for spelling in spellings
        if _OTHER_SCRIPT.search(spelling)
    }


SCRIPT_NAMES = _script_table(NAME_VARIANT_SPELLINGS)
NAME_VARIANTS = _variant_table(NAME_VARIANT_SPELLINGS)


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

"""Names written in Cyrillic, Arabic or Ethiopic (Ge'ez) script, turned into Latin letters.

A clerk copies a name from a passport or a document in the original script, another writes the
Latin spelling of an earlier registration; after hashing, only identical strings agree. Each
script gets the reading its own population's Latin documents use:

- Cyrillic letter by letter (Ukrainian, Bulgarian or Russian rules, chosen from telltale letters).
- Ethiopic syllables (Tigrinya, Amharic) are consonant + vowel, so vowels are written and the
  reading is close to Eritrean and Ethiopian passports: ተስፋይ -> tesfay, ገብረመድህን -> gebremedhin.
- Arabic (and Persian) is an abjad: short vowels are not written, so the result is a consonant
  skeleton with the long vowels: محمد -> mhmd, بوزيد -> buzid. Frequent names are completed to
  their usual Latin form by the name variant table in `normalise`; other names stay
  Dice-near to their Latin spellings (the same consonants in the same order).
"""

# ruff: noqa: RUF001  (letters of other scripts are the point here)

from __future__ import annotations

import re
import unicodedata

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

# Arabic letters (and the Persian and Urdu ones) as the Latin consonants an English or French
# transliteration uses. Alif, waw and ya are long vowels or glides, handled in `_arabic_word`.
_ARABIC_CONSONANTS = {
    "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh",
    "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z",
    "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h",
    "پ": "p", "چ": "ch", "ژ": "zh", "ک": "k", "گ": "g", "ہ": "h", "ڤ": "v",
    "ء": "", "ؤ": "",
}  # fmt: skip
_ARABIC_LONG_A = set("اآٱىأإع")
_ARABIC_WAW, _ARABIC_YA = set("و"), set("يیئ")
_ARABIC_MARKS = {"\u064e": "a", "\u064f": "u", "\u0650": "i", "\u0670": "a"}
_ARABIC_SILENT = set("\u064b\u064c\u064d\u0651\u0652\u0640")  # tanwin, shadda, sukun, tatweel
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f]")
_ARABIC_WORD = re.compile(r"[\u0621-\u064a\u0660-\u06ff\u064b-\u0652\u0670]+")
_ARABIC_ARTICLE = "ال"

# Ethiopic syllables: Unicode names them consonant + vowel ("ETHIOPIC SYLLABLE GAA"), which is
# read here with the conventions of Eritrean and Ethiopian Latin spellings.
_ETHIOPIC = re.compile(r"[\u1200-\u139f\u2d80-\u2ddf\uab00-\uab2f]")
_ETHIOPIC_CONSONANTS = {
    "C": "ch", "CH": "ch", "CC": "ch", "CCH": "ch", "DD": "d", "GG": "g", "HH": "h",
    "KX": "k", "NY": "ny", "PH": "p", "QH": "k", "SZ": "s", "SS": "s", "TH": "t",
    "TS": "ts", "TZ": "ts", "X": "h", "ZZ": "z", "GLOTTAL ": "", "PHARYNGEAL ": "",
}  # fmt: skip
# The first order (ä) is written e (Gebre, Tesfa...), but a after the throat consonants.
_ETHIOPIC_THROAT = frozenset({"H", "HH", "X", "GLOTTAL ", "PHARYNGEAL "})
_ETHIOPIC_VOWELS = {"A": "e", "U": "u", "I": "i", "AA": "a", "EE": "e", "E": "", "O": "o"}
_SIXTH_ORDER = "E"
_ETHIOPIC_SEPARATORS = str.maketrans({"፡": " ", "።": " ", "፣": " ", "፤": " ", "፥": " "})


def _ethiopic_table() -> dict[str, tuple[str, str]]:
    """Syllable -> (consonant, vowel) in Latin letters; the sixth order's vowel is '6'."""
    table: dict[str, tuple[str, str]] = {}
    for block in ((0x1200, 0x1380), (0x2D80, 0x2DE0), (0xAB00, 0xAB30)):
        for code in range(*block):
            name = unicodedata.name(chr(code), "")
            if "SYLLABLE " not in name:
                continue
            syllable = name.split("SYLLABLE ", 1)[1]
            found = re.match(r"^((?:GLOTTAL |PHARYNGEAL )?[^AEIOU ]*)([AEIOU]+)$", syllable)
            if found is None:
                continue
            consonant, vowel = found.groups()
            labial = consonant.endswith("W") and consonant != "W"
            base = consonant[:-1] if labial else consonant
            latin = _ETHIOPIC_CONSONANTS.get(base, base.lower().strip())
            latin += "w" if labial else ""
            if vowel == "OA":
                sound = "wa"
            elif vowel == "A" and base in _ETHIOPIC_THROAT:
                sound = "a"
            elif vowel == _SIXTH_ORDER:
                sound = "6"
            else:
                sound = _ETHIOPIC_VOWELS.get(vowel, vowel.lower()[:1])
            table[chr(code)] = (latin, sound)
    return table


_ETHIOPIC_TABLE = _ethiopic_table()


def cyrillic_to_latin(lowered: str) -> str:
    """Cyrillic to Latin, choosing Ukrainian, Bulgarian or Russian rules from telltale letters.

    A Ukrainian passport writes Г as H, a Bulgarian one as G; guessing the language from the
    letters only that language uses keeps both close to the Latin spelling in their passports.
    """
    if _UKRAINIAN_LETTERS.intersection(lowered):
        language = "uk"
    elif _BULGARIAN_INNER_HARD_SIGN.search(lowered):
        language = "bg"
    else:
        language = "ru"
    return lowered.translate(_CYRILLIC_TABLES[language])


def _ethiopic_word(word: str) -> str:
    """The sixth order (a consonant without vowel, or with a short ə) is written i where Latin
    spellings put one: at the start of a word and between consonants (Kibrom, Gebremedhin), not
    at the end (Tesfay, not Tesfayi)."""
    out: list[str] = []
    syllables = [_ETHIOPIC_TABLE.get(char) for char in word]
    for index, syllable in enumerate(syllables):
        if syllable is None:
            out.append(word[index])
            continue
        consonant, vowel = syllable
        if vowel == "6":
            after_consonant = "".join(out)[-1:] not in ("a", "e", "i", "o", "u")
            before_syllable = index + 1 < len(syllables) and syllables[index + 1] is not None
            if not consonant:  # a glottal or pharyngeal stop: its vowel is heard (Zerezghi)
                vowel = "e" if before_syllable else ""
            else:
                vowel = "i" if after_consonant and before_syllable else ""
        out.append(consonant + vowel)
    return "".join(out)


def ethiopic_to_latin(text: str) -> str:
    """Ge'ez script (Tigrinya, Amharic) to Latin letters, word by word."""
    words = text.translate(_ETHIOPIC_SEPARATORS).split(" ")
    return " ".join(_ethiopic_word(word) if _ETHIOPIC.search(word) else word for word in words)


def _arabic_word(word: str) -> str:
    """Consonants and long vowels of one Arabic word; written short vowels when present.

    Waw and ya are consonants (w, y) at the start of a word or next to a vowel, long vowels
    (u, i) after a consonant. ʿAyn is written a, as Latin spellings mostly do (ʿAli -> Ali,
    Saʿid -> Said, Ismaʿil -> Ismail). A word cannot start with two consonants, so an a goes
    between them (جميلة -> jamila, كريم -> karim): the most frequent short vowel.
    """
    out: list[tuple[str, bool]] = []  # (Latin letters, is a vowel)
    vowel_before = True  # a word-initial waw or ya is a consonant
    for index, char in enumerate(word):
        if char in _ARABIC_SILENT:
            continue
        if char in _ARABIC_MARKS:
            out.append((_ARABIC_MARKS[char], True))
        elif char in _ARABIC_LONG_A or char == "ة":
            out.append(("i" if char == "إ" else "a", True))
        elif char in _ARABIC_WAW or char in _ARABIC_YA:
            glide, long = ("w", "u") if char in _ARABIC_WAW else ("y", "i")
            following = word[index + 1 : index + 2]
            vowel_next = following in _ARABIC_LONG_A or following in _ARABIC_MARKS
            consonant = vowel_before or vowel_next
            out.append((glide if consonant else long, not consonant))
        elif char in _ARABIC_CONSONANTS:
            out.append((_ARABIC_CONSONANTS[char], False))
        else:
            out.append((" ", True))
        vowel_before = out[-1][1]
    letters = [latin for latin, _ in out]
    if len(out) > 2 and not out[0][1] and not out[1][1] and out[0][0] and out[1][0]:
        letters.insert(1, "a")
    return "".join(letters)


def arabic_to_latin(text: str) -> str:
    """Arabic script to a Latin consonant skeleton with long vowels, article split off.

    'الإدريسي' -> 'al idrisi', so the particle rules drop the article as in 'El Idrissi'; 'عبد الله'
    keeps both words, as 'Abd Allah' does in Latin.
    """

    def word(found: re.Match[str]) -> str:
        text = found.group(0)
        if text == "الله":
            return "allah"
        if text.startswith(_ARABIC_ARTICLE) and len(text) > 3:
            return f"al {_arabic_word(text[2:])}"
        return _arabic_word(text)

    return _ARABIC_WORD.sub(word, text)


def to_latin(lowered: str) -> str:
    """Lower-cased text in any of the supported scripts to Latin letters (Latin unchanged)."""
    if _CYRILLIC.search(lowered):
        lowered = cyrillic_to_latin(lowered)
    if _ARABIC.search(lowered):
        lowered = arabic_to_latin(lowered)
    if _ETHIOPIC.search(lowered):
        lowered = ethiopic_to_latin(lowered)
    return lowered

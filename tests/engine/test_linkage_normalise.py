"""Normalisation before hashing: the same person must become the same strings."""

# ruff: noqa: RUF003  (Cyrillic, Arabic and Ethiopic letters are the test data)

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schakel.engine.linkage import normalise as norm
from schakel.engine.linkage.dates import PartialDate, UnparseableDate, parse_date


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Ștefan Ionuț", "stefan ionut"),
        ("ÉLODIE Müller", "elodie muller"),
        ("Nguyễn Văn Đức", "nguyen van duc"),
        ("Jürgen Weiß", "jurgen weiss"),
        ("  O'Brien-Smith ", "obrien smith"),
        ("", None),
        ("onbekend", None),
        (None, None),
        (float("nan"), None),
    ],
)
def test_fold_text_removes_case_diacritics_and_punctuation(
    written: object, expected: str | None
) -> None:
    assert norm.fold_text(written) == expected


def test_ukrainian_cyrillic_follows_the_passport_spelling() -> None:
    # Ukrainian passports write Г as H and И as Y; І, Ї, Є and Ґ tell Ukrainian apart.
    assert norm.fold_text("Ірина Гнатюк") == "iryna hnatiuk"
    assert norm.fold_text("Юлія") == "iuliia"
    # Without those letters the text reads as Russian: G, as in a Russian passport.
    assert norm.fold_text("Олена Грищенко") == "olena grishchenko"


def test_bulgarian_and_russian_cyrillic_write_g() -> None:
    assert norm.fold_text("Георги Петров") == "georgi petrov"
    assert norm.fold_text("Ъглен Стъпкин") == "aglen stapkin"  # Bulgarian ъ is a vowel


@pytest.mark.parametrize(
    "variants",
    [
        ("Yuliia", "Yulia", "Julija", "Iuliia", "Юлія"),
        ("Oleksandr", "Aleksandr", "Alexander", "Олександр"),
        ("Serhiy", "Sergey", "Serhii", "Сергій"),
        ("Mohammed", "Muhammad", "Mohamed", "Mohamad"),
        ("Yevhen", "Ievgen", "Evgeny", "Євген"),
        ("Olha", "Olga", "Ольга"),
    ],
)
def test_transliteration_variants_share_a_given_name_token(variants: tuple[str, ...]) -> None:
    tokens = {tuple(norm.given_name_tokens(variant)) for variant in variants}
    assert len(tokens) == 1, tokens


@pytest.mark.parametrize(
    "variants",
    [
        ("Mohammed", "Muhammad", "Mohamed", "Mahamat", "Mouhamed", "Mehmet", "محمد", "مُحَمَّد"),
        ("Youssef", "Yusuf", "Yousef", "Joesoef", "يوسف"),
        ("Hussein", "Hussain", "Hossein", "Houssein", "حسين"),
        ("Khadija", "Khadidja", "Chadija", "Khadiga", "خديجة"),
        ("Aisha", "Aicha", "Ayesha", "Aischa", "عائشة"),
        ("Rachid", "Rashid", "Rasheed", "رشيد"),
        ("Qasim", "Kassem", "Gasim", "قاسم"),
        ("Moestafa", "Moustapha", "Mustafa", "Mostafa", "مصطفى"),
        ("Djamila", "Jamila"),
        ("Omar", "Umar", "عمر"),
        ("Nasser", "Nasir", "ناصر"),
        ("Abdelkader", "Abdul Kader", "Abd el-Kader", "ABDELKADER"),
        ("Abdullah", "Abdallah", "Abd Allah", "Abdellah", "عبد الله"),
        ("Abdurrahman", "Abd ar-Rahman", "Abdul Rahman", "Abdirahman"),
        ("Tesfay", "Tesfai", "Tesfaye", "ተስፋይ", "ተስፋዬ"),
        ("Gebremedhin", "Ghebremedhin", "Gebrèmedhin", "ገብረመድህን"),
        ("Haile", "Hailé", "Hayle", "ሃይለ", "ኃይለ"),
        ("Woldemariam", "Weldemariam", "Woldemaryam", "ወልደማርያም"),
        ("Kibrom", "ክብሮም"),
        ("Tsegay", "Tzegai", "Tsegaye", "ጸጋይ"),
        ("Mehari", "Mahari", "መሓሪ"),
    ],
)
def test_arabic_and_ethiopic_spellings_meet(variants: tuple[str, ...]) -> None:
    """Latin spellings of several transliteration systems and the original script."""
    for tokens in (norm.given_name_tokens, norm.family_name_tokens):
        assert len({tuple(tokens(variant)) for variant in variants}) == 1, variants


@pytest.mark.parametrize(
    "different",
    [
        ("Mohammed", "Mahmoud", "Ahmed", "Hamid", "Hamed", "Mehdi"),
        ("محمد", "محمود", "أحمد", "حامد", "حميد"),
        ("Hassan", "Hussein", "Hisham", "Hashim"),
        ("Said", "Sayed", "Saad", "Saleh"),
        ("Omar", "Amr", "Ammar", "Umair"),
        ("عمر", "Amr"),  # the consonants of ʿUmar read as ʿAmr, a name of its own
        ("ناصر", "Nasr"),  # Nasir and Nasr
        ("Khalid", "Khalil", "Walid", "Majid"),
        ("Yasin", "Yasmin", "Yunus", "Yusuf"),
        ("Abdelkader", "Abdelaziz", "Abdullah", "Abdi", "Kader"),
        ("Tesfay", "Tesfamariam", "Tsegay", "Tsega"),
        ("Berhe", "Berhane", "Habte", "Habtom", "Haile", "Hailu"),
        ("Olena", "Alina", "Elena"),
        ("Chen", "Shen", "Zhen"),
        ("An", "Anh", "Ana"),
    ],
)
def test_different_names_stay_different(different: tuple[str, ...]) -> None:
    """Over-folding merges different people: every name here must keep its own tokens."""
    tokens = [tuple(norm.given_name_tokens(name)) for name in different]
    assert len(set(tokens)) == len(tokens), dict(zip(different, tokens, strict=True))


@pytest.mark.parametrize(
    ("written", "latin"),
    [
        ("ተስፋይ", "tesfay"),
        ("ገብረመድህን", "gebremedhin"),  # sixth order read as i between consonants
        ("ክብሮም", "kibrom"),
        ("ዘርእዝጊ", "zerezgi"),
        ("ሃብተ", "habte"),  # first order after h is a
        ("ኣብርሃ ተኽለ", "abriha tekle"),
        ("منصوري", "mansuri"),  # consonants, an a between the first two
        ("حداد", "hadad"),
        ("محمد", "muhamad"),  # a name of the variant table: its Latin spelling
        ("بوزيد", "buzid"),  # waw and ya between consonants are long vowels
        ("ياسين", "yasin"),  # at the start of a word a consonant
        ("العمراني", "al amrani"),  # the article split off
        ("مُحَمَّد", "muhamad"),  # written short vowels are kept
    ],
)
def test_arabic_and_ethiopic_script_become_latin(written: str, latin: str) -> None:
    assert norm.fold_text(written) == latin


@pytest.mark.parametrize(
    "written", ["El Amrani", "Al-Amrani", "el-amrani", "Amrani", "العمراني", "AL AMRANI"]
)
def test_the_arabic_article_is_dropped_from_family_names(written: str) -> None:
    assert norm.family_name_tokens(written) == ["amrani"]


def test_arabic_article_needs_its_hyphen() -> None:
    assert norm.family_name_tokens("ash-Shami") == norm.family_name_tokens("Shami") == ["sami"]
    assert norm.given_name_tokens("Nur ad-Din") == ["nur", "din"]
    # "An" and "Ed" are names: without the hyphen and the repeated consonant they stay.
    assert norm.given_name_tokens("An Nguyen") == ["an", "nguien"]
    assert norm.given_name_tokens("An-Ping") == ["an", "ping"]


def test_a_name_variant_claimed_by_two_names_is_refused() -> None:
    with pytest.raises(ValueError, match="belongs to two names"):
        norm._variant_table("Hasan, Hassan\nHusein, Hassan\n")


def test_skeleton_merges_common_alternations() -> None:
    assert norm.skeleton("tsvetkova") == norm.skeleton("cvetkova")
    assert norm.skeleton("shevchenko") == norm.skeleton("schewtschenko")
    assert norm.skeleton("zhanna") == norm.skeleton("zana")


@pytest.mark.parametrize(
    "written",
    ["van der Berg", "Berg, van der", "VAN DER BERG", "van den Berg", "Berg"],
)
def test_particles_are_dropped_from_family_names(written: str) -> None:
    assert norm.family_name_tokens(written) == ["berg"]


def test_a_family_name_that_is_only_a_particle_is_kept() -> None:
    assert norm.family_name_tokens("De") == ["de"]


def test_stray_particles_at_the_end_of_given_names_are_dropped() -> None:
    assert norm.given_name_tokens("Jan van") == ["ian"]


def test_sorted_name_key_ignores_which_field_holds_which_name() -> None:
    first = norm.sorted_name_key(
        norm.given_name_tokens("Thi Lan"), norm.family_name_tokens("Nguyen")
    )
    swapped = norm.sorted_name_key(
        norm.given_name_tokens("Nguyen"), norm.family_name_tokens("Thi Lan")
    )
    assert first == swapped is not None
    assert norm.sorted_name_key([], []) is None


def test_soundex_groups_similar_sounds() -> None:
    assert norm.soundex("robert") == norm.soundex("rupert") == "r163"
    assert norm.soundex("") is None


@pytest.mark.parametrize(
    ("function", "written", "expected"),
    [
        (norm.normalise_sex, "Vrouw", "f"),
        (norm.normalise_sex, "M", "m"),
        (norm.normalise_sex, "?", None),
        (norm.normalise_phone, "+31 6 1234 5678", "612345678"),
        (norm.normalise_phone, "06-12345678", "612345678"),
        (norm.normalise_phone, "0031612345678", "612345678"),
        (norm.normalise_bsn, "12345672", "012345672"),
        (norm.normalise_postcode, "1234 ab", "1234ab"),
        (norm.normalise_document_number, "nw-12 34x", "NW1234X"),
    ],
)
def test_short_fields(function: object, written: str, expected: str | None) -> None:
    assert function(written) == expected  # type: ignore[operator]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("1990-05-31", PartialDate(1990, 5, 31)),
        ("31-05-1990", PartialDate(1990, 5, 31)),
        ("31/5/1990", PartialDate(1990, 5, 31)),
        ("19900531", PartialDate(1990, 5, 31)),
        ("1990-05-31T00:00:00", PartialDate(1990, 5, 31)),
        (dt.date(1990, 5, 31), PartialDate(1990, 5, 31)),
        ("01-01-1990", PartialDate(1990, 1, 1, estimated=True)),
        ("00-00-1990", PartialDate(1990, None, None, estimated=True)),
        ("1990", PartialDate(1990, None, None, estimated=True)),
        ("05-1990", PartialDate(1990, 5, None, estimated=True)),
        ("19900231", PartialDate(1990, 2, None, estimated=True)),  # no 31 February
        ("19904512", PartialDate(1990, None, None, estimated=True)),  # no month 45
    ],
)
def test_dates_keep_what_is_plausible_and_flag_estimates(
    written: object, expected: PartialDate
) -> None:
    assert parse_date(written) == expected


@pytest.mark.parametrize("written", ["yesterday", "12-05", "31-12-1700", "1990-05-31-07"])
def test_unreadable_dates_raise(written: str) -> None:
    with pytest.raises(UnparseableDate):
        parse_date(written)


def test_american_order_can_be_forced() -> None:
    assert parse_date("05/31/1990", "mdy") == PartialDate(1990, 5, 31)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2030, 12, 31)))
def test_any_real_date_reads_back_in_every_format(date: dt.date) -> None:
    expected = date.year, date.month, date.day
    for text in (date.isoformat(), date.strftime("%d-%m-%Y"), date.strftime("%Y%m%d")):
        parsed = parse_date(text)
        assert (parsed.year, parsed.month, parsed.day) == expected
        assert parsed.estimated == ((date.month, date.day) == (1, 1))

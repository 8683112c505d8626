"""True persons and the identity records organisations keep of them.

A person is the truth. Each trajectory holds its own identity record, written down by the
organisation that ran it; records after the first are perturbed copies (transliteration,
swapped name order, married name, estimated birth date, typos, missing identifiers), so
record linkage can be measured against a known answer.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, replace
from typing import Any

from schakel.engine.synth.names import NAMES, PLACE_VARIANTS, gendered_family_name
from schakel.engine.vocabulary import Sex

NON_LATIN_LETTERS = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "ß": "ss"})
TYPO_LETTERS = "aeiourstnlkmhd"
PERTURBATION_COUNTS = (1, 1, 1, 1, 1, 2, 2, 2, 3, 3)


@dataclass(frozen=True, slots=True)
class Person:
    """A true person: who they are, whatever any organisation wrote down."""

    key: str
    given_names: str
    family_name: str
    sex: Sex
    date_of_birth: dt.date
    place_of_birth: str
    nationality: str
    bsn: str | None
    v_number: str | None
    passport: str | None
    phone: str | None


@dataclass(frozen=True, slots=True)
class IdentityRecord:
    """What one organisation recorded about a person for one trajectory.

    `person_key` and `perturbations` are ground truth: a linkage method must not read them.
    """

    key: str
    person_key: str
    trajectory_key: str
    organisation_key: str
    given_names: str
    family_name: str
    sex: Sex
    date_of_birth: str | None
    dob_estimated: bool
    place_of_birth: str | None
    nationality: str | None
    bsn: str | None
    v_number: str | None
    passport: str | None
    phone: str | None
    perturbations: tuple[str, ...] = ()

    def as_identity_data(self) -> dict[str, Any]:
        """The record in the shape `schakel.engine.identity.parse_identity` takes."""
        identifiers = {"bsn": self.bsn, "v_number": self.v_number, "passport": self.passport}
        return {
            "given_names": self.given_names,
            "family_name": self.family_name,
            "sex": self.sex.value,
            "date_of_birth": self.date_of_birth,
            "date_of_birth_estimated": self.dob_estimated,
            "place_of_birth": self.place_of_birth,
            "nationality": self.nationality,
            "identifiers": {k: v for k, v in identifiers.items() if v is not None},
            "phone": self.phone,
        }


def bsn_is_valid(bsn: str) -> bool:
    """The 11-proof: 9*d1 + 8*d2 + ... + 2*d8 - d9 is divisible by 11."""
    if len(bsn) != 9 or not bsn.isdigit() or bsn == "000000000":
        return False
    digits = [int(c) for c in bsn]
    total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]
    return total % 11 == 0


def make_bsn(rng: random.Random) -> str:
    """A random number that passes the 11-proof; synthetic, never to be linked to real data."""
    while True:
        digits = [rng.randrange(1, 10)] + [rng.randrange(10) for _ in range(7)]
        check = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check)


def make_phone(rng: random.Random, nationality: str) -> str:
    if nationality == "NL" or rng.random() < 0.8:
        return f"+316{rng.randrange(10**8):08d}"
    return f"+{NAMES[nationality].calling_code}{rng.randrange(10**8, 10**9)}"


def make_person(
    rng: random.Random,
    key: str,
    nationality: str,
    sex: Sex,
    date_of_birth: dt.date,
    used_bsns: set[str],
) -> Person:
    """A person with a random name from their nationality's lists and plausible identifiers."""
    names = NAMES[nationality]
    female = sex == Sex.FEMALE
    pool = names.female if female else names.male
    given = rng.choice(pool)
    if rng.random() < 0.2 and not names.family_first:
        second = rng.choice(pool)
        given = given if second == given else f"{given} {second}"
    family = gendered_family_name(nationality, rng.choice(names.family), female)
    has_bsn = nationality == "NL" or rng.random() < (0.4 if names.eu else 0.15)
    bsn = None
    while has_bsn and (bsn is None or bsn in used_bsns):
        bsn = make_bsn(rng)
    if bsn is not None:
        used_bsns.add(bsn)
    non_eu = not names.eu
    return Person(
        key=key,
        given_names=given,
        family_name=family,
        sex=sex,
        date_of_birth=date_of_birth,
        place_of_birth=rng.choice(names.places),
        nationality=nationality,
        bsn=bsn,
        v_number=f"{rng.randrange(10**9, 10**10)}" if non_eu and rng.random() < 0.8 else None,
        passport=_passport(rng) if rng.random() < (0.3 if nationality == "NL" else 0.6) else None,
        phone=make_phone(rng, nationality) if rng.random() < 0.75 else None,
    )


def _passport(rng: random.Random) -> str:
    letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2))
    return f"{letters}{rng.randrange(10**7):07d}"


def record_identity(
    rng: random.Random, person: Person, key: str, trajectory_key: str, organisation_key: str
) -> IdentityRecord:
    """The identity as an organisation writes it down: some fields unknown or estimated."""
    uncertain_dob = person.nationality != "NL"
    roll = rng.random()
    dob: str | None = person.date_of_birth.isoformat()
    estimated = False
    if uncertain_dob and roll < 0.03:
        dob = None
    elif uncertain_dob and roll < 0.15:
        dob, estimated = f"{person.date_of_birth.year + rng.choice((-1, 0, 0, 1))}-01-01", True
    return IdentityRecord(
        key=key,
        person_key=person.key,
        trajectory_key=trajectory_key,
        organisation_key=organisation_key,
        given_names=person.given_names,
        family_name=person.family_name,
        sex=person.sex,
        date_of_birth=dob,
        dob_estimated=estimated,
        place_of_birth=person.place_of_birth if rng.random() < 0.85 else None,
        nationality=person.nationality if rng.random() < 0.97 else None,
        bsn=person.bsn if rng.random() < 0.9 else None,
        v_number=person.v_number if rng.random() < 0.8 else None,
        passport=person.passport if rng.random() < 0.5 else None,
        phone=person.phone if rng.random() < 0.7 else None,
    )


def perturb_record(
    rng: random.Random, record: IdentityRecord, person: Person, adult: bool
) -> IdentityRecord:
    """A later organisation's record: the same person, written down differently."""
    count = rng.choice(PERTURBATION_COUNTS)
    kinds = _perturbation_weights(person, adult)
    applied: list[str] = []
    while len(applied) < count and kinds:
        kind = rng.choices(list(kinds), weights=list(kinds.values()))[0]
        del kinds[kind]
        changed = PERTURBATIONS[kind](rng, record, person)
        if changed != record:
            record = changed
            applied.append(kind)
            if kind.startswith("dob_"):
                kinds = {k: w for k, w in kinds.items() if not k.startswith("dob_")}
    if not applied:
        record, applied = _typo(rng, record, person), ["typo"]
    return replace(record, perturbations=tuple(applied))


def _perturbation_weights(person: Person, adult: bool) -> dict[str, float]:
    names = NAMES[person.nationality]
    weights = {
        "transliteration": 3.0,
        "swapped_name_order": 4.0 if names.family_first else 1.5,
        "dob_estimated": 0.5 if person.nationality == "NL" else 1.5,
        "dob_transposed": 0.7,
        "dob_missing": 0.5,
        "typo": 2.0,
        "identifiers_missing": 1.5,
        "new_phone": 1.0,
        "alias": 0.5,
        "place_variant": 0.7,
    }
    if adult and person.sex == Sex.FEMALE:
        weights["married_name"] = 1.5
    return weights


def strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(NON_LATIN_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _transliterate(rng: random.Random, record: IdentityRecord, person: Person) -> IdentityRecord:
    field_name = rng.choice(("given_names", "family_name"))
    name: str = getattr(record, field_name)
    options = [strip_diacritics(name)]
    options += [name.replace(a, b, 1) for a, b in NAMES[person.nationality].spelling_variants]
    options = [option for option in options if option != name and option.strip()]
    if not options:
        return record
    return _rename(record, field_name, rng.choice(options).strip())


def _rename(record: IdentityRecord, field_name: str, value: str) -> IdentityRecord:
    if field_name == "given_names":
        return replace(record, given_names=value)
    return replace(record, family_name=value)


def _swap_names(rng: random.Random, record: IdentityRecord, person: Person) -> IdentityRecord:
    return replace(record, given_names=record.family_name, family_name=record.given_names)


def _married_name(rng: random.Random, record: IdentityRecord, person: Person) -> IdentityRecord:
    names = NAMES["NL" if rng.random() < 0.5 else person.nationality]
    spouse = rng.choice([name for name in names.family if name != record.family_name])
    new = f"{spouse}-{record.family_name}" if rng.random() < 0.3 else spouse
    return replace(record, family_name=new)


def _dob_estimated(rng: random.Random, record: IdentityRecord, person: Person) -> IdentityRecord:
    year = person.date_of_birth.year + rng.choice((-2, -1, 0, 0, 0, 1, 2))
    return replace(record, date_of_birth=f"{year}-01-01", dob_estimated=True)


def _dob_transposed(rng: random.Random, record: IdentityRecord, person: Person) -> IdentityRecord:
    born = person.date_of_birth
    if born.day > 12 or born.day == born.month:
        return record
    swapped = dt.date(born.year, born.day, born.month).isoformat()
    return replace(record, date_of_birth=swapped, dob_estimated=False)


def _dob_missing(rng: random.Random, record: IdentityRecord, person: Person) -> IdentityRecord:
    return replace(record, date_of_birth=None, dob_estimated=False)


def _typo(rng: random.Random, record: IdentityRecord, person: Person) -> IdentityRecord:
    field_name = rng.choice(("given_names", "family_name"))
    name: str = getattr(record, field_name)
    if len(name) < 3:
        return _rename(record, field_name, name + rng.choice(TYPO_LETTERS))
    i = rng.randrange(1, len(name) - 1)
    operation = rng.randrange(4)
    if operation == 0:
        typo = name[:i] + name[i + 1 :]
    elif operation == 1:
        typo = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    elif operation == 2:
        typo = name[:i] + rng.choice(TYPO_LETTERS) + name[i + 1 :]
    else:
        typo = name[:i] + name[i] + name[i:]
    if typo == name:
        typo = name[:i] + name[i + 1 :]
    return _rename(record, field_name, typo)


def _identifiers_missing(
    rng: random.Random, record: IdentityRecord, person: Person
) -> IdentityRecord:
    return replace(record, bsn=None, v_number=None, passport=None)


def _new_phone(rng: random.Random, record: IdentityRecord, person: Person) -> IdentityRecord:
    return replace(record, phone=make_phone(rng, person.nationality))


def _alias(rng: random.Random, record: IdentityRecord, person: Person) -> IdentityRecord:
    names = NAMES[person.nationality]
    return replace(
        record, given_names=rng.choice(names.female if person.sex == Sex.FEMALE else names.male)
    )


def _place_variant(rng: random.Random, record: IdentityRecord, person: Person) -> IdentityRecord:
    place = PLACE_VARIANTS.get(person.place_of_birth, strip_diacritics(person.place_of_birth))
    if place == person.place_of_birth:
        return record
    return replace(record, place_of_birth=place)


PERTURBATIONS = {
    "transliteration": _transliterate,
    "swapped_name_order": _swap_names,
    "married_name": _married_name,
    "dob_estimated": _dob_estimated,
    "dob_transposed": _dob_transposed,
    "dob_missing": _dob_missing,
    "typo": _typo,
    "identifiers_missing": _identifiers_missing,
    "new_phone": _new_phone,
    "alias": _alias,
    "place_variant": _place_variant,
}
"""Each takes the record so far and returns it changed (or unchanged when it cannot apply)."""

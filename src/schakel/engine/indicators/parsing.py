"""Field-level parsing of catalogue entries, each error naming the entry it is about."""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, TypeVar

from schakel.engine.indicators.errors import (
    CatalogueError,
    InvalidStrengthError,
    MissingTextError,
    UnknownDimensionError,
)
from schakel.engine.indicators.model import (
    RECRUITMENT_DIMENSIONS,
    Dimension,
    Indicator,
    IndicatorSet,
    Phase,
    Population,
    SetKind,
    Strength,
    Text,
    Verification,
)
from schakel.engine.indicators.rule import COMBINATION_RULES
from schakel.engine.vocabulary import ExploitationForm

E = TypeVar("E", bound=StrEnum)

SET_KEYS = {
    "id", "prefix", "kind", "population", "form", "rule", "label", "source", "verification",
    "provisional", "note", "expected_counts",
}  # fmt: skip
SET_REQUIRED = SET_KEYS - {"provisional", "note", "expected_counts"}
INDICATOR_KEYS = {
    "id", "dimension", "phase", "strength", "label", "explanation", "source", "verification",
    "provisional", "derived_from", "maps_to", "note",
}  # fmt: skip
INDICATOR_REQUIRED = {"id", "label", "explanation"}
LANGUAGES = {"nl": "Dutch", "en": "English"}
_ID = re.compile(r"^[A-Z0-9]+(-[A-Z0-9]+)+$")
_SET_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _object(raw: Any, where: str, allowed: set[str], required: set[str]) -> Mapping[str, Any]:
    if not isinstance(raw, dict):
        raise CatalogueError(f"{where}: expected a JSON object")
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise CatalogueError(f"{where}: unknown field(s) {', '.join(unknown)}")
    missing = sorted(required - set(raw))
    if missing:
        if {"label", "explanation"} & set(missing):
            raise MissingTextError(f"{where}: missing {', '.join(missing)}")
        raise CatalogueError(f"{where}: missing field(s) {', '.join(missing)}")
    return raw


def _string(raw: Mapping[str, Any], key: str, where: str) -> str | None:
    value = raw.get(key)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise CatalogueError(f"{where}: {key} must be a non-empty string")
    return value


def _text(raw: Mapping[str, Any], key: str, where: str) -> Text:
    value = raw.get(key)
    if not isinstance(value, dict):
        raise MissingTextError(
            f"{where}: {key} must have Dutch (nl) and English (en) text",
            kind="missing_text",
            params={"where": where, "field": key, "language": "nl"},
        )
    for language, name in LANGUAGES.items():
        text = value.get(language)
        if not isinstance(text, str) or not text.strip():
            raise MissingTextError(
                f"{where}: {key} has no {name} ({language}) text",
                kind="missing_text",
                params={"where": where, "field": key, "language": language},
            )
    extra = sorted(set(value) - set(LANGUAGES))
    if extra:
        raise CatalogueError(f"{where}: {key} has unknown language(s) {', '.join(extra)}")
    return Text(nl=value["nl"], en=value["en"])


def _choice(value: Any, enum: type[E], where: str, field: str, error: type[CatalogueError]) -> E:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(e.value for e in enum)
        raise error(
            f"{where}: {field} {value!r} is not one of {allowed}",
            kind="not_one_of",
            params={"where": where, "field": field, "value": str(value), "allowed": allowed},
        ) from None


def _flag(raw: Mapping[str, Any], key: str, where: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise CatalogueError(f"{where}: {key} must be true or false")
    return value


def parse_set_meta(raw: Any, where: str) -> IndicatorSet:
    entry = _object(raw, where, SET_KEYS, SET_REQUIRED)
    set_id = entry["id"]
    if not isinstance(set_id, str) or not _SET_ID.match(set_id):
        raise CatalogueError(f"{where}: set id {set_id!r} must be lowercase words joined by '-'")
    where = f"{where} ({set_id})"
    prefix = entry["prefix"]
    if not isinstance(prefix, str) or not re.match(r"^[A-Z0-9]+$", prefix):
        raise CatalogueError(f"{where}: prefix {prefix!r} must be capitals or digits")
    kind = _choice(entry["kind"], SetKind, where, "kind", CatalogueError)
    rule = entry["rule"]
    if kind is SetKind.INDICATOR_SET and rule not in COMBINATION_RULES:
        raise CatalogueError(f"{where}: rule {rule!r} is not one of {', '.join(COMBINATION_RULES)}")
    if kind is SetKind.SIGNAL_LIST and rule is not None:
        raise CatalogueError(f"{where}: a signal list has no rule (rule must be null)")
    _check_expected_counts(entry.get("expected_counts"), where)
    form = entry["form"]
    return IndicatorSet(
        id=set_id,
        prefix=prefix,
        kind=kind,
        population=_choice(entry["population"], Population, where, "population", CatalogueError),
        form=None
        if form == "any"
        else _choice(form, ExploitationForm, where, "form", CatalogueError),
        rule=rule,
        label=_text(entry, "label", where),
        source=_string(entry, "source", where) or "",
        verification=_choice(
            entry["verification"], Verification, where, "verification", CatalogueError
        ),
        provisional=_flag(entry, "provisional", where),
        note=_string(entry, "note", where) or "",
        indicators=(),
    )


def _check_expected_counts(value: Any, where: str) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        raise CatalogueError(f"{where}: expected_counts must map D1..D6 to numbers")
    for key, count in value.items():
        _choice(key, Dimension, where, "expected_counts dimension", UnknownDimensionError)
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise CatalogueError(f"{where}: expected_counts[{key}] must be a whole number")


def parse_indicator(raw: Any, meta: IndicatorSet, where: str) -> Indicator:
    entry = _object(raw, where, INDICATOR_KEYS, INDICATOR_REQUIRED)
    indicator_id = entry["id"]
    if not isinstance(indicator_id, str) or not _ID.match(indicator_id):
        raise CatalogueError(f"{where}: id {indicator_id!r} must look like AL-D1-01")
    where = f"{where.split(',')[0]}: {indicator_id}"
    if not indicator_id.startswith(meta.prefix + "-"):
        raise CatalogueError(f"{where}: id must start with the set prefix {meta.prefix}-")
    dimension, phase, strength = _placement(entry, meta, where, indicator_id)
    if entry.get("maps_to") is not None and meta.is_evaluable:
        raise CatalogueError(f"{where}: maps_to is only for items of a signal list")
    return Indicator(
        id=indicator_id,
        set_id=meta.id,
        label=_text(entry, "label", where),
        explanation=_text(entry, "explanation", where),
        source=_string(entry, "source", where) or meta.source,
        verification=_choice(
            entry.get("verification", meta.verification.value),
            Verification,
            where,
            "verification",
            CatalogueError,
        ),
        provisional=meta.provisional or _flag(entry, "provisional", where),
        dimension=dimension,
        phase=phase,
        strength=strength,
        derived_from=_string(entry, "derived_from", where),
        maps_to=_string(entry, "maps_to", where),
        note=_string(entry, "note", where),
    )


def _placement(
    entry: Mapping[str, Any], meta: IndicatorSet, where: str, indicator_id: str
) -> tuple[Dimension | None, Phase | None, Strength | None]:
    """Dimension, phase and strength, which only counted indicators of a set carry."""
    raw_dimension, raw_strength = entry.get("dimension"), entry.get("strength")
    raw_phase = entry.get("phase")
    if not meta.is_evaluable:
        if {"dimension", "phase", "strength"} & set(entry):
            raise CatalogueError(
                f"{where}: a signal takes dimension, phase and strength from maps_to"
            )
        return None, None, None
    if raw_dimension is None:
        if raw_strength is not None or raw_phase is not None:
            raise InvalidStrengthError(
                f"{where}: an observation aid (no dimension) has no strength or phase"
            )
        return None, None, None
    dimension = _choice(raw_dimension, Dimension, where, "dimension", UnknownDimensionError)
    if f"-{dimension.value}-" not in indicator_id + "-":
        raise CatalogueError(f"{where}: id does not carry its dimension {dimension.value}")
    if raw_strength is None:
        raise InvalidStrengthError(
            f"{where}: missing strength (strong, medium or weak)",
            kind="missing_choice",
            params={"where": where, "field": "strength", "allowed": ", ".join(Strength)},
        )
    strength = _choice(raw_strength, Strength, where, "strength", InvalidStrengthError)
    expected = Phase.RECRUITMENT if dimension in RECRUITMENT_DIMENSIONS else Phase.DESTINATION
    phase = (
        expected if raw_phase is None else _choice(raw_phase, Phase, where, "phase", CatalogueError)
    )
    if phase is not expected:
        raise CatalogueError(
            f"{where}: phase {phase.value} does not fit dimension {dimension.value}"
        )
    return dimension, phase, strength

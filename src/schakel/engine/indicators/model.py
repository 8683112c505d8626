"""The catalogue as frozen data: indicators, the sets they belong to, and lookups.

Lookups raise named errors rather than KeyError, because a missing set or indicator usually
means a client is on an older catalogue version and should be told which item is missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from schakel.engine.indicators.errors import (
    DuplicateIdError,
    UnknownIndicatorError,
    UnknownSetError,
)
from schakel.engine.vocabulary import ExploitationForm


class Dimension(StrEnum):
    """The six dimensions of the ILO/EC structure, following the Palermo definition."""

    D1 = "D1"  # deceptive recruitment (incl. transfer and transport)
    D2 = "D2"  # coercive recruitment
    D3 = "D3"  # recruitment by abuse of vulnerability
    D4 = "D4"  # exploitative conditions
    D5 = "D5"  # coercion at destination
    D6 = "D6"  # abuse of vulnerability at destination


class Strength(StrEnum):
    STRONG = "strong"
    MEDIUM = "medium"
    WEAK = "weak"


class Phase(StrEnum):
    """Kept apart from the dimension: one fact can be medium at recruitment, strong later."""

    RECRUITMENT = "recruitment"
    DESTINATION = "destination"


class Verification(StrEnum):
    """The reference's markers: [V] verified, [S] secondary compilation, [gap] not found."""

    VERIFIED = "verified"
    SECONDARY = "secondary"
    GAP = "gap"


class SetKind(StrEnum):
    INDICATOR_SET = "indicator-set"
    SIGNAL_LIST = "signal-list"


class Population(StrEnum):
    ADULTS = "adults"
    CHILDREN = "children"


RECRUITMENT_DIMENSIONS = frozenset({Dimension.D1, Dimension.D2, Dimension.D3})


@dataclass(frozen=True)
class Text:
    """A text in both shipped languages; Dutch is the default."""

    nl: str
    en: str

    def in_language(self, language: str) -> str:
        return self.en if language.lower().startswith("en") else self.nl


DIMENSION_LABELS: Mapping[Dimension, Text] = MappingProxyType(
    {
        Dimension.D1: Text("Misleidende werving", "Deceptive recruitment"),
        Dimension.D2: Text("Werving onder dwang", "Coercive recruitment"),
        Dimension.D3: Text(
            "Werving door misbruik van kwetsbaarheid", "Recruitment by abuse of vulnerability"
        ),
        Dimension.D4: Text("Uitbuitende omstandigheden", "Exploitative conditions"),
        Dimension.D5: Text("Dwang op de plaats van bestemming", "Coercion at destination"),
        Dimension.D6: Text(
            "Misbruik van kwetsbaarheid op de plaats van bestemming",
            "Abuse of vulnerability at destination",
        ),
    }
)


@dataclass(frozen=True)
class Indicator:
    """One indicator or signal. Without a dimension it is an observation aid: never counted.

    A signal (item of a signal list) with `maps_to` carries the dimension, phase and strength of
    the indicator it evidences; it counts as that indicator when a set containing it (or an
    indicator derived from it) is evaluated.
    """

    id: str
    set_id: str
    label: Text
    explanation: Text
    source: str
    verification: Verification
    provisional: bool
    dimension: Dimension | None = None
    phase: Phase | None = None
    strength: Strength | None = None
    derived_from: str | None = None
    maps_to: str | None = None
    note: str | None = None

    @property
    def is_observation_aid(self) -> bool:
        return self.dimension is None


@dataclass(frozen=True)
class IndicatorSet:
    id: str
    prefix: str
    kind: SetKind
    population: Population
    form: ExploitationForm | None  # None: the list covers every form
    rule: str | None  # name of the combination rule; None for signal lists
    label: Text
    source: str
    verification: Verification
    provisional: bool
    note: str
    indicators: tuple[Indicator, ...]

    @property
    def is_evaluable(self) -> bool:
        return self.kind is SetKind.INDICATOR_SET

    def counts_per_dimension(self) -> dict[Dimension | None, int]:
        """Indicators per dimension (None: observation aids), in D1..D6 order."""
        counts: dict[Dimension | None, int] = {d: 0 for d in Dimension}
        for indicator in self.indicators:
            counts[indicator.dimension] = counts.get(indicator.dimension, 0) + 1
        return counts


def _ancestry(indicator: Indicator, by_id: Mapping[str, Indicator]) -> list[str]:
    chain = [indicator.id]
    current = indicator
    while current.derived_from and current.derived_from in by_id:
        current = by_id[current.derived_from]
        if current.id in chain:
            break
        chain.append(current.id)
    return chain


@dataclass(frozen=True)
class Catalogue:
    """A published version of all sets. `digest` fingerprints the files it was loaded from."""

    version: str
    sets: tuple[IndicatorSet, ...]
    digest: str = ""
    _sets: Mapping[str, IndicatorSet] = field(init=False, repr=False, compare=False)
    _by_id: Mapping[str, Indicator] = field(init=False, repr=False, compare=False)
    _lift: Mapping[str, Mapping[str, str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        sets: dict[str, IndicatorSet] = {}
        by_id: dict[str, Indicator] = {}
        for indicator_set in self.sets:
            if indicator_set.id in sets:
                raise DuplicateIdError(
                    f"set {indicator_set.id!r} is declared twice", items=[indicator_set.id]
                )
            sets[indicator_set.id] = indicator_set
            for indicator in indicator_set.indicators:
                if indicator.id in by_id:
                    raise DuplicateIdError(
                        f"indicator id {indicator.id!r} is used twice "
                        f"(sets {by_id[indicator.id].set_id!r} and {indicator_set.id!r})",
                        items=[indicator.id],
                    )
                by_id[indicator.id] = indicator
        object.__setattr__(self, "_sets", MappingProxyType(sets))
        object.__setattr__(self, "_by_id", MappingProxyType(by_id))
        object.__setattr__(self, "_lift", MappingProxyType(self._build_lift(by_id)))

    def _build_lift(self, by_id: Mapping[str, Indicator]) -> dict[str, Mapping[str, str]]:
        """Per indicator set: signal id -> the indicator in that set it counts as."""
        signals = [i for s in self.sets if not s.is_evaluable for i in s.indicators if i.maps_to]
        lift: dict[str, Mapping[str, str]] = {}
        for indicator_set in self.sets:
            if not indicator_set.is_evaluable:
                continue
            target_of: dict[str, str] = {}
            for indicator in indicator_set.indicators:
                for ancestor in _ancestry(indicator, by_id):
                    target_of.setdefault(ancestor, indicator.id)
            lift[indicator_set.id] = MappingProxyType(
                {s.id: target_of[s.maps_to] for s in signals if s.maps_to in target_of}
            )
        return lift

    def get_set(self, set_id: str) -> IndicatorSet:
        try:
            return self._sets[set_id]
        except KeyError:
            known = ", ".join(self._sets)
            raise UnknownSetError(
                f"unknown set {set_id!r} (catalogue {self.version} has: {known})", items=[set_id]
            ) from None

    def indicators_of(self, set_id: str) -> tuple[Indicator, ...]:
        return self.get_set(set_id).indicators

    def indicator(self, indicator_id: str) -> Indicator:
        try:
            return self._by_id[indicator_id]
        except KeyError:
            raise UnknownIndicatorError(
                f"unknown indicator {indicator_id!r} in catalogue {self.version}",
                items=[indicator_id],
            ) from None

    def has_indicator(self, indicator_id: str) -> bool:
        return indicator_id in self._by_id

    def signal_targets(self, set_id: str) -> Mapping[str, str]:
        """Signals that count in this indicator set, each with the indicator it counts as."""
        self.get_set(set_id)
        return self._lift.get(set_id, MappingProxyType({}))

    def signals_for(self, indicator_id: str) -> tuple[Indicator, ...]:
        """Concrete signals that evidence this indicator: useful prompts for a question."""
        indicator = self.indicator(indicator_id)
        targets = self._lift.get(indicator.set_id, {})
        return tuple(self._by_id[s] for s, target in targets.items() if target == indicator_id)

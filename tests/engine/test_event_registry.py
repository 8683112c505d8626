"""The event-type registry: one complete entry per type, checked when it is built."""

from __future__ import annotations

import subprocess
import sys

import pytest

from schakel.engine.trajectories import EVENT_TYPES, REGISTRY, EventType, EventTypeSpec, steps
from schakel.engine.trajectories import events as p
from schakel.engine.trajectories.registry import Label, Registry, RegistryError, Shown, Shows
from schakel.engine.vocabulary import ControlMethod, PlacementType, ReferralPurpose


def _spec(kind: EventType = EventType.LOST_CONTACT, **changes: object) -> EventTypeSpec:
    fields: dict[str, object] = {
        "payload": p.LostContactPayload,
        "label": Label("Contact verloren", "Lost contact"),
        "project": steps.lose_contact,
        "display": ("note",),
        **changes,
    }
    return EventTypeSpec(kind, **fields)  # type: ignore[arg-type]


def test_one_entry_per_event_type() -> None:
    assert list(REGISTRY) == list(EventType)
    assert all(REGISTRY[t].event_type == t for t in EventType)
    assert dict(EVENT_TYPES) == {t: REGISTRY[t].payload for t in EventType}


def test_registering_a_type_twice_is_refused() -> None:
    registry = Registry()
    registry.register(_spec())
    with pytest.raises(RegistryError, match="registered twice"):
        registry.register(_spec())


def test_a_missing_type_is_refused_when_the_registry_closes() -> None:
    registry = Registry()
    registry.register(_spec())
    with pytest.raises(RegistryError, match="no registry entry for signal, consultation"):
        registry.close(EventType)
    with pytest.raises(RegistryError, match="read before"):
        _ = registry.withdrawing


def test_the_shipped_registry_is_closed() -> None:
    with pytest.raises(RegistryError, match="closed"):
        REGISTRY.register(_spec())


def test_importing_the_package_builds_and_checks_the_registry() -> None:
    """A fresh interpreter: importing anything from the package fills the registry first."""
    code = (
        "from schakel.engine.trajectories.events import validate_payload;"
        "print(validate_payload('intake', {}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "{'trafficking_status': 'possible'}"


@pytest.mark.parametrize(
    ("display", "message"),
    [
        (("note", "surprise"), "unknown field"),
        ((), "every payload field"),
        (("note", "note"), "every payload field"),
    ],
)
def test_a_display_must_show_every_field_once(display: tuple[str, ...], message: str) -> None:
    with pytest.raises(RegistryError, match=message):
        Registry().register(_spec(display=display))


def test_labels_in_both_languages_are_required() -> None:
    with pytest.raises(RegistryError, match="Dutch and an English label"):
        Registry().register(_spec(label=Label(" ", "Lost contact")))


def test_label_follows_the_language_and_english_is_the_source() -> None:
    label = REGISTRY[EventType.PLACEMENT_START].label
    assert label.in_language("nl") == "Plaatsing gestart"
    assert label.in_language("en-gb") == "Placement started"
    assert label.in_language(None) == "Placement started"


def test_display_kinds_come_from_the_payload_schema() -> None:
    shown = {s.name: s for s in REGISTRY[EventType.PLACEMENT_START].shown}
    assert shown["placement_type"] == Shown("placement_type", Shows.CODE, PlacementType)
    assert shown["provider"].shows == Shows.TEXT
    referral = {s.name: s for s in REGISTRY[EventType.REFERRAL_SENT].shown}
    assert referral["to_organisation_id"].shows == Shows.ORGANISATION
    assert referral["purpose"] == Shown("purpose", Shows.CODE, ReferralPurpose)
    episode = {s.name: s for s in REGISTRY[EventType.EXPLOITATION_EPISODE].shown}
    assert episode["control_methods"] == Shown("control_methods", Shows.CODES, ControlMethod)
    assert episode["recruitment_platforms"].shows == Shows.TEXT
    assert episode["started_on"].shows == Shows.DATE
    signal = {s.name: s for s in REGISTRY[EventType.SIGNAL].shown}
    assert signal["minor"].shows == Shows.FLAG


def test_organisation_fields_are_the_ids_of_organisations() -> None:
    """Every payload field named `*_organisation_id` is declared as one (and nothing else)."""
    for kind in EventType:
        payload = REGISTRY[kind].payload
        named = {f for f in payload.model_fields if f.endswith("_organisation_id")}
        assert payload.organisation_fields == named, kind


def test_only_entered_in_error_withdraws() -> None:
    assert REGISTRY.withdrawing == {"entered_in_error"}

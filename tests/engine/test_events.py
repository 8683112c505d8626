from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schakel.engine.identity import InvalidIdentityError, is_valid_bsn, parse_identity
from schakel.engine.trajectories import EVENT_TYPES, EventType, InvalidEventError, validate_payload


def test_every_event_type_has_a_schema() -> None:
    assert set(EVENT_TYPES) == set(EventType)


def test_unknown_event_type_is_named() -> None:
    with pytest.raises(InvalidEventError) as error:
        validate_payload("teleport", {})
    assert error.value.errors[0][0] == "event_type"
    assert "unknown event type" in str(error.value)


@pytest.mark.parametrize(
    ("event_type", "payload", "field"),
    [
        ("placement_start", {"placement_id": "p", "placement_type": "hotel"}, "placement_type"),
        ("placement_start", {"placement_type": "omm"}, "placement_id"),
        ("exit", {"exit_kind": "stable", "follow_up_months": [6, 3]}, "follow_up_months"),
        ("exit", {"exit_kind": "stable", "surprise": 1}, "surprise"),
        ("exploitation_episode", {"episode_id": "e", "form": "labour", "country": "nl"}, "country"),
        ("residence_milestone", {"milestone": "permit_decision"}, "decision"),
        ("national_centre_report", {"obliged_reporter": False, "consent_given": False}, "consent"),
        ("referral_rejected", {"referral_id": "r"}, "reason"),
    ],
)
def test_bad_payload_names_the_field(event_type: str, payload: dict, field: str) -> None:
    with pytest.raises(InvalidEventError) as error:
        validate_payload(event_type, payload)
    assert field in str(error.value)


def test_payload_is_normalised() -> None:
    clean = validate_payload(
        "exploitation_episode",
        {"episode_id": " e1 ", "form": "sexual", "modus_operandi": ["loverboy"]},
    )
    assert clean == {
        "episode_id": "e1",
        "form": "sexual",
        "modus_operandi": ["loverboy"],
        "recruitment_methods": [],
        "recruitment_platforms": [],
        "control_methods": [],
    }


def test_episode_dates_must_be_ordered() -> None:
    with pytest.raises(InvalidEventError, match="before started_on"):
        validate_payload(
            "exploitation_episode",
            {
                "episode_id": "e",
                "form": "labour",
                "started_on": "2024-02-01",
                "ended_on": "2024-01-01",
            },
        )


def _bsn_from(digits: list[int]) -> str | None:
    weights = [9, 8, 7, 6, 5, 4, 3, 2]
    total = sum(d * w for d, w in zip(digits, weights, strict=True))
    last = total % 11
    return None if last > 9 else "".join(map(str, digits)) + str(last)


@given(st.lists(st.integers(0, 9), min_size=8, max_size=8))
def test_bsn_eleven_test(digits: list[int]) -> None:
    bsn = _bsn_from(digits)
    if bsn is None or bsn == "000000000":
        return
    assert is_valid_bsn(bsn)
    wrong = bsn[:-1] + str((int(bsn[-1]) + 1) % 10)
    assert not is_valid_bsn(wrong)


def test_identity_errors_name_the_field() -> None:
    with pytest.raises(InvalidIdentityError, match="date_of_birth"):
        parse_identity({"family_name": "Nowak", "date_of_birth": "14-03-1999"})
    with pytest.raises(InvalidIdentityError, match="family_name"):
        parse_identity({})
    assert parse_identity({"family_name": "Nowak", "date_of_birth": "1990"}).date_of_birth == "1990"

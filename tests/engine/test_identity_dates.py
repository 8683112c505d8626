"""A date of birth must exist and must have come."""

from __future__ import annotations

import datetime as dt

import pytest

from schakel.engine.identity import InvalidIdentityError, parse_identity


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("2031-02-30", "impossible_date"),
        ("2023-02-29", "impossible_date"),
        ("1990-04-31", "impossible_date"),
    ],
)
def test_a_day_that_does_not_exist_is_refused(value: str, code: str) -> None:
    with pytest.raises(InvalidIdentityError) as caught:
        parse_identity({"family_name": "Nowak", "date_of_birth": value})
    assert [(p.field, p.code) for p in caught.value.problems] == [("date_of_birth", code)]


def test_a_date_in_the_future_is_refused_at_its_precision() -> None:
    today = dt.date.today()
    tomorrow = today + dt.timedelta(days=1)
    for value in (tomorrow.isoformat(), str(today.year + 1), f"{today.year + 1}-01"):
        with pytest.raises(InvalidIdentityError) as caught:
            parse_identity({"family_name": "Nowak", "date_of_birth": value})
        assert caught.value.problems[0].code == "future_date"
    for value in (today.isoformat(), str(today.year), today.isoformat()[:7], "2024-02-29"):
        assert (
            parse_identity({"family_name": "Nowak", "date_of_birth": value}).date_of_birth == value
        )

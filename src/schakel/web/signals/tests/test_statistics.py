"""Anonymous counts per month, form, role kind, region and outcome; never one check's answers."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from schakel.engine.indicators import Outcome, evaluate, load_catalogue
from schakel.engine.indicators.perspective import RoleKind
from schakel.engine.vocabulary import ExploitationForm, Region
from schakel.web.signals.actions import do_count_signal_check
from schakel.web.signals.check import CheckState
from schakel.web.signals.models import SignalCheckStatistic
from schakel.web.signals.selectors import SignalCheckCount, signal_check_counts

pytestmark = pytest.mark.django_db
CATALOGUE = load_catalogue()


def state(**changes: object) -> CheckState:
    values: dict[str, object] = {
        "minor": False,
        "form": ExploitationForm.LABOUR,
        "role": RoleKind.POLICE,
        "region": Region.LIMBURG,
    }
    values.update(changes)
    return CheckState(**values)  # type: ignore[arg-type]


def count(check: CheckState, on: dt.date) -> None:
    do_count_signal_check(state=check, evaluation=check.evaluate(CATALOGUE), on=on)


def test_counts_per_key_and_per_month() -> None:
    march, april = dt.date(2026, 3, 14), dt.date(2026, 4, 2)
    count(state(), march)
    count(state(), march)
    count(state(form=None, region=None, role=RoleKind.EDUCATION), march)
    count(state(), april)
    rows = signal_check_counts(since=dt.date(2026, 3, 1), until=dt.date(2026, 4, 30))
    assert rows == [
        SignalCheckCount(dt.date(2026, 3, 1), None, "education", None, "could_still_be_met", 1),
        SignalCheckCount(
            dt.date(2026, 3, 1), "labour", "police", "limburg", "could_still_be_met", 2
        ),
        SignalCheckCount(
            dt.date(2026, 4, 1), "labour", "police", "limburg", "could_still_be_met", 1
        ),
    ]
    assert signal_check_counts(since=dt.date(2026, 4, 1), until=dt.date(2026, 4, 1)) == rows[2:]
    with pytest.raises(ValueError, match="before"):
        signal_check_counts(since=april, until=march)


def test_only_the_five_codes_are_stored() -> None:
    check = state(answers={"AL-D1-01": "present", "AL-D4-01": "present"})
    count(check, dt.date(2026, 5, 1))
    stored = SignalCheckStatistic.objects.values().get()
    assert set(stored) == {"id", "month", "form", "role_kind", "region", "outcome", "count"}
    assert "AL-D1-01" not in str(stored)


def test_a_check_counts_once_and_moves_with_its_outcome() -> None:
    check = state()
    count(check, dt.date(2026, 6, 3))
    count(check, dt.date(2026, 6, 20))
    assert SignalCheckStatistic.objects.get().count == 1
    met = {i.id: "present" for i in CATALOGUE.indicators_of("adults-labour")}
    check.record(met)
    assert evaluate(CATALOGUE, "adults-labour", check.answers).outcome is Outcome.MET
    count(check, dt.date(2026, 7, 1))  # the same check, shown again a month later
    totals = dict(SignalCheckStatistic.objects.values_list("outcome", "count"))
    assert totals == {"could_still_be_met": 0, "met": 1}
    assert set(SignalCheckStatistic.objects.values_list("month", flat=True)) == {
        dt.date(2026, 6, 1)
    }
    assert signal_check_counts(since=dt.date(2026, 6, 1), until=dt.date(2026, 6, 30))[0].count == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_checks_are_all_counted() -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs a server database")
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(5):
                count(state(), dt.date(2026, 8, 1))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert SignalCheckStatistic.objects.get().count == 20

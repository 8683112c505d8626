"""The data steward's linkage page: start a run as a job, follow it, see it in the history;
other roles get 403; the review page says when the last and next run are."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from schakel.engine.vocabulary import Role
from schakel.web.core.testing import signed_in
from schakel.web.demo.actions import do_seed_region
from schakel.web.demo.seeding import seed_parameters
from schakel.web.jobs.models import Job
from schakel.web.jobs.registry import SCHEDULES
from schakel.web.jobs.service import next_run
from schakel.web.jobs.testing import run_queued_jobs
from schakel.web.linkage.models import LinkageRunRecord, ReturnCandidate
from schakel.web.linkage.selectors import (
    chance_in_words,
    encoding_label,
    in_percent,
    reason_in_words,
    time_after_in_words,
)
from schakel.web.linkage.tasks import link_returns, nightly_time, summary_in_words
from schakel.web.linkage.tests.test_run import KEY
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.trajectories.models import Trajectory

pytestmark = pytest.mark.django_db


def test_a_steward_starts_a_run_follows_it_and_sees_it_in_the_history(
    member: Callable[..., Membership], monkeypatch: pytest.MonkeyPatch
) -> None:
    do_seed_region(seed_parameters(persons=600, seed=3))
    monkeypatch.setenv("SCHAKEL_LINKAGE_KEY", KEY)
    steward = member(Organisation.objects.order_by("pk").first(), Role.DATA_STEWARD)
    client = signed_in(steward)
    page = client.get(reverse("linkage-runs"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Start a linkage run now" in text or "Nu een koppelingsrun starten" in text
    started = client.post(reverse("linkage-runs"))
    assert started.status_code == 302
    job = Job.objects.get()
    assert started["Location"] == reverse("job-progress", args=[job.pk])
    assert client.get(started["Location"]).status_code == 200  # the progress bar
    record = LinkageRunRecord.objects.get()
    assert record.state == LinkageRunRecord.State.RUNNING
    assert record.started_by_id == steward.user_id
    run_queued_jobs()
    record.refresh_from_db()
    assert record.state == LinkageRunRecord.State.DONE
    assert record.records == Trajectory.objects.count()
    assert record.possible_returns == ReturnCandidate.objects.count() > 0
    assert record.linked_pairs > 0 and record.candidate_pairs >= record.linked_pairs
    assert record.estimated_precision is not None and record.estimated_precision >= 0.9
    assert record.encoding.startswith("schakel-pprl/6")
    with translation.override("nl"):
        done = client.get(started["Location"], HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert f"Vergeleken records: {record.records}." in done
    assert f"Koppelingen: {record.linked_pairs}." in done
    assert f'href="{reverse("linkage-runs")}">Terug naar de koppelingsruns</a>' in done
    history = client.get(reverse("linkage-runs")).content.decode()
    assert str(record.records) in history
    assert encoding_label(record.encoding) in history
    assert record.encoding not in history  # the format in words, not the code
    assert in_percent(record.estimated_precision) in history
    assert in_percent(record.threshold_probability) in history


@pytest.mark.parametrize(
    "role",
    [
        Role.FRONTLINE,
        Role.COORDINATOR,
        Role.ANALYST,
        Role.SUPERVISOR,
        Role.CONTENT_EDITOR,
        Role.ADMINISTRATOR,
    ],
)
def test_other_roles_get_403_on_the_steward_page(
    org_a: Organisation, member: Callable[..., Membership], role: Role
) -> None:
    client = signed_in(member(org_a, role))
    assert client.get(reverse("linkage-runs")).status_code == 403
    assert client.post(reverse("linkage-runs")).status_code == 403
    assert not Job.objects.exists() and not LinkageRunRecord.objects.exists()


def test_the_review_page_says_when_the_last_and_next_run_are(steward: Membership) -> None:
    text = signed_in(steward).get(reverse("return-candidates")).content.decode()
    assert "Er is nog geen koppelingsrun geweest." in text
    when = next_run("linkage.nightly")
    assert when is not None and timezone.localtime(when).strftime("%H:%M") == "02:30"
    with translation.override("nl"):
        day = date_format(timezone.localtime(when), "j F Y")
    assert f"Volgende geplande run: {day}" in text
    assert "02:30" in text
    assert "Niets te beoordelen." in text


def test_the_history_says_how_many_possible_returns_are_new_in_words(steward: Membership) -> None:
    LinkageRunRecord.objects.create(
        started_at=timezone.now(), state=LinkageRunRecord.State.DONE, records=1234,
        possible_returns=1290, new_possible_returns=12,
    )  # fmt: skip
    text = signed_in(steward).get(reverse("linkage-runs")).content.decode()
    assert "<dt>Mogelijke terugkeer</dt><dd>1.290, waarvan 12 nieuw</dd>" in text
    assert "(12)" not in text
    assert '<ul class="schakel-worklist schakel-runs">' in text  # no list bullet beside a heading


def test_the_schedule_is_read_from_the_job_queue(
    steward: Membership, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Switched off by the setting, the schedule is not registered and the pages say so."""
    monkeypatch.delitem(SCHEDULES, "linkage.nightly")
    text = signed_in(steward).get(reverse("linkage-runs")).content.decode()
    assert "Er is geen nachtelijke run gepland" in text
    assert next_run("linkage.nightly") is None


def test_the_nightly_time_is_a_setting() -> None:
    assert nightly_time("02:30") == dt.time(2, 30)
    assert nightly_time(" 23:05 ") == dt.time(23, 5)
    assert nightly_time("off") is None
    with pytest.raises(ImproperlyConfigured, match="SCHAKEL_LINKAGE_SCHEDULE"):
        nightly_time("nightly")
    assert SCHEDULES["linkage.nightly"].task is link_returns


def test_encoding_label_is_words() -> None:
    with translation.override("nl"):
        assert (
            encoding_label("schakel-pprl/5 bits=1024 k=x salt=names flip=0.05")
            == "versleuteld met de koppelsleutel, per record gezouten, met willekeurige"
            " bitwisselingen (formaat 5)"
        )
        assert (
            encoding_label("schakel-pprl/4 bits=1024 k=x salt=none flip=0")
            == "versleuteld met de koppelsleutel (formaat 4)"
        )
        assert (
            encoding_label("schakel-pprl/6 bits=1024 k=x salt=none flip=0.1 mix=record year=names")
            == "versleuteld met de koppelsleutel, namen en geboortedatum samen in één filter per"
            " record, met willekeurige bitwisselingen (formaat 6)"
        )
        assert reason_in_words({"names": "close"}) == [
            "Namen (voornamen en achternaam samen): bijna hetzelfde"
            " (een klein verschil in spelling)"
        ]
        assert encoding_label("something else") == "onbekend"


def test_shares_are_dutch_percentages() -> None:
    with translation.override("nl"):
        assert in_percent(0.98) == "98\u00a0%"
        assert in_percent(0.999) == "99,9\u00a0%"
        assert in_percent(None) == ""
    with translation.override("en"):
        assert in_percent(0.999) == "99.9%"


def test_the_queue_says_chance_and_timing_in_words() -> None:
    with translation.override("nl"):
        assert chance_in_words(0.9996) == "meer dan 99,9\u00a0%"  # not a rounded certainty
        assert chance_in_words(1.0) == "100\u00a0%"
        assert chance_in_words(0.93) == "93\u00a0%"
        assert time_after_in_words(1) == "1 dag"
        assert time_after_in_words(45) == "45 dagen"
        assert time_after_in_words(335) == "ongeveer 11 maanden"
        assert time_after_in_words(None) == ""


def test_the_summary_of_a_run_is_words_or_nothing() -> None:
    counts = {
        "records": 1200,
        "candidate_pairs": 40,
        "linked_pairs": 12,
        "candidates": 3,
        "new_candidates": 1,
    }
    with translation.override("nl"):
        assert summary_in_words(counts) == (
            "Vergeleken records: 1.200. Kandidaatparen: 40. Koppelingen: 12. "
            "Mogelijke terugkeer: 3 (nieuw: 1)."
        )
    assert summary_in_words({"records": 5, "persons": 4}) == ""  # a run from before
    assert summary_in_words(None) == ""


def test_a_second_start_while_a_run_waits_or_runs_follows_that_run(steward: Membership) -> None:
    """Two runs at once would compare the same records twice: pressing start again (or while
    the nightly run works) leads to the run that is going."""
    client = signed_in(steward)
    first = client.post(reverse("linkage-runs"))
    again = client.post(reverse("linkage-runs"))
    assert first["Location"] == again["Location"]
    assert Job.objects.count() == 1 and LinkageRunRecord.objects.count() == 1
    # the nightly run: its job opened a history row of its own, without the job
    Job.objects.update(state=Job.State.RUNNING)
    LinkageRunRecord.objects.update(job=None)
    nightly = LinkageRunRecord.objects.get()
    third = client.post(reverse("linkage-runs"))
    assert third["Location"] == first["Location"]
    nightly.refresh_from_db()
    assert nightly.job_id == Job.objects.get().pk
    Job.objects.update(state=Job.State.SUCCEEDED)
    client.post(reverse("linkage-runs"))
    assert Job.objects.count() == 2  # once it is done, a new run starts

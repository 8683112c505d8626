"""Anonymous endpoints stay cheap: evaluate refuses more answers than a set can hold before
reading any, and a visitor's session row expires and is cleared by a scheduled job."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from schakel.engine.indicators import TooManyAnswersError, evaluate, load_catalogue
from schakel.engine.indicators.evaluation import answerable_count
from schakel.web.jobs.models import Job
from schakel.web.jobs.service import do_enqueue_job
from schakel.web.jobs.testing import run_queued_jobs
from schakel.web.signals.check import ANONYMOUS_SESSION_SECONDS
from schakel.web.signals.tests.helpers import WHO
from schakel.web.site.tasks import clear_sessions

pytestmark = pytest.mark.django_db
CATALOGUE = load_catalogue()
SET = "adults-labour"


def test_more_answers_than_the_set_holds_are_refused_before_evaluating() -> None:
    limit = answerable_count(CATALOGUE, CATALOGUE.get_set(SET))
    flood = {f"XX-{n:03d}": "present" for n in range(limit + 1)}
    with pytest.raises(TooManyAnswersError):
        evaluate(CATALOGUE, SET, flood)
    response = Client().post(
        "/api/v1/signals/evaluate", {"set": SET, "answers": flood}, "application/json"
    )
    assert response.status_code == 422 and len(response.content) < 1_000
    assert response.json()["error"]["code"] == "too_many_answers"


def test_every_real_answer_still_fits() -> None:
    for indicator_set in CATALOGUE.sets:
        if indicator_set.is_evaluable:
            answers = {i.id: "absent" for i in indicator_set.indicators}
            evaluate(CATALOGUE, indicator_set.id, answers)


def test_an_anonymous_check_session_expires_and_is_cleared() -> None:
    client = Client()
    assert client.post(reverse("signal-check"), WHO).status_code == 302
    row = Session.objects.get()
    lasts = row.expire_date - timezone.now()
    assert lasts <= dt.timedelta(seconds=ANONYMOUS_SESSION_SECONDS + 5)
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    job = do_enqueue_job(actor=None, task=clear_sessions)
    assert run_queued_jobs() == 1
    assert Job.objects.get(pk=job.pk).result == {"removed": 1}
    assert not Session.objects.exists()

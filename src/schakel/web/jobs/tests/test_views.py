"""The progress page and the partial htmx polls: only for whoever started the job."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from schakel.engine.vocabulary import Role
from schakel.web.core.testing import signed_in
from schakel.web.jobs.actions import do_enqueue_job
from schakel.web.jobs.models import Job
from schakel.web.jobs.tests import example_tasks as tasks
from schakel.web.organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(coordinator_a: Membership) -> Job:
    return do_enqueue_job(task=tasks.report_half_way, actor=coordinator_a)


def _url(job: Job) -> str:
    return f"/opdrachten/{job.pk}/voortgang/"


def test_the_starter_sees_a_progress_bar_that_polls(job: Job, coordinator_a: Membership) -> None:
    Job.objects.filter(pk=job.pk).update(state="running", progress=40, step="Writing the report")
    client = signed_in(coordinator_a)
    page = client.get(_url(job)).content.decode()
    assert "<html" in page and "Testopdracht" in page  # Dutch label, full page
    assert '<progress id="job-' in page and 'value="40"' in page
    assert 'hx-trigger="every 1s"' in page and f'hx-get="{_url(job)}"' in page
    assert "Het rapport schrijven" in page  # the step, translated
    assert "Het werk gaat door als u deze pagina verlaat" in page  # long work can be left
    partial = client.get(_url(job), headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and 'value="40"' in partial


def test_polling_stops_when_the_job_is_done(job: Job, coordinator_a: Membership) -> None:
    client = signed_in(coordinator_a)
    Job.objects.filter(pk=job.pk).update(state="succeeded", progress=100)
    done = client.get(_url(job), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in done and "Klaar." in done
    assert "Het werk gaat door" not in done
    Job.objects.filter(pk=job.pk).update(state="failed", error="ValueError in step 'x'")
    failed = client.get(_url(job), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in failed and "mislukt" in failed and "ValueError" not in failed


def test_anyone_else_gets_the_same_404_as_for_a_missing_job(
    job: Job, coordinator_a: Membership, org_a: Organisation, member: Callable[..., Membership]
) -> None:
    colleague = signed_in(member(org_a, Role.COORDINATOR))
    assert colleague.get(_url(job)).status_code == 404
    assert colleague.get(f"/opdrachten/{job.pk + 1000}/voortgang/").status_code == 404
    scheduled = do_enqueue_job(task=tasks.report_half_way, actor=None)
    assert signed_in(coordinator_a).get(_url(scheduled)).status_code == 404


def test_the_same_user_in_another_role_still_sees_it(
    job: Job, coordinator_a: Membership, org_b: Organisation
) -> None:
    Membership.objects.create(user=coordinator_a.user, organisation=org_b, role=Role.ANALYST)
    assert signed_in(coordinator_a).get(_url(job)).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(job: Job) -> None:
    response = Client().get(_url(job))
    assert response.status_code == 302 and "/inloggen/" in response["Location"]


def test_a_finished_job_says_its_result_in_words_and_links_back(
    coordinator_a: Membership,
) -> None:
    """The walk ended on a page that said only "Klaar.": a job that declares a summary and a
    result page shows both once done, and neither while it runs."""
    job = do_enqueue_job(task=tasks.count_to, actor=coordinator_a)
    client = signed_in(coordinator_a)
    running = client.get(_url(job)).content.decode()
    assert "Counted" not in running and "Back home" not in running
    Job.objects.filter(pk=job.pk).update(state="succeeded", progress=100, result=7)
    done = client.get(_url(job), headers={"HX-Request": "true"}).content.decode()
    assert "Klaar. Counted 7." in done
    assert '<a class="utrecht-link" href="/">Back home</a>' in done


def test_a_waiting_job_says_so_with_its_place_in_the_queue(
    coordinator_a: Membership,
) -> None:
    first = do_enqueue_job(task=tasks.report_half_way, actor=coordinator_a)
    second = do_enqueue_job(task=tasks.report_half_way, actor=coordinator_a)
    client = signed_in(coordinator_a)
    waiting = client.get(_url(second), headers={"HX-Request": "true"}).content.decode()
    assert "Wacht op een vrije verwerker: nummer 2 in de wachtrij" in waiting
    assert "als eerste aan de beurt" in client.get(_url(first)).content.decode()
    Job.objects.filter(pk=first.pk).update(state="running", step="Writing the report")
    moved_up = client.get(_url(second), headers={"HX-Request": "true"}).content.decode()
    assert "als eerste aan de beurt" in moved_up

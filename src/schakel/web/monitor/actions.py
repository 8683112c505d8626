"""Asking for a new monitor release: one job at a time, whoever asks."""

from __future__ import annotations

from django.db import transaction

from schakel.web.jobs.models import Job
from schakel.web.jobs.service import do_enqueue_job
from schakel.web.monitor.tasks import release_monitor
from schakel.web.organisations.models import Membership

RELEASE_JOB = "monitor.release"


def running_release_job() -> Job | None:
    """The release job waiting or running, if any (the newest)."""
    waiting = (Job.State.QUEUED, Job.State.RUNNING)
    return Job.objects.filter(name=RELEASE_JOB, state__in=waiting).order_by("-pk").first()


def do_request_release(*, actor: Membership | None) -> Job:
    """Queue a release unless one is already waiting or running (then that one is returned):
    two analysts pressing the button start one computation."""
    with transaction.atomic():
        running = running_release_job()
        if running is not None:
            return running
        return do_enqueue_job(actor=actor, task=release_monitor, arguments={})

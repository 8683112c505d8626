"""The progress of a job, for the person who started it: a page, and the partial htmx polls."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from schakel.web.jobs.models import Job
from schakel.web.jobs.registry import JOB_TYPES, job_label

POLL_SECONDS = 1


def job_for_user(request: HttpRequest, pk: int) -> Job:
    """The job if this user started it; one 404 for a job that is missing and one that is not
    theirs, so an id says nothing about other people's work."""
    job = Job.objects.started_by_user(request.user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


def progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = job_for_user(request, pk)
    htmx = bool(getattr(request, "htmx", False))
    template = "jobs/progress.html#progress" if htmx else "jobs/progress.html"
    context: dict[str, object] = {
        "job": job,
        "label": job_label(job.name),
        "poll_seconds": POLL_SECONDS,
    }
    if job.state == Job.State.QUEUED:
        context["position"] = Job.objects.waiting_ahead_of(job.dispatched_at, job.pk) + 1
    job_type = JOB_TYPES.get(job.name)
    if job.state == Job.State.SUCCEEDED and job_type is not None:
        if job_type.summary is not None:
            context["summary"] = job_type.summary(job.result)
        if job_type.result_url:
            context["result_url"] = reverse(job_type.result_url)
            context["result_label"] = job_type.result_label or _("Go to the result")
    return render(request, template, context)

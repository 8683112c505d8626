"""`schakel jobs`: recent jobs for the operator, with the error summary of failed ones."""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.utils import timezone

from schakel.web.jobs.models import Job


def job_lines(*, failed: bool, limit: int) -> Iterator[str]:
    jobs = Job.objects.order_by("-created_at", "-pk")
    if failed:
        jobs = jobs.filter(state=Job.State.FAILED)
    yield f"{'id':>6}  {'created':16}  {'job':24}  {'state':9}  {'tries':5}  {'done':>4}  detail"
    for job in jobs[: max(0, limit)]:
        created = timezone.localtime(job.created_at).strftime("%Y-%m-%d %H:%M")
        tries = f"{job.attempts}/{job.max_attempts}"
        detail = job.step
        if job.state == Job.State.FAILED:
            detail = job.error
        elif job.state == Job.State.SUCCEEDED:
            detail = json.dumps(job.result, sort_keys=True) if job.result else ""
        yield (
            f"{job.pk:>6}  {created:16}  {job.name[:24]:24}  {job.state:9}  {tries:5}  "
            f"{job.progress:>3}%  {detail}"
        )

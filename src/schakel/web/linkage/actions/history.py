"""The data steward's linkage runs: started from the page (or by the nightly schedule) as a
job, and their history. Counts and settings only, never names, encodings or record ids."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import do_record_access
from schakel.web.jobs.actions import do_enqueue_job
from schakel.web.jobs.models import Job
from schakel.web.linkage.models import LinkageRunRecord
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Actor, Capability, require, user_id_of

RUN_JOB = "linkage.returns"


def running_linkage_run() -> LinkageRunRecord | None:
    """The run whose job is waiting or running (scheduled or started by a steward), if any."""
    waiting = (Job.State.QUEUED, Job.State.RUNNING)
    job = Job.objects.filter(name=RUN_JOB, state__in=waiting).order_by("-pk").first()
    if job is None:
        return None
    record = LinkageRunRecord.objects.filter(job=job).first()
    if record is None:  # a scheduled run: its job opened a history row without the job
        record = (
            LinkageRunRecord.objects.filter(state=LinkageRunRecord.State.RUNNING, job=None)
            .order_by("-pk")
            .first()
        )
        if record is not None:
            LinkageRunRecord.objects.filter(pk=record.pk).update(job=job)
            record.job = job
    return record


def do_start_linkage_run(*, actor: Membership) -> LinkageRunRecord:
    """Queue a linkage run of this installation; its record is the history row. When a run is
    already waiting or running (a steward's or the nightly one), that run is returned instead:
    two runs at once would compare the same records twice and count candidates twice."""
    from schakel.web.linkage.tasks import link_returns

    require(actor, Capability.RUN_LINKAGE)
    with transaction.atomic():
        running = running_linkage_run()
        if running is not None:
            return running
        record = LinkageRunRecord.objects.create(
            started_at=timezone.now(), started_by_id=actor.user_id
        )
        job = do_enqueue_job(actor=actor, task=link_returns, arguments={"run": record.pk})
        LinkageRunRecord.objects.filter(pk=record.pk).update(job=job)
        do_record_access(
            actor=actor,
            action=AuditEntry.Action.CREATE,
            object_type="linkage_run",
            object_id=record.pk,
            purpose="start a linkage run",
        )
    record.refresh_from_db()
    return record


def do_open_run_record(*, actor: Actor, run: int | None) -> LinkageRunRecord:
    """The history row of a run that is starting: the one the steward created, or a new one
    for a scheduled run."""
    with transaction.atomic():
        if run is not None:
            record = LinkageRunRecord.objects.select_for_update().filter(pk=run).first()
            if record is not None:
                record.state = LinkageRunRecord.State.RUNNING
                record.save(update_fields=["state"])
                return record
        return LinkageRunRecord.objects.create(
            started_at=timezone.now(), started_by_id=user_id_of(actor)
        )


def do_finish_run_record(
    *, record: LinkageRunRecord, values: dict[str, object] | None, failed: bool = False
) -> None:
    """Write what the run found (or that it failed) into its history row."""
    with transaction.atomic():
        LinkageRunRecord.objects.filter(pk=record.pk).update(
            finished_at=timezone.now(),
            state=LinkageRunRecord.State.FAILED if failed else LinkageRunRecord.State.DONE,
            **(values or {}),
        )

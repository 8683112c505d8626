"""A job: one piece of long work on the queue, as the people who wait for it see it.

The task backend (django-tasks) delivers the work to a worker; the `Job` row is what outlives a
delivery. It records state, progress and step for the progress bar, counts the attempts, and
carries the heartbeat by which a lost worker is noticed (docs/adr/0009-job-queue.md).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from schakel.web.jobs.querysets import JobQuerySet


class Job(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("done")
        FAILED = "failed", _("failed")

    name = models.CharField(_("job"), max_length=100)
    task_path = models.CharField(max_length=200)
    arguments = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    started_by = models.ForeignKey(
        "organisations.Membership",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for scheduled jobs."),
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=1)
    result_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)
    checkpoint = models.JSONField(default=dict, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="job_progress_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk} ({self.state})"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.SUCCEEDED, self.State.FAILED)

    @property
    def step_label(self) -> str:
        """The step in the reader's language: tasks store the English source text."""
        return gettext(self.step) if self.step else ""


class ScheduleState(models.Model):
    """When a periodic job last ran. `version` is compared and bumped in one UPDATE, so of two
    workers that find the same job due only one enqueues it."""

    name = models.CharField(max_length=100, unique=True)
    version = models.PositiveIntegerField(default=0)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_job = models.ForeignKey(Job, models.SET_NULL, null=True, blank=True, related_name="+")

    def __str__(self) -> str:
        return self.name

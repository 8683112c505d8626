"""Possible returns to exploitation that record linkage found, waiting for the data steward."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from schakel.web.linkage.querysets import CandidateQuerySet


class ReturnCandidate(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for review")
        CONFIRMED = "confirmed", _("confirmed as a return")
        REJECTED = "rejected", _("not the same person or not a return")

    earlier = models.ForeignKey(
        "trajectories.Trajectory", models.CASCADE, related_name="return_candidates"
    )
    later = models.ForeignKey("trajectories.Trajectory", models.CASCADE, related_name="+")
    later_event = models.ForeignKey(
        "trajectories.TrajectoryEvent", models.CASCADE, related_name="+"
    )
    cluster = models.CharField(max_length=64)
    match_probability = models.FloatField()
    # Days from the end of the earlier trajectory to the new event: the timing the steward
    # judges a match by, without a date that helps to identify anyone.
    days_after_end = models.PositiveIntegerField(null=True, blank=True)
    detected_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    # Why linkage put the two records together: field -> level (`engine.linkage.explain`),
    # computed from the encodings; never a value, a filter or a token.
    agreement = models.JSONField(default=dict, blank=True)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        verbose_name = _("possible return")
        verbose_name_plural = _("possible returns")
        ordering = ["-detected_at"]
        constraints = [
            models.UniqueConstraint(fields=["earlier", "later"], name="return_candidate_unique")
        ]

    def __str__(self) -> str:
        return f"{self.earlier_id} → {self.later_id} ({self.status})"


class LinkageRunRecord(models.Model):
    """One linkage run of this installation, for the data steward's history. Counts and
    settings only: no names, encodings or record ids."""

    class State(models.TextChoices):
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    job = models.ForeignKey("jobs.Job", models.SET_NULL, null=True, blank=True, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    encoding = models.CharField(max_length=200, blank=True)
    threshold_weight = models.FloatField(null=True, blank=True)
    threshold_probability = models.FloatField(null=True, blank=True)
    estimated_precision = models.FloatField(null=True, blank=True)
    records = models.PositiveIntegerField(default=0)
    candidate_pairs = models.PositiveIntegerField(default=0)
    linked_pairs = models.PositiveIntegerField(default=0)
    possible_returns = models.PositiveIntegerField(default=0)
    new_possible_returns = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("linkage run")
        verbose_name_plural = _("linkage runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"linkage run {self.started_at:%Y-%m-%d %H:%M} ({self.state})"

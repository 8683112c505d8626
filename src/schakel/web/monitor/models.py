"""Stored monitor releases: what every web worker, download and the command line reads.

A release is written by the release job (`tasks.release_monitor`) in one transaction: the
release row and one row per published selection. Readers take the newest release, so a new
one replaces the old atomically and two workers always show the same figures.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Release(models.Model):
    """One protected release of the monitor: every published selection, computed together."""

    created_at = models.DateTimeField(_("released at"), auto_now_add=True)
    data_until = models.DateTimeField(
        _("figures up to"), help_text=_("Events recorded up to this moment are included.")
    )
    as_of = models.DateField(_("as of"))
    k = models.PositiveSmallIntegerField(_("threshold k"))
    log_version = models.CharField(max_length=200)
    seconds = models.FloatField(default=0.0)
    quality = models.JSONField(default=list)
    summary = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("monitor release")
        verbose_name_plural = _("monitor releases")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"release {self.pk} ({self.data_until:%Y-%m-%d %H:%M})"


class ReleaseSelection(models.Model):
    """The published tables of one selection (all, one form, one region or one cohort),
    language-neutral: codes and numbers, labelled when shown."""

    release = models.ForeignKey(Release, models.CASCADE, related_name="selections")
    key = models.CharField(max_length=100)
    content = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["release", "key"], name="monitor_release_selection")
        ]

    def __str__(self) -> str:
        return self.key


class ReleaseUnits(models.Model):
    """What the newest release was computed from, for protecting the next one (ADR 0033):
    its exit episodes and trajectories as the consecutive protection matches them
    (pseudonymous ids, strata and flags; Parquet). Never shown or downloaded; kept only for
    the newest release (a new release drops the older rows in the same transaction)."""

    release = models.OneToOneField(Release, models.CASCADE, related_name="units")
    episodes = models.BinaryField()
    funnel = models.BinaryField(null=True)

    class Meta:
        verbose_name = _("monitor release units")
        verbose_name_plural = _("monitor release units")

    def __str__(self) -> str:
        return f"units of release {self.release_id}"

"""What the signal check keeps: shared check summaries, anonymous consultations, counts.

A public check stores nothing: its answers live in the visitor's session until the check is
restarted or the session ends. Only when a signed-in professional consults or refers is a
summary kept (the indicators marked present, the outcome and the catalogue version), and the
statistics count checks per month, form, role kind, region and outcome, never one check's
answers.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from schakel.web.core.fields import SealedTextField
from schakel.web.signals.querysets import (
    AssessmentQuerySet,
    CatalogueVersionQuerySet,
    ConsultationQuerySet,
    StatisticQuerySet,
)


class Assessment(models.Model):
    """The summary of one check that a professional shared: no identity, no free text."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "organisations.Organisation", models.PROTECT, related_name="signal_assessments"
    )
    set_id = models.CharField(_("indicator set"), max_length=60)
    minor = models.BooleanField(_("minor"))
    suspected_form = models.CharField(_("suspected form"), max_length=20, blank=True)
    role_kind = models.CharField(_("role"), max_length=30)
    region = models.CharField(_("region"), max_length=40, blank=True)
    outcome = models.CharField(_("outcome"), max_length=30)
    present = models.JSONField(default=list)
    positive_dimensions = models.JSONField(default=list)
    catalogue_version = models.CharField(max_length=40)
    catalogue_digest = models.CharField(max_length=64, blank=True)
    # Set when the check led to a referral: the trajectory the professional's organisation
    # opened, and the reference of the referral in it.
    trajectory = models.ForeignKey(
        "trajectories.Trajectory",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="signal_assessments",
    )
    referral_reference = models.CharField(max_length=64, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("signal check summary")
        verbose_name_plural = _("signal check summaries")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.set_id} {self.outcome} {self.created_at:%Y-%m-%d}"


class Consultation(models.Model):
    """An anonymous question to the regional care coordination about one check."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # None when the professional asked before (or without) doing the check.
    assessment = models.OneToOneField(
        Assessment, models.PROTECT, null=True, blank=True, related_name="consultation"
    )
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    asked_from = models.ForeignKey(
        "organisations.Organisation", models.PROTECT, related_name="consultations_asked"
    )
    to_organisation = models.ForeignKey(
        "organisations.Organisation", models.PROTECT, related_name="consultations_received"
    )
    question = SealedTextField(_("question"), max_length=2000, subject="id")
    asked_at = models.DateTimeField()
    answer = SealedTextField(_("answer"), max_length=4000, blank=True, subject="id")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = _("anonymous consultation")
        verbose_name_plural = _("anonymous consultations")
        ordering = ["-asked_at"]
        indexes = [models.Index(fields=["to_organisation", "answered_at"])]

    def __str__(self) -> str:
        return f"consultation {self.asked_at:%Y-%m-%d}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class ConsultationMessage(models.Model):
    """A reply in a consultation after its first answer, by the asker or the coordination."""

    consultation = models.ForeignKey(Consultation, models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    by_coordination = models.BooleanField()
    text = models.TextField(_("message"), max_length=4000)
    sent_at = models.DateTimeField()

    class Meta:
        verbose_name = _("consultation message")
        verbose_name_plural = _("consultation messages")
        ordering = ["sent_at", "pk"]

    def __str__(self) -> str:
        return f"message {self.sent_at:%Y-%m-%d %H:%M}"


class SignalCheckStatistic(models.Model):
    """How many checks ended with an outcome, per month, form, role kind and region."""

    month = models.DateField()  # the first day of the month
    form = models.CharField(max_length=20, blank=True)  # blank: "don't know"
    role_kind = models.CharField(max_length=30)
    region = models.CharField(max_length=40, blank=True)  # blank: "don't know"
    outcome = models.CharField(max_length=30)
    count = models.PositiveIntegerField(default=0)

    objects = StatisticQuerySet.as_manager()

    class Meta:
        verbose_name = _("signal check count")
        verbose_name_plural = _("signal check counts")
        ordering = ["month", "form", "role_kind", "region", "outcome"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "form", "role_kind", "region", "outcome"],
                name="signal_check_statistic_unique_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.form or '?'} {self.outcome}: {self.count}"


class CatalogueVersion(models.Model):
    """A catalogue version published in the app; validated by the engine before it is kept."""

    version = models.CharField(_("version"), max_length=40, unique=True)
    digest = models.CharField(max_length=64)
    manifest = models.JSONField()
    documents = models.JSONField()  # {"sets/<set id>.json": {...}}
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    # Who wrote the version, when a second editor approved it (four eyes); null for an upload
    # published before drafts existed.
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("what changed"), max_length=500, blank=True)

    objects = CatalogueVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("catalogue version")
        verbose_name_plural = _("catalogue versions")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.version


class DraftState(models.TextChoices):
    EDITING = "editing", _("Being edited")
    SUBMITTED = "submitted", _("Waiting for approval")
    PUBLISHED = "published", _("Approved and published")
    DISCARDED = "discarded", _("Discarded")


class CatalogueDraft(models.Model):
    """The next catalogue version while editors work on it: the same documents as a published
    version, changed in forms, checked by the engine on every save, published only when a
    second editor approves (four eyes). One draft at a time."""

    version = models.CharField(_("new version number"), max_length=40)
    base_version = models.CharField(max_length=40)
    manifest = models.JSONField()
    documents = models.JSONField()
    state = models.CharField(max_length=20, choices=DraftState.choices, default=DraftState.EDITING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()
    note = models.CharField(_("what changed"), max_length=500, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    comment = models.CharField(_("comment"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("catalogue draft")
        verbose_name_plural = _("catalogue drafts")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["base_version"],
                condition=models.Q(state__in=["editing", "submitted"]),
                name="catalogue_one_open_draft_per_base",
            )
        ]

    def __str__(self) -> str:
        return f"draft {self.version}"

    @property
    def is_open(self) -> bool:
        return self.state in (DraftState.EDITING, DraftState.SUBMITTED)


class ReferrerLabel(models.Model):
    """The referrer's own reference for a referral ("the boy from the Tuesday group"), so they
    can tell their referrals apart; shown to them alone, never mailed or logged."""

    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="labels")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    label = models.CharField(_("your own reference"), max_length=80)

    class Meta:
        verbose_name = _("own reference")
        verbose_name_plural = _("own references")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "user"], name="referrer_label_unique")
        ]

    def __str__(self) -> str:
        return "own reference"

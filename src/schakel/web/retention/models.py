"""Erasure requests (asked by a coordinator, decided by a supervisor) and what was erased.

Neither holds personal data: a request points at the pseudonymous person and carries a
reason code and a reference to the organisation's own case file; an erasure says which kind
of record, how many, when and on what basis.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ErasureRequest(models.Model):
    class Ground(models.TextChoices):
        DATA_SUBJECT = "data_subject", _("The person asked for erasure (GDPR art. 17)")
        UNLAWFUL = "unlawful", _("The data were recorded without a legal basis")
        WRONG_PERSON = "wrong_person", _("The records are about someone else")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent was withdrawn and nothing else applies")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for a decision")
        APPROVED = "approved", _("approved and carried out")
        REFUSED = "refused", _("refused")

    person = models.ForeignKey("trajectories.Person", models.PROTECT, related_name="+")
    organisation = models.ForeignKey("organisations.Organisation", models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    ground = models.CharField(_("ground"), max_length=30, choices=Ground.choices)
    reference = models.CharField(
        _("reference"),
        max_length=40,
        blank=True,
        help_text=_("Your own case or letter number; no names."),
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"erasure request {self.pk} ({self.status})"


class Erasure(models.Model):
    """One erasure: a person's data (by request or retention), or a batch of one kind."""

    class Basis(models.TextChoices):
        RETENTION = "retention", _("retention period passed")
        REQUEST = "request", _("approved erasure request")

    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=30)
    basis = models.CharField(max_length=20, choices=Basis.choices)
    subjects = models.PositiveIntegerField(default=0)
    records = models.JSONField(default=dict)
    by = models.CharField(max_length=100)
    request = models.ForeignKey(
        ErasureRequest, models.PROTECT, null=True, blank=True, related_name="erasures"
    )

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.subjects} {self.at:%Y-%m-%d}"

    @property
    def kind_label(self) -> str:
        from schakel.web.retention.policy import PERIODS, Kind

        try:
            return str(PERIODS[Kind(self.kind)].label)
        except ValueError:
            return self.kind

"""Trainings on trafficking, and who completed which and when."""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schakel.web.training.querysets import TrainingRecordQuerySet


class TrainingTopic(models.TextChoices):
    SIGNALLING = "signalling", _("Signalling trafficking")
    MELDCODE = "meldcode", _("Meldcode and assessment framework")
    CRIMINAL_EXPLOITATION = "criminal_exploitation", _("Criminal exploitation")
    ONLINE_RECRUITMENT = "online_recruitment", _("Online recruitment")
    RESIDENCE_SCHEME = "residence_scheme", _("Residence scheme (B8/3)")
    CARE_COORDINATION = "care_coordination", _("Care coordination")
    OTHER = "other", _("Other")


def expiry_date(completed_on: dt.date, validity_months: int) -> dt.date:
    """The day a certificate stops being valid: the same day `validity_months` later
    (or the month's last day, when that month is shorter)."""
    month_index = completed_on.month - 1 + validity_months
    year, month = completed_on.year + month_index // 12, month_index % 12 + 1
    day = min(completed_on.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


class Training(models.Model):
    name = models.CharField(_("name"), max_length=200)
    topic = models.CharField(_("topic"), max_length=30, choices=TrainingTopic.choices)
    provider = models.CharField(_("provider"), max_length=200)
    validity_months = models.IntegerField(
        _("valid for (months)"),
        validators=[
            MinValueValidator(1, _("The validity period must be at least one month.")),
        ],
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(validity_months__gt=0),
                name="training_validity_positive",
                violation_error_message=_("The validity period must be at least one month."),
            ),
            models.UniqueConstraint(
                Lower("name"),
                Lower("provider"),
                name="training_unique_name_provider",
                violation_error_message=_(
                    "This provider already offers a training with this name."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.provider})"


class TrainingRecord(models.Model):
    """One person completed one training on one day; valid until `expires_on` (exclusive)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="training_records"
    )
    training = models.ForeignKey(Training, models.PROTECT, related_name="records")
    completed_on = models.DateField(_("completed on"))
    expires_on = models.DateField(_("valid until"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    objects = TrainingRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["-completed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "training", "completed_on"],
                name="training_record_unique",
                violation_error_message=_(
                    "This person's training on this day is already registered."
                ),
            ),
        ]
        indexes = [models.Index(fields=["expires_on"], name="training_record_expires")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.training_id} · {self.completed_on}"

    def clean(self) -> None:
        if self.completed_on and self.completed_on > timezone.localdate():
            raise ValidationError(
                {"completed_on": _("The completion date cannot lie in the future.")}
            )

    def is_valid_on(self, day: dt.date) -> bool:
        return self.completed_on <= day < self.expires_on

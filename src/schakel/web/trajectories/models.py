"""Persons, their encrypted identity, trajectories and the append-only event log."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from schakel.engine.trajectories import Event
from schakel.engine.trajectories.events import EventType
from schakel.engine.vocabulary import CaseStatus, Stage
from schakel.web.core.fields import SealedTextField
from schakel.web.core.labels import choices
from schakel.web.trajectories.querysets import (
    AccessGrantQuerySet,
    AppendOnlyQuerySet,
    ConsentQuerySet,
    PersonQuerySet,
    TaskQuerySet,
    TrajectoryQuerySet,
)
from schakel.web.trajectories.sealing import join_payload, split_payload

PSEUDONYM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_pseudonym() -> str:
    """A random, meaningless label such as P-7KQ2-M9XD (no check on who the person is)."""
    chars = "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(8))
    return f"P-{chars[:4]}-{chars[4:]}"


class Person(models.Model):
    """A pseudonymous subject. Who the person is lives only in the encrypted Identity."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pseudonym = models.CharField(max_length=11, unique=True, default=new_pseudonym)
    created_at = models.DateTimeField(auto_now_add=True)
    merged_into = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="merged_from"
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return self.pseudonym


class Identity(models.Model):
    """Identifying data of a person, encrypted at rest; read only through actions (audited)."""

    person = models.OneToOneField(Person, models.CASCADE, primary_key=True, related_name="identity")
    ciphertext = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    # Sealed with the person's data key; older rows with the key ring (`schakel keys rotate`).
    sealed_columns = {"ciphertext": "person_id"}

    class Meta:
        verbose_name = _("identity record")
        verbose_name_plural = _("identity records")

    def __str__(self) -> str:
        return f"identity of {self.person_id}"


class IdentityKey(models.Model):
    """A keyed hash of one search key of a person's identity, for the duplicate check."""

    person = models.ForeignKey(Person, models.CASCADE, related_name="search_keys")
    token = models.CharField(max_length=32, db_index=True)

    class Meta:
        verbose_name = _("identity search key")
        verbose_name_plural = _("identity search keys")
        constraints = [
            models.UniqueConstraint(fields=["person", "token"], name="identity_key_unique")
        ]

    def __str__(self) -> str:
        return self.token


class Trajectory(models.Model):
    """Everything one organisation does for one person, from first signal to closure."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, models.PROTECT, related_name="trajectories")
    organisation = models.ForeignKey(
        "organisations.Organisation", models.PROTECT, related_name="trajectories"
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField()
    # A cached projection of the events for list pages; `do_rebuild_projection` recomputes it.
    stage = models.CharField(max_length=20, choices=choices(Stage), default=Stage.SIGNALLED)
    case_status = models.CharField(
        max_length=20, choices=choices(CaseStatus), default=CaseStatus.ACTIVE
    )
    # Raised with every event: a form or API call that read an older version is refused.
    version = models.PositiveIntegerField(default=0)

    objects = TrajectoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("trajectory")
        verbose_name_plural = _("trajectories")
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["organisation", "case_status"])]

    def __str__(self) -> str:
        return f"{self.person} @ {self.organisation_id}"


class TrajectoryEvent(models.Model):
    """One thing that happened. Never changed: a correction is a new event that supersedes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    trajectory = models.ForeignKey(Trajectory, models.PROTECT, related_name="events")
    event_type = models.CharField(max_length=40, choices=choices(EventType))
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey("organisations.Organisation", models.PROTECT, related_name="+")
    payload = models.JSONField(default=dict)
    # The payload's free text, sealed with the person's data key (trajectories.sealing).
    sealed = SealedTextField(null=True, blank=True, subject="trajectory.person_id")
    supersedes = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("trajectory event")
        verbose_name_plural = _("trajectory events")
        ordering = ["occurred_at", "recorded_at"]
        indexes = [models.Index(fields=["trajectory", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.event_type} {self.occurred_at:%Y-%m-%d}"

    @classmethod
    def recording(
        cls, *, event_type: str, payload: dict[str, Any], **fields: Any
    ) -> TrajectoryEvent:
        """A new event whose free text will be sealed (pass `trajectory`, not its id)."""
        plain, text = split_payload(event_type, payload)
        return cls(event_type=event_type, payload=plain, sealed=text, **fields)

    @property
    def full_payload(self) -> dict[str, Any]:
        """The payload with its free text (or the erased marker) back in place."""
        return join_payload(self.payload, self.sealed)

    @property
    def content_digest(self) -> str:
        """What the audit entry that recorded this event holds, so verification sees a changed
        or deleted event (the audit chain covers the event log)."""
        return event_digest(*(getattr(self, name) for name in DIGESTED_FIELDS))

    def as_engine_event(self) -> Event:
        payload: dict[str, Any] = self.full_payload
        return Event(
            id=str(self.id),
            event_type=self.event_type,
            occurred_at=self.occurred_at,
            recorded_at=self.recorded_at,
            payload=payload,
            supersedes=str(self.supersedes_id) if self.supersedes_id else None,
        )


DIGESTED_FIELDS = (
    "id",
    "trajectory_id",
    "event_type",
    "occurred_at",
    "recorded_at",
    "recorded_by_id",
    "organisation_id",
    "payload",
    "supersedes_id",
)
"""The columns an event's audit digest covers, in `event_digest`'s order (the sealed free
text is not among them: verifying the trail opens no note)."""


def event_digest(
    id: uuid.UUID,
    trajectory_id: uuid.UUID,
    event_type: str,
    occurred_at: dt.datetime,
    recorded_at: dt.datetime,
    recorded_by_id: int | None,
    organisation_id: int | None,
    payload: dict[str, Any],
    supersedes_id: uuid.UUID | None,
) -> str:
    """`TrajectoryEvent.content_digest` from the columns alone (`values_list` of
    DIGESTED_FIELDS), so the audit check of a million events builds no model instances."""
    from schakel.web.audit.service import content_digest

    return content_digest(
        {
            "id": str(id),
            "trajectory": str(trajectory_id),
            "event_type": event_type,
            "occurred_at": occurred_at.astimezone(dt.UTC).isoformat(),
            "recorded_at": recorded_at.astimezone(dt.UTC).isoformat(),
            "recorded_by": recorded_by_id,
            "organisation": organisation_id,
            "payload": payload,
            "supersedes": str(supersedes_id) if supersedes_id else None,
        }
    )


class AccessGrant(models.Model):
    """Access to a trajectory for another organisation, opened by a referral or consent."""

    class Reason(models.TextChoices):
        REFERRAL = "referral", _("referral")
        CONSENT = "consent", _("consent")

    trajectory = models.ForeignKey(Trajectory, models.CASCADE, related_name="grants")
    organisation = models.ForeignKey(
        "organisations.Organisation", models.PROTECT, related_name="grants"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    reference = models.CharField(max_length=64, blank=True)
    granted_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = AccessGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("access grant")
        verbose_name_plural = _("access grants")

    def __str__(self) -> str:
        return f"{self.organisation_id} → {self.trajectory_id} ({self.reason})"


class TrajectoryTask(models.Model):
    """An open task of a trajectory, as its projection says; rewritten with every event."""

    trajectory = models.ForeignKey(Trajectory, models.CASCADE, related_name="tasks")
    kind = models.CharField(max_length=40)
    due_on = models.DateField(db_index=True)
    reference = models.CharField(max_length=64, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_on", "kind"]
        # A trajectory's next deadline and "has an overdue task" (the case list's sort and
        # filter) read one index entry per trajectory.
        indexes = [models.Index(fields=["trajectory", "due_on"], name="task_trajectory_due")]

    def __str__(self) -> str:
        return f"{self.kind} {self.due_on}"


class Consent(models.Model):
    """A person's consent for one purpose, with its date and source; withdrawal is recorded."""

    class Purpose(models.TextChoices):
        SERVICES = "services", _("services")
        DISCLOSURE = "disclosure", _("disclosure to a named organisation")
        NATIONAL_REGISTRATION = "national_registration", _("registration with the national centre")
        STATISTICS = "statistics", _("statistics")

    class Source(models.TextChoices):
        WRITTEN = "written", _("written")
        VERBAL = "verbal", _("verbal, recorded by the professional")
        REPRESENTATIVE = "representative", _("legal representative")

    trajectory = models.ForeignKey(Trajectory, models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    given_on = models.DateField(_("given on"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on"]

    def __str__(self) -> str:
        return f"{self.purpose} {self.given_on}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.purpose == self.Purpose.DISCLOSURE and self.organisation_id is None:
            raise ValidationError({"organisation": _("Name the organisation it may go to.")})
        if self.withdrawn_on and self.withdrawn_on < self.given_on:
            raise ValidationError({"withdrawn_on": _("Withdrawal lies before the consent.")})


class Referral(models.Model):
    """A referral or transfer between organisations as one record with a status (Primero)."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("in progress")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")
        DONE = "done", _("done")
        REVOKED = "revoked", _("revoked")

    trajectory = models.ForeignKey(Trajectory, models.CASCADE, related_name="referrals")
    reference = models.CharField(max_length=64)
    from_organisation = models.ForeignKey(
        "organisations.Organisation", models.PROTECT, related_name="referrals_sent"
    )
    to_organisation = models.ForeignKey(
        "organisations.Organisation", models.PROTECT, related_name="referrals_received"
    )
    purpose = models.CharField(max_length=20)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    sent_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    reason = SealedTextField(max_length=500, blank=True, subject="trajectory.person_id")
    consent_overridden = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["trajectory", "reference"], name="referral_unique_ref")
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.status})"


class RevealPurpose(models.TextChoices):
    """Why someone asks to see who a person is; the reference says which case or call."""

    CONTACT = "contact", _("contact with the person")
    SAFETY = "safety", _("acute safety of the person")
    REFERRAL = "referral", _("referral or handover to another organisation")
    REPORT = "report", _("report to the national centre or the police")
    REGISTRATION = "registration", _("checking a registration or a duplicate")
    LEGAL = "legal", _("legal obligation or request")


class RevealRelease(models.Model):
    """A supervisor's release of more identity reveals for a colleague, for one hour."""

    organisation = models.ForeignKey("organisations.Organisation", models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField()
    until = models.DateTimeField()

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user_id} until {self.until:%H:%M}"


class Handover(models.Model):
    """A move of someone's trajectories, tasks and follow-ups to a colleague, with a note."""

    organisation = models.ForeignKey("organisations.Organisation", models.PROTECT, related_name="+")
    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField()
    note = SealedTextField(_("handover note"), max_length=4000)
    trajectories = models.PositiveIntegerField(default=0)
    articles = models.PositiveIntegerField(default=0)
    services = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.from_user_id} → {self.to_user_id} ({self.trajectories})"


class TimeEntry(models.Model):
    """Time a coordinator spent on a trajectory, by kind of task, so hidden work shows."""

    class TaskType(models.TextChoices):
        COORDINATION = "coordination", _("coordination and consultation")
        RESIDENCE = "residence", _("residence procedure")
        BENEFITS = "benefits", _("benefits and income")
        INSURANCE = "insurance", _("health insurance")
        REGISTRATION = "registration", _("municipal registration")
        SHELTER = "shelter", _("arranging shelter")
        CARE = "care", _("arranging care")
        LEGAL = "legal", _("legal procedures and police report")
        AFTERCARE = "aftercare", _("aftercare and follow-up")
        TRAVEL = "travel", _("travel and accompanying")
        OTHER = "other", _("other")

    trajectory = models.ForeignKey(Trajectory, models.CASCADE, related_name="time_entries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    task_type = models.CharField(_("kind of task"), max_length=20, choices=TaskType.choices)
    on = models.DateField(_("date"))
    minutes = models.PositiveIntegerField(_("minutes"))
    note = SealedTextField(_("note"), max_length=200, blank=True, subject="trajectory.person_id")

    class Meta:
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        ordering = ["-on"]

    def __str__(self) -> str:
        return f"{self.task_type} {self.minutes} min"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError
        from django.utils import timezone

        if self.minutes is not None and not 1 <= self.minutes <= 24 * 60:
            raise ValidationError({"minutes": _("Enter between 1 and 1440 minutes.")})
        if self.on and self.on > timezone.localdate():
            raise ValidationError({"on": _("Time cannot be registered for a future date.")})

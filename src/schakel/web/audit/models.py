"""The audit trail: append-only and hash-chained, so a removed or altered entry is detected."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Audit entries are append-only; they cannot be updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit entries are append-only; they cannot be deleted.")


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        READ = "read", _("read")
        CREATE = "create", _("create")
        APPEND = "append", _("append")
        UPDATE = "update", _("update")
        MERGE = "merge", _("merge")
        EXPORT = "export", _("export")
        DENIED = "denied", _("access denied")
        OVERRIDE = "override", _("consent overridden")
        SIGN_IN = "sign_in", _("signed in")
        SIGN_OUT = "sign_out", _("signed out")
        SIGN_FAIL = "sign_fail", _("sign-in refused")

    sequence = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150)
    role = models.CharField(max_length=20, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation", models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=40)
    # No index of its own: `audit_object_at` serves equality on object_id as its prefix, and
    # with a single-column index beside it PostgreSQL picked that one, read every line of the
    # person from the heap and only then dropped those outside the period (EXPLAIN ANALYZE in
    # benchmarks/audit_search.py: 250 heap blocks for 11 lines, against 11 without it).
    object_id = models.CharField(max_length=64)
    purpose = models.CharField(max_length=200)
    detail = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["sequence"]
        # The trail page reads one organisation's lines newest first, by keyset on sequence.
        # "Who saw this person in this period": the person's objects, then a range of time.
        indexes = [
            models.Index(fields=["organisation", "sequence"], name="audit_org_sequence"),
            models.Index(fields=["object_id", "at"], name="audit_object_at"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.actor_name} {self.action} {self.object_type}"


class AuditHead(models.Model):
    """The one row that holds the end of the chain; locking it serialises appends."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)
    keyed_from = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The first entry whose hash is keyed (HMAC)."
    )
    pruned_through = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        help_text="Entries up to here were archived and removed by `schakel audit prune` "
        "(ADR 0025); only moves forward, and a signed pruning line must name it.",
    )

    def __str__(self) -> str:
        return f"head #{self.sequence}"

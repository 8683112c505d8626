"""Identity reveals with limits against harvesting by an insider (issue 18).

A reveal states a purpose from a fixed list and a reference (which case or call); more than
REVEALS_PER_HOUR reveals by one person in an hour are refused until a supervisor of the same
organisation releases more, and such bursts show on the supervisor's release page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext

from schakel.engine.identity import IdentityData
from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import do_record_access, do_record_denied
from schakel.web.organisations.models import Membership, User
from schakel.web.organisations.roles import Capability, require
from schakel.web.trajectories.actions.records import do_read_identity
from schakel.web.trajectories.models import Person, RevealPurpose, RevealRelease

HOUR = dt.timedelta(hours=1)
LIMIT_PURPOSE = "reveal limit reached"


class RevealLimitReached(PermissionDenied):
    """More reveals this hour than the setting allows, and no supervisor's release."""


def reveals_last_hour(user_id: int) -> int:
    since = timezone.now() - HOUR
    return AuditEntry.objects.filter(
        actor_id=user_id, action=AuditEntry.Action.READ, object_type="identity", at__gte=since
    ).count()


def _released(actor: Membership) -> bool:
    return RevealRelease.objects.filter(
        user_id=actor.user_id, organisation_id=actor.organisation_id, until__gt=timezone.now()
    ).exists()


def do_reveal_identity(
    *, actor: Membership, person: Person, purpose: str, reference: str
) -> IdentityData:
    """Who the person is, for a purpose from the list and a reference; audited, and limited
    to REVEALS_PER_HOUR an hour unless a supervisor released more."""
    if purpose not in RevealPurpose.values:
        raise ValidationError({"purpose": gettext("Choose why you need to see who this is.")})
    reference = reference.strip()
    if not reference:
        raise ValidationError({"reference": gettext("Give the case or call this is for.")})
    stated = f"{purpose}: {reference}"[:200]
    if reveals_last_hour(actor.user_id) >= settings.REVEALS_PER_HOUR and not _released(actor):
        do_record_denied(
            actor=actor, object_type="identity", object_id=person.pk, purpose=LIMIT_PURPOSE
        )
        raise RevealLimitReached(
            gettext(
                "You have seen %(n)s identities in the last hour. A supervisor must release "
                "more before you see another."
            )
            % {"n": settings.REVEALS_PER_HOUR}
        )
    return do_read_identity(actor=actor, person=person, purpose=stated)


def do_release_reveals(*, actor: Membership, user: User) -> RevealRelease:
    """A supervisor lets a colleague of the same organisation reveal more for one hour."""
    require(actor, Capability.RELEASE_REVEALS)
    if (
        not Membership.objects.active()
        .filter(user=user, organisation_id=actor.organisation_id)
        .exists()
    ):
        raise PermissionDenied(gettext("Only colleagues of your organisation."))
    now = timezone.now()
    with transaction.atomic():
        release = RevealRelease.objects.create(
            organisation_id=actor.organisation_id,
            user=user,
            released_by_id=actor.user_id,
            at=now,
            until=now + HOUR,
        )
        do_record_access(
            actor=actor,
            action=AuditEntry.Action.CREATE,
            object_type="reveal_release",
            object_id=release.pk,
            purpose="release identity reveals",
            detail={"user": user.pk},
        )
    return release


@dataclass(frozen=True)
class Burst:
    user: User
    reveals: int
    refused: int


def reveal_bursts(actor: Membership) -> list[Burst]:
    """Colleagues who reached the hourly limit or were refused for it in the last hour."""
    since = timezone.now() - HOUR
    rows = (
        AuditEntry.objects.filter(
            organisation_id=actor.organisation_id, object_type="identity", at__gte=since
        )
        .values("actor_id", "action", "purpose")
        .annotate(n=Count("id"))
    )
    reads: dict[int, int] = {}
    refused: dict[int, int] = {}
    for row in rows:
        if row["action"] == AuditEntry.Action.READ:
            reads[row["actor_id"]] = reads.get(row["actor_id"], 0) + row["n"]
        elif row["action"] == AuditEntry.Action.DENIED and row["purpose"] == LIMIT_PURPOSE:
            refused[row["actor_id"]] = refused.get(row["actor_id"], 0) + row["n"]
    limit = settings.REVEALS_PER_HOUR
    ids = {u for u, n in reads.items() if n >= limit} | set(refused)
    users = User.objects.in_bulk([i for i in ids if i is not None])
    return [Burst(users[i], reads.get(i, 0), refused.get(i, 0)) for i in sorted(users)]

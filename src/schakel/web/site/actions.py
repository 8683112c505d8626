"""Writes of the site app: an administrator's reset of a colleague's second factor."""

from __future__ import annotations

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import do_record_access
from schakel.web.organisations.models import Membership, User
from schakel.web.organisations.roles import Capability, require


def do_reset_second_factor(*, actor: Membership, user: User, reason: str) -> int:
    """Remove a colleague's authenticator and recovery codes (a lost phone): they set up a new
    one at their next sign-in. Only for a member of the actor's organisation; audited."""
    require(actor, Capability.RESET_SECOND_FACTOR)
    if not Membership.objects.filter(user=user, organisation_id=actor.organisation_id).exists():
        raise PermissionError("not a member of the actor's organisation")
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0]
        removed += StaticDevice.objects.filter(user=user).delete()[0]
        do_record_access(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            object_type="account",
            object_id=user.pk,
            purpose="second factor reset",
            detail={"reason": reason[:200]},
        )
    return removed

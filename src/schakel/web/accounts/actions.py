"""Writes about people and organisations, each in one transaction with its audit entry.

Deactivating a person ends their access at once (Django refuses an inactive user's session on
the next request, and their memberships end today) and keeps their history: nothing is deleted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schakel.engine.vocabulary import OrganisationType, Region
from schakel.web.accounts.access import manageable_organisations
from schakel.web.accounts.tasks import send_invitation
from schakel.web.audit.service import do_record_access
from schakel.web.jobs.service import do_enqueue_job
from schakel.web.organisations.models import Membership, Organisation, User
from schakel.web.organisations.roles import (
    SYSTEM,
    Actor,
    Capability,
    SystemActor,
    require,
    roles_with,
)

CREATE, UPDATE = "create", "update"
PURPOSE = "manage people and organisations"


def _audit(actor: Actor, action: str, kind: str, pk: object, **detail: Any) -> None:
    do_record_access(
        actor=actor, action=action, object_type=kind, object_id=pk, purpose=PURPOSE, detail=detail
    )


def _check_scope(actor: Actor, organisation: Organisation) -> None:
    if isinstance(actor, SystemActor):
        return
    require(actor, Capability.MANAGE_ORGANISATIONS)
    if not manageable_organisations(actor).filter(pk=organisation.pk).exists():
        raise ValidationError(_("You do not manage this organisation."))


def do_create_installation(
    *, organisation_name: str, region: Region, type: OrganisationType, username: str, email: str
) -> User:
    """The first organisation and installation administrator of an empty installation (run by
    `schakel admin create`). The administrator signs in with a one-time link (`links`)."""
    with transaction.atomic():
        if User.objects.exists():
            raise ValidationError(
                _("This installation already has users; invite people in the app instead.")
            )
        organisation = Organisation.objects.create(name=organisation_name, region=region, type=type)
        user = User(username=username, email=email, is_superuser=True)
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        (role,) = roles_with(Capability.MANAGE_ORGANISATIONS)
        membership = Membership.objects.create(user=user, organisation=organisation, role=role)
        _audit(SYSTEM, CREATE, "organisation", organisation.pk, name=organisation_name)
        _audit(SYSTEM, CREATE, "membership", membership.pk, role=role.value)
    return user


def do_save_organisation(
    *,
    actor: Membership,
    organisation: Organisation | None,
    name: str,
    type: str,
    region: str,
    is_active: bool = True,
) -> Organisation:
    """Create an organisation (`organisation` None) or change one the actor manages."""
    require(actor, Capability.MANAGE_ORGANISATIONS)
    with transaction.atomic():
        if organisation is None:
            organisation = Organisation(name=name, type=type, region=region)
            action = CREATE
        else:
            _check_scope(actor, organisation)
            organisation.name, organisation.type = name, type
            organisation.region, organisation.is_active = region, is_active
            action = UPDATE
        organisation.full_clean()
        if action == CREATE and not actor.user.is_superuser and region != actor.organisation.region:
            raise ValidationError({"region": _("You can only add organisations in your region.")})
        organisation.save()
        _audit(actor, action, "organisation", organisation.pk, region=region, active=is_active)
    return organisation


def do_invite_user(
    *,
    actor: Membership,
    organisation: Organisation,
    role: str,
    email: str,
    first_name: str,
    last_name: str,
    started_on: dt.date | None = None,
) -> User:
    """A new account with a membership; the invitation e-mail (a one-time link) goes out as a
    job, after the commit."""
    email = email.strip().lower()
    with transaction.atomic():
        _check_scope(actor, organisation)
        if (
            User.objects.filter(username=email).exists()
            or User.objects.filter(email__iexact=email).exists()
        ):
            raise ValidationError(
                {"email": _("Someone with this e-mail address already has an account.")}
            )
        user = User(username=email, email=email, first_name=first_name, last_name=last_name)
        user.set_unusable_password()
        user.save()
        membership = Membership.objects.create(
            user=user,
            organisation=organisation,
            role=role,
            started_on=started_on or timezone.localdate(),
        )
        _audit(actor, CREATE, "user", user.pk, invited=True)
        _audit(actor, CREATE, "membership", membership.pk, role=role)
        do_enqueue_job(actor=actor, task=send_invitation, arguments={"user_id": user.pk})
    return user


def do_resend_invitation(*, actor: Membership, user: User) -> None:
    require(actor, Capability.MANAGE_ORGANISATIONS)
    with transaction.atomic():
        if user.has_usable_password():
            raise ValidationError(_("This person has already set a password."))
        if not user.email.strip():
            raise ValidationError(
                _(
                    "This person has no e-mail address, so the invitation cannot be sent. "
                    "Nothing was sent."
                )
            )
        _audit(actor, UPDATE, "user", user.pk, invitation="sent again")
        do_enqueue_job(actor=actor, task=send_invitation, arguments={"user_id": user.pk})


def do_accept_invitation(*, user: User, password: str) -> User:
    """The invited person sets a password through their one-time link (which then expires)."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        membership = Membership.objects.active().filter(user=user).first()
        if membership is None:
            raise ValidationError(_("Your account has no current membership."))
        user.set_password(password)
        user.save(update_fields=["password"])
        _audit(membership, UPDATE, "user", user.pk, change="password set through invitation")
    return user


def do_add_membership(
    *,
    actor: Membership,
    user: User,
    organisation: Organisation,
    role: str,
    started_on: dt.date | None = None,
) -> Membership:
    with transaction.atomic():
        _check_scope(actor, organisation)
        if Membership.objects.active().filter(user=user, organisation=organisation, role=role):
            raise ValidationError({"role": _("This person already has this role here.")})
        membership = Membership(
            user=user,
            organisation=organisation,
            role=role,
            started_on=started_on or timezone.localdate(),
        )
        membership.full_clean()
        membership.save()
        _audit(actor, CREATE, "membership", membership.pk, role=role)
    return membership


def do_end_membership(*, actor: Membership, membership: Membership, reason: str) -> Membership:
    """End one role today; the person keeps their other roles and their history. The reason
    goes into the audit entry, as with deactivating an account."""
    require(actor, Capability.REVIEW_ACCESS)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why this role ends.")})
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.ended_on is not None:
            raise ValidationError(_("This membership has already ended."))
        membership.ended_on = timezone.localdate()
        membership.save(update_fields=["ended_on"])
        _audit(
            actor,
            UPDATE,
            "membership",
            membership.pk,
            ended_on=str(membership.ended_on),
            reason=reason.strip()[:200],
        )
    return membership


def do_confirm_membership(*, actor: Membership, membership: Membership) -> Membership:
    """The access review: this person still needs this role."""
    require(actor, Capability.REVIEW_ACCESS)
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.ended_on is not None:
            raise ValidationError(_("This membership has already ended."))
        membership.reviewed_on = timezone.localdate()
        membership.save(update_fields=["reviewed_on"])
        _audit(actor, UPDATE, "membership", membership.pk, confirmed=str(membership.reviewed_on))
    return membership


def do_deactivate_user(*, actor: Membership, user: User, reason: str) -> User:
    """Access ends at once: the account is inactive and every current membership ends today.
    A regional administrator may do this only for people who work solely in their region."""
    require(actor, Capability.MANAGE_ORGANISATIONS)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why this account is deactivated.")})
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.is_active:
            raise ValidationError(_("This account is already deactivated."))
        if user.pk == actor.user_id:
            raise ValidationError(_("You cannot deactivate your own account."))
        current = list(Membership.objects.select_for_update().filter(user=user, ended_on=None))
        managed = set(manageable_organisations(actor).values_list("pk", flat=True))
        if any(m.organisation_id not in managed for m in current):
            raise ValidationError(
                _(
                    "This person also works for organisations you do not manage; "
                    "end their membership here instead."
                )
            )
        today = timezone.localdate()
        for membership in current:
            membership.ended_on = today
            membership.save(update_fields=["ended_on"])
        user.is_active = False
        user.save(update_fields=["is_active"])
        _audit(actor, UPDATE, "user", user.pk, deactivated=str(today), reason=reason[:200])
    return user

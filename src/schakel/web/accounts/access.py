"""Fetching the organisation, person or membership an administrator asked for.

One 404 for "missing" and "not yours": an administrator reaches the organisations they manage
(`Organisation.objects.manageable_by`) and the people with a membership in one of them.
A write locks the row before it checks.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from schakel.web.organisations.models import Membership, Organisation, User
from schakel.web.organisations.roles import Capability, has, require


def manageable_organisations(actor: Membership) -> QuerySet[Organisation]:
    return Organisation.objects.manageable_by(actor)


def manageable_users(actor: Membership) -> QuerySet[User]:
    return User.objects.filter(
        memberships__organisation__in=manageable_organisations(actor)
    ).distinct()


def access_organisation(actor: Membership, pk: int, *, write: bool = False) -> Organisation:
    require(actor, Capability.MANAGE_ORGANISATIONS)
    rows = Organisation.objects.select_for_update() if write else Organisation.objects.all()
    found = rows.filter(pk=pk).first()
    if found is None or not manageable_organisations(actor).filter(pk=pk).exists():
        raise Http404
    return found


def access_user(actor: Membership, pk: int, *, write: bool = False) -> User:
    require(actor, Capability.MANAGE_ORGANISATIONS)
    rows = User.objects.select_for_update() if write else User.objects.all()
    found = rows.filter(pk=pk).first()
    if found is None or not manageable_users(actor).filter(pk=pk).exists():
        raise Http404
    return found


def access_reviewable_membership(actor: Membership, pk: int, *, write: bool = False) -> Membership:
    """A membership the actor may confirm or end: in the actor's own organisation (a
    supervisor's review), or in any organisation they manage (an administrator)."""
    require(actor, Capability.REVIEW_ACCESS)
    rows = Membership.objects.select_for_update() if write else Membership.objects.all()
    found = rows.filter(pk=pk).select_related("user", "organisation").first()
    if found is None or found.organisation_id not in reviewable_organisation_ids(actor):
        raise Http404
    return found


def reviewable_organisation_ids(actor: Membership) -> set[int]:
    if has(actor, Capability.MANAGE_ORGANISATIONS):
        return set(manageable_organisations(actor).values_list("pk", flat=True))
    return {actor.organisation_id}

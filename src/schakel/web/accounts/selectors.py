"""Reads of the administration pages: the access review and the list of people."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from schakel.web.accounts.access import manageable_users, reviewable_organisation_ids
from schakel.web.organisations.models import Membership, User
from schakel.web.organisations.roles import Capability, has


def access_review(organisation_ids: set[int]) -> QuerySet[Membership]:
    """Current memberships of these organisations, oldest confirmation first: who has which
    role since when, when they last signed in and when someone last confirmed it (2 queries
    at most, whatever the number of people)."""
    return (
        Membership.objects.active()
        .filter(organisation_id__in=organisation_ids)
        .select_related("user", "organisation")
        .order_by("organisation__name", "reviewed_on", "user__last_name", "user__first_name")
    )


def people(actor: Membership, search: str = "") -> QuerySet[User]:
    """People with a membership in an organisation the actor manages, with their current
    memberships (one extra query for the page)."""
    users = manageable_users(actor)
    if search:
        users = users.filter(
            Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
            | Q(email__icontains=search)
        )
    current = Membership.objects.active().select_related("organisation").order_by("role")
    return users.prefetch_related(
        Prefetch("memberships", queryset=current, to_attr="current_memberships")
    ).order_by("last_name", "first_name", "pk")


REVIEW_INTERVAL = dt.timedelta(days=183)
"""A role is due for the access review when nobody confirmed it in about half a year."""


@dataclass(frozen=True)
class AccessSummary:
    unconfirmed: int
    invited: int | None
    """Invitations not yet accepted (None for a supervisor, who does not manage accounts)."""


def access_summary(actor: Membership) -> AccessSummary:
    """The home page's access panel: roles due for review, open invitations (2 queries)."""
    due = timezone.localdate() - REVIEW_INTERVAL
    unconfirmed = (
        access_review(reviewable_organisation_ids(actor))
        .filter(Q(reviewed_on__isnull=True, started_on__lt=due) | Q(reviewed_on__lt=due))
        .count()
    )
    invited = None
    if has(actor, Capability.MANAGE_ORGANISATIONS):
        invited = (
            manageable_users(actor)
            .filter(is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX)
            .count()
        )
    return AccessSummary(unconfirmed, invited)

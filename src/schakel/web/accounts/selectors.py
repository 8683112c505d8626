"""Reads of the administration pages: the access review and the list of people."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from schakel.web.accounts.access import manageable_users
from schakel.web.organisations.models import Membership, User


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

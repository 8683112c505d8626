"""Reads of the notifications: the user's list, the unread count, their choices."""

from __future__ import annotations

from django.db.models import QuerySet

from schakel.web.notifications.models import DEFAULT_DELIVERY, Kind, Notification, Preference
from schakel.web.organisations.models import User


def notifications_of(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def preferences_of(user: User) -> dict[str, str]:
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind.value: chosen.get(kind.value, DEFAULT_DELIVERY[kind]) for kind in Kind}

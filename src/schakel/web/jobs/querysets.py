"""Reads of jobs: who may watch one, and which ones a worker has lost."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class JobQuerySet(models.QuerySet[Any]):
    def started_by_user(self, user: AbstractBaseUser | AnonymousUser) -> JobQuerySet:
        """Jobs the signed-in user started, in any of their memberships."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(started_by__user_id=user.pk)

    def running_without_heartbeat_since(self, moment: dt.datetime) -> JobQuerySet:
        return self.filter(state="running", heartbeat_at__lt=moment)

    def waiting_ahead_of(self, dispatched_at: dt.datetime | None, pk: int) -> int:
        """How many queued jobs a worker takes before the one dispatched at `dispatched_at`
        (oldest delivery first, as the task backend takes them): one count."""
        if dispatched_at is None:
            return 0
        earlier = models.Q(dispatched_at__lt=dispatched_at)
        tied = models.Q(dispatched_at=dispatched_at, pk__lt=pk)
        return self.filter(earlier | tied, state="queued").count()

    def queued_before(self, moment: dt.datetime) -> JobQuerySet:
        return self.filter(state="queued", dispatched_at__lt=moment)

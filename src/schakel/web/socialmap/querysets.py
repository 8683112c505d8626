"""Scoped reads of the social map (`selectors.contacts_for` answers the action perspective)."""

from __future__ import annotations

from typing import Any

from django.db import models

from schakel.web.organisations.roles import Actor, Capability, has


class ServiceQuerySet(models.QuerySet[Any]):
    def active(self) -> ServiceQuerySet:
        return self.filter(is_active=True)

    def visible_to(self, actor: Actor) -> ServiceQuerySet:
        """Active services for every reader; inactive ones too for the map's editors."""
        if not has(actor, Capability.READ_SOCIAL_MAP):
            return self.none()
        return self if has(actor, Capability.EDIT_SOCIAL_MAP) else self.active()

    def in_region(self, region: str) -> ServiceQuerySet:
        return self.filter(region=region)

    def of_kind(self, kind: str) -> ServiceQuerySet:
        return self.filter(kind=kind)

from __future__ import annotations

from django.http import HttpRequest

from schakel.engine.vocabulary import Role
from schakel.web.core.acting import acting_membership, memberships_of
from schakel.web.organisations.roles import sees_records


def membership(request: HttpRequest) -> dict[str, object]:
    if not request.user.is_authenticated:
        return {}
    acting = acting_membership(request)
    role = acting.role if acting else ""
    return {
        "acting": acting,
        "memberships": memberships_of(request),
        "nav_records": sees_records(role),
        "nav_audit": role in (Role.SUPERVISOR, Role.ADMINISTRATOR),
        "nav_inbox": role == Role.COORDINATOR,
        "nav_returns": role == Role.COORDINATOR,
        "nav_monitor": role in (Role.ANALYST, Role.SUPERVISOR),
        "nav_consult": role in (Role.FRONTLINE, Role.COORDINATOR),
        "nav_editor": role == Role.CONTENT_EDITOR,
        "nav_coverage": role in (Role.SUPERVISOR, Role.ADMINISTRATOR),
        "nav_team": role in (Role.COORDINATOR, Role.SUPERVISOR),
    }

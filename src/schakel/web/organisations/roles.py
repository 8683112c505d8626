"""What each role may do with personal data (need to know)."""

from __future__ import annotations

from schakel.engine.vocabulary import Role

RECORD_ROLES = frozenset({Role.FRONTLINE, Role.COORDINATOR, Role.SUPERVISOR})
"""Roles that see trajectories of their organisation (and of grants to it)."""

IDENTITY_ROLES = frozenset({Role.FRONTLINE, Role.COORDINATOR})
"""Roles that see who a person is. Supervisors and analysts never do."""

WRITE_ROLES = frozenset({Role.FRONTLINE, Role.COORDINATOR})
"""Roles that record events."""


def sees_records(role: str) -> bool:
    return role in RECORD_ROLES


def sees_identity(role: str) -> bool:
    return role in IDENTITY_ROLES


def writes_records(role: str) -> bool:
    return role in WRITE_ROLES

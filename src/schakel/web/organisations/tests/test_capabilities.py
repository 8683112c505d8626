"""The capability table is the only place that says which role may do what."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from schakel.engine.vocabulary import Role
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import (
    CAPABILITY_LABELS,
    CAPABILITY_ROLES,
    SYSTEM,
    Capability,
    capabilities_of,
    capability_matrix,
    has,
    require,
)

WEB = Path(__file__).resolve().parents[2]
DOC = WEB.parents[2] / "docs" / "architecture.md"
START, END = "<!-- capability-matrix:start -->", "<!-- capability-matrix:end -->"


def test_every_capability_has_roles_and_a_label() -> None:
    assert set(CAPABILITY_ROLES) == set(Capability)
    assert set(CAPABILITY_LABELS) == set(Capability)


def test_architecture_doc_shows_the_current_table() -> None:
    """Set SCHAKEL_UPDATE_DOCS=1 to rewrite the matrix in docs/architecture.md."""
    text = DOC.read_text(encoding="utf-8")
    block = f"{START}\n{capability_matrix()}{END}"
    if os.environ.get("SCHAKEL_UPDATE_DOCS"):
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), block, text, flags=re.S)
        DOC.write_text(text, encoding="utf-8")
    assert block in text, f"docs/architecture.md is stale; the matrix is now:\n{block}"


@pytest.mark.django_db
def test_has_follows_the_table_for_a_current_membership(member, org_a) -> None:
    for role in Role:
        membership = member(org_a, role)
        expected = {c for c in Capability if role in CAPABILITY_ROLES[c]} - {
            Capability.OVERRIDE_CONSENT
        }
        assert capabilities_of(membership) == expected, role


@pytest.mark.django_db
def test_an_ended_membership_has_no_capability(member, org_a) -> None:
    coordinator = member(org_a, Role.COORDINATOR)
    assert has(coordinator, Capability.VIEW_RECORDS)
    Membership.objects.filter(pk=coordinator.pk).update(ended_on="2026-01-01")
    coordinator.refresh_from_db()
    assert capabilities_of(coordinator) == frozenset()
    with pytest.raises(PermissionDenied):
        require(coordinator, Capability.VIEW_RECORDS)


@pytest.mark.django_db
def test_consent_override_needs_the_membership_flag(member, org_a) -> None:
    coordinator = member(org_a, Role.COORDINATOR)
    assert not has(coordinator, Capability.OVERRIDE_CONSENT)
    coordinator.may_override_consent = True
    assert has(coordinator, Capability.OVERRIDE_CONSENT)
    analyst = member(org_a, Role.ANALYST)
    analyst.may_override_consent = True
    assert not has(analyst, Capability.OVERRIDE_CONSENT)


def test_nobody_and_the_system() -> None:
    assert capabilities_of(None) == frozenset()
    assert capabilities_of(SYSTEM) == frozenset(Capability)


ROLE_CHECK = re.compile(
    r"\.role\s*(==|!=|\bin\b|\bnot in\b)|role__in\s*=\s*[\[(]\s*Role\.|role\s*=\s*Role\."
    r"|[{(\[]\s*Role\.\w+\s*,|require_role|[A-Z]+_ROLES\s*=\s*(frozenset|set|\(|\{|\[)"
)
ROLE_TABLE = {WEB / "organisations" / "roles.py"}
NOT_A_PERMISSION = "# a filter, not a permission"
"""Marks a line that selects people by role as data (a report's default), deciding nothing."""


def _python_sources() -> list[Path]:
    return [
        p
        for p in WEB.rglob("*.py")
        if "tests" not in p.parts
        and "testing" not in p.parts
        and "migrations" not in p.parts
        and p.name != "conftest.py"
        and p not in ROLE_TABLE
    ]


def test_no_hand_written_role_sets_remain() -> None:
    found = [
        f"{p.relative_to(WEB)}:{n}: {line.strip()}"
        for p in _python_sources()
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if ROLE_CHECK.search(line) and NOT_A_PERMISSION not in line
    ]
    assert not found, "decide by capability (organisations/roles.py):\n" + "\n".join(found)


def test_views_and_endpoints_never_act_as_the_system() -> None:
    pattern = re.compile(r"\bSYSTEM\b|SystemActor\(")
    request_modules = [
        p for p in _python_sources() if re.search(r"(views|api)\.py$|_views\.py$|_api\.py$", p.name)
    ]
    assert request_modules
    found = [str(p.relative_to(WEB)) for p in request_modules if pattern.search(p.read_text())]
    assert not found, f"request handlers must act as the signed-in membership: {found}"

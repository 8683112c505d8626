"""The audit trail as a tool: who saw this person, filters, keyset pages, export (audited)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from schakel.engine.vocabulary import Role
from schakel.web.audit.actions import Access, do_record_access, do_record_accesses
from schakel.web.audit.models import AuditEntry
from schakel.web.core.testing import IDENTITY, signed_in
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.trajectories.actions import (
    do_open_trajectory,
    do_read_identity,
    do_register_person,
)
from schakel.web.trajectories.models import Trajectory

pytestmark = pytest.mark.django_db


def _today() -> str:
    return timezone.localdate().isoformat()


def test_a_supervisor_finds_who_read_a_persons_identity_and_exports_it(
    member: Callable[..., Membership],
    org_a: Organisation,
    org_b: Organisation,
    coordinator_a: Membership,
    trajectory_a: Trajectory,
) -> None:
    person = trajectory_a.person
    other = do_register_person(actor=coordinator_a, identity=IDENTITY)
    do_open_trajectory(actor=coordinator_a, person=other, opened_at=timezone.now())
    do_read_identity(actor=coordinator_a, person=person, purpose="huisbezoek voorbereiden")
    do_read_identity(actor=coordinator_a, person=other, purpose="ander dossier")
    outsider = member(org_b, Role.COORDINATOR)
    do_record_access(
        actor=outsider, action="read", object_type="identity", object_id=person.pk, purpose="x"
    )
    supervisor = member(org_a, Role.SUPERVISOR)
    client = signed_in(supervisor)

    query = {"person": person.pseudonym, "action": "read", "start": _today(), "end": _today()}
    page = client.get(reverse("audit-log"), query)
    lines = page.context["page"].entries
    assert [(e.object_type, e.purpose) for e in lines] == [
        ("identity", "huisbezoek voorbereiden")
    ]  # not the other person, not another organisation's line
    html = page.content.decode()
    assert person.pseudonym in html and str(person.pk) not in html
    assert ">inzien<" in html  # the action in Dutch

    earlier = {**query, "start": "2020-01-01", "end": "2020-01-31"}
    assert client.get(reverse("audit-log"), earlier).context["page"].entries == []

    answer = client.post(reverse("audit-export"), {**query, "format": "csv"})
    assert answer.status_code == 200
    assert person.pseudonym in answer["Content-Disposition"]
    text = answer.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert (
        len(rows) == 2
        and rows[1][8] == person.pseudonym
        and rows[1][9] == "huisbezoek voorbereiden"
    )
    export = AuditEntry.objects.filter(action="export").get()
    assert export.actor_id == supervisor.user_id
    assert export.detail["lines"] == 1 and export.detail["selection"]["person"] == person.pseudonym

    workbook = client.post(reverse("audit-export"), {**query, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert sheet is not None and sheet.max_row == 2

    # the case file links to the trail for this person (and that visit is audited too)
    detail = client.get(reverse("trajectory-detail", args=[trajectory_a.pk])).content.decode()
    assert f"?person={person.pseudonym}" in detail
    page = client.get(reverse("audit-log"), query)
    assert ("trajectory", "view trajectory") in [
        (e.object_type, e.purpose) for e in page.context["page"].entries
    ]


def test_unknown_pseudonym_and_a_backwards_period_are_named_errors(
    member: Callable[..., Membership], org_a: Organisation
) -> None:
    client = signed_in(member(org_a, Role.SUPERVISOR))
    page = client.get(reverse("audit-log"), {"person": "P-XXXX-XXXX"})
    assert "person" in page.context["form"].errors
    assert page.context["page"].entries == []
    page = client.get(reverse("audit-log"), {"start": "2026-02-01", "end": "2026-01-01"})
    assert "end" in page.context["form"].errors


def test_keyset_pages_walk_all_lines_with_a_fixed_number_of_queries(
    coordinator_a: Membership,
    member: Callable[..., Membership],
    org_a: Organisation,
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    accesses = [Access("read", "training", str(i), "test") for i in range(120)]
    do_record_accesses(actor=coordinator_a, accesses=accesses)
    client = signed_in(member(org_a, Role.SUPERVISOR))
    seen: list[int] = []
    url, params = reverse("audit-log"), {"action": "read"}
    while True:
        with django_assert_max_num_queries(13):  # with the page read audited
            page = client.get(url, params).context["page"]
        seen += [e.sequence for e in page.entries]
        if page.before is None:
            break
        params = {"action": "read", "before": str(page.before)}
    assert len(seen) == 120 and seen == sorted(seen, reverse=True)


def test_an_administrator_sees_the_lines_of_their_own_organisation(
    member: Callable[..., Membership], org_a: Organisation
) -> None:
    admin = member(org_a, Role.ADMINISTRATOR)
    client = signed_in(admin)
    client.post(
        reverse("account-invite", args=[org_a.pk]),
        {
            "first_name": "A",
            "last_name": "B",
            "email": "a.b@example.org",
            "role": "frontline",
            "started_on": _today(),
        },
    )
    page = client.get(reverse("audit-log"))
    kinds = {e.object_type for e in page.context["page"].entries}
    assert {"user", "membership"} <= kinds
    assert "Geen regels" not in page.content.decode()


def test_roles_without_the_audit_capability_get_no_link_and_no_page(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    client = signed_in(coordinator_a)
    detail = client.get(reverse("trajectory-detail", args=[trajectory_a.pk])).content.decode()
    assert "?person=" not in detail
    assert client.get(reverse("audit-log")).status_code == 403
    assert client.post(reverse("audit-export"), {"format": "csv"}).status_code == 403

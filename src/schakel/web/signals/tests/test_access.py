"""`access_consultation`: the asker and the addressee see it, nobody else; one 404; lock first."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.db.transaction import TransactionManagementError
from django.urls import reverse
from django.utils import translation

from schakel.engine.indicators import load_catalogue
from schakel.engine.indicators.perspective import RoleKind
from schakel.engine.vocabulary import ExploitationForm, Region, Role
from schakel.web.audit.models import AuditEntry
from schakel.web.core.errors import NotFound
from schakel.web.core.testing import signed_in
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.signals.access import access_consultation
from schakel.web.signals.actions import do_answer_consultation, do_ask_consultation
from schakel.web.signals.check import CheckState
from schakel.web.signals.models import Consultation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """Messages are matched in English, the source language, whatever the catalogue says."""
    with translation.override("en"):
        yield


def _main(content: bytes) -> str:
    """The page's own content (the frame around it has the address and a fresh CSRF token)."""
    text = content.decode()
    return text[text.index("<main") : text.index("</main>")]


@pytest.fixture
def consultation(frontline: Membership, org_a: Organisation) -> Consultation:
    state = CheckState(
        minor=True, form=ExploitationForm.LABOUR, role=RoleKind.YOUTH_CARE, region=Region.ROTTERDAM
    )
    catalogue = load_catalogue()
    return do_ask_consultation(
        actor=frontline,
        state=state,
        evaluation=state.evaluate(catalogue),
        catalogue=catalogue,
        question="Wat nu?",
    )


def test_missing_and_not_yours_give_the_same_404(
    consultation: Consultation, coordinator_b: Membership
) -> None:
    client = signed_in(coordinator_b)
    url = reverse("signal-consultation", args=[consultation.pk])
    missing = client.get(url.replace(consultation.pk.hex[:8], "00000000"))
    not_yours = client.get(url)
    assert missing.status_code == not_yours.status_code == 404
    assert _main(missing.content) == _main(not_yours.content)
    with (
        translation.override("en"),
        pytest.raises(NotFound, match="This consultation was not found"),
    ):
        access_consultation(coordinator_b, consultation.pk)


def test_the_asker_and_the_addressee_see_it(
    consultation: Consultation, frontline: Membership, coordinator_a: Membership
) -> None:
    assert access_consultation(frontline, consultation.pk) == consultation
    assert access_consultation(coordinator_a, str(consultation.pk)) == consultation


def test_only_the_addressee_may_answer(
    consultation: Consultation,
    frontline: Membership,
    org_a: Organisation,
    member: Callable[..., Membership],
) -> None:
    with transaction.atomic(), pytest.raises(PermissionDenied):
        access_consultation(frontline, consultation.pk, write=True)
    page = signed_in(frontline).post(
        reverse("signal-consultation", args=[consultation.pk]), {"answer": "x"}
    )
    assert page.status_code == 403
    other_coordinator = member(org_a, Role.SUPERVISOR)
    with pytest.raises(PermissionDenied):
        do_answer_consultation(actor=other_coordinator, consultation=consultation, answer="x")


@pytest.mark.parametrize("bad", ["abc", "", None, 2**70, "1" * 40, "00000000-0000"])
def test_ids_that_do_not_parse_are_not_found(coordinator_a: Membership, bad: Any) -> None:
    with pytest.raises(NotFound):
        access_consultation(coordinator_a, bad)


def test_a_read_with_a_purpose_is_audited(
    consultation: Consultation, coordinator_a: Membership
) -> None:
    access_consultation(coordinator_a, consultation.pk, purpose="prepare an answer")
    entry = AuditEntry.objects.get(action="read")
    assert (entry.object_type, entry.object_id) == ("consultation", str(consultation.pk))


@pytest.mark.django_db(transaction=True)
def test_a_write_must_run_in_a_transaction(
    consultation: Consultation, coordinator_a: Membership
) -> None:
    with pytest.raises(TransactionManagementError):
        access_consultation(coordinator_a, consultation.pk, write=True)


def test_an_answer_checks_again_under_the_lock(
    consultation: Consultation, coordinator_a: Membership, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two coordinators opened the question; the second answer finds it answered."""
    locked: list[type] = []
    original = QuerySet.select_for_update

    def spy(self: QuerySet[Any], *args: Any, **kwargs: Any) -> QuerySet[Any]:
        locked.append(self.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", spy)
    stale = Consultation.objects.get(pk=consultation.pk)
    do_answer_consultation(actor=coordinator_a, consultation=consultation, answer="Bel ons.")
    assert locked[0] is Consultation
    with pytest.raises(ValidationError, match="already answered"):
        do_answer_consultation(actor=coordinator_a, consultation=stale, answer="Iets anders.")
    assert Consultation.objects.get(pk=consultation.pk).answer == "Bel ons."
    assert AuditEntry.objects.filter(action="update").count() == 1

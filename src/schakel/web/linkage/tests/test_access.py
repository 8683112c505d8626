"""`access_return_candidate`: one 404 for missing and not yours, 403 by role, lock first."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.db.transaction import TransactionManagementError
from django.urls import reverse
from django.utils import translation

from schakel.engine.vocabulary import Role
from schakel.web.core.errors import Conflict, NotFound
from schakel.web.core.testing import signed_in
from schakel.web.linkage.access import access_return_candidate
from schakel.web.linkage.actions import do_review_candidate
from schakel.web.linkage.models import ReturnCandidate
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.trajectories.models import TrajectoryEvent

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


def test_a_missing_candidate_is_a_404(linked: int, steward: Membership) -> None:
    candidate = ReturnCandidate.objects.get()
    client = signed_in(steward)
    missing = client.post(reverse("review-return", args=[candidate.pk + 1000]), {"answer": "x"})
    assert missing.status_code == 404
    with (
        translation.override("en"),
        pytest.raises(NotFound, match="This possible return was not found"),
    ):
        access_return_candidate(steward, candidate.pk + 1000)
    assert access_return_candidate(steward, candidate.pk) == candidate


@pytest.mark.parametrize(
    "role",
    [
        Role.FRONTLINE,
        Role.COORDINATOR,
        Role.ANALYST,
        Role.SUPERVISOR,
        Role.CONTENT_EDITOR,
        Role.ADMINISTRATOR,
    ],
)
def test_a_role_without_the_capability_gets_403(
    linked: int, org_a: Organisation, member: Callable[..., Membership], role: Role
) -> None:
    candidate = ReturnCandidate.objects.get()
    someone = member(org_a, role)
    client = signed_in(someone)
    assert client.get(reverse("return-candidates")).status_code == 403
    page = client.post(reverse("review-return", args=[candidate.pk]), {"answer": "confirm"})
    assert page.status_code == 403
    confirmed = client.post(
        reverse("review-return", args=[candidate.pk]), {"answer": "confirm", "confirmed": "1"}
    )
    assert confirmed.status_code == 403
    with pytest.raises(PermissionDenied):
        access_return_candidate(someone, candidate.pk)
    assert ReturnCandidate.objects.get().status == "pending"


@pytest.mark.parametrize("bad", ["abc", "", None, 2**70, "9" * 40])
def test_ids_that_do_not_parse_are_not_found(steward: Membership, bad: Any) -> None:
    with pytest.raises(NotFound):
        access_return_candidate(steward, bad)


def test_a_huge_id_in_the_address_is_a_404(steward: Membership) -> None:
    assert signed_in(steward).post(f"/koppeling/terugkeer/{'9' * 30}/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_write_must_run_in_a_transaction(linked: int, steward: Membership) -> None:
    with pytest.raises(TransactionManagementError):
        access_return_candidate(steward, ReturnCandidate.objects.get().pk, write=True)


def test_a_review_checks_again_under_the_lock(
    linked: int, steward: Membership, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two stewards opened the list; the second one's confirmation finds it decided."""
    stale = ReturnCandidate.objects.get()
    locked: list[type] = []
    original = QuerySet.select_for_update

    def spy(self: QuerySet[Any], *args: Any, **kwargs: Any) -> QuerySet[Any]:
        locked.append(self.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", spy)
    do_review_candidate(actor=steward, candidate=stale, confirm=True)
    assert locked[0] is ReturnCandidate
    stale.status = ReturnCandidate.Status.PENDING  # a copy read before the first review
    with pytest.raises(Conflict, match="already reviewed"):
        do_review_candidate(actor=steward, candidate=stale, confirm=True)
    returns = TrajectoryEvent.objects.filter(event_type="return_to_exploitation")
    assert returns.count() == 1


def test_the_review_is_the_stewards_not_the_coordinators(
    linked: int,
    org_a: Organisation,
    coordinator_a: Membership,
    steward: Membership,
    member: Callable[..., Membership],
) -> None:
    """The review moved to the data steward (ADR 0027): the worklist and the menu item are on
    the steward's home, not on the coordinator's or a frontline professional's."""
    for someone in (member(org_a, Role.FRONTLINE), coordinator_a):
        client = signed_in(someone)
        assert 'id="panel-returns"' not in client.get(reverse("home")).content.decode()
    home = signed_in(steward).get(reverse("home")).content.decode()
    assert 'id="panel-returns"' in home
    assert reverse("return-candidates") in home

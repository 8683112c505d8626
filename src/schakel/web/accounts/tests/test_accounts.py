"""Running an installation: the first administrator, invitations, deactivation, access review."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from schakel.cli import main
from schakel.engine.vocabulary import Region, Role
from schakel.web.accounts.actions import do_end_membership
from schakel.web.audit.models import AuditEntry
from schakel.web.core.testing import OrganisationFactory, signed_in
from schakel.web.jobs.testing import run_queued_jobs
from schakel.web.organisations.models import Membership, Organisation, User

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Lange zin als wachtwoord 2026"
LINK = re.compile(r"https?://\S+/welkom/\S+/")


def _path(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def test_admin_create_makes_a_first_administrator_with_a_one_time_link(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["admin", "create", "--organisation", "Gemeente Test", "--region", "rotterdam"]
    assert main([*argv, "--username", "beheer", "--email", "beheer@example.org"]) == 0
    out = capsys.readouterr().out
    link = LINK.search(out)
    assert link, out
    admin = User.objects.get(username="beheer")
    assert admin.is_superuser and not admin.has_usable_password()
    membership = Membership.objects.get(user=admin)
    assert membership.role == Role.ADMINISTRATOR
    assert membership.organisation.region == Region.ROTTERDAM

    client = Client()
    path = _path(link.group(0))
    assert client.get(path).status_code == 200
    answer = client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert answer.status_code == 302
    assert client.get(path).status_code == 404  # the link works once
    assert client.login(request=HttpRequest(), username="beheer", password=NEW_PASSWORD)
    assert client.get(reverse("account-organisations")).status_code == 200
    assert AuditEntry.objects.filter(actor_name="system", object_type="membership").exists()

    # a second run on an installation that has users refuses, and says why
    assert main([*argv, "--username", "tweede"]) == 1
    refusal = gettext("This installation already has users; invite people in the app instead.")
    assert refusal in capsys.readouterr().err
    assert not User.objects.filter(username="tweede").exists()


def test_an_invited_coordinator_sets_a_password_and_sees_only_their_organisation(
    member: Callable[..., Membership], org_a: Organisation, org_b: Organisation
) -> None:
    admin = member(org_a, Role.ADMINISTRATOR)
    target = OrganisationFactory.create(name="Opvang Rotterdam", region=org_a.region)
    client = signed_in(admin)
    form = {
        "first_name": "Sanne",
        "last_name": "de Vries",
        "email": "Sanne@Example.org",
        "role": Role.COORDINATOR.value,
        "started_on": "2026-12-01",
    }
    answer = client.post(reverse("account-invite", args=[target.pk]), form)
    assert answer.status_code == 302
    user = User.objects.get(email="sanne@example.org")
    assert not user.has_usable_password()
    assert run_queued_jobs() == 1
    (message,) = mail.outbox
    assert message.to == ["sanne@example.org"]
    assert "Opvang Rotterdam" in message.body
    link = LINK.search(str(message.body))
    assert link
    invited = Client()
    invited.post(
        _path(link.group(0)), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert invited.login(request=HttpRequest(), username="sanne@example.org", password=NEW_PASSWORD)
    page = invited.get(reverse("home")).content.decode()
    assert "Opvang Rotterdam" in page and org_b.name not in page
    kinds = set(
        AuditEntry.objects.filter(purpose__startswith="manage").values_list("object_type", "action")
    )
    assert {("user", "create"), ("membership", "create"), ("user", "update")} <= kinds
    # the same address twice is refused with a Dutch sentence beside the field
    again = client.post(
        reverse("account-invite", args=[target.pk]), form, HTTP_ACCEPT_LANGUAGE="nl"
    )
    assert again.status_code == 200
    assert User.objects.filter(email="sanne@example.org").count() == 1


def test_a_regional_administrator_reaches_only_their_region(
    member: Callable[..., Membership], org_a: Organisation, org_b: Organisation
) -> None:
    assert org_a.region != org_b.region
    client = signed_in(member(org_a, Role.ADMINISTRATOR))
    assert client.get(reverse("account-organisation", args=[org_a.pk])).status_code == 200
    assert client.get(reverse("account-organisation", args=[org_b.pk])).status_code == 404
    outsider = member(org_b, Role.FRONTLINE)
    assert client.get(reverse("account-person", args=[outsider.user_id])).status_code == 404
    listed = client.get(reverse("account-organisations")).content.decode()
    assert org_a.name in listed and org_b.name not in listed


def test_deactivation_asks_first_then_ends_access_at_once_and_keeps_history(
    member: Callable[..., Membership], org_a: Organisation
) -> None:
    admin = member(org_a, Role.ADMINISTRATOR)
    leaver = member(org_a, Role.COORDINATOR)
    session = signed_in(leaver)
    assert session.get(reverse("home")).status_code == 200
    client = signed_in(admin)
    url = reverse("account-deactivate", args=[leaver.user_id])
    page = client.get(url)
    assert page.status_code == 200
    leaver.user.refresh_from_db()
    assert leaver.user.is_active  # the question changes nothing
    assert client.post(url, {"reason": ""}).status_code == 200  # a reason is needed
    assert client.post(url, {"reason": "Uit dienst"}).status_code == 302
    leaver.refresh_from_db()
    leaver.user.refresh_from_db()
    assert not leaver.user.is_active and leaver.ended_on is not None
    assert session.get(reverse("home")).status_code == 302  # the open session ends
    assert Membership.objects.filter(pk=leaver.pk).exists()  # history stays
    entry = AuditEntry.objects.filter(object_type="user", object_id=str(leaver.user_id)).last()
    assert entry is not None and entry.detail["reason"] == "Uit dienst"


def test_a_supervisor_reviews_access_of_their_own_organisation(
    member: Callable[..., Membership], org_a: Organisation, org_b: Organisation
) -> None:
    supervisor = member(org_a, Role.SUPERVISOR)
    colleague = member(org_a, Role.FRONTLINE)
    elsewhere = member(org_b, Role.FRONTLINE)
    client = signed_in(supervisor)
    page = client.get(reverse("account-review"))
    assert page.status_code == 200
    assert len(page.context["roles"]) == 2
    confirm = reverse("account-review-confirm", args=[colleague.pk])
    assert client.post(confirm).status_code == 302
    colleague.refresh_from_db()
    assert colleague.reviewed_on is not None
    assert client.post(reverse("account-review-confirm", args=[elsewhere.pk])).status_code == 404
    end = reverse("account-review-end", args=[colleague.pk])
    assert client.get(end).status_code == 200
    colleague.refresh_from_db()
    assert colleague.ended_on is None  # the question changes nothing
    # a reason is asked, as for deactivating an account, and the role stays without one
    asked = client.get(end, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert 'name="reason"' in asked and "Reden" in asked
    refused = client.post(end, {"reason": "  "}, HTTP_ACCEPT_LANGUAGE="nl")
    assert refused.status_code == 200
    assert "Geef aan waarom deze rol eindigt." in refused.content.decode()
    colleague.refresh_from_db()
    assert colleague.ended_on is None
    with pytest.raises(ValidationError) as missing:
        do_end_membership(actor=supervisor, membership=colleague, reason=" ")
    assert missing.value.message_dict == {"reason": [gettext("Say why this role ends.")]}
    assert client.post(end, {"reason": "Werkt niet meer in dit team"}).status_code == 302
    colleague.refresh_from_db()
    assert colleague.ended_on is not None
    entries = AuditEntry.objects.filter(object_type="membership", object_id=str(colleague.pk))
    assert entries.count() == 2
    ended = entries.order_by("pk").last()
    assert ended is not None and ended.detail["reason"] == "Werkt niet meer in dit team"


def test_the_invitation_is_not_sent_again_to_a_person_without_an_e_mail_address(
    member: Callable[..., Membership], org_a: Organisation
) -> None:
    admin = member(org_a, Role.ADMINISTRATOR)
    invited = member(org_a, Role.COORDINATOR)
    invited.user.email = ""
    invited.user.set_unusable_password()
    invited.user.save()
    client = signed_in(admin)
    person = reverse("account-person", args=[invited.user_id])
    page = client.get(person, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert reverse("account-resend", args=[invited.user_id]) not in page  # no button
    assert "Deze persoon heeft geen e-mailadres" in page
    answer = client.post(
        reverse("account-resend", args=[invited.user_id]), HTTP_ACCEPT_LANGUAGE="nl", follow=True
    )
    said = answer.content.decode()
    assert "geen e-mailadres" in said and "Er is niets verstuurd." in said
    assert "De uitnodiging is opnieuw verstuurd." not in said
    assert run_queued_jobs() == 0
    assert mail.outbox == []
    # with an address the same button sends the mail
    invited.user.email = "uitgenodigd@example.org"
    invited.user.save()
    assert reverse("account-resend", args=[invited.user_id]) in client.get(person).content.decode()
    client.post(reverse("account-resend", args=[invited.user_id]))
    assert run_queued_jobs() == 1
    assert [m.to for m in mail.outbox] == [["uitgenodigd@example.org"]]


def test_pages_that_list_roles_leave_the_account_menu_its_own_roles(
    member: Callable[..., Membership], org_a: Organisation
) -> None:
    """The access review, an organisation and a person list roles; the account menu's "Acting
    as" list is the signed-in user's own roles, never those listed on the page."""
    admin = member(org_a, Role.ADMINISTRATOR)
    colleague = member(org_a, Role.FRONTLINE)
    member(org_a, Role.COORDINATOR)
    client = signed_in(admin)
    for url in (
        reverse("account-review"),
        reverse("account-organisation", args=[org_a.pk]),
        reverse("account-person", args=[colleague.user.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert 'id="membership-switch"' not in page.content.decode(), url
    second = Membership.objects.create(
        user=admin.user, organisation=OrganisationFactory.create(), role=Role.SUPERVISOR
    )
    switch = client.get(reverse("account-review")).content.decode()
    options = re.findall(r'<select id="membership-switch".*?</select>', switch, re.S)
    assert len(options) == 1 and options[0].count("<option") == 2, "own roles only"
    assert str(second.organisation) in options[0]

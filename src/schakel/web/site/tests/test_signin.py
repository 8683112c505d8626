"""Sign-in: lockout per user name and address that does not tell whether an account exists,
every sign-in event audited, passwords changed and reset, sessions that end."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import verify_chain
from schakel.web.core.testing import PASSWORD, signed_in
from schakel.web.organisations.models import Membership
from schakel.web.site.security import ACTIVE_AT, SIGNED_IN_AT

pytestmark = pytest.mark.django_db
LOGIN = "/inloggen/"


def _try(client: Client, username: str, password: str, address: str = "10.0.0.1") -> int:
    response = client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)
    return response.status_code


def test_six_wrong_passwords_lock_even_the_right_one(coordinator_a: Membership) -> None:
    name = coordinator_a.user.username
    client = Client()
    answers = [_try(client, name, f"wrong-{n}") for n in range(6)]
    assert answers[:4] == [200] * 4  # the form again, with an error
    assert answers[-1] == 429
    assert _try(client, name, PASSWORD) == 429  # the right password no longer helps
    assert "_auth_user_id" not in client.session
    # Another address with the same user name is locked as well (per user name) ...
    assert _try(Client(), name, PASSWORD, address="10.9.9.9") == 429


def test_lockout_does_not_tell_whether_the_account_exists(coordinator_a: Membership) -> None:
    known, unknown = Client(), Client()
    for n in range(6):
        _try(known, coordinator_a.user.username, f"wrong-{n}", address="10.0.0.2")
        _try(unknown, "nobody-by-this-name", f"wrong-{n}", address="10.0.0.3")
    a = known.post(
        LOGIN, {"username": coordinator_a.user.username, "password": "x"}, REMOTE_ADDR="10.0.0.2"
    )
    b = unknown.post(
        LOGIN, {"username": "nobody-by-this-name", "password": "x"}, REMOTE_ADDR="10.0.0.3"
    )
    assert a.status_code == b.status_code == 429
    strip = lambda html: re.sub(r'"X-CSRFToken": "[^"]+"|value="[^"]*"', "", html)  # noqa: E731
    assert strip(a.content.decode()) == strip(b.content.decode())


def test_an_address_is_locked_across_user_names(coordinator_a: Membership) -> None:
    client = Client()
    for n in range(6):
        _try(client, f"guess-{n}", "wrong", address="10.0.0.4")
    assert _try(client, coordinator_a.user.username, PASSWORD, address="10.0.0.4") == 429
    assert _try(Client(), coordinator_a.user.username, PASSWORD, address="10.0.0.5") == 302


def test_sign_in_events_are_audited_and_logged(
    coordinator_a: Membership, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client()
    caplog.set_level("INFO", logger="schakel.security")
    _try(client, coordinator_a.user.username, "wrong")
    _try(client, "nobody-by-this-name", "wrong")
    assert _try(client, coordinator_a.user.username, PASSWORD) == 302
    client.post(reverse("logout"))
    actions = list(
        AuditEntry.objects.filter(object_type="account").values_list("action", "actor_id")
    )
    user = coordinator_a.user_id
    assert actions == [
        (AuditEntry.Action.SIGN_FAIL, user),
        (AuditEntry.Action.SIGN_FAIL, None),
        (AuditEntry.Action.SIGN_IN, user),
        (AuditEntry.Action.SIGN_OUT, user),
    ]
    assert verify_chain().intact
    ours = [r for r in caplog.records if r.name == "schakel.security"]
    assert [r.getMessage().split(" account=")[0] for r in ours] == [
        "sign-in refused",
        "sign-in refused",
        "sign-in",
        "sign-out",
    ]
    assert not any("nobody-by-this-name" in r.getMessage() for r in caplog.records)


def test_password_change_is_audited(coordinator_a: Membership) -> None:
    client = signed_in(coordinator_a)
    new = "a-new-long-password-2026"
    response = client.post(
        reverse("password-change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    coordinator_a.user.refresh_from_db()
    assert coordinator_a.user.check_password(new)
    assert AuditEntry.objects.filter(purpose="password change", actor=coordinator_a.user).exists()


def test_password_reset_by_e_mail(coordinator_a: Membership) -> None:
    user = coordinator_a.user
    user.email = "coordinator@example.org"
    user.save()
    client = Client()
    assert client.get(reverse("password-reset")).status_code == 200
    client.post(reverse("password-reset"), {"email": "unknown@example.org"})
    assert len(mail.outbox) == 0
    sent = client.post(reverse("password-reset"), {"email": user.email})
    assert sent.status_code == 302 and len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/\S+)", str(mail.outbox[0].body))
    assert link is not None
    form = client.get(link.group(1), follow=True)
    new = "another-long-password-2026"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    assert AuditEntry.objects.filter(purpose="password reset", actor=user).exists()


def test_idle_timeout_and_absolute_expiry(coordinator_a: Membership, settings: object) -> None:
    from django.conf import settings as live

    assert live.SESSION_COOKIE_AGE == 30 * 60
    client = Client()
    assert _try(client, coordinator_a.user.username, PASSWORD) == 302
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session[ACTIVE_AT] = session[ACTIVE_AT] - live.SESSION_COOKIE_AGE - 1  # idle too long
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    assert _try(client, coordinator_a.user.username, PASSWORD) == 302
    client.get(reverse("home"))
    session = client.session
    session[SIGNED_IN_AT] = session[SIGNED_IN_AT] - live.SESSION_MAX_SECONDS - 1  # active, old
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


@override_settings(ANONYMOUS_RATE_PER_MINUTE=3)
def test_public_endpoints_are_rate_limited_per_address() -> None:
    client = Client()
    url = "/api/v1/signals/catalogue?set=adults-labour"
    codes = [client.get(url, REMOTE_ADDR="10.1.1.1").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert client.get(url, REMOTE_ADDR="10.1.1.2").status_code == 200


def test_a_large_body_gets_413() -> None:
    from django.conf import settings as live

    body = "x" * (live.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = Client().post("/api/v1/signals/evaluate", body, "application/json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_security_headers_on_every_page() -> None:
    response = Client().get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "camera=()" in response["Permissions-Policy"]
    assert dt


@override_settings(ANONYMOUS_RATE_PER_MINUTE=3)
def test_signed_in_members_behind_one_address_are_not_limited(
    coordinator_a: Membership,
) -> None:
    """Colleagues share their organisation's public address: the limit is for anonymous
    callers only, so a member's check keeps working while strangers from that address get 429."""
    member = Client()
    member.force_login(coordinator_a.user)
    url = "/api/v1/signals/catalogue?set=adults-labour"
    stranger = Client()
    codes = [stranger.get(url, REMOTE_ADDR="10.1.1.9").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert all(member.get(url, REMOTE_ADDR="10.1.1.9").status_code == 200 for _ in range(5))
    assert member.get(reverse("signal-check"), REMOTE_ADDR="10.1.1.9").status_code == 200
    stranger.cookies["sessionid"] = "made-up"
    assert stranger.get(url, REMOTE_ADDR="10.1.1.9").status_code == 429

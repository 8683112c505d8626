"""In real Chromium: a coordinator signs in with a password, is sent to set up the second
factor before any identity page, scans (reads) the key, confirms a TOTP code, and later signs
in with password and code. The CSP lets every page run without a violation."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.test import override_settings
from django_otp.oath import totp

from schakel.web.core.testing import PASSWORD
from schakel.web.core.testing.browser import new_page
from schakel.web.organisations.models import Membership, Organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code(key_b32: str) -> str:
    key = base64.b32decode(key_b32.replace(" ", "") + "=" * (-len(key_b32.replace(" ", "")) % 8))
    return f"{totp(key, step=30, digits=6):06d}"


def _password(page: Any, base: str, membership: Membership) -> None:
    page.goto(f"{base}/inloggen/")
    page.fill("#id_username", membership.user.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


@override_settings(ONE_STEP_SIGN_IN=False)
def test_password_and_totp_in_the_browser(
    live_server: Any, browser: Any, org_a: Organisation, member: Callable[..., Membership]
) -> None:
    base = live_server.url
    coordinator = member(org_a)
    page = new_page(browser)
    violations: list[str] = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    _password(page, base, coordinator)
    page.goto(f"{base}/trajecten/")
    page.wait_for_url(f"{base}/inloggen/tweede-stap/instellen/**")
    # one QR block: the menu's badge requests must not swap the set-up page in a second time
    assert page.locator(".schakel-qr").count() == 1
    assert page.locator(".schakel-qr svg").count() == 1
    key = page.locator("code").first.inner_text()
    page.fill("#id_token", _code(key))
    page.locator("main form.schakel-form button[type=submit]").first.click()
    assert page.locator(".schakel-codes li").count() == 10
    page.get_by_role("link", name="Doorgaan").click()
    page.wait_for_url(f"{base}/trajecten/")
    page.context.clear_cookies()
    time.sleep(30 - time.time() % 30 + 0.5)  # a code is good once: wait for the next one
    _password(page, base, coordinator)
    page.goto(f"{base}/trajecten/")
    page.wait_for_url(f"{base}/inloggen/tweede-stap/?**")
    page.fill("#id_token", _code(key))
    page.locator("main form.schakel-form button[type=submit]").first.click()
    page.wait_for_url(f"{base}/trajecten/")
    assert violations == []

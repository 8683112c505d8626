"""The second sign-in factor: TOTP (an authenticator app) with one-time recovery codes.

Required for every role that can see identities or the audit trail (read from the capability
table); without it such a user reaches only the pages that set it up or ask for it. The demo
skips it through ONE_STEP_SIGN_IN, which `check --deploy` refuses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import do_record_account_event
from schakel.web.core.errors import error
from schakel.web.organisations.models import Membership, User
from schakel.web.organisations.roles import Capability
from schakel.web.site.forms import TokenForm
from schakel.web.site.security import client_address

NEEDS_SECOND_FACTOR = (Capability.VIEW_OWN_IDENTITY, Capability.VIEW_AUDIT)
RECOVERY_CODES = 10
OPEN_PATHS = ("/inloggen/", "/uitloggen/", "/static/", "/i18n/", "/health/")


def needs_second_factor(user: User) -> bool:
    """Whether any current membership of the user can see identities or the audit trail."""
    memberships = Membership.objects.active().filter(user=user)
    return any(memberships.with_capability(c).exists() for c in NEEDS_SECOND_FACTOR)


class SecondFactorMiddleware:
    """Sends a signed-in user who needs a second factor and has not given one to set it up
    (no device yet) or to give it; the API answers 403 with code second_factor_required."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user
        if (
            user.is_authenticated
            and not settings.ONE_STEP_SIGN_IN
            and not request.path.startswith(OPEN_PATHS)
            and not user.is_verified()
            and needs_second_factor(user)
        ):
            if request.path.startswith("/api/"):
                body = error("second_factor_required", gettext("Sign in with a second factor."))
                return JsonResponse(body.model_dump(), status=403)
            step = "second-factor" if user_has_device(user) else "second-factor-setup"
            return redirect(f"{reverse(step)}?next={request.get_full_path()}")
        return self.get_response(request)


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("home")


def second_factor(request: HttpRequest) -> HttpResponse:
    """Ask for the code after the password."""
    user: Any = request.user
    if not user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"].replace(" ", ""))
        address = client_address(request)
        if device is not None:
            otp_login(request, device)
            do_record_account_event(
                user=user,
                action=AuditEntry.Action.SIGN_IN,
                purpose="second factor",
                address=address,
                detail={"recovery_code": isinstance(device, StaticDevice)},
            )
            return redirect(_next(request))
        do_record_account_event(
            user=user, action=AuditEntry.Action.SIGN_FAIL, purpose="second factor", address=address
        )
        form.add_error("token", gettext("This code is not right. Try the next one."))
    status = 422 if request.method == "POST" else 200
    passkey = WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    context = {"form": form, "next": _next(request), "passkey": passkey}
    return render(request, "site/second_factor.html", context, status=status)


def second_factor_setup(request: HttpRequest) -> HttpResponse:
    """Link an authenticator app (QR code or key), confirm with a code, get recovery codes."""
    user: Any = request.user
    if not user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if user_has_device(user) and not user.is_verified():
        return redirect("second-factor")
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": "authenticator"}
    )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].replace(" ", "")):
            codes = _confirm(user, device)
            otp_login(request, device)
            do_record_account_event(
                user=user,
                action=AuditEntry.Action.CREATE,
                purpose="second factor set up",
                address=client_address(request),
            )
            done = {"codes": codes, "next": _next(request)}
            return render(request, "site/recovery_codes.html", done)
        form.add_error("token", gettext("This code is not right. Try the next one."))
    qr = segno.make(device.config_url, error="m").svg_inline(scale=4, omitsize=False)
    context: dict[str, object] = {
        "form": form,
        "qr": mark_safe(qr),  # noqa: S308  (segno's own SVG of our own URL)
        "key": _grouped(device),
        "next": _next(request),
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "site/second_factor_setup.html", context, status=status)


def _grouped(device: TOTPDevice) -> str:
    import base64

    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def _confirm(user: User, device: TOTPDevice) -> list[str]:
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        StaticDevice.objects.filter(user=user).delete()
        recovery = StaticDevice.objects.create(user=user, name="recovery codes")
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=recovery, token=c) for c in codes)
    return codes

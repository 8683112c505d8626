"""Passkeys (WebAuthn, django-otp-webauthn) as a second factor, beside the authenticator app.

A passkey is a django-otp device like the TOTP one, so `two_factor.SecondFactorMiddleware`
accepts either. Only as a second factor: the password comes first (no passwordless sign-in).
Registering a passkey and signing in with one are in the log and the audit trail; the
relying party is the host the browser asked for, so one installation serves its own domain.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from django_otp_webauthn import views as webauthn

from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import do_record_account_event
from schakel.web.site.security import client_address

log = logging.getLogger("schakel.security")


def relying_party_id(request: HttpRequest) -> str:
    """The host name without a port: credentials are scoped to it."""
    return request.get_host().rsplit(":", 1)[0]


def _record(request: HttpRequest, response: HttpResponse, action: str, purpose: str) -> None:
    succeeded = response.status_code == 200
    do_record_account_event(
        user=request.user if request.user.is_authenticated else None,
        action=action if succeeded else AuditEntry.Action.SIGN_FAIL,
        purpose=purpose,
        address=client_address(request),
    )
    log.info(
        "%s %s address=%s", purpose, "done" if succeeded else "refused", client_address(request)
    )


class CompleteRegistration(webauthn.CompleteCredentialRegistrationView):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = super().dispatch(request, *args, **kwargs)
        if request.method == "POST":
            _record(request, response, AuditEntry.Action.CREATE, "passkey registered")
        return response


class CompleteAuthentication(webauthn.CompleteCredentialAuthenticationView):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = super().dispatch(request, *args, **kwargs)
        if request.method == "POST":
            _record(request, response, AuditEntry.Action.SIGN_IN, "second factor (passkey)")
        return response

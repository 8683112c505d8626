"""Sign-in with the organisation's identity provider (OpenID Connect through
mozilla-django-oidc, as Open Zaak and Open Forms do); off unless SCHAKEL_OIDC_CLIENT_ID is set.

The provider says who someone is; Schakel's memberships still decide what they may do. An
account is matched by the e-mail address the provider vouches for and is never created: someone
the installation does not know, or who has no current membership, is refused. Each sign-in and
each refusal is in the log and the audit trail, like a password sign-in; the second step is
still asked by `two_factor.SecondFactorMiddleware`.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import do_record_account_event
from schakel.web.organisations.models import User
from schakel.web.site.security import client_address

log = logging.getLogger("schakel.security")
PURPOSE = "sign-in with the organisation's identity provider"


class OrganisationIdentityBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims: dict[str, Any]) -> bool:
        """An e-mail address the provider has not marked as unverified."""
        return bool(claims.get("email")) and claims.get("email_verified", True) is not False

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        """Active accounts with this address and a current membership."""
        email = str(claims.get("email") or "")
        if not email:
            return User.objects.none()
        return User.objects.filter(
            email__iexact=email, is_active=True, memberships__ended_on__isnull=True
        ).distinct()

    def get_or_create_user(self, access_token: str, id_token: str, payload: Any) -> User | None:
        address = client_address(self.request)
        try:
            user: User | None = super().get_or_create_user(access_token, id_token, payload)
        except SuspiciousOperation:
            user = None
        action = AuditEntry.Action.SIGN_IN if user else AuditEntry.Action.SIGN_FAIL
        do_record_account_event(user=user, action=action, purpose=PURPOSE, address=address)
        if user is None:
            log.warning("sign-in with identity provider refused address=%s", address)
        else:
            log.info("sign-in with identity provider account=%s address=%s", user.pk, address)
        return user


class _Callback(OIDCAuthenticationCallbackView):
    def login_failure(self) -> HttpResponse:
        messages.error(
            self.request,
            gettext(
                "Signing in with your organisation did not work. Your administrator can check "
                "whether your e-mail address is known here."
            ),
        )
        response: HttpResponse = super().login_failure()
        return response


def _enabled() -> None:
    if not settings.OIDC_ENABLED:
        raise Http404


@login_not_required
def start(request: HttpRequest) -> HttpResponse:
    """Send the browser to the identity provider (state, nonce and PKCE in the session)."""
    _enabled()
    response: HttpResponse = OIDCAuthenticationRequestView.as_view()(request)
    return response


@login_not_required
def callback(request: HttpRequest) -> HttpResponse:
    """Back from the identity provider: exchange the code, check the token, sign in or not."""
    _enabled()
    response: HttpResponse = _Callback.as_view()(request)
    return response

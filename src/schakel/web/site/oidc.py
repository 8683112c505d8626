"""Sign-in through the organisation's identity provider (OpenID Connect, mozilla-django-oidc).

Off unless `SCHAKEL_OIDC_CLIENT_ID` is set: the two pages answer 404 then. The provider proves
who someone is; Schakel decides what they may do. So only an existing, active account signs in
(matched on its e-mail address, which the provider must have verified), no account is made from
a token, and the memberships of the account still decide every page. Each sign-in and each
refusal is written to the log and the audit trail, as with a password. The second factor is
still asked where the role needs it (docs/adr/0028-sign-in-through-the-organisation.md).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import do_record_account_event
from schakel.web.organisations.models import User
from schakel.web.site.security import client_address

log = logging.getLogger("schakel.security")
PURPOSE = "sign-in through the organisation"


class OrganisationSignInBackend(OIDCAuthenticationBackend):
    """An identity provider's verified e-mail address to one existing, active account."""

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("email")) and claims.get("email_verified") is not False

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        return User.objects.filter(email__iexact=str(claims.get("email", "")), is_active=True)

    def create_user(self, claims: dict[str, Any]) -> None:  # OIDC_CREATE_USER is off too
        return None

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        if request is None or "code" not in request.GET:
            return None  # a password sign-in: not ours
        user = super().authenticate(request, **kwargs)
        address = client_address(request)
        action = AuditEntry.Action.SIGN_IN if user else AuditEntry.Action.SIGN_FAIL
        do_record_account_event(user=user, action=action, purpose=PURPOSE, address=address)
        if user:
            log.info("sign-in through the organisation account=%s address=%s", user.pk, address)
        else:
            log.warning("sign-in through the organisation refused address=%s", address)
        return user


def _enabled() -> None:
    if not settings.OIDC_ENABLED:
        raise Http404


@login_not_required
def start(request: HttpRequest) -> HttpResponse:
    """Off to the identity provider (state, nonce and PKCE kept in the session)."""
    _enabled()
    return OIDCAuthenticationRequestView.as_view()(request)


@login_not_required
def callback(request: HttpRequest) -> HttpResponse:
    """Back from the identity provider: signed in, or the sign-in page saying it failed (also
    for a token that fails its signature check or a state this session did not start)."""
    _enabled()
    try:
        return OIDCAuthenticationCallbackView.as_view()(request)
    except SuspiciousOperation as refused:
        address = client_address(request)
        do_record_account_event(
            user=None, action=AuditEntry.Action.SIGN_FAIL, purpose=PURPOSE, address=address
        )
        log.warning("sign-in through the organisation refused (%s) address=%s", refused, address)
        return HttpResponseRedirect(settings.LOGIN_REDIRECT_URL_FAILURE)

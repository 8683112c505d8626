"""One-time sign-in links: an invitation (or the first administrator's link) to set a password.

The token is Django's password-reset token: it covers the password hash and the last sign-in,
so it stops working once used (the password changes) and after `PASSWORD_RESET_TIMEOUT`.
No table holds the tokens, so there is nothing to leak or to clean up.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from schakel.web.organisations.models import User

LOCAL_BASE_URL = "http://localhost:8000"


def sign_in_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("account-welcome", kwargs={"uidb64": uid, "token": token})


def sign_in_link(user: User) -> str:
    """The full link, on `SCHAKEL_BASE_URL` (a local address when it is not set)."""
    return (settings.BASE_URL or LOCAL_BASE_URL) + sign_in_path(user)


def user_for_link(uidb64: str, token: str) -> User | None:
    """The user the link was made for, or None when it is unknown, used or expired."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user

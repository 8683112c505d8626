"""Sign-in, sign-out and passwords: each event in the log and the audit trail.

Lockout is django-axes (per user name and per address, AxesStandaloneBackend): a locked
sign-in gets the same page whether or not the user name exists, and the wrong-password page is
the same for both too, so neither tells an attacker which accounts exist.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import do_record_account_event
from schakel.web.organisations.models import User
from schakel.web.site.security import client_address

log = logging.getLogger("schakel.security")


def _account_named(username: str) -> User | None:
    return User.objects.filter(username=username).first() if username else None


class SignInView(auth_views.LoginView):
    template_name = "site/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from django.conf import settings

        return {**super().get_context_data(**kwargs), "oidc": settings.OIDC_ENABLED}

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        address = client_address(self.request)
        do_record_account_event(
            user=user, action=AuditEntry.Action.SIGN_IN, purpose="sign-in", address=address
        )
        log.info("sign-in account=%s address=%s", user.pk, address)
        return super().form_valid(form)  # login() starts the session clocks (security.py)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        address = client_address(self.request)
        account = _account_named(str(self.request.POST.get("username", ""))[:150])
        do_record_account_event(
            user=account, action=AuditEntry.Action.SIGN_FAIL, purpose="sign-in", address=address
        )
        log.warning(
            "sign-in refused account=%s address=%s", account.pk if account else "-", address
        )
        return super().form_invalid(form)


def locked_out(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """What django-axes answers while a user name or address is locked: the sign-in page with
    one message, the same for every user name."""
    log.warning("sign-in locked address=%s", client_address(request))
    locked = gettext(
        "Signing in is blocked for a while after too many attempts. Try again later, or ask "
        "your administrator."
    )
    context = {"form": AuthenticationForm(request), "next": "", "locked": locked}
    return render(request, "site/login.html", context, status=429)


class SignOutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            do_record_account_event(
                user=request.user,
                action=AuditEntry.Action.SIGN_OUT,
                purpose="sign-out",
                address=client_address(request),
            )
            log.info("sign-out account=%s", request.user.pk)
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "site/form_page.html"
    success_url = reverse_lazy("home")
    extra_context = {"heading": _("Change password"), "submit": _("Change password")}

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        do_record_account_event(
            user=self.request.user,
            action=AuditEntry.Action.UPDATE,
            purpose="password change",
            address=client_address(self.request),
        )
        messages.success(self.request, gettext("Your password has been changed."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link by e-mail; the page says the same whether the address is known."""

    template_name = "site/form_page.html"
    email_template_name = "site/password_reset_email.txt"
    subject_template_name = "site/password_reset_subject.txt"
    success_url = reverse_lazy("password-reset-sent")
    extra_context = {"heading": _("Forgot your password?"), "submit": _("Send a reset link")}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "site/form_page.html"
    success_url = reverse_lazy("login")
    extra_context = {"heading": _("Choose a new password"), "submit": _("Save password")}

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        do_record_account_event(
            user=form.user,
            action=AuditEntry.Action.UPDATE,
            purpose="password reset",
            address=client_address(self.request),
        )
        messages.success(self.request, gettext("Your password has been changed. Sign in."))
        return response


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "site/message_page.html"
    extra_context = {
        "heading": _("Check your e-mail"),
        "message": _(
            "If an account uses this address, a link to choose a new password is on its way. "
            "The link works once and for a limited time."
        ),
    }

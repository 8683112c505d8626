"""Jobs of the accounts app: the invitation e-mail with its one-time link."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from schakel.web.accounts.links import sign_in_link
from schakel.web.jobs.service import job_task, report_progress
from schakel.web.organisations.models import Membership, User


@job_task("accounts.invitation", label=gettext_lazy("Invitation e-mail"))
def send_invitation(*, user_id: int) -> dict[str, int]:
    """Mail the invited person a link to set their password. The link is made when the mail
    is sent, so it is valid until the person uses it (or it expires); no token is stored."""
    report_progress(10, gettext_noop("Sending e-mail"))
    user = User.objects.get(pk=user_id)
    if user.has_usable_password() or not user.is_active or not user.email.strip():
        return {"sent": 0}
    membership = Membership.objects.active().filter(user=user).select_related("organisation")
    first = membership.first()
    with translation.override("nl"):
        subject = gettext("Your invitation to Schakel")
        body = render_to_string(
            "accounts/invitation_email.txt",
            {"link": sign_in_link(user), "membership": first},
        )
    EmailMessage(subject, body, to=[user.email]).send()
    return {"sent": 1}

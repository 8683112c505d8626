"""Pages to run an installation: organisations, people, memberships, the access review, and
the welcome page where an invited person sets a password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schakel.web.accounts import actions
from schakel.web.accounts.access import (
    access_organisation,
    access_reviewable_membership,
    access_user,
    manageable_organisations,
    reviewable_organisation_ids,
)
from schakel.web.accounts.forms import (
    DeactivateForm,
    EndMembershipForm,
    InviteForm,
    MembershipForm,
    OrganisationForm,
    PeopleSearchForm,
)
from schakel.web.accounts.links import user_for_link
from schakel.web.accounts.selectors import access_review, people
from schakel.web.core.forms import copy_errors
from schakel.web.organisations.acting import require_capability
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability, has

PAGE_SIZE = 50


@require_capability(Capability.MANAGE_ORGANISATIONS)
def organisation_list(request: HttpRequest, acting: Membership) -> HttpResponse:
    organisations = manageable_organisations(acting).order_by("region", "name")
    return render(request, "accounts/organisations.html", {"organisations": organisations})


@require_capability(Capability.MANAGE_ORGANISATIONS)
def organisation_edit(
    request: HttpRequest, acting: Membership, pk: int | None = None
) -> HttpResponse:
    organisation = access_organisation(acting, pk) if pk else None
    initial = {"region": acting.organisation.region} if organisation is None else None
    form = OrganisationForm(request.POST or None, instance=organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.do_save_organisation(
                actor=acting, organisation=organisation, **form.cleaned_data
            )
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, _("The organisation is saved."))
            return redirect("account-organisation", pk=saved.pk)
    return render(
        request, "accounts/organisation_form.html", {"form": form, "organisation": organisation}
    )


@require_capability(Capability.MANAGE_ORGANISATIONS)
def organisation_detail(request: HttpRequest, acting: Membership, pk: int) -> HttpResponse:
    organisation = access_organisation(acting, pk)
    memberships = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("ended_on", "user__last_name", "user__first_name")
    )
    context = {"organisation": organisation, "roles": memberships}  # not "memberships": the menu's
    return render(request, "accounts/organisation.html", context)


@require_capability(Capability.MANAGE_ORGANISATIONS)
def invite(request: HttpRequest, acting: Membership, pk: int) -> HttpResponse:
    organisation = access_organisation(acting, pk)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_invite_user(actor=acting, organisation=organisation, **form.cleaned_data)
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(
                request, _("The invitation is on its way to %(email)s.") % form.cleaned_data
            )
            return redirect("account-organisation", pk=organisation.pk)
    return render(request, "accounts/invite.html", {"form": form, "organisation": organisation})


@require_capability(Capability.MANAGE_ORGANISATIONS)
def person_list(request: HttpRequest, acting: Membership) -> HttpResponse:
    form = PeopleSearchForm(request.GET or None)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(people(acting, search), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/people.html", {"form": form, "page": page})


@require_capability(Capability.MANAGE_ORGANISATIONS)
def person_detail(request: HttpRequest, acting: Membership, pk: int) -> HttpResponse:
    person = access_user(acting, pk)
    form = MembershipForm(request.POST or None, organisations=manageable_organisations(acting))
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_add_membership(actor=acting, user=person, **form.cleaned_data)
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, _("The role is added."))
            return redirect("account-person", pk=person.pk)
    memberships = person.memberships.select_related("organisation").order_by(
        "ended_on", "-started_on"
    )
    context = {
        "person": person,
        "roles": memberships,  # "memberships" is the account menu's: the user's own
        "form": form,
        "invited": not person.has_usable_password() and person.is_active,
    }
    return render(request, "accounts/person.html", context)


@require_POST
@require_capability(Capability.MANAGE_ORGANISATIONS)
def resend_invitation(request: HttpRequest, acting: Membership, pk: int) -> HttpResponse:
    person = access_user(acting, pk, write=True)
    try:
        actions.do_resend_invitation(actor=acting, user=person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The invitation is sent again."))
    return redirect("account-person", pk=person.pk)


@require_capability(Capability.MANAGE_ORGANISATIONS)
def deactivate(request: HttpRequest, acting: Membership, pk: int) -> HttpResponse:
    """A confirmation page that says what will happen; the POST deactivates."""
    person = access_user(acting, pk, write=request.method == "POST")
    form = DeactivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_deactivate_user(
                actor=acting, user=person, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, _("The account is deactivated; access has ended."))
            return redirect("account-person", pk=person.pk)
    current = person.memberships.filter(ended_on=None).select_related("organisation")
    return render(
        request, "accounts/deactivate.html", {"person": person, "form": form, "current": current}
    )


@require_capability(Capability.REVIEW_ACCESS)
def review(request: HttpRequest, acting: Membership) -> HttpResponse:
    """Per organisation: who has which role since when, last sign-in, confirm or end."""
    memberships = access_review(reviewable_organisation_ids(acting))
    context = {"roles": memberships, "manages": has(acting, Capability.MANAGE_ORGANISATIONS)}
    return render(request, "accounts/review.html", context)


@require_POST
@require_capability(Capability.REVIEW_ACCESS)
def review_confirm(request: HttpRequest, acting: Membership, pk: int) -> HttpResponse:
    membership = access_reviewable_membership(acting, pk, write=True)
    try:
        actions.do_confirm_membership(actor=acting, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("account-review")


@require_capability(Capability.REVIEW_ACCESS)
def review_end(request: HttpRequest, acting: Membership, pk: int) -> HttpResponse:
    """Confirmation page for ending one membership; the POST ends it today."""
    membership = access_reviewable_membership(acting, pk, write=request.method == "POST")
    form = EndMembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_end_membership(
                actor=acting, membership=membership, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, _("The membership has ended."))
            return redirect("account-review")
    context = {"membership": membership, "form": form}
    return render(request, "accounts/end_membership.html", context)


@login_not_required
def welcome(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """An invited person (or the first administrator) chooses a password with their link."""
    user = user_for_link(uidb64, token)
    if user is None:
        return render(request, "accounts/welcome_invalid.html", status=404)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_accept_invitation(user=user, password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, _("Your password is set. Sign in with it."))
            return redirect("login")
    return render(request, "accounts/welcome.html", {"form": form, "person": user})

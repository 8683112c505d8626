"""Registering a person: identity first, then the duplicate check, then the trajectory."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from schakel.engine.identity import InvalidIdentityError
from schakel.engine.vocabulary import Sex
from schakel.web.core.labels import choices
from schakel.web.organisations.acting import require_capability
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability
from schakel.web.trajectories.actions import do_open_trajectory, do_register_person
from schakel.web.trajectories.models import Person
from schakel.web.trajectories.registration import do_find_duplicates

IDENTIFIERS = ("bsn", "v_number", "passport")


class IdentityForm(forms.Form):
    given_names = forms.CharField(label=_("Given names"), required=False, max_length=200)
    family_name = forms.CharField(label=_("Family name"), required=False, max_length=200)
    aliases = forms.CharField(
        label=_("Other names used"), required=False, help_text=_("Separate with commas.")
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=choices(Sex), initial=Sex.UNKNOWN)
    date_of_birth = forms.CharField(
        label=_("Date of birth"), required=False, help_text=_("YYYY-MM-DD, or YYYY-MM, or YYYY.")
    )
    date_of_birth_estimated = forms.BooleanField(
        label=_("Date of birth is estimated"), required=False
    )
    place_of_birth = forms.CharField(label=_("Place of birth"), required=False)
    nationality = forms.CharField(
        label=_("Nationality"),
        required=False,
        max_length=2,
        help_text=_("Two-letter code, e.g. RO."),
    )
    bsn = forms.CharField(label="BSN", required=False)
    v_number = forms.CharField(label=_("V-number"), required=False)
    passport = forms.CharField(label=_("Passport number"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False)

    def identity(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}
        identifiers = {k: data.pop(k) for k in IDENTIFIERS if k in data}
        if "nationality" in data:
            data["nationality"] = data["nationality"].upper()
        if "aliases" in data:
            data["aliases"] = [a.strip() for a in data["aliases"].split(",") if a.strip()]
        return {**data, "identifiers": identifiers}

    def add_identity_errors(self, error: InvalidIdentityError) -> None:
        for field, message in error.errors:
            name = field.split(".")[-1]
            self.add_error(name if name in self.fields else None, message)


@require_capability(Capability.RECORD_EVENTS)
def register(request: HttpRequest, acting: Membership) -> HttpResponse:
    form = IdentityForm(request.POST or None)
    step = "use" if "use" in request.POST else "create" if "create" in request.POST else "check"
    context: dict[str, Any] = {"form": form, "checked": False}
    if request.method == "POST" and form.is_valid():
        try:
            if step == "check":
                context["candidates"] = do_find_duplicates(actor=acting, identity=form.identity())
                context["checked"] = True
            elif step == "use":
                person = (
                    Person.objects.identifiable_by(acting)
                    .filter(pk=request.POST.get("use"))
                    .first()
                )
                if person is None:
                    raise Http404
                trajectory = do_open_trajectory(actor=acting, person=person)
                return redirect("trajectory-detail", pk=trajectory.pk)
            elif step == "create":
                person = do_register_person(actor=acting, identity=form.identity())
                trajectory = do_open_trajectory(
                    actor=acting, person=person, coordinator_id=acting.user_id
                )
                return redirect("trajectory-detail", pk=trajectory.pk)
        except InvalidIdentityError as error:
            form.add_identity_errors(error)
    status = 422 if request.method == "POST" and form.errors else 200
    return render(request, "trajectories/register.html", context, status=status)

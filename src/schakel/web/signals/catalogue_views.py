"""Content editors download the catalogue in force and publish a new version."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from schakel.engine.indicators import CatalogueError
from schakel.web.organisations.acting import require_capability
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability
from schakel.web.signals.actions.catalogue_drafts import do_start_catalogue_draft
from schakel.web.signals.catalogue import current_catalogue, shipped_bundle
from schakel.web.signals.catalogue_messages import catalogue_problem
from schakel.web.signals.forms import PublishCatalogueForm
from schakel.web.signals.models import CatalogueVersion

BUNDLE_MAX_BYTES = 5 * 1024 * 1024


@require_capability(Capability.EDIT_CATALOGUE)
def catalogue_versions(request: HttpRequest, acting: Membership) -> HttpResponse:
    form = PublishCatalogueForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["bundle"]
        try:
            if upload.size > BUNDLE_MAX_BYTES:
                raise ValidationError({"bundle": _("The file is larger than 5 MB.")})
            try:
                bundle = json.loads(upload.read())
            except (ValueError, UnicodeDecodeError) as error:
                raise ValidationError(
                    {"bundle": _("Not valid JSON: %(error)s") % {"error": error}}
                ) from None
            # An upload becomes a draft: another editor approves it before it is in force.
            draft = do_start_catalogue_draft(
                actor=acting, bundle=bundle, note=form.cleaned_data["note"]
            )
        except CatalogueError as error:
            form.add_error("bundle", catalogue_problem(error))
        except ValidationError as error:
            for problem in error.message_dict.get("bundle", error.messages):
                form.add_error("bundle", problem)
        else:
            messages.success(
                request,
                _("Version %(version)s is checked and kept as a draft; submit it for approval.")
                % {"version": draft.version},
            )
            return redirect("signal-catalogue-draft")
    context = {
        "form": form,
        "catalogue": current_catalogue(),
        "versions": CatalogueVersion.objects.select_related("published_by", "written_by")[:50],
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "signals/catalogue.html", context, status=status)


@require_capability(Capability.EDIT_CATALOGUE)
def catalogue_bundle(request: HttpRequest, acting: Membership) -> HttpResponse:
    """The catalogue in force as one JSON bundle, to change and publish as a new version."""
    latest = CatalogueVersion.objects.current()
    bundle = (
        shipped_bundle()
        if latest is None
        else {"catalogue.json": latest.manifest, **latest.documents}
    )
    response = JsonResponse(bundle, json_dumps_params={"ensure_ascii": False, "indent": 1})
    version = current_catalogue().version
    response["Content-Disposition"] = f'attachment; filename="catalogue-{version}.json"'
    return response

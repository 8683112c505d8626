"""The catalogue in the app: browse sets and indicators, edit a draft, compare, preview, and
publish with four eyes (`actions.catalogue_drafts`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schakel.engine.indicators import DIMENSION_LABELS, Catalogue, build_catalogue
from schakel.web.core.confirm import Confirmation, confirm
from schakel.web.core.forms import copy_errors
from schakel.web.organisations.acting import require_capability
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability, has
from schakel.web.signals.actions.catalogue_drafts import (
    IndicatorChange,
    do_approve_catalogue_draft,
    do_edit_catalogue_indicator,
    do_send_back_catalogue_draft,
    do_start_catalogue_draft,
    do_submit_catalogue_draft,
    open_draft,
)
from schakel.web.signals.catalogue import PREVIEW_SESSION_KEY, current_catalogue
from schakel.web.signals.catalogue_diff import differences
from schakel.web.signals.forms import (
    IndicatorForm,
    SendBackDraftForm,
    StartDraftForm,
    SubmitDraftForm,
)
from schakel.web.signals.labels import SET_KINDS, STRENGTHS, VERIFICATIONS
from schakel.web.signals.models import CatalogueDraft, DraftState


def _language() -> str:
    return translation.get_language() or "nl"


def _built(draft: CatalogueDraft | None) -> Catalogue | None:
    return None if draft is None else build_catalogue(draft.manifest, draft.documents)


@require_capability(Capability.EDIT_CATALOGUE)
def catalogue_sets(request: HttpRequest, acting: Membership) -> HttpResponse:
    draft = open_draft()
    catalogue = _built(draft) or current_catalogue()
    language = _language()
    rows = [
        {
            "set": s,
            "label": s.label.in_language(language),
            "kind": SET_KINDS.get(s.kind.value, s.kind.value),
            "verification": VERIFICATIONS.get(s.verification.value, ""),
            "count": len(s.indicators),
        }
        for s in catalogue.sets
    ]
    context = {"rows": rows, "draft": draft, "in_force": current_catalogue().version}
    return render(request, "signals/catalogue_sets.html", context)


@require_capability(Capability.EDIT_CATALOGUE)
def catalogue_set(request: HttpRequest, acting: Membership, set_id: str) -> HttpResponse:
    draft = open_draft()
    catalogue = _built(draft) or current_catalogue()
    if set_id not in {s.id for s in catalogue.sets}:
        raise Http404(_("This indicator set was not found."))
    indicator_set = catalogue.get_set(set_id)
    language = _language()
    rows = [
        {
            "indicator": i,
            "dimension": DIMENSION_LABELS[i.dimension].in_language(language) if i.dimension else "",
            "strength": STRENGTHS.get(i.strength.value, "") if i.strength else "",
            "verification": VERIFICATIONS.get(i.verification.value, ""),
        }
        for i in indicator_set.indicators
    ]
    context = {
        "indicator_set": indicator_set,
        "set_label": indicator_set.label.in_language(language),
        "rows": rows,
        "draft": draft,
        "editable": draft is not None and draft.state == DraftState.EDITING,
    }
    return render(request, "signals/catalogue_set.html", context)


def _editing_draft() -> CatalogueDraft:
    draft = open_draft()
    if draft is None or draft.state != DraftState.EDITING:
        raise Http404(_("No draft is open for editing."))
    return draft


@require_capability(Capability.EDIT_CATALOGUE)
def catalogue_indicator(
    request: HttpRequest, acting: Membership, indicator_id: str
) -> HttpResponse:
    draft = _editing_draft()
    catalogue = build_catalogue(draft.manifest, draft.documents)
    if not catalogue.has_indicator(indicator_id):
        raise Http404(_("This indicator is not in the catalogue."))
    indicator = catalogue.indicator(indicator_id)
    counts = indicator.strength is not None and indicator.maps_to is None
    initial = {
        "label_nl": indicator.label.nl,
        "label_en": indicator.label.en,
        "explanation_nl": indicator.explanation.nl,
        "explanation_en": indicator.explanation.en,
        "strength": indicator.strength.value if indicator.strength else "",
    }
    form = IndicatorForm(request.POST or None, initial=initial, counts=counts)
    if request.method == "POST" and form.is_valid():
        change = IndicatorChange(**{k: form.cleaned_data.get(k, "") or "" for k in initial})
        try:
            do_edit_catalogue_indicator(
                actor=acting, draft=draft, indicator_id=indicator_id, change=change
            )
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, _("Saved in the draft; the version in force is unchanged."))
            return redirect("signal-catalogue-set", set_id=indicator.set_id)
    context = {
        "form": form,
        "indicator": indicator,
        "label": indicator.label.in_language(_language()),
        "draft": draft,
    }
    return render(
        request,
        "signals/catalogue_indicator.html",
        context,
        status=422 if request.method == "POST" else 200,
    )


@require_capability(Capability.EDIT_CATALOGUE)
def catalogue_draft(request: HttpRequest, acting: Membership) -> HttpResponse:
    """The open draft: what it changes, submit, approve or send back, preview."""
    draft = open_draft()
    start = StartDraftForm(request.POST or None)
    if request.method == "POST" and draft is None and start.is_valid():
        try:
            do_start_catalogue_draft(actor=acting, version=start.cleaned_data["version"])
        except ValidationError as error:
            copy_errors(start, error)
        else:
            messages.success(request, _("The draft is open. Change indicators from the sets."))
            return redirect("signal-catalogue-draft")
    changes = []
    if draft is not None:
        changes = differences(current_catalogue(), _built(draft), _language())  # type: ignore[arg-type]
    context = {
        "draft": draft,
        "start_form": start,
        "changes": changes,
        "submit_form": SubmitDraftForm(initial={"note": draft.note} if draft else None),
        "send_back_form": SendBackDraftForm(),
        "may_review": draft is not None
        and draft.state == DraftState.SUBMITTED
        and has(acting, Capability.APPROVE_CONTENT)
        and acting.user_id != draft.submitted_by_id,
        "previewing": draft is not None and request.session.get(PREVIEW_SESSION_KEY) == draft.pk,
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "signals/catalogue_draft.html", context, status=status)


def _draft_or_404() -> CatalogueDraft:
    draft = open_draft()
    if draft is None:
        raise Http404(_("No draft is open."))
    return draft


def _report(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@require_POST
@require_capability(Capability.EDIT_CATALOGUE)
def catalogue_draft_submit(request: HttpRequest, acting: Membership) -> HttpResponse:
    form = SubmitDraftForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(list(form.errors["note"]))
        do_submit_catalogue_draft(
            actor=acting, draft=_draft_or_404(), note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, _("Submitted: another editor approves the draft."))
    return redirect("signal-catalogue-draft")


@require_POST
@require_capability(Capability.APPROVE_CONTENT)
def catalogue_draft_approve(request: HttpRequest, acting: Membership) -> HttpResponse:
    draft = _draft_or_404()
    outcome = confirm(
        request,
        Confirmation(
            title=_("Approve and publish this catalogue version?"),
            consequence=_(
                "Version %(version)s becomes the catalogue of every signal check, from now on. "
                "Checks already done keep the version they used."
            )
            % {"version": draft.version},
            action=_("Approve and publish"),
            cancel_url=reverse("signal-catalogue-draft"),
        ),
    )
    if isinstance(outcome, HttpResponse):
        return outcome
    try:
        published = do_approve_catalogue_draft(actor=acting, draft=draft)
    except ValidationError as error:
        _report(request, error)
        return redirect("signal-catalogue-draft")
    messages.success(
        request, _("Version %(version)s is published.") % {"version": published.version}
    )
    return redirect("signal-catalogue")


@require_POST
@require_capability(Capability.APPROVE_CONTENT)
def catalogue_draft_send_back(request: HttpRequest, acting: Membership) -> HttpResponse:
    form = SendBackDraftForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(list(form.errors["comment"]))
        do_send_back_catalogue_draft(
            actor=acting, draft=_draft_or_404(), comment=form.cleaned_data["comment"]
        )
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, _("The draft was sent back to its editor."))
    return redirect("signal-catalogue-draft")


@require_POST
@require_capability(Capability.EDIT_CATALOGUE)
def catalogue_draft_preview(request: HttpRequest, acting: Membership) -> HttpResponse:
    """Switch the check to the draft for this editor only, or back to the version in force."""
    draft = _draft_or_404()
    if request.POST.get("preview") == "on":
        request.session[PREVIEW_SESSION_KEY] = draft.pk
        messages.info(request, _("The check now uses the draft, for you only."))
        return redirect("signal-check")
    request.session.pop(PREVIEW_SESSION_KEY, None)
    messages.info(request, _("The check uses the version in force again."))
    return redirect("signal-catalogue-draft")

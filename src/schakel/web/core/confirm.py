"""One confirmation step for actions with consequences (see docs/architecture.md).

A view that does something that cannot simply be undone (withdrawing consent, sending a report,
publishing, handing over a caseload) asks first: a page that names the consequence, asks for a
reason when the law or the audit needs one, and says "already done on ... by ..." instead of
doing it twice. The view stays small::

    outcome = confirm(request, Confirmation(
        title=_("Publish this article?"),
        consequence=_("Every reader sees version 3 from now on."),
        action=_("Publish"),
        cancel_url=reverse("knowledge-edit", args=[slug]),
        reason_label=None,                       # or _("Why?") to require a reason
        already=AlreadyDone(on=article.published_at, by=None) if ... else None,
        carry={"review_date": "2027-01-01"},     # fields the first form posted
    ))
    if isinstance(outcome, HttpResponse):
        return outcome                           # the question, or the question again
    do_the_thing(..., reason=outcome.reason)

Nothing happens until the person confirms on that page (the `confirmed` field); a request
without it only ever shows the question.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from schakel.web.core.forms import ConfirmForm

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CONFIRMED = "confirmed"


@dataclass(frozen=True)
class AlreadyDone:
    """The action was done before: when, by whom (if known), and whether doing it again is
    allowed (publishing again with a new review date is; sending the same report twice is not)."""

    on: dt.datetime | dt.date
    by: str | None = None
    again_allowed: bool = False


@dataclass(frozen=True)
class Confirmation:
    title: StrOrPromise
    consequence: StrOrPromise
    action: StrOrPromise
    cancel_url: str
    reason_label: StrOrPromise | None = None
    reason_help: StrOrPromise | None = None
    already: AlreadyDone | None = None
    carry: Mapping[str, str] = field(default_factory=dict)
    details: tuple[tuple[StrOrPromise, str], ...] = ()
    """(label, value) facts shown above the question, e.g. the person and the organisation."""


@dataclass(frozen=True)
class Confirmed:
    reason: str


def is_confirmed(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get(CONFIRMED) == "1"


def confirm(request: HttpRequest, confirmation: Confirmation) -> Confirmed | HttpResponse:
    """The confirmation page, or `Confirmed` once the person confirmed (with a valid reason).

    When the action was already done and may not be done again, the page only informs."""
    blocked = confirmation.already is not None and not confirmation.already.again_allowed
    if is_confirmed(request) and not blocked:
        form = ConfirmForm(request.POST, confirmation=confirmation)
        if form.is_valid():
            return Confirmed(reason=form.cleaned_data.get("reason", "").strip())
        return _page(request, confirmation, form, status=422)
    form = ConfirmForm(confirmation=confirmation)
    return _page(
        request, confirmation, form, status=409 if blocked and is_confirmed(request) else 200
    )


def _page(
    request: HttpRequest, confirmation: Confirmation, form: ConfirmForm, *, status: int
) -> HttpResponse:
    blocked = confirmation.already is not None and not confirmation.already.again_allowed
    context = {"confirmation": confirmation, "form": form, "blocked": blocked}
    return render(request, "core/confirm.html", context, status=status)

"""The public signal check: who, signals, what to do. No account needed, nothing stored.

Each page works as a full page; with htmx, answering questions swaps only the question block.
The check's state lives in the session (see `check.py`), never in a URL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect, push_url
from django_htmx.middleware import HtmxDetails

from schakel.engine.indicators import Answer, Catalogue, Evaluation, Indicator
from schakel.engine.indicators.perspective import ContactKind
from schakel.web.organisations.acting import acting_membership
from schakel.web.organisations.roles import Capability, has
from schakel.web.signals import results
from schakel.web.signals.actions import do_count_signal_check
from schakel.web.signals.catalogue import catalogue_for, previewed_draft
from schakel.web.signals.check import (
    CheckState,
    clear_state,
    load_state,
    role_kind_of,
    save_state,
)
from schakel.web.signals.contacts import articles, situation_contacts
from schakel.web.signals.forms import AnswersForm, WhoForm
from schakel.web.signals.labels import OUTCOMES, ROLE_KINDS, RULES

FIRST = "first"


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


QUESTIONS_PER_PAGE = 5


def public(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Open without an account; never cached, since the page shows the visitor's answers."""
    return login_not_required(cache_control(no_store=True, private=True)(view))


def _defaults(request: HttpRequest) -> dict[str, str]:
    acting = acting_membership(request)
    if acting is None:
        return {"foreign_national": "unknown", "domestic_setting": "unknown"}
    return {
        "role": role_kind_of(acting.organisation.type).value,
        "region": acting.organisation.region,
        "foreign_national": "unknown",
        "domestic_setting": "unknown",
    }


@public
def check_start(request: HttpRequest) -> HttpResponse:
    catalogue = catalogue_for(request)
    previous = load_state(request, catalogue)
    initial = WhoForm.initial_from(previous, _defaults(request))
    form = WhoForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        state = form.state(previous)
        state.catalogue_version = catalogue.version
        save_state(request, state)
        return redirect("signal-check-questions")
    status = 422 if request.method == "POST" else 200
    return render(request, "signals/check_who.html", {"form": form}, status=status)


def _next_part(parts: list[str], part: str) -> str | None:
    if part == FIRST:
        return FIRST
    index = parts.index(part)
    return parts[index + 1] if index + 1 < len(parts) else None


def _part_url(part: str, number: int = 1) -> str:
    """Every round of most decisive questions has its own address, so Back returns to it."""
    if part == FIRST:
        if number <= 1:
            return reverse("signal-check-questions")
        return reverse("signal-check-round", args=[number])
    return reverse("signal-check-part", args=[part])


def _round_questions(
    catalogue: Catalogue, state: CheckState, evaluation: Evaluation, number: int
) -> list[Indicator]:
    """A round already answered shows what it showed then; the next one, the most decisive
    questions not yet asked."""
    if number <= len(state.rounds):
        return [
            catalogue.indicator(i) for i in state.rounds[number - 1] if catalogue.has_indicator(i)
        ]
    return results.first_questions(catalogue, state, evaluation, QUESTIONS_PER_PAGE)


def _questions_context(
    catalogue: Catalogue,
    state: CheckState,
    part: str,
    form: AnswersForm | None = None,
    number: int = 1,
) -> dict[str, Any]:
    evaluation = state.evaluate(catalogue)
    if part == FIRST:
        indicators = _round_questions(catalogue, state, evaluation, number)
    else:
        indicators = results.indicators_of_part(catalogue, state, part)
    if form is None or set(form.fields) != {i.id for i in indicators}:
        form = AnswersForm(indicators, state.answers)
    found = results.examples(catalogue, indicators)
    parts = results.parts_of(catalogue, state)
    slugs = [slug for slug, _label in parts]
    following = _next_part(slugs, part)
    indicator_set = catalogue.get_set(state.set_id)
    return {
        "state": state,
        "part": part,
        "round": number,
        "action": _part_url(part, number),  # not request.path: htmx swaps in the next one
        "revisited": part == FIRST and number <= len(state.rounds) and bool(indicators),
        "previous_url": _part_url(FIRST, number - 1) if part == FIRST and number > 1 else "",
        "parts": [(slug, label, _part_url(slug)) for slug, label in parts],
        "questions": [(form[i.id], found[i.id]) for i in indicators],
        "form": form,
        "outcome": OUTCOMES[evaluation.outcome.value],
        "decided": not evaluation.next_questions,
        "settled": not evaluation.next_questions and not indicators,  # said once, then the result
        "answered": sum(1 for i in indicator_set.indicators if _known(state, i.id)),
        "unknown": sum(
            1 for i in indicator_set.indicators if state.answers.get(i.id) == Answer.UNKNOWN
        ),
        "total": len(indicator_set.indicators),
        "indicator_set": indicator_set,
        "set_reason": results.set_reason(state, indicator_set),
        "next_part": following if following != part else None,
        "part_label": dict(parts).get(part),
    }


def _known(state: CheckState, indicator_id: str) -> bool:
    """Answered yes or no: "I don't know" is asked but not answered."""
    return state.answers.get(indicator_id) in (Answer.PRESENT, Answer.ABSENT)


@public
def check_questions(request: HtmxHttpRequest, part: str = FIRST, number: int = 1) -> HttpResponse:
    catalogue = catalogue_for(request)
    state = load_state(request, catalogue)
    if state is None:
        return redirect("signal-check")
    slugs = [slug for slug, _label in results.parts_of(catalogue, state)]
    if part != FIRST and part not in slugs:
        raise Http404
    if part == FIRST and number > len(state.rounds) + 1:
        return redirect(_part_url(FIRST, len(state.rounds) + 1))
    context = _questions_context(catalogue, state, part, number=number)
    form = context["form"]
    if request.method == "POST":
        form = AnswersForm(_posted(catalogue, state, part, request), state.answers, request.POST)
        if form.is_valid():
            state.record(form.answers())
            if part == FIRST:
                shown = [name for name in context["form"].fields if name in form.indicators]
                rest = [name for name in form.indicators if name not in shown]
                state.record_round(number, shown + rest)
            save_state(request, state)
            return _after_answers(request, catalogue, state, part, slugs, number)
        context = _questions_context(catalogue, state, part, form, number)
    template = "signals/check_questions.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#questions"  # Back asks for the whole page: its answers are read afresh
    return render(request, template, context, status=422 if form.errors else 200)


@public
def check_round(request: HtmxHttpRequest, number: int) -> HttpResponse:
    if number < 2:
        return redirect("signal-check-questions")
    return check_questions(request, FIRST, number)


def _posted(
    catalogue: Catalogue, state: CheckState, part: str, request: HttpRequest
) -> list[Indicator]:
    """The questions answered in this post: a dimension's, or (most decisive first) the ones
    that were shown, which the answers themselves name."""
    if part != FIRST:
        return results.indicators_of_part(catalogue, state, part)
    return [i for i in catalogue.indicators_of(state.set_id) if i.id in request.POST]


def _after_answers(
    request: HtmxHttpRequest,
    catalogue: Catalogue,
    state: CheckState,
    part: str,
    slugs: list[str],
    number: int,
) -> HttpResponse:
    following = _next_part(slugs, part)
    if request.POST.get("next") == "result" or following is None:
        url = reverse("signal-check-result")
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    following_number = number + 1 if part == FIRST else 1
    url = _part_url(following, following_number)
    if not request.htmx:
        return redirect(url)
    context = _questions_context(catalogue, state, following, number=following_number)
    context["swapped"] = True
    response = render(request, "signals/check_questions.html#questions", context)
    return push_url(response, url)


def _result_context(
    request: HttpRequest, catalogue: Catalogue, state: CheckState, evaluation: Evaluation
) -> dict[str, Any]:
    perspective = state.perspective(evaluation)
    acting = acting_membership(request)
    signed_in = request.user.is_authenticated
    contacts = situation_contacts(region=state.region, form=state.form, minor=state.minor)
    steps = results.step_views(perspective, contacts)
    first = results.first_steps(steps)
    return {
        "state": state,
        "evaluation": evaluation,
        "indicator_set": catalogue.get_set(state.set_id),
        "outcome": OUTCOMES[evaluation.outcome.value],
        "rule": RULES.get(evaluation.rule, ""),
        "dimensions": results.dimension_rows(catalogue, evaluation),
        "observations": results.observation_labels(catalogue, evaluation),
        "next_questions": results.next_question_rows(catalogue, evaluation),
        "perspective": perspective,
        "role_label": ROLE_KINDS[state.role.value],  # as chosen in step 1
        "steps": steps,
        "first_steps": first,
        "coordinator": contacts.coordinator,
        "coordinator_in_steps": contacts.coordinator is not None
        and any(
            label == contacts.coordinator.name for view in first for label, _p in view.contacts
        ),
        "contacts": [  # 112 stands once, on top of the page
            line
            for line in results.contact_rows(contacts.lines, signed_in)
            if line.kind != ContactKind.EMERGENCY
        ],
        "articles": articles(
            role=state.role,
            form=state.form,
            minor=state.minor,
            language=get_language() or "nl",
            public=not signed_in,
        ),
        "may_share": has(acting, Capability.CONSULT),
        "catalogue": catalogue,
    }


@public
def check_result(request: HttpRequest) -> HttpResponse:
    catalogue = catalogue_for(request)
    state = load_state(request, catalogue)
    if state is None:
        return redirect("signal-check")
    evaluation = state.evaluate(catalogue)
    if previewed_draft(request) is None:  # an editor's preview of a draft is not a check
        do_count_signal_check(state=state, evaluation=evaluation)
    save_state(request, state)
    context = _result_context(request, catalogue, state, evaluation)
    return render(request, "signals/check_result.html", context)


@require_POST
@public
def check_restart(request: HttpRequest) -> HttpResponse:
    clear_state(request)
    return redirect("signal-check")


@require_POST
def check_mail(request: HttpRequest) -> HttpResponse:
    """E-mail the advice to the signed-in professional: the outcome and the steps, nothing
    from the answers that could identify the person; sent by the job queue."""
    from django.template.loader import render_to_string

    from schakel.web.notifications.service import queue_email

    catalogue = catalogue_for(request)
    state = load_state(request, catalogue)
    if state is None:
        return redirect("signal-check")
    if not request.user.email:  # type: ignore[union-attr]
        messages.error(request, _("Your account has no e-mail address to send the advice to."))
        return redirect("signal-check-result")
    evaluation = state.evaluate(catalogue)
    context = _result_context(request, catalogue, state, evaluation)
    context["url"] = f"{settings.BASE_URL}{reverse('signal-check')}"
    body = render_to_string("signals/advice_email.txt", context, request=request)
    subject = _("Schakel: your advice after the signal check")
    queue_email(user=request.user, subject=subject, body=body)  # type: ignore[arg-type]
    messages.success(request, _("The advice is on its way to your e-mail address."))
    return redirect("signal-check-result")

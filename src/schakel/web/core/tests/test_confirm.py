"""The confirmation step: nothing happens without it; a required reason is asked for; a thing
already done and not to be repeated is refused with a notice."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation

from schakel.web.core.confirm import AlreadyDone, Confirmation, Confirmed, confirm

QUESTION = Confirmation(
    title="Send the report?",
    consequence="The national centre receives it.",
    action="Send",
    cancel_url="/back/",
    reason_label="Why now?",
    carry={"review_date": "2027-01-01"},
)


def ask(data: dict[str, str], question: Confirmation = QUESTION) -> Confirmed | HttpResponse:
    request = RequestFactory().post("/send/", data)
    request.user = AnonymousUser()
    with translation.override("en"):
        return confirm(request, question)


def test_without_confirmation_only_the_question_is_shown() -> None:
    answer = ask({"review_date": "2027-01-01"})
    assert isinstance(answer, HttpResponse) and answer.status_code == 200
    html = answer.content.decode()
    assert "The national centre receives it." in html and 'name="confirmed"' in html
    assert 'name="review_date" value="2027-01-01"' in html  # the first form's answer is kept


def test_a_required_reason_must_be_given() -> None:
    answer = ask({"confirmed": "1", "reason": "  "})
    assert isinstance(answer, HttpResponse) and answer.status_code == 422
    assert "schakel-error-summary" in answer.content.decode()
    done = ask({"confirmed": "1", "reason": "The person asked for it."})
    assert done == Confirmed(reason="The person asked for it.")


def test_done_before_is_refused_with_who_and_when() -> None:
    once = Confirmation(
        title="Send the report?",
        consequence="The national centre receives it.",
        action="Send",
        cancel_url="/back/",
        already=AlreadyDone(on=dt.date(2026, 12, 6), by="A. Jansen"),
    )
    answer = ask({"confirmed": "1"}, once)
    assert isinstance(answer, HttpResponse) and answer.status_code == 409
    html = answer.content.decode()
    assert "already done on 6 December 2026 by A. Jansen" in html
    assert 'name="confirmed"' not in html
    again = dataclasses.replace(once, already=AlreadyDone(dt.date(2026, 12, 6), again_allowed=True))
    assert ask({"confirmed": "1"}, again) == Confirmed(reason="")

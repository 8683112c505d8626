"""The public signal check end to end: no account, full pages and htmx, nothing stored."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from schakel.engine.indicators import Dimension
from schakel.web.audit.models import AuditEntry
from schakel.web.signals.models import Assessment, Consultation, SignalCheckStatistic
from schakel.web.signals.tests.helpers import WHO, answer_part, complete_check, positive
from schakel.web.trajectories.models import Identity, Person, Trajectory, TrajectoryEvent

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def test_the_check_is_open_without_an_account_and_stores_nothing_identifying() -> None:
    client = Client()
    start = client.get(reverse("signal-check"))
    assert start.status_code == 200
    assert "no-store" in start["Cache-Control"]
    complete_check(client)
    result = client.get(reverse("signal-check-result"))
    assert result.status_code == 200
    text = result.content.decode()
    assert "De indicatoren van mensenhandel zijn vervuld" in text or "are met" in text
    for needed in ("112", "0800-2000", "Veilig Thuis", "afwegingskader", "Arbeidsinspectie"):
        assert needed in text, needed
    assert not re.search(r"\bis (een )?slachtoffer\b", text)
    for model in (Person, Identity, Trajectory, TrajectoryEvent, Assessment, Consultation):
        assert not model.objects.exists(), model.__name__
    assert not AuditEntry.objects.exists()
    assert "signal_check" in client.session, "the answers live in the session only"


def test_english_result_and_the_why() -> None:
    client = Client()
    client.cookies["django_language"] = "en"
    complete_check(client, {"age": "adult", "form": "labour", "foreign_national": "yes"})
    text = client.get(reverse("signal-check-result")).content.decode()
    assert "The indicators of human trafficking are met" in text
    assert "Deceptive recruitment" in text and "Positive" in text
    assert "Reflection period" in text and "0900-8844" in text
    assert "is a victim" not in text
    assert "Sign in" in text and f'href="{reverse("signal-consult")}"' not in text


def test_a_completed_check_is_counted_once_and_moves_when_its_outcome_changes() -> None:
    client = Client()
    complete_check(client)
    client.get(reverse("signal-check-result"))
    client.get(reverse("signal-check-result"))
    row = SignalCheckStatistic.objects.get()
    month = timezone.localdate().replace(day=1)
    assert (row.month, row.form, row.role_kind, row.region, row.outcome, row.count) == (
        month,
        "labour",
        "youth_care",
        "rotterdam",
        "met",
        1,
    )
    answer_part(client, "d1", [])  # no deceptive recruitment: the outcome is open again
    client.get(reverse("signal-check-result"))
    counts = dict(SignalCheckStatistic.objects.values_list("outcome", "count"))
    assert counts == {"met": 0, "could_still_be_met": 1}


def test_step_one_errors_are_summarised_and_linked_to_the_fields() -> None:
    response = Client().post(reverse("signal-check"), {"region": "nowhere"})
    assert response.status_code == 422
    text = response.content.decode()
    assert 'href="#id_age_0"' in text and 'href="#id_region"' in text
    assert 'aria-invalid="true"' in text
    assert re.search(r'<fieldset[^>]*aria-describedby="id_age-hint id_age-error"', text)


def test_questions_without_step_one_go_back_to_step_one() -> None:
    client = Client()
    for name in ("signal-check-questions", "signal-check-result"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"] == reverse("signal-check")
    assert client.get(reverse("signal-check-part", args=["d9"])).status_code == 302


def test_most_decisive_questions_first_with_htmx_and_full_pages() -> None:
    client = Client()
    client.post(reverse("signal-check"), WHO)
    url = reverse("signal-check-questions")
    page = client.get(url)
    shown = list(page.context["form"].fields)
    assert len(shown) == 5
    partial = client.post(url, {i: "unknown" for i in shown}, headers=HTMX)
    assert partial.status_code == 200
    text = partial.content.decode()
    assert text.lstrip().startswith('<div id="check-questions"') and "<html" not in text
    assert "autofocus" in text, "focus moves to the new questions"
    following = list(partial.context["form"].fields)
    assert following and not set(following) & set(shown), "don't know counts as asked"
    assert partial["HX-Push-Url"] == reverse("signal-check-round", args=[2])
    round_2 = reverse("signal-check-round", args=[2])
    full = client.post(round_2, {i: "present" for i in following})
    assert full.status_code == 302 and full["Location"] == reverse("signal-check-round", args=[3])
    back = client.get(url)  # Back: round 1 shows its own questions again, answered
    assert list(back.context["form"].fields) == shown
    assert all(back.context["form"][i].initial == "unknown" for i in shown)
    again = client.get(round_2)
    assert list(again.context["form"].fields) == following
    assert client.get(reverse("signal-check-round", args=[9]))["Location"] == reverse(
        "signal-check-round", args=[3]
    )
    to_result = client.post(url, {"next": "result"}, headers=HTMX)
    assert to_result["HX-Redirect"] == reverse("signal-check-result")


def test_a_dimension_page_answers_and_moves_on_to_the_next_part() -> None:
    client = Client()
    client.post(reverse("signal-check"), WHO)
    d1 = reverse("signal-check-part", args=["d1"])
    page = client.get(d1)
    assert page.status_code == 200
    assert 'aria-current="page"' in page.content.decode()
    present = positive("children-labour", Dimension.D1)
    response = client.post(d1, {i: "present" for i in present}, headers=HTMX)
    assert response["HX-Push-Url"] == reverse("signal-check-part", args=["d2"])
    assert client.session["signal_check"]["answers"] == {
        **{i: "present" for i in present},
        **{i: "unknown" for i in page.context["form"].fields if i not in present},
    }
    bad = client.post(d1, {present[0]: "maybe"})
    assert bad.status_code == 422


def test_restart_clears_the_answers() -> None:
    client = Client()
    complete_check(client)
    response = client.post(reverse("signal-check-restart"))
    assert response.status_code == 302
    assert "signal_check" not in client.session


def test_changing_step_one_keeps_answers_only_for_the_same_set() -> None:
    client = Client()
    complete_check(client)
    client.post(reverse("signal-check"), {**WHO, "role": "education"})
    assert client.session["signal_check"]["answers"]
    client.post(reverse("signal-check"), {**WHO, "form": "sexual"})
    assert client.session["signal_check"]["answers"] == {}


def test_the_check_survives_signing_in(member: object, org_a: object) -> None:
    from schakel.engine.vocabulary import Role

    membership = member(org_a, Role.FRONTLINE)  # type: ignore[operator]
    client = Client()
    complete_check(client)
    client.force_login(membership.user)
    text = client.get(reverse("signal-check-result")).content.decode()
    assert reverse("signal-consult") in text and reverse("signal-refer") in text


def test_observation_aids_have_their_own_part_and_show_in_the_result() -> None:
    client = Client()
    client.cookies["django_language"] = "en"
    client.post(reverse("signal-check"), {**WHO, "form": "criminal"})
    other = reverse("signal-check-part", args=["other"])
    page = client.get(other)
    assert page.status_code == 200
    aids = list(page.context["form"].fields)
    assert aids and all(i.startswith("CEM-") for i in aids)
    response = client.post(other, {aids[0]: "present"})
    assert response["Location"] == reverse("signal-check-result"), "the last part ends the list"
    text = client.get(reverse("signal-check-result")).content.decode()
    assert "Other observations you noted" in text
    assert "Offences committed under coercion" in text
    assert "provisional" in text


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ({"age": "adult", "form": "criminal"}, "There is no set of indicators of its own"),
        ({"age": "minor", "form": "sexual"}, "This set is provisional"),
        ({"age": "minor", "form": "unknown"}, "You do not know the form of exploitation"),
        ({"age": "minor", "form": "labour"}, None),
    ],
)
def test_a_set_of_another_form_says_why(who: dict[str, str], expected: str | None) -> None:
    client = Client()
    client.cookies["django_language"] = "en"
    client.post(reverse("signal-check"), {**WHO, **who})
    text = client.get(reverse("signal-check-questions")).content.decode()
    if expected is None:
        assert "read it as whatever the person must do" not in text
    else:
        assert expected in text and "read it as whatever the person must do" in text


def test_a_settled_outcome_is_stated_without_a_question_intro() -> None:
    client = Client()
    client.cookies["django_language"] = "en"
    complete_check(client, {"age": "minor", "form": "labour"})
    state = client.session["signal_check"]
    url = reverse("signal-check-questions")
    for _round in range(30):
        page = client.get(url)
        if not page.context["questions"]:
            break
        client.post(url, {name: "absent" for name in page.context["form"].fields})
        url = reverse(
            "signal-check-round", args=[len(client.session["signal_check"]["rounds"]) + 1]
        )
    text = page.content.decode()
    assert page.context["decided"] and "The outcome is settled" in text
    assert "These are the questions whose answer matters most" not in text
    assert state["answers"]


def test_without_a_region_the_national_lines_and_centre_are_reachable() -> None:
    client = Client()
    complete_check(client, {"age": "adult", "form": "labour", "region": "", "role": "police"})
    response = client.get(reverse("signal-check-result"))
    assert response.status_code == 200
    kinds = {line.kind for line in response.context["contacts"]}
    assert "police" in kinds and "emergency" not in kinds  # 112 stands once, on top
    for view in response.context["steps"]:
        for label, _phone in view.contacts:
            assert label


def test_the_advice_is_mailed_to_the_signed_in_professional_without_answers(
    frontline: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core import mail

    from schakel.web.core.testing import signed_in
    from schakel.web.jobs.testing import run_queued_jobs

    frontline.user.email = "werker@example.org"
    frontline.user.save()
    client = signed_in(frontline)
    complete_check(client)
    page = client.get(reverse("signal-check-result")).content.decode()
    assert reverse("signal-check-mail") in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("signal-check-mail"))
    assert response.status_code == 302 and mail.outbox == []
    run_queued_jobs()
    [message] = mail.outbox
    assert message.to == ["werker@example.org"]
    assert "112" in message.body and "Veilig Thuis" in message.body
    assert "Misleid" not in message.body  # no answer of the check goes with it
    assert (
        reverse("signal-check-mail") not in Client().get(reverse("signal-check")).content.decode()
    )


def test_a_settled_outcome_is_said_once_with_the_result_as_the_main_action() -> None:
    client = Client()
    complete_check(client, {"age": "minor", "form": "labour"})
    url = reverse("signal-check-questions")
    for _round in range(30):
        page = client.get(url)
        if not page.context["questions"]:
            break
        client.post(url, {name: "absent" for name in page.context["form"].fields})
        url = reverse(
            "signal-check-round", args=[len(client.session["signal_check"]["rounds"]) + 1]
        )
    assert page.context["settled"]
    text = page.content.decode()
    outcome = str(page.context["outcome"])
    assert text.count(outcome) == 1, text
    assert "Uitkomst tot nu toe" not in text and "De uitkomst staat vast" in text
    result = reverse("signal-check-result")
    primary = "utrecht-button-link utrecht-button-link--primary-action"
    assert f'class="{primary}" href="{result}"' in text


def _action(response: Any) -> str:
    found = re.search(
        r'<form method="post" action="([^"]+)" hx-post="([^"]+)"', response.content.decode()
    )
    assert found and found.group(1) == found.group(2), "the form and htmx post to one address"
    return found.group(1)


def test_htmx_rounds_post_to_their_own_round_so_dont_know_is_never_asked_again() -> None:
    """The design: each round asks the most decisive questions not asked before, and "I don't
    know" counts as asked. A round swapped in by htmx must post to its own address: it used to
    post to round 1's, which overwrote round 1 and showed the next questions as "round 2"
    again, so Back led to questions answered "I don't know" under the heading of round 1."""
    client = Client()
    client.post(reverse("signal-check"), WHO)
    url = reverse("signal-check-questions")
    asked: list[str] = []
    page = client.get(url)
    for number in (1, 2, 3):
        shown = list(page.context["form"].fields)
        assert page.context["round"] == number
        assert not set(shown) & set(asked), f"round {number} asks a question again"
        asked += shown
        action = _action(page)
        assert action == (url if number == 1 else reverse("signal-check-round", args=[number]))
        page = client.post(action, {i: "unknown" for i in shown}, headers=HTMX)
        assert page["HX-Push-Url"] == reverse("signal-check-round", args=[number + 1])
    rounds = client.session["signal_check"]["rounds"]
    assert [i for r in rounds for i in r] == asked
    back = client.get(url)
    assert list(back.context["form"].fields) == asked[:5]
    assert "Deze vragen heeft u al beantwoord" in back.content.decode(), "says why they return"
    assert "Deze vragen heeft u al beantwoord" not in page.content.decode()


def test_htmx_parts_post_to_their_own_part_and_keep_the_answers_of_the_last() -> None:
    client = Client()
    client.post(reverse("signal-check"), WHO)
    d1 = reverse("signal-check-part", args=["d1"])
    present = positive("children-labour", Dimension.D1)
    d2_page = client.post(d1, {i: "present" for i in present}, headers=HTMX)
    d2 = reverse("signal-check-part", args=["d2"])
    assert _action(d2_page) == d2
    d2_ids = list(d2_page.context["form"].fields)
    client.post(_action(d2_page), {d2_ids[0]: "present"}, headers=HTMX)
    answers = client.session["signal_check"]["answers"]
    assert all(answers[i] == "present" for i in present), "d1's answers stay"
    assert answers[d2_ids[0]] == "present"


def test_the_count_of_answered_questions_leaves_out_dont_know() -> None:
    """The walk's finding: "U heeft N vragen beantwoord" counted "Weet ik niet" as an answer."""
    client = Client()
    client.post(reverse("signal-check"), WHO)
    url = reverse("signal-check-questions")
    shown = list(client.get(url).context["form"].fields)
    assert len(shown) >= 3
    answers = {shown[0]: "present", shown[1]: "absent"} | {i: "unknown" for i in shown[2:]}
    page = client.post(url, answers, headers=HTMX)
    total = page.context["total"]
    text = page.content.decode()
    assert f"U heeft 2 van de {total} vragen beantwoord." in text
    assert f"Bij {len(shown) - 2} vragen koos u “Weet ik niet”." in text
    client.cookies["django_language"] = "en"
    english = client.get(reverse("signal-check-round", args=[2])).content.decode()
    assert f"You answered 2 questions of {total}." in english
    assert f"For {len(shown) - 2} questions you chose “I don't know”." in english

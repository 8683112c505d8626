"""The NL Design System form renderer: every form page labels its fields; errors are summarised."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django import forms
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from schakel.engine.vocabulary import Role
from schakel.web.core.forms import blank_form
from schakel.web.core.testing import signed_in
from schakel.web.core.testing.html import error_summary_links, read_page, unlabelled_fields
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.trajectories.forms import RevealForm
from schakel.web.trajectories.models import Trajectory


class Example(forms.Form):
    title = forms.CharField(label="Title", max_length=80, help_text="A short name.")
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea)
    due = forms.DateField(label="Due")
    kind = forms.ChoiceField(
        label="Kind", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect
    )
    agree = forms.BooleanField(label="I agree")
    version = forms.IntegerField(widget=forms.HiddenInput)


def render(form: forms.Form) -> str:
    return Template("{{ form }}").render(Context({"form": form}))


def test_form_renders_label_above_hint_counter_and_date_picker() -> None:
    html = render(Example())
    assert unlabelled_fields(html) == []
    assert html.index('<label class="utrecht-form-label" for="id_title">') < html.index(
        'id="id_title"'
    )
    assert 'id="id_title_helptext"' in html
    assert 'aria-describedby="id_title_helptext id_title_counter"' in html
    assert 'data-counter="id_title_counter"' in html and 'data-limit="80"' in html
    assert 'type="date"' in html and "utrecht-textbox" in html
    assert "utrecht-textarea" in html and "utrecht-checkbox" in html
    assert html.count("schakel-optional") == 1  # only the note is optional
    assert "<legend" in html  # the radio group is a fieldset
    assert 'class="utrecht-radio' not in html  # options are plain inputs (a 24 px target in CSS)
    assert "schakel-error-summary" not in html


def test_empty_submission_shows_summary_linking_to_each_field() -> None:
    form = Example(data={})
    html = render(form)
    links = error_summary_links(html)
    assert links == ["id_title", "id_due", "id_kind_0", "id_agree"]
    ids = read_page(html).ids
    assert all(link in ids for link in links)
    assert 'aria-invalid="true"' in html and 'id="id_title_error"' in html
    assert html.count("schakel-error-summary") == 1


def test_the_summary_names_each_field_once() -> None:
    class Named(forms.Form):
        name = forms.CharField(label="Naam", error_messages={"required": "Naam is verplicht."})
        town = forms.CharField(label="Woonplaats")

    html = render(Named(data={}))
    summary = html[html.index("schakel-error-summary") : html.index("</ul>")]
    assert '<a class="utrecht-link" href="#id_name">Naam is verplicht.</a>' in summary
    assert "Naam: Naam" not in summary
    assert 'href="#id_town">Woonplaats: ' in summary  # a message without the label gets it


def test_a_sentence_or_question_as_label_loses_its_end_mark_in_the_summary() -> None:
    class Consent(forms.Form):
        agree = forms.BooleanField(label="Ik heb het uitgelegd en de persoon stemde in.")
        how = forms.CharField(label="Hoe is de toestemming gegeven?")

    html = render(Consent(data={}))
    summary = html[html.index("schakel-error-summary") : html.index("</ul>")]
    assert 'href="#id_agree">Ik heb het uitgelegd en de persoon stemde in: ' in summary
    assert 'href="#id_how">Hoe is de toestemming gegeven: ' in summary
    assert ".:" not in summary and "?:" not in summary


def test_summary_included_on_the_page_is_not_repeated_by_the_form() -> None:
    template = Template('{% include "core/_error_summary.html" %}<form>{{ form }}</form>')
    html = template.render(Context({"form": Example(data={})}))
    assert html.count("schakel-error-summary") == 1
    assert html.index("schakel-error-summary") < html.index("<form>")


def test_model_form_dates_use_the_browser_date_picker() -> None:
    class Dated(forms.Form):
        on = forms.DateField()

    html = render(Dated(initial={"on": "2026-12-06"}))
    assert 'type="date"' in html and 'value="2026-12-06"' in html


@pytest.fixture
def editor(org_a: Organisation, member: Callable[..., Membership]) -> Membership:
    return member(org_a, Role.CONTENT_EDITOR)


@pytest.fixture
def analyst(org_a: Organisation, member: Callable[..., Membership]) -> Membership:
    return member(org_a, Role.ANALYST)


@pytest.mark.django_db
def test_every_form_page_labels_its_fields_and_summarises_empty_submissions(
    coordinator_a: Membership,
    trajectory_a: Trajectory,
    editor: Membership,
    analyst: Membership,
) -> None:
    pk = trajectory_a.pk
    pages: list[tuple[Membership | None, str, dict[str, str] | None]] = [
        (None, reverse("login"), {}),
        (coordinator_a, reverse("register-person"), {"check": "1"}),
        (coordinator_a, reverse("record-event", args=[pk, "intake"]), {}),
        (coordinator_a, reverse("record-event", args=[pk, "placement_start"]), {}),
        (coordinator_a, reverse("trajectory-consents", args=[pk]), {}),
        (coordinator_a, reverse("trajectory-refer", args=[pk]), {}),
        (coordinator_a, reverse("register-time", args=[pk]), {}),
        (coordinator_a, reverse("handover"), {}),
        (editor, reverse("knowledge-create"), {}),
        (editor, reverse("socialmap-create"), {}),
        (editor, reverse("training-create"), {}),
        (editor, reverse("knowledge-index"), None),
        (editor, reverse("socialmap-list"), None),
        (analyst, reverse("monitor:overview"), None),
    ]
    for who, url, empty in pages:
        client = signed_in(who) if who else Client()
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "<form" in html, url
        assert unlabelled_fields(html) == [], url
        if empty is None:
            continue
        # A browser always sends the CSRF token, so an "empty" form is never an empty POST.
        response = client.post(url, {"csrfmiddlewaretoken": "-", **empty})
        assert response.status_code in (200, 400, 422), url
        html = response.content.decode()
        links = error_summary_links(html)
        assert "schakel-error-summary" in html, url
        assert links or "<li>" in html, url
        ids = read_page(html).ids
        assert all(link in ids for link in links), (url, links)


@pytest.mark.django_db
def test_django_messages_say_how_to_put_it_right_and_lists_start_with_a_question() -> None:
    from django import forms
    from django.utils import translation

    from schakel.web.organisations.models import Organisation

    class Sample(forms.Form):
        name = forms.CharField(max_length=5)
        website = forms.URLField(assume_scheme="https")
        count = forms.IntegerField()
        organisation = forms.ModelChoiceField(queryset=Organisation.objects.all())

    with translation.override("nl"):
        form = Sample({"name": "x" * 8, "website": "geen adres", "count": "1.5"})
        assert form.errors["name"] == ["Maak dit korter: hoogstens 5 tekens (het zijn er nu 8)."]
        assert str(form.errors["website"][0]).startswith("Vul een volledig webadres in")
        assert str(form.errors["count"][0]).startswith("Vul een heel getal in")
        assert form.errors["organisation"] == ["Dit is verplicht: vul het in of maak een keuze."]
        html = form["organisation"].as_field_group()
        assert "Kies …" in html and "---------" not in html
    with translation.override("en"):
        assert Sample({})["organisation"].as_field_group().count("Choose …") == 1


def test_a_blank_form_is_the_unbound_form_in_the_active_language() -> None:
    with translation.override("nl"):
        dutch = blank_form(RevealForm)
        assert dutch == RevealForm().render()
        assert "Waarom" in dutch
        assert blank_form(RevealForm) is dutch  # rendered once
    with translation.override("en"):
        english = blank_form(RevealForm)
        assert english == RevealForm().render()
        assert "Why do you need to see who this is?" in english

"""A count put into a sentence is written as people read it: "51.500", not "51500"."""

from __future__ import annotations

from django import forms
from django.template import Context, Template
from django.utils import translation

from schakel.engine.problems import Problem
from schakel.web.core.engine_messages import message_for
from schakel.web.signals.forms import ConsultationForm


def test_a_text_that_is_too_long_says_by_how_much_in_grouped_numbers() -> None:
    with translation.override("nl"):
        form = ConsultationForm({"question": "x" * 51500})
        assert form.errors["question"] == [
            "Deze tekst is 51.500 tekens lang; maak hem korter, tot hoogstens 2.000."
        ]
    with translation.override("en"):
        form = ConsultationForm({"question": "x" * 51500})
        assert "51,500 characters long" in form.errors["question"][0]


def test_the_counter_and_an_engine_message_group_their_numbers() -> None:
    class Long(forms.Form):
        text = forms.CharField(max_length=5000, widget=forms.Textarea)

    with translation.override("nl"):
        page = Template("{{ form }}").render(Context({"form": Long()}))
        assert "Maximaal 5.000 tekens" in page
        problem = Problem("note", "string_too_long", "too long", {"max_length": 2000})
        assert message_for(problem) == "Vul ten hoogste 2.000 tekens in."


def test_a_bound_that_is_no_count_stays_as_it_is() -> None:
    with translation.override("nl"):
        problem = Problem("year", "greater_than_equal", "too small", {"ge": 1900})
        assert message_for(problem) == "Vul een waarde van ten minste 1900 in."

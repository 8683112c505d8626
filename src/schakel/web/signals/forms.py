"""Forms of the signal check. Every question has a label or a legend, every choice a text."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from schakel.engine.identity import InvalidIdentityError, parse_identity
from schakel.engine.indicators import Answer, Indicator
from schakel.engine.indicators.perspective import RoleKind
from schakel.engine.vocabulary import ExploitationForm, Region
from schakel.web.core.birth_date import BirthDateField
from schakel.web.core.engine_messages import field_messages
from schakel.web.core.fields import NO_NAMES_HINT
from schakel.web.core.labels import choices
from schakel.web.core.numbers import count_length
from schakel.web.signals.check import CheckState
from schakel.web.signals.labels import ANSWERS, ROLE_KINDS, STRENGTHS
from schakel.web.trajectories.models import Consent

UNKNOWN = "unknown"
TRI_STATE = [("yes", _("Yes")), ("no", _("No")), (UNKNOWN, _("I don't know"))]
TRI_VALUES = {"yes": True, "no": False, UNKNOWN: None}


def _tri(value: bool | None) -> str:
    return {True: "yes", False: "no", None: UNKNOWN}[value]


def _radio(label: Any, options: list[tuple[str, Any]], missing: Any, **extra: Any) -> Any:
    return forms.ChoiceField(
        label=label,
        choices=options,
        widget=forms.RadioSelect,
        error_messages={"required": missing, "invalid_choice": missing},
        **extra,
    )


class WhoForm(forms.Form):
    """Step 1: whom the check is about and who is doing it. Nothing that identifies anyone."""

    age = _radio(
        _("How old is the person?"),
        [("minor", _("Under 18")), ("adult", _("18 or older"))],
        _("Choose how old the person is."),
        help_text=_("Not sure? Choose under 18 if the person may be a minor."),
    )
    form = _radio(
        _("What kind of exploitation do you suspect?"),
        [*choices(ExploitationForm), (UNKNOWN, _("I don't know"))],
        _("Choose a form of exploitation, or “I don't know”."),
    )
    role = _radio(
        _("What is your work?"),
        list(ROLE_KINDS.items()),
        _("Choose the work you do."),
    )
    region = forms.ChoiceField(
        label=_("In which police region do you work?"),
        choices=[("", _("I don't know")), *choices(Region)],
        required=False,
        help_text=_("Used to show the care coordinator and services of your region."),
    )
    foreign_national = _radio(
        _("Does the person have a nationality other than Dutch?"),
        TRI_STATE,
        _("Choose yes, no or “I don't know”."),
        initial=UNKNOWN,
    )
    domestic_setting = _radio(
        _("Does it happen within the family or an intimate relationship?"),
        TRI_STATE,
        _("Choose yes, no or “I don't know”."),
        initial=UNKNOWN,
    )

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        if data is not None:  # the "I don't know" defaults also hold when a post misses them
            data = data.copy()
            for name in ("foreign_national", "domestic_setting"):
                data.setdefault(name, UNKNOWN)
        super().__init__(data, **kwargs)

    def state(self, previous: CheckState | None) -> CheckState:
        """The check with these answers; earlier indicator answers are kept if the set stays."""
        data = self.cleaned_data
        state = CheckState(
            minor=data["age"] == "minor",
            form=None if data["form"] == UNKNOWN else ExploitationForm(data["form"]),
            role=RoleKind(data["role"]),
            region=Region(data["region"]) if data["region"] else None,
            foreign_national=TRI_VALUES[data["foreign_national"]],
            domestic_setting=TRI_VALUES[data["domestic_setting"]],
        )
        if previous is not None and previous.set_id == state.set_id:
            state.answers = dict(previous.answers)
            state.catalogue_version = previous.catalogue_version
            state.rounds = [list(r) for r in previous.rounds]
        return state

    @staticmethod
    def initial_from(state: CheckState | None, defaults: dict[str, str]) -> dict[str, str]:
        if state is None:
            return defaults
        return {
            "age": "minor" if state.minor else "adult",
            "form": state.form.value if state.form else UNKNOWN,
            "role": state.role.value,
            "region": state.region.value if state.region else "",
            "foreign_national": _tri(state.foreign_national),
            "domestic_setting": _tri(state.domestic_setting),
        }


class AnswersForm(forms.Form):
    """Step 2: one question per indicator shown, answered yes, no or "I don't know"."""

    def __init__(self, indicators: list[Indicator], answers: dict[str, str], *args: Any) -> None:
        super().__init__(*args)
        language = get_language() or "nl"
        options = list(ANSWERS.items())
        self.indicators = {indicator.id: indicator for indicator in indicators}
        for indicator in indicators:
            self.fields[indicator.id] = forms.ChoiceField(
                label=indicator.label.in_language(language),
                help_text=indicator.explanation.in_language(language),
                choices=options,
                widget=forms.RadioSelect,
                required=False,
                initial=answers.get(indicator.id, Answer.UNKNOWN.value),
            )

    def answers(self) -> dict[str, str]:
        return {
            indicator_id: self.cleaned_data.get(indicator_id) or Answer.UNKNOWN.value
            for indicator_id in self.indicators
        }


def _limited(field: forms.Field) -> forms.Field:
    """A text field whose limit is shown with a counter and checked on sending: the browser
    never cuts what was typed or pasted (no maxlength), the error says how much is too much."""
    field.widget.attrs.pop("maxlength", None)  # the form renderer shows the counter
    return count_length(field)


class ConsultationForm(forms.Form):
    question = forms.CharField(
        label=_("Your question for the care coordinator"),
        max_length=2000,
        widget=forms.Textarea({"rows": 6}),
        help_text=_(
            "Do not write the person's name, address, date of birth or anything else that "
            "identifies them. The summary of your check, if you started one, goes with it."
        ),
        error_messages={"required": _("Write your question.")},
    )
    region = forms.ChoiceField(
        label=_("Which region's care coordinator do you want to ask?"),
        choices=choices(Region),
        required=False,
    )

    def __init__(self, *args: Any, with_region: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limited(self.fields["question"])
        if not with_region:
            del self.fields["region"]
        else:
            self.fields["region"].required = True
            self.fields["region"].error_messages["required"] = _("Choose a region.")


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"),
        max_length=4000,
        widget=forms.Textarea({"rows": 6}),
        help_text=NO_NAMES_HINT,
        error_messages={"required": _("Write an answer.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limited(self.fields["answer"])


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your reply"),
        max_length=4000,
        widget=forms.Textarea({"rows": 4}),
        error_messages={"required": _("Write your reply.")},
        help_text=_("Nothing that identifies the person."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limited(self.fields["text"])


class ReferrerLabelForm(forms.Form):
    label = forms.CharField(
        label=_("Your own reference"),
        max_length=80,
        required=False,
        help_text=_(
            "A word or two that helps you recognise this referral. Only you see it; it is "
            "never sent by e-mail. Leave empty to remove it."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limited(self.fields["label"])


NAME_NEEDED = _("Give at least a given name or a family name.")


def _years_between(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def age_from_birth(value: str, today: dt.date) -> tuple[bool | None, int | None]:
    """Whether a (partial) date of birth makes the person a minor today, and the exact age
    when the day is known: (None, None) when a year or month alone leaves it open."""
    parts = [int(part) for part in value.split("-")]
    if len(parts) == 3:
        age = _years_between(dt.date(*parts), today)
        return age < 18, age
    year, month = parts[0], (parts[1] if len(parts) == 2 else None)
    first = dt.date(year, month or 1, 1)
    last_month = month or 12
    following = dt.date(year + last_month // 12, last_month % 12 + 1, 1)
    last = following - dt.timedelta(days=1)
    youngest, oldest = _years_between(last, today), _years_between(first, today)
    if oldest < 18:
        return True, None
    if youngest >= 18:
        return False, None
    return None, None


class ReferralForm(forms.Form):
    """The minimal identity the coordinator needs, and the person's consent to disclosure.

    The referral carries the age that follows from the date of birth; when it contradicts the
    age chosen in the check, the form asks to correct the date or to confirm it."""

    given_names = forms.CharField(label=_("Given names"), max_length=200, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=200, required=False)
    date_of_birth = BirthDateField(label=_("Date of birth"), required=False)
    consent_given_on = forms.DateField(
        label=_("Consent given on"),
        widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Enter the date the person gave consent.")},
    )
    consent_source = forms.ChoiceField(
        label=_("How was consent given?"),
        choices=Consent.Source.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how consent was given.")},
    )
    consent_confirmed = forms.BooleanField(
        label=_(
            "I explained to the person what will be shared, with whom and why, and the person "
            "agreed."
        ),
        error_messages={"required": _("Confirm that the person agreed.")},
    )
    age_confirmed = forms.BooleanField(
        label=_(
            "The date of birth is correct: refer the person with the age that follows from it."
        ),
        required=False,
    )
    note = forms.CharField(
        label=_("Note for the care coordinator"),
        max_length=4000,
        required=False,
        widget=forms.Textarea({"rows": 4}),
        help_text=NO_NAMES_HINT,
    )

    def __init__(self, *args: Any, check_minor: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("given_names", "family_name"):
            # one of the two is needed (the group's hint says so): neither is "(optional)"
            self.fields[name].one_of_required = True  # type: ignore[attr-defined]
        self.check_minor = check_minor
        self.age_contradicts_check = False
        self.fields["consent_given_on"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        """The identity is checked with the other fields, so every error shows in one round."""
        super().clean()
        data: dict[str, Any] = self.cleaned_data
        if not (data.get("given_names") or data.get("family_name")):
            self.add_error("given_names", NAME_NEEDED)
        try:
            parse_identity({**self._identity_of(data), "given_names": "-"})
        except InvalidIdentityError as error:
            for field, message in field_messages(error.problems):
                self.add_error(field if field in self.fields else None, message)
        born = self.cleaned_data.get("date_of_birth")
        if not born:
            return data
        minor, age = age_from_birth(born, timezone.localdate())
        if minor is None or minor == self.check_minor:
            return data
        self.age_contradicts_check = True
        if data.get("age_confirmed"):
            return data
        chosen = _("Under 18") if self.check_minor else _("18 or older")
        if age is not None:
            message = _(
                "By this date of birth the person is %(age)d years old, but in the check you "
                "chose “%(chosen)s”. Correct the date of birth, or confirm below that it is right."
            ) % {"age": age, "chosen": chosen}
        else:
            follows = _("a minor") if minor else _("an adult")
            message = _(
                "By this date of birth the person is %(follows)s, but in the check you chose "
                "“%(chosen)s”. Correct the date of birth, or confirm below that it is right."
            ) % {"follows": follows, "chosen": chosen}
        self.add_error("date_of_birth", message)
        return data

    def minor(self) -> bool:
        """The person's age as the referral carries it: by the date of birth when that
        decides it, else as chosen in the check."""
        born = self.cleaned_data.get("date_of_birth")
        if born:
            minor, _age = age_from_birth(born, timezone.localdate())
            if minor is not None:
                return minor
        return self.check_minor

    def clean_consent_given_on(self) -> Any:
        given = self.cleaned_data["consent_given_on"]
        if given > timezone.localdate():
            raise forms.ValidationError(_("Consent cannot be given in the future."))
        return given

    def identity(self) -> dict[str, Any]:
        return self._identity_of(self.cleaned_data)

    @staticmethod
    def _identity_of(data: dict[str, Any]) -> dict[str, Any]:
        identity: dict[str, Any] = {
            "given_names": data.get("given_names", ""),
            "family_name": data.get("family_name", ""),
        }
        if data.get("date_of_birth"):
            identity["date_of_birth"] = data["date_of_birth"]
        return identity


class PublishCatalogueForm(forms.Form):
    bundle = forms.FileField(
        label=_("Catalogue bundle (JSON)"),
        help_text=_("Download the current bundle, change it, and upload it here."),
        error_messages={"required": _("Choose the bundle file to publish.")},
    )
    note = forms.CharField(label=_("What changed?"), max_length=500, required=False)


class StartDraftForm(forms.Form):
    version = forms.CharField(
        label=_("New version number"),
        help_text=_("For example 2026.2. The draft starts as a copy of the version in force."),
        max_length=40,
    )


class IndicatorForm(forms.Form):
    label_nl = forms.CharField(label=_("Wording (Dutch)"), max_length=300)
    label_en = forms.CharField(label=_("Wording (English)"), max_length=300)
    explanation_nl = forms.CharField(
        label=_("Explanation (Dutch)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea({"rows": 3}),
    )
    explanation_en = forms.CharField(
        label=_("Explanation (English)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea({"rows": 3}),
    )
    strength = forms.ChoiceField(
        label=_("Strength"),
        required=False,
        help_text=_("Only for indicators that count towards a part of the check."),
    )

    def __init__(self, *args: Any, counts: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        strength = self.fields["strength"]
        if counts and isinstance(strength, forms.ChoiceField):
            strength.choices = list(STRENGTHS.items())
            strength.required = True
        else:
            del self.fields["strength"]


class SubmitDraftForm(forms.Form):
    note = forms.CharField(
        label=_("What changed"),
        help_text=_("One sentence for the version history and the reviewer."),
        max_length=500,
        error_messages={"required": _("Say in a sentence what changed.")},
    )


class SendBackDraftForm(forms.Form):
    comment = forms.CharField(
        label=_("What must change"),
        max_length=1000,
        widget=forms.Textarea({"rows": 3}),
        error_messages={"required": _("Say what must change before it can be published.")},
    )

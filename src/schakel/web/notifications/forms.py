from __future__ import annotations

from typing import Any

from django import forms

from schakel.web.notifications.models import Delivery, Kind


class PreferencesForm(forms.Form):
    """Per kind of notice: e-mail immediately, in the daily e-mail, or only in Schakel."""

    def __init__(self, current: dict[str, str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                widget=forms.RadioSelect,
                initial=current[kind.value],
            )

    def choices(self) -> dict[str, str]:
        return {kind.value: self.cleaned_data[kind.value] for kind in Kind}

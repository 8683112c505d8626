from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from schakel.web.retention.models import ErasureRequest


class ErasureRequestForm(forms.Form):
    ground = forms.ChoiceField(
        label=_("Ground"), choices=ErasureRequest.Ground.choices, widget=forms.RadioSelect
    )
    reference = forms.CharField(
        label=_("Reference"),
        max_length=40,
        required=False,
        help_text=_(
            "The number of the letter or case in your own records. Do not write names or "
            "other details about the person here."
        ),
    )

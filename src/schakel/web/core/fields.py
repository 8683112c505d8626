"""A text column stored sealed (core.crypto): the model sees text, the database ciphertext."""

from __future__ import annotations

import operator
from typing import Any

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from schakel.web.core.crypto import ErasedError, is_sealed, seal, unseal

NO_NAMES_HINT = _(
    "Write no names, dates of birth or other details that show who the person is: "
    "Schakel keeps those only in the identity record."
)
"""The hint under every note-like field of a form about a person."""


class ErasedText(str):
    """What an erased text reads as: a marker, never the text."""


def erased_text() -> ErasedText:
    return ErasedText(gettext("[erased]"))


def open_text(value: str) -> str:
    """The text of a sealed value, or the erased marker when its subject's key is gone."""
    try:
        return unseal(value)
    except ErasedError:
        return erased_text()


class SealedTextField(models.TextField):
    """Free text encrypted with the data key of `subject` (a dotted attribute path on the
    instance giving a UUID, e.g. "trajectory.person_id"), or with the key ring when the path
    is empty or gives None. Sealed on save (`pre_save`, also in bulk_create), opened on load.
    Filtering on the text is impossible by design."""

    def __init__(self, *args: Any, subject: str = "", **kwargs: Any) -> None:
        self.subject = subject
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.subject:
            kwargs["subject"] = self.subject
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if not value or isinstance(value, ErasedText) or is_sealed(value):
            return value
        subject = operator.attrgetter(self.subject)(model_instance) if self.subject else None
        return seal(str(value), subject)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if isinstance(value, str) and is_sealed(value):
            return open_text(value)
        return value

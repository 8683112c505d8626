"""Template helpers of the signal check: bilingual texts and accessible form widgets."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.utils.translation import get_language

from schakel.engine.indicators import Text

register = template.Library()


@register.filter
def text(value: Text) -> str:
    """A catalogue or perspective text in the reader's language."""
    return value.in_language(get_language() or "nl")


def description_ids(field: BoundField) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.filter
def described_by(field: BoundField) -> str:
    return description_ids(field)


@register.filter
def referral_status(code: str | None) -> Any:
    """The referral's status as the trajectories app names it."""
    from schakel.web.trajectories.models import Referral

    return dict(Referral.Status.choices).get(code or "", code or "")


@register.simple_tag(takes_context=True)
def previewed_version(context: Any) -> str:
    """The draft version an editor tries the check with, or "" (everyone else)."""
    from schakel.web.signals.catalogue import previewed_draft

    request = context.get("request")
    draft = previewed_draft(request) if request is not None else None
    return draft.version if draft is not None else ""

"""Synthetic values tests share: an identity that passes validation, dates relative to today."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

IDENTITY = {
    "given_names": "Ioana Maria",
    "family_name": "Popescu",
    "sex": "female",
    "date_of_birth": "1999-03-14",
    "nationality": "RO",
}
"""A synthetic person (no real data): the registration and duplicate tests find her by it."""


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def next_year() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=365)

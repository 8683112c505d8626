"""The pieces every app's `access.py` shares (the apps' helpers decide capability and scope).

An id that does not parse (not a UUID, not a number, too large for the column) is an id that
is not found: the caller gets its app's `NotFound`, never a 500 or a 422 that tells the two
apart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction

from schakel.web.core.errors import NotFound

M = TypeVar("M", bound=models.Model)


def require_transaction() -> None:
    """A write access takes a row lock, which only lasts inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError(
            "A write access takes a row lock: call it inside transaction.atomic()."
        )


def first_or_missing(rows: models.QuerySet[M], missing: Callable[[], NotFound], **lookup: Any) -> M:
    """The first row of `rows` matching `lookup`, or `missing()` when there is none."""
    try:
        found = rows.filter(**lookup).first()
    except (ValueError, TypeError, OverflowError, ValidationError):
        found = None
    if found is None:
        raise missing()
    return found

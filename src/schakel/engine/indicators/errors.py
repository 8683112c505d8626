"""Errors of the indicator catalogue and the decision engine.

Every error names the item it is about (a file, a set id or indicator ids), so an editor who
publishes a broken catalogue or a client that sends a bad answer sees what to fix.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from schakel.engine.errors import SchakelError


class CatalogueError(SchakelError):
    """Base class: something about the catalogue or a request against it is wrong."""

    def __init__(
        self,
        message: str,
        *,
        items: Iterable[str] = (),
        kind: str = "",
        params: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.items: tuple[str, ...] = tuple(items)
        self.kind = kind
        """What went wrong, for readers in other languages (e.g. `not_one_of`); "" if untold."""
        self.params: dict[str, Any] = dict(params or {})


class DuplicateIdError(CatalogueError):
    """Two indicators (or two sets) share an id, so answers could not be told apart."""


class InvalidStrengthError(CatalogueError):
    """A strength other than strong / medium / weak, or a missing strength where one counts."""


class UnknownDimensionError(CatalogueError):
    """A dimension other than D1..D6."""


class MissingTextError(CatalogueError):
    """A label or explanation lacks its Dutch or English text."""


class UnknownSetError(CatalogueError):
    """A set id that the catalogue does not declare."""


class UnknownIndicatorError(CatalogueError):
    """Indicator ids that do not exist (or do not belong to the set being evaluated)."""


class InvalidAnswerError(CatalogueError):
    """An answer other than present / absent / unknown."""


class NotEvaluableError(CatalogueError):
    """A signal list was evaluated: its signals count only through an indicator set."""


class TooManyAnswersError(CatalogueError):
    """More answers than the set has questions and signals: refused before any is read."""

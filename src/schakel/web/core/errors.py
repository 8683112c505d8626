"""Errors that cross from an app to the page or the API, and the API's one error format.

A domain error carries its own code and HTTP status, so the API and the pages translate any of
them without knowing the app that raised it (the `api` app imports no domain app).
"""

from __future__ import annotations

from django.http import Http404
from ninja import Schema


class DomainError(Exception):
    """Something the user asked cannot be done; the message is meant for them."""

    code = "invalid"
    status = 422

    def __init__(self, message: str, *, fields: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or []


class NotFound(DomainError, Http404):
    """Missing, or not the actor's to see: one answer for both, so existence does not leak.

    It is an `Http404` too, so a page answers with the ordinary 404 page."""

    code = "not_found"
    status = 404


class Conflict(DomainError):
    """The record changed since the caller read it, or what was asked is already done and may
    not be done twice; nothing was written."""

    code = "conflict"
    status = 409


class FieldError(Schema):
    field: str
    message: str


class ErrorBody(Schema):
    code: str
    message: str
    fields: list[FieldError] = []


class Error(Schema):
    error: ErrorBody


def error(code: str, message: str, fields: list[tuple[str, str]] | None = None) -> Error:
    items = [FieldError(field=f, message=m) for f, m in fields or []]
    return Error(error=ErrorBody(code=code, message=message, fields=items))

"""One error format for every endpoint: a code, a message and the fields it concerns."""

from __future__ import annotations

from ninja import Schema


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

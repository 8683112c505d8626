"""Types the JSON API's schemas share, so the OpenAPI file states the contract the code keeps.

A record id is bounded by the database column (2^63 - 1), so a larger number is refused with a
field-named 422 before it reaches a query (SQLite raised OverflowError, a 500). A value from a
fixed vocabulary is documented as an enum; the action that reads it still checks it and names
the field when it is wrong. The error responses every endpoint may give are listed once.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import Annotated, Any

from pydantic import Field, JsonValue
from pydantic.fields import FieldInfo

from schakel.web.core.errors import Error

MAX_ID = 2**63 - 1
"""The largest primary key a database column holds."""

RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]
"""A record's id in a path, query or body."""

PageNumber = Annotated[int, Field(ge=1, le=MAX_ID)]


def one_of(values: Iterable[str] | type[Enum]) -> FieldInfo:
    """Document a string field as an enum of `values` (an Enum class or strings)."""
    names = sorted({str(v.value) if isinstance(v, Enum) else str(v) for v in values})
    items: list[JsonValue] = [name for name in names]
    return Field(json_schema_extra={"enum": items})


COMMON_ERRORS: dict[int, Any] = {400: Error, 405: Error, 413: Error, 422: Error}
"""What any endpoint may answer: a body that is not JSON (400), a method the path does not
take (405), a body over the size limit (413), input that does not fit (422)."""

ERRORS: dict[int, Any] = {**COMMON_ERRORS, 401: Error, 403: Error, 404: Error, 409: Error}
"""For endpoints of signed-in members: not signed in, not the role's, missing or not yours,
changed since it was read or already done (409)."""

PUBLIC_ERRORS: dict[int, Any] = {**COMMON_ERRORS, 429: Error}
"""For the public endpoints: more than ANONYMOUS_RATE_PER_MINUTE requests a minute (429)."""

"""The base of every error the engine raises on purpose.

A `SchakelError` means the input or the situation is wrong (a bad file, an unknown code, too
little data), and its message is meant for the person who gave the input. Anything else that
escapes the engine is a bug, and the command line shows it with its traceback.

It stays a `ValueError` so callers that validate input keep working; `code` names the kind of
error in the API's error format, and `problems` (when it names fields) say what is wrong where,
by code, so the reader's language can be chosen (`schakel.engine.problems`).
"""

from __future__ import annotations

from collections.abc import Sequence

from schakel.engine.problems import Problem


class SchakelError(ValueError):
    code = "invalid"
    problems: Sequence[Problem] = ()

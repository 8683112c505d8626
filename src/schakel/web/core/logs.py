"""Structured logs: one JSON object per line, with only what the code put in the message.

Messages never hold personal data by rule (names, dates of birth, identifiers, notes, query
strings); tests/test_logs.py runs a whole journey on seeded data and greps every log line
for every seeded name, BSN and date of birth.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and record.exc_info[0] is not None:
            # The exception's class and where it happened, never its message (it may quote data).
            entry["exception"] = record.exc_info[0].__name__
            entry["where"] = _where(record)
        return json.dumps(entry, ensure_ascii=False)


def _where(record: logging.LogRecord) -> str:
    traceback = record.exc_info[2] if record.exc_info else None
    frame = None
    while traceback is not None:
        frame = traceback
        traceback = traceback.tb_next
    if frame is None:
        return ""
    return f"{frame.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{frame.tb_lineno}"

"""JSON log lines (issue 14): one object a line, for a log collector to index.

Each line has ``time`` (UTC, ISO 8601), ``level``, ``logger`` and ``message``; during a request
also ``request_id`` and ``path`` (from ``vocaleyes.request_id``); ``status`` when the record
carries one (Django's request and server loggers do); and ``exception``, the traceback, when
one was logged. Tracebacks go to the log only, never to the person (``templates/500.html``).
Chosen with ``LOG_FORMAT=json`` (the default unless ``DEBUG``).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from .request_id import current


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        context = current.get()
        if context is not None:
            line["request_id"] = context.request_id
            line["path"] = context.path
        status = getattr(record, "status_code", None)
        if isinstance(status, int):
            line["status"] = status
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)

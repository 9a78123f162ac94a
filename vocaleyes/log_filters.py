"""Logging filters."""

from __future__ import annotations

import logging


def not_a_static_file(record: logging.LogRecord) -> bool:
    """Leave out the development server's lines for static files (``GET /static/…``): a page
    loads a dozen, and they push what matters (the sign-ins, errors) off the terminal."""
    return "/static/" not in record.getMessage()

"""CSV cells a spreadsheet will not run as formulas (CSV injection), for every export written
in Python (the time-credit statement, budget results' open data). The action list does the same
in its database query (``conversations.exports._defused``)."""

from __future__ import annotations

import re

_FORMULA_AFTER_SEMICOLON = re.compile(r";(?=[=+\-@])")


def safe_cell(value: str) -> str:
    """Text a spreadsheet will not run as a formula: text people typed may start with one.

    A spreadsheet whose list separator is ``;`` splits the cell there, so a formula character
    after a semicolon is defused too (an apostrophe after the semicolon and before the cell)."""
    after_semicolon = _FORMULA_AFTER_SEMICOLON.search(value)
    if after_semicolon:
        value = _FORMULA_AFTER_SEMICOLON.sub(";'", value)
    return f"'{value}" if after_semicolon or value[:1] in ("=", "+", "-", "@", "\t", "\r") else value

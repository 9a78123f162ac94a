"""The development server's console leaves out static files' request lines (``make run``)."""

from __future__ import annotations

import logging


def test_static_file_requests_are_left_out_of_the_servers_log() -> None:
    server = logging.getLogger("django.server")
    seen: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    keep = Keep()
    server.addHandler(keep)
    try:
        server.info('"GET /static/css/vocaleyes.css HTTP/1.1" 200 1234')
        server.info('"GET /conversations/ HTTP/1.1" 200 5678')
    finally:
        server.removeHandler(keep)
    assert seen == ['"GET /conversations/ HTTP/1.1" 200 5678']

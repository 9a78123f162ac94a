"""Structured logs with a request id (issue 14): the id is on every line logged while the request
is handled, in the ``X-Request-ID`` header, and on the 500 page as an error reference; the page
shows no traceback."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path

from tests.vocaleyes.test_settings import STRONG_KEY, run_manage
from vocaleyes import urls as site_urls
from vocaleyes.logging import JsonFormatter

logger = logging.getLogger("vocaleyes.tests.request_id")


def noisy(request: HttpRequest) -> HttpResponse:
    logger.warning("Looked at %s", "the noisy page")
    return HttpResponse("ok")


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret detail from deep inside the code")


urlpatterns = [
    *site_urls.urlpatterns,
    *i18n_patterns(path("noisy/", noisy), path("broken/", broken), prefix_default_language=False),
]
handler500 = site_urls.handler500


class Lines(logging.Handler):
    """Keeps each record as the JSON line production would write."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[dict[str, object]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def log_lines() -> Iterator[list[dict[str, object]]]:
    lines = Lines()
    root = logging.getLogger()
    root.addHandler(lines)
    try:
        yield lines.lines
    finally:
        root.removeHandler(lines)


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_a_line_logged_during_a_request_carries_its_id(
    client: Client, log_lines: list[dict[str, object]]
) -> None:
    response = client.get("/noisy/")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    line = next(line for line in log_lines if line["logger"] == "vocaleyes.tests.request_id")
    assert line["message"] == "Looked at the noisy page"
    assert line["level"] == "WARNING"
    assert line["request_id"] == request_id
    assert line["path"] == "/noisy/"
    assert str(line["time"]).endswith("+00:00")


def test_a_line_logged_outside_a_request_has_no_id(log_lines: list[dict[str, object]]) -> None:
    logger.warning("From a task")
    assert "request_id" not in log_lines[-1]
    assert log_lines[-1]["message"] == "From a task"


@pytest.mark.django_db
def test_each_request_gets_its_own_id(client: Client) -> None:
    first, second = client.get("/healthz")["X-Request-ID"], client.get("/")["X-Request-ID"]
    assert first != second


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_the_proxy_s_request_id_is_kept_when_it_is_a_safe_token(
    client: Client, log_lines: list[dict[str, object]]
) -> None:
    response = client.get("/noisy/", headers={"X-Request-ID": "lb-7f3a9c21e4"})
    assert response["X-Request-ID"] == "lb-7f3a9c21e4"
    assert [line["request_id"] for line in log_lines if line["logger"] == logger.name] == ["lb-7f3a9c21e4"]


@pytest.mark.django_db
@pytest.mark.parametrize("incoming", ["<script>alert(1)</script>", "a b c d e f", "x" * 65, "short"])
def test_an_unsafe_incoming_request_id_is_replaced(client: Client, incoming: str) -> None:
    request_id = client.get("/healthz", headers={"X-Request-ID": incoming})["X-Request-ID"]
    assert request_id != incoming
    assert len(request_id) == 32 and request_id.isalnum()


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(
    ("prefix", "heading", "reference"),
    [
        ("", "Sorry, there is a problem with the service", "Error reference: "),
        ("/cy", "Mae&#x27;n ddrwg gennym, mae problem gyda&#x27;r gwasanaeth", "Cyfeirnod y gwall: "),
    ],
)
def test_the_500_page_shows_the_error_reference_and_no_traceback(
    log_lines: list[dict[str, object]], prefix: str, heading: str, reference: str
) -> None:
    client = Client(raise_request_exception=False)
    response = client.get(f"{prefix}/broken/")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    page = response.content.decode()
    assert heading in page or heading.replace("&#x27;", "'") in page
    assert f"{reference}{request_id}</p>" in page
    assert "Traceback" not in page and "secret detail" not in page and "RuntimeError" not in page
    assert response["Content-Security-Policy"].startswith("default-src 'self'")
    # The operator finds the failure, with its traceback, under the same id.
    error = next(line for line in log_lines if line["logger"] == "django.request")
    assert error["request_id"] == request_id
    assert error["status"] == 500
    assert error["path"] == f"{prefix}/broken/"
    assert "RuntimeError: secret detail" in str(error["exception"])


def test_the_console_writes_json_unless_debug() -> None:
    """The tests run with DEBUG off, as production does: one JSON object a line."""
    assert settings.LOG_FORMAT == "json"
    # The console handler itself (pytest adds StreamHandler subclasses of its own).
    console = [handler for handler in logging.getLogger().handlers if type(handler) is logging.StreamHandler]
    assert console and all(isinstance(handler.formatter, JsonFormatter) for handler in console)


def test_a_development_server_line_keeps_its_status() -> None:
    record = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, '"GET / HTTP/1.1" 200 5', None, None
    )
    record.status_code = 200
    line = json.loads(JsonFormatter().format(record))
    assert line == line | {"logger": "django.server", "status": 200, "message": '"GET / HTTP/1.1" 200 5'}
    assert "\n" not in JsonFormatter().format(record)


SAY_HELLO = "import logging; logging.getLogger('vocaleyes.hello').warning('Hello')"


def test_the_development_server_logs_plain_text() -> None:
    result = run_manage("shell", "-c", SAY_HELLO, DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1] == "Hello"


def test_production_logs_one_json_object_a_line() -> None:
    result = run_manage(
        "shell", "-c", SAY_HELLO, DEBUG="false", SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="vocaleyes.example.org"
    )
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line | {"level": "WARNING", "logger": "vocaleyes.hello", "message": "Hello"} == line

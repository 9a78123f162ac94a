"""Security probe, issue 14: the per-account sign-in lockout and the per-address limits.

Findings: (1) allauth keyed the per-account lockout on the Host header as well as the email, so
changing ``Host`` (case, a trailing dot, another port) gave a fresh set of attempts; (2) behind
the TLS proxy every visitor had the proxy's address, so one person's bad sign-ins locked out
everybody. Rate limits are off in tests (settings.TESTING); these tests turn allauth's defaults
on: 5 failures an account in 5 minutes, 10 failures an address a minute.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from allauth.account.adapter import get_adapter
from django.core import mail
from django.http import HttpRequest
from django.test import Client, RequestFactory, override_settings

from tests.conftest import PASSWORD, clear_cache
from tests.vocaleyes.test_settings import ROOT, run_manage
from vocaleyes.client_ip import client_ip
from vocaleyes.models import User

pytestmark = pytest.mark.django_db

HOSTS = ["localhost", "LOCALHOST", "localhost.", "localhost:8001"]
ACCOUNT_LIMIT = 5  # allauth's default: 5 failed sign-ins an account in 5 minutes
ADDRESS_LIMIT = 10  # allauth's default: 10 failed sign-ins an address a minute
EN, CY = "/accounts/login/", "/cy/accounts/login/"
LOCKED_EN = "Too many failed login attempts. Try again later."
LOCKED_CY = "Gormod o ymdrechion aflwyddiannus i fewngofnodi."


@pytest.fixture(autouse=True)
def _allauth_default_rate_limits() -> Iterator[None]:
    clear_cache()
    with override_settings(ACCOUNT_RATE_LIMITS={}, ALLOWED_HOSTS=["localhost", "testserver"]):
        yield
    clear_cache()


def sign_in(
    client: Client,
    email: str,
    password: str,
    *,
    path: str = EN,
    host: str = "testserver",
    remote_addr: str = "127.0.0.1",
    headers: dict[str, str] | None = None,
) -> str:
    """Post the sign-in form; the page it answers (empty after a successful sign-in)."""
    data = {"login": email, "password": password}
    response = client.post(path, data, headers={"host": host, **(headers or {})}, REMOTE_ADDR=remote_addr)
    assert response.status_code in (200, 302), response.status_code
    return response.content.decode()


# --- Finding 1: the lockout is the account's, whatever the Host header ---------------------------


def test_wrong_passwords_from_different_host_headers_all_count_against_one_account(
    client: Client, alice: User
) -> None:
    for attempt in range(ACCOUNT_LIMIT):
        page = sign_in(client, "alice@example.org", "wrong", host=HOSTS[attempt % len(HOSTS)])
        assert LOCKED_EN not in page
    for host in HOSTS:
        page = sign_in(client, "alice@example.org", "wrong", host=host)
        assert LOCKED_EN in page, host
    # Locked means locked: the right password is refused too until the lockout passes.
    page = sign_in(client, "alice@example.org", PASSWORD, host="localhost:8002")
    assert LOCKED_EN in page
    assert "_auth_user_id" not in client.session


def test_the_lockout_ignores_the_case_and_spaces_of_the_address(client: Client, alice: User) -> None:
    spellings = ["alice@example.org", "ALICE@example.org", " Alice@Example.org ", "alice@EXAMPLE.ORG"]
    for login in [*spellings, "aLiCe@example.org"]:
        sign_in(client, login, "wrong")
    assert LOCKED_EN in sign_in(client, "Alice@example.org", "wrong", host="LOCALHOST")


def test_the_lockout_is_refused_in_welsh(client: Client, bob: User) -> None:
    for attempt in range(ACCOUNT_LIMIT):
        sign_in(client, "bob@example.org", "anghywir", path=CY, host=HOSTS[attempt % len(HOSTS)])
    page = sign_in(client, "bob@example.org", PASSWORD, path=CY, host="localhost:8003")
    assert LOCKED_CY in page
    assert LOCKED_EN not in page


def test_one_account_locked_leaves_another_account_alone(client: Client, alice: User, bob: User) -> None:
    for host in [*HOSTS, "localhost"]:
        sign_in(client, "alice@example.org", "wrong", host=host)
    assert LOCKED_EN in sign_in(client, "alice@example.org", "wrong")
    sign_in(client, "bob@example.org", PASSWORD)
    assert client.session["_auth_user_id"] == str(bob.pk)


def test_resetting_the_password_lifts_the_lockout_whatever_the_host(client: Client, alice: User) -> None:
    """allauth clears the lockout after a password reset through the same key, so the reset
    clears the one count every host name adds to."""
    for host in [*HOSTS, "localhost"]:
        sign_in(client, "alice@example.org", "wrong", host=host)
    assert LOCKED_EN in sign_in(client, "alice@example.org", "wrong", host="LOCALHOST")

    client.post(
        "/accounts/password/reset/", {"email": "alice@example.org"}, headers={"host": "localhost:8001"}
    )
    [message] = mail.outbox
    link = re.search(r"https?://\S+", str(message.body))
    assert link, message.body
    page = client.get(urlsplit(link.group(0)).path, follow=True, headers={"host": "localhost:8001"})
    form = page.redirect_chain[-1][0] if page.redirect_chain else urlsplit(link.group(0)).path
    new_password = "a-new-and-unusual-passphrase"
    client.post(
        form, {"password1": new_password, "password2": new_password}, headers={"host": "localhost:8001"}
    )

    fresh = Client()
    sign_in(fresh, "alice@example.org", new_password, host="LOCALHOST")
    assert fresh.session["_auth_user_id"] == str(alice.pk)


# --- Finding 2: behind the proxy each visitor has their own per-address count ---------------------

PROXY = "10.0.0.2"  # the TLS proxy in front of web: every request's REMOTE_ADDR behind it


def fail_from_one_address(client: Client, *, path: str = EN, **where: Any) -> None:
    """Use up the per-address limit with wrong passwords for as many different (unknown)
    accounts, so the per-account limit plays no part."""
    for n in range(ADDRESS_LIMIT):
        assert LOCKED_EN not in sign_in(client, f"guess{n}@example.org", "wrong", path=path, **where)


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_visitors_with_different_addresses_do_not_share_a_limit(
    client: Client, alice: User
) -> None:
    fail_from_one_address(client, remote_addr=PROXY, headers={"X-Forwarded-For": "198.51.100.1"})
    # The same visitor is now refused, even for an account they have not tried ...
    page = sign_in(
        client,
        "guess-again@example.org",
        "wrong",
        remote_addr=PROXY,
        headers={"X-Forwarded-For": "198.51.100.1"},
    )
    assert LOCKED_EN in page
    # ... but someone else, through the same proxy, signs in.
    other = Client()
    sign_in(
        other, "alice@example.org", PASSWORD, remote_addr=PROXY, headers={"X-Forwarded-For": "198.51.100.2"}
    )
    assert other.session["_auth_user_id"] == str(alice.pk)


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_what_the_visitor_writes_in_x_forwarded_for_is_ignored(client: Client) -> None:
    """The proxy appends the address it saw; the entries before it are the visitor's to invent."""
    for n in range(ADDRESS_LIMIT):
        forwarded = f"192.0.2.{n}, 198.51.100.1"
        assert LOCKED_EN not in sign_in(
            client,
            f"guess{n}@example.org",
            "wrong",
            remote_addr=PROXY,
            headers={"X-Forwarded-For": forwarded},
        )
    page = sign_in(
        client,
        "guess@example.org",
        "wrong",
        remote_addr=PROXY,
        headers={"X-Forwarded-For": "192.0.2.99, 198.51.100.1"},
    )
    assert LOCKED_EN in page


def test_without_a_trusted_proxy_a_spoofed_x_forwarded_for_is_ignored(client: Client) -> None:
    for n in range(ADDRESS_LIMIT):
        spoofed = {"X-Forwarded-For": f"192.0.2.{n}"}
        assert LOCKED_EN not in sign_in(client, f"guess{n}@example.org", "wrong", headers=spoofed)
    page = sign_in(client, "guess@example.org", "wrong", headers={"X-Forwarded-For": "192.0.2.200"})
    assert LOCKED_EN in page


@override_settings(TRUSTED_CLIENT_IP_HEADER="X-Real-IP", TRUSTED_PROXY_COUNT=0)
def test_a_proxy_that_sets_a_client_ip_header_is_believed_and_x_forwarded_for_is_not(
    client: Client, alice: User
) -> None:
    first = {"X-Real-IP": "198.51.100.1", "X-Forwarded-For": "198.51.100.2"}
    fail_from_one_address(client, remote_addr=PROXY, headers=first)
    assert LOCKED_EN in sign_in(client, "guess@example.org", "wrong", remote_addr=PROXY, headers=first)
    other = Client()
    sign_in(other, "alice@example.org", PASSWORD, remote_addr=PROXY, headers={"X-Real-IP": "198.51.100.2"})
    assert other.session["_auth_user_id"] == str(alice.pk)


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_the_per_address_limit_is_refused_in_welsh(client: Client) -> None:
    where: dict[str, Any] = {"remote_addr": PROXY, "headers": {"X-Forwarded-For": "198.51.100.1"}}
    fail_from_one_address(client, path=CY, **where)
    page = sign_in(client, "guess@example.org", "anghywir", path=CY, **where)
    assert LOCKED_CY in page
    assert LOCKED_EN not in page


# --- The one helper that reads the visitor's address ------------------------------------------


def request_from(remote_addr: str = PROXY, **headers: str) -> HttpRequest:
    return RequestFactory().get("/", headers=headers, REMOTE_ADDR=remote_addr)


@pytest.mark.parametrize(
    ("settings_", "headers", "expected"),
    [
        ({}, {}, PROXY),
        ({}, {"X-Forwarded-For": "198.51.100.1"}, PROXY),  # nobody vouches for it
        ({"TRUSTED_PROXY_COUNT": 1}, {"X-Forwarded-For": "198.51.100.1"}, "198.51.100.1"),
        ({"TRUSTED_PROXY_COUNT": 1}, {"X-Forwarded-For": "192.0.2.1,198.51.100.1"}, "198.51.100.1"),
        (
            {"TRUSTED_PROXY_COUNT": 2},
            {"X-Forwarded-For": "192.0.2.1, 198.51.100.1, 10.0.0.9"},
            "198.51.100.1",
        ),
        ({"TRUSTED_PROXY_COUNT": 2}, {"X-Forwarded-For": "198.51.100.1"}, PROXY),  # not via both proxies
        ({"TRUSTED_PROXY_COUNT": 1}, {}, PROXY),  # a health check from inside the network
        ({"TRUSTED_PROXY_COUNT": 1}, {"X-Forwarded-For": "not-an-address"}, PROXY),
        ({"TRUSTED_PROXY_COUNT": 1}, {"X-Forwarded-For": "198.51.100.1:51234"}, "198.51.100.1"),
        ({"TRUSTED_PROXY_COUNT": 1}, {"X-Forwarded-For": "[2001:DB8:0::1]:443"}, "2001:db8::1"),
        ({"TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"}, {"X-Real-IP": "2001:db8::1"}, "2001:db8::1"),
        ({"TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"}, {"X-Forwarded-For": "198.51.100.1"}, PROXY),
    ],
)
def test_client_ip_reads_only_what_a_trusted_proxy_wrote(
    settings_: dict[str, Any], headers: dict[str, str], expected: str
) -> None:
    with override_settings(**settings_):
        assert client_ip(request_from(**headers)) == expected
        assert get_adapter().get_client_ip(request_from(**headers)) == expected


# --- Configuration ----------------------------------------------------------------------------

SHOW = (
    "from django.conf import settings; print(settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_CLIENT_IP_HEADER)"
)


def test_the_proxy_settings_are_read_from_the_environment() -> None:
    default = run_manage("shell", "--no-imports", "-c", SHOW, DEBUG="true")
    assert default.stdout.split() == ["0"], default.stderr  # trust nobody
    env = {"TRUSTED_PROXY_COUNT": "2", "TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"}
    configured = run_manage("shell", "--no-imports", "-c", SHOW, DEBUG="true", **env)
    assert configured.stdout.split() == ["2", "X-Real-IP"], configured.stderr


@pytest.mark.parametrize("value", ["-1", "one", "1.5"])
def test_a_proxy_count_that_is_not_a_count_stops_the_app_with_a_clear_message(value: str) -> None:
    result = run_manage("check", DEBUG="true", TRUSTED_PROXY_COUNT=value)
    assert result.returncode == 2
    assert "TRUSTED_PROXY_COUNT is a number of proxies" in result.stderr
    assert "Traceback" not in result.stderr


def test_docker_compose_trusts_its_one_proxy_and_publishes_web_for_the_proxy_alone() -> None:
    web = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["web"]
    assert web["environment"]["TRUSTED_PROXY_COUNT"] == "${TRUSTED_PROXY_COUNT:-1}"
    assert web["environment"]["TRUSTED_CLIENT_IP_HEADER"] == "${TRUSTED_CLIENT_IP_HEADER:-}"
    assert web["ports"] == ["${WEB_PUBLISH:-127.0.0.1:8000}:8000"]  # loopback, not every interface

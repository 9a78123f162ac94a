"""Security probe, issue 14: the per-account sign-in lockout and the per-address limits.

Findings: (1) allauth keyed the per-account lockout on the Host header as well as the email, so
changing ``Host`` (case, a trailing dot, another port) gave a fresh set of attempts; (2) behind
the TLS proxy every visitor had the proxy's address, so one person's bad sign-ins locked out
everybody. Rate limits are off in tests (settings.TESTING); these tests turn allauth's defaults
on: 5 failures an account in 5 minutes, 10 failures an address a minute.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client, override_settings

from tests.conftest import PASSWORD, clear_cache
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

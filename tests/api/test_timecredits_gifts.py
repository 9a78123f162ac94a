"""Giving time credits through the API: once per key, with the give page's refusals, in the
language asked for, within the rate limit, and the ledger's invariants hold after it all."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from rest_framework.test import APIClient

from tests.conftest import clear_cache
from timecredits import selectors, services
from timecredits.api_v1.views import gift_key
from timecredits.models import Account, Entry, Transfer
from vocaleyes import throttle
from vocaleyes.models import Organisation, User

from .timecredits_world import START, fund_everyone, people_balances

pytestmark = pytest.mark.django_db

GIFTS = "/api/v1/time-credits/gifts/"
STATEMENT = "/api/v1/time-credits/me/statement/"


@pytest.fixture
def accounts(organisation: Organisation, people: dict[str, User | None]) -> dict[str, Account]:
    return fund_everyone(organisation, people)


@pytest.fixture
def bobs(bob: User) -> Account:
    return services.account_for_person(user=bob)


@pytest.fixture
def alice_client(api_client: Callable[[str], APIClient], accounts: dict[str, Account]) -> APIClient:
    return api_client("resident")


def give(client: APIClient, body: Any, key: str | None = "gift-1", **headers: str) -> Any:
    """POST a gift, its key in the Idempotency-Key header unless ``key`` is None."""
    extra: dict[str, Any] = dict(headers)
    if key is not None:
        extra["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(GIFTS, body, format="json", **extra)


def gifts() -> int:
    return Transfer.objects.filter(kind=Transfer.Kind.GIFT).count()


# --- once per key ----------------------------------------------------------------------------


def test_the_same_key_twice_gives_once_and_the_second_answer_says_so(
    alice_client: APIClient, alice: User, bobs: Account
) -> None:
    body = {"recipient": bobs.number, "minutes": 90, "message": "For the lifts"}
    first = give(alice_client, body)
    assert first.status_code == 201
    assert first.json()["replayed"] is False
    assert first.json()["detail"] == "You gave 1 hour 30 minutes to Bob."
    again = give(alice_client, body)
    assert again.status_code == 200
    answer = again.json()
    assert answer["replayed"] is True
    assert answer["detail"] == "This gift was already given. Nothing more has been taken."
    assert answer["id"] == first.json()["id"]
    assert answer["balance_after"] == {"minutes": START - 90, "text": "1 hour 30 minutes"}
    # One transfer in the ledger, under the person's own key.
    transfer = Transfer.objects.get(kind=Transfer.Kind.GIFT)
    assert transfer.idempotency_key == gift_key(alice.pk, "gift-1")
    assert transfer.amount == 90 and transfer.memo == "For the lifts"
    assert Account.objects.get(user=alice).balance == START - 90
    assert Account.objects.get(pk=bobs.pk).balance == 90


def test_the_key_may_come_in_the_body_instead_of_the_header(
    alice_client: APIClient, alice: User, bobs: Account
) -> None:
    body = {"recipient": bobs.number, "minutes": 30, "idempotency_key": "in-body"}
    assert give(alice_client, body, key=None).status_code == 201
    assert give(alice_client, body, key=None).json()["replayed"] is True
    assert give(alice_client, body, key="in-body").json()["replayed"] is True
    assert Transfer.objects.get(kind=Transfer.Kind.GIFT).idempotency_key == gift_key(alice.pk, "in-body")


def test_a_gift_without_a_key_is_refused_and_nothing_moves(alice_client: APIClient, bobs: Account) -> None:
    response = give(alice_client, {"recipient": bobs.number, "minutes": 30}, key=None)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["idempotency_key"]
    assert gifts() == 0


@pytest.mark.parametrize("key", ["", "a" * 65, "key with spaces", "ключ", "k;DROP"])
def test_a_malformed_key_is_refused(alice_client: APIClient, bobs: Account, key: str) -> None:
    response = give(alice_client, {"recipient": bobs.number, "minutes": 30, "idempotency_key": key}, key=None)
    assert response.status_code == 400
    assert "idempotency_key" in response.json()["fields"]
    assert gifts() == 0


def test_a_header_and_a_body_key_that_differ_are_refused(alice_client: APIClient, bobs: Account) -> None:
    response = give(alice_client, {"recipient": bobs.number, "minutes": 30, "idempotency_key": "b"}, key="a")
    assert response.status_code == 400
    assert "idempotency_key" in response.json()["fields"]
    assert gifts() == 0


def test_a_key_used_again_for_a_different_gift_is_refused_and_nothing_more_moves(
    alice_client: APIClient, alice: User, bobs: Account
) -> None:
    assert give(alice_client, {"recipient": bobs.number, "minutes": 30}).status_code == 201
    response = give(alice_client, {"recipient": bobs.number, "minutes": 45})
    assert response.status_code == 400
    assert response.json()["code"] == "refused"
    assert gifts() == 1
    assert Account.objects.get(user=alice).balance == START - 30


def test_two_people_may_use_the_same_key(
    api_client: Callable[[str], APIClient], accounts: dict[str, Account], bobs: Account
) -> None:
    body = {"recipient": bobs.number, "minutes": 30}
    assert give(api_client("resident"), body, key="same").status_code == 201
    assert give(api_client("other_resident"), body, key="same").status_code == 201
    assert gifts() == 2
    assert Account.objects.get(pk=bobs.pk).balance == 60


# --- the ledger ------------------------------------------------------------------------------


def test_the_ledger_balances_after_gifts_and_repeats(
    api_client: Callable[[str], APIClient], accounts: dict[str, Account], bobs: Account
) -> None:
    held = people_balances()
    for actor, key, minutes in [
        ("resident", "a", 60),
        ("resident", "a", 60),  # a repeat: nothing more
        ("resident", "b", 45),
        ("other_resident", "a", 180),  # everything Gwen has
        ("facilitator", "c", 1),
    ]:
        assert (
            give(api_client(actor), {"recipient": bobs.number, "minutes": minutes}, key=key).status_code < 300
        )
    assert people_balances() == held  # between people: nothing made, nothing lost
    assert sum(Account.objects.values_list("balance", flat=True)) == 0
    report = selectors.ledger_reconcile()
    assert report.ok, [(check.name, check.detail) for check in report.checks if not check.ok]
    assert Account.objects.get(pk=bobs.pk).balance == 60 + 45 + 180 + 1
    assert Account.objects.get(pk=accounts["other_resident"].pk).balance == 0
    assert Entry.objects.filter(kind=Transfer.Kind.GIFT).count() == 2 * 4


def test_more_than_the_balance_is_refused_and_nothing_moves(
    alice_client: APIClient, alice: User, bobs: Account
) -> None:
    response = give(alice_client, {"recipient": bobs.number, "minutes": START + 1})
    assert response.status_code == 409  # well formed and allowed, but not with this balance
    body = response.json()
    assert body["code"] == "insufficient_credits"
    assert body["detail"] == (
        "You have 3 hours, so you cannot give 3 hours 1 minute. Nothing has been taken from your account."
    )
    assert gifts() == 0
    assert Account.objects.get(user=alice).balance == START


# --- what is sent ----------------------------------------------------------------------------

PAYLOADS = [
    '<script>alert("gift")</script>',
    '<img src=x onerror=alert(1)> <a href="javascript:alert(2)">thanks</a>',
    "'; DROP TABLE timecredits_transfer; --",
    "1' OR '1'='1",
    'Robert"); DELETE FROM timecredits_entry WHERE ("1"="1',
]


@pytest.mark.parametrize("message", PAYLOADS)
def test_a_script_or_sql_in_the_message_is_kept_and_returned_as_text(
    api_client: Callable[[str], APIClient],
    accounts: dict[str, Account],
    bob: User,
    bobs: Account,
    message: str,
) -> None:
    response = give(api_client("resident"), {"recipient": bobs.number, "minutes": 30, "message": message})
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json"
    assert response.json()["message"] == message
    assert Transfer.objects.get(kind=Transfer.Kind.GIFT).memo == message
    # The tables are all there, and bob's statement shows the message as it was written.
    tables = connection.introspection.table_names()
    assert {"timecredits_transfer", "timecredits_entry"} <= set(tables)
    assert Entry.objects.count() == 2 * len(accounts) + 2
    bob_client = APIClient()
    bob_client.force_authenticate(bob)
    [line, *_rest] = bob_client.get(STATEMENT).json()["results"]
    assert line["note"] == message
    assert line["description"] == "From Alice"


@pytest.mark.parametrize(
    "minutes",
    [-30, 0, 6001, 10**30, "ten", "1.5", 1.5, "", None, [30], {"minutes": 30}, True],
)
def test_an_amount_that_is_not_a_whole_number_of_minutes_from_1_to_6000_is_refused(
    alice_client: APIClient, alice: User, bobs: Account, minutes: Any
) -> None:
    response = give(alice_client, {"recipient": bobs.number, "minutes": minutes})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["fields"]) == ["minutes"]
    assert gifts() == 0
    assert Account.objects.get(user=alice).balance == START


def test_an_amount_may_be_given_as_a_numeric_string(alice_client: APIClient, bobs: Account) -> None:
    assert give(alice_client, {"recipient": bobs.number, "minutes": "45"}).status_code == 201
    assert Account.objects.get(pk=bobs.pk).balance == 45


@pytest.mark.parametrize(
    ("recipient", "message"),
    [
        ("not a number", "Enter an account number like 7KQ4-M2XD."),
        ("7KQ4-M2XD\n", "Enter an account number like 7KQ4-M2XD."),
        ("7KQ4 M2XD", "Enter an account number like 7KQ4-M2XD."),
        ("", "Enter the account number of the person you are giving to"),
        (None, "Enter the account number of the person you are giving to"),
    ],
)
def test_an_account_number_not_written_as_one_is_refused(
    alice_client: APIClient, recipient: Any, message: str
) -> None:
    # The schema's pattern, exactly: the API takes no spaces (the give page tidies them away).
    response = give(alice_client, {"recipient": recipient, "minutes": 30})
    assert response.status_code == 400
    assert response.json()["fields"] == {"recipient": [message]}
    assert gifts() == 0


@pytest.mark.parametrize(
    ("recipient", "message"),
    [
        ("ZZZZ-ZZZZ", "There is no account with the number ZZZZ-ZZZZ: check the number with the person"),
        (12345678, "There is no account with the number 1234-5678: check the number with the person"),
    ],
)
def test_an_account_number_nobody_has_is_not_found(
    alice_client: APIClient, recipient: Any, message: str
) -> None:
    # Well formed, so not a 400 (the schema admits it): the account is not there, 404.
    response = give(alice_client, {"recipient": recipient, "minutes": 30})
    assert response.status_code == 404
    assert response.json() == {"detail": message, "code": "no_such_account", "fields": {}}
    assert gifts() == 0


def test_an_organisations_account_is_not_a_persons(
    alice_client: APIClient, organisation: Organisation, accounts: dict[str, Account]
) -> None:
    issuing = Account.objects.get(organisation=organisation, kind=Account.Kind.ISSUING)
    response = give(alice_client, {"recipient": issuing.number, "minutes": 30})
    assert response.status_code == 404
    assert response.json()["detail"].startswith("There is no account with the number")
    assert gifts() == 0


def test_giving_to_yourself_is_refused(alice_client: APIClient, accounts: dict[str, Account]) -> None:
    own = accounts["resident"].number.replace("-", "").lower()  # as typed: the page's rule tidies it
    response = give(alice_client, {"recipient": own, "minutes": 30})
    assert response.status_code == 403  # well formed, but not yours to give to
    assert response.json() == {
        "detail": "That is your own account number. Enter the number of the person you are giving to.",
        "code": "own_account",
        "fields": {},
    }
    assert gifts() == 0


def test_a_message_longer_than_the_page_allows_is_refused(alice_client: APIClient, bobs: Account) -> None:
    response = give(alice_client, {"recipient": bobs.number, "minutes": 30, "message": "x" * 501})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["message"]
    assert gifts() == 0


@pytest.mark.parametrize("body", [[1, 2], "a gift", 42])
def test_a_body_that_is_not_an_object_is_refused(alice_client: APIClient, body: Any) -> None:
    response = give(alice_client, body)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert gifts() == 0


def test_a_body_that_is_not_json_is_refused(alice_client: APIClient) -> None:
    response = alice_client.post(
        GIFTS, b"{recipient: 7KQ4", content_type="application/json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert gifts() == 0


# --- Welsh -----------------------------------------------------------------------------------


def test_refusals_are_in_welsh_when_asked(alice_client: APIClient, bobs: Account) -> None:
    welsh = {"HTTP_ACCEPT_LANGUAGE": "cy"}
    response = give(alice_client, {"recipient": bobs.number, "minutes": 0}, **welsh)
    assert response["Content-Language"] == "cy"
    assert response.json()["fields"] == {"minutes": ["Rhowch swm o amser sy'n fwy na sero."]}
    response = give(alice_client, {"recipient": bobs.number, "minutes": "deg"}, **welsh)
    assert response.json()["fields"]["minutes"] == [
        "Rhowch yr amser fel nifer cyfan o funudau, fel 90 am 1 awr 30 munud."
    ]
    response = give(alice_client, {"recipient": "ZZZZ-ZZZZ", "minutes": 30}, **welsh)
    assert response.json()["detail"] == "Nid oes cyfrif â'r rhif ZZZZ-ZZZZ: gwiriwch y rhif gyda'r person"
    response = give(alice_client, {"recipient": bobs.number, "minutes": 30}, key=None, **welsh)
    assert response.json()["fields"]["idempotency_key"] == [
        "Anfonwch bennyn Idempotency-Key, un newydd ar gyfer pob rhodd, fel mai unwaith yn unig "
        "y bydd ail gynnig yn rhoi."
    ]
    response = give(alice_client, {"recipient": bobs.number, "minutes": START + 60}, **welsh)
    assert response.json()["detail"] == (
        "Mae gennych 3 awr, felly ni allwch roi 4 awr. Nid oes dim wedi'i dynnu o'ch cyfrif."
    )
    assert gifts() == 0


def test_a_gift_and_its_repeat_are_answered_in_welsh_on_the_welsh_address(
    alice_client: APIClient, bobs: Account
) -> None:
    body = {"recipient": bobs.number, "minutes": 90}
    first = alice_client.post("/cy/api/v1/time-credits/gifts/", body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert first.status_code == 201
    assert first.json()["detail"] == "Rydych wedi rhoi 1 awr 30 munud i Bob."
    assert first.json()["amount"] == {"minutes": 90, "text": "1 awr 30 munud"}
    again = alice_client.post("/cy/api/v1/time-credits/gifts/", body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert again.json()["detail"] == "Mae'r rhodd hon wedi'i rhoi yn barod. Nid oes dim mwy wedi'i gymryd."
    assert gifts() == 1


# --- the rate limit --------------------------------------------------------------------------


@pytest.fixture
def one_gift_an_hour(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(throttle, "now", lambda: 1_800_000_000.0)  # the start of an hour
    clear_cache()
    with override_settings(VOCALEYES_RATE_LIMITS={"gift": "1/h"}, VOCALEYES_RATE_LIMITS_PER_IP={}):
        yield
    clear_cache()


def test_a_gift_over_the_rate_limit_is_refused_with_429_and_nothing_moves(
    one_gift_an_hour: None, alice_client: APIClient, alice: User, bobs: Account
) -> None:
    assert give(alice_client, {"recipient": bobs.number, "minutes": 30}, key="one").status_code == 201
    response = give(
        alice_client, {"recipient": bobs.number, "minutes": 30}, key="two", HTTP_ACCEPT_LANGUAGE="cy"
    )
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    body = response.json()
    assert body["code"] == "throttled"
    assert body["detail"].startswith("Rydych wedi rhoi neu wario credydau amser")
    assert gifts() == 1
    assert Account.objects.get(user=alice).balance == START - 30
    # Reads are never counted.
    assert alice_client.get(STATEMENT).status_code == 200

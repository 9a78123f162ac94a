"""Time credits in the API, tried as each of the seven actors: nobody signed in gets 401;
everyone else reads their own account and statement only, suspended people too; everyone
but the suspended person gives, and the suspended person's gift moves nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from timecredits import services
from timecredits.models import Account, Entry, Transfer
from vocaleyes.models import Organisation, User

from .matrix import Op, check
from .timecredits_world import START, fund_everyone, memo_for, people_balances

pytestmark = pytest.mark.django_db

ME = "/api/v1/time-credits/me/"
STATEMENT = "/api/v1/time-credits/me/statement/"
GIFTS = "/api/v1/time-credits/gifts/"


def cases(accounts: dict[str, Account], people: dict[str, User | None], recipient: Account) -> list[Op]:
    def own_account(actor: str, body: Any) -> None:
        assert body["account"]["number"] == accounts[actor].number
        assert body["account"]["balance"] == {"minutes": START, "text": "3 hours"}
        # Other people's accounts never; organisations' accounts only for who organises them.
        numbers = {account["number"] for account in body["organised_accounts"]}
        assert not numbers & {account.number for account in Account.objects.people()}
        assert bool(numbers) == (actor in {"facilitator", "officer"})

    def own_lines(actor: str, body: Any) -> None:
        person = people[actor]
        assert person is not None
        [line] = body["results"]
        assert line["note"] == memo_for(person)
        assert line["paid_in"] == {"minutes": START, "text": "3 hours"}
        assert Entry.objects.get(transfer_id=line["transfer"], account=accounts[actor]).seq == line["line"]

    def given(actor: str, body: Any) -> None:
        assert body["replayed"] is False
        assert body["balance_after"]["minutes"] == START - 30
        assert Account.objects.get(pk=accounts[actor].pk).balance == START - 30
        assert Account.objects.get(pk=recipient.pk).balance == 30

    gift = {"recipient": recipient.number, "minutes": 30, "message": "Diolch!", "idempotency_key": "k1"}
    return [
        Op("GET", ME, ME, {"anonymous": 401}, expect=200, check_body=own_account),
        Op("GET", STATEMENT, STATEMENT, {"anonymous": 401}, expect=200, check_body=own_lines),
        Op(
            "POST",
            GIFTS,
            GIFTS,
            {"anonymous": 401, "suspended": 403},
            body=gift,
            expect=201,
            check_body=given,
        ),
    ]


def test_each_actor_reads_only_their_own_credits_and_all_but_the_suspended_give(
    organisation: Organisation,
    people: dict[str, User | None],
    bob: User,
    api_client: Callable[[str], APIClient],
) -> None:
    accounts = fund_everyone(organisation, people)
    recipient = services.account_for_person(user=bob)
    check(cases(accounts, people, recipient), api_client)
    # Every write was rolled back: the ledger is as the test set it up.
    assert not Transfer.objects.filter(kind=Transfer.Kind.GIFT).exists()


def test_a_suspended_persons_gift_is_refused_with_the_reason_and_nothing_moves(
    organisation: Organisation,
    people: dict[str, User | None],
    bob: User,
    api_client: Callable[[str], APIClient],
) -> None:
    accounts = fund_everyone(organisation, people)
    recipient = services.account_for_person(user=bob)
    before = people_balances()
    response = api_client("suspended").post(
        GIFTS, {"recipient": recipient.number, "minutes": 30, "idempotency_key": "k1"}, format="json"
    )
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "forbidden" and "Repeated abuse." in body["detail"]
    assert not Transfer.objects.filter(kind=Transfer.Kind.GIFT).exists()
    assert Account.objects.get(pk=accounts["suspended"].pk).balance == START
    assert people_balances() == before
    # They still read their own account and statement.
    client = api_client("suspended")
    assert client.get(ME).json()["account"]["number"] == accounts["suspended"].number
    assert len(client.get(STATEMENT).json()["results"]) == 1


def test_the_schema_declares_every_answer_of_each_operation(client: Any) -> None:
    schema = client.get("/api/v1/schema/?format=json").json()
    declared = {
        (path, method): set(operation["responses"])
        for path, operations in schema["paths"].items()
        if path.startswith("/api/v1/time-credits/")
        for method, operation in operations.items()
    }
    assert declared == {
        (ME, "get"): {"200", "401"},
        (STATEMENT, "get"): {"200", "400", "401"},
        # 404: nobody has that number; 409: the balance is too low (both well formed).
        (GIFTS, "post"): {"200", "201", "400", "401", "403", "404", "409", "429"},
    }
    gift = schema["paths"][GIFTS]["post"]
    assert {"name": "Idempotency-Key", "in": "header"}.items() <= gift["parameters"][0].items()

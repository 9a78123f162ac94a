"""Your account and statement through the API: the statement page's lines (memos, blanked
messages, names, never an email address), newest first, a page at a time, filtered as the page
filters, in the language asked for, and only ever your own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from timecredits import services
from timecredits.models import Account, Transfer
from vocaleyes.models import Organisation, User

from .timecredits_world import START, fund, fund_everyone, memo_for

pytestmark = pytest.mark.django_db

ME = "/api/v1/time-credits/me/"
STATEMENT = "/api/v1/time-credits/me/statement/"


@pytest.fixture
def accounts(organisation: Organisation, people: dict[str, User | None]) -> dict[str, Account]:
    return fund_everyone(organisation, people)


def gift(sender: User, recipient: User, minutes: int, key: str, message: str = "") -> Transfer:
    return services.credits_gift(
        sender=sender, recipient=recipient, minutes=minutes, message=message, idempotency_key=key
    )


def test_the_statement_has_the_pages_lines_newest_first_with_a_running_balance(
    api_client: Callable[[str], APIClient], accounts: dict[str, Account], alice: User, bob: User
) -> None:
    gift(alice, bob, 30, "g1", "For the tea")
    gift(bob, alice, 15, "g2", "Diolch yn fawr")
    body = api_client("resident").get(STATEMENT).json()
    assert body["next"] is None and body["previous"] is None
    lines = body["results"]
    assert [(line["line"], line["kind"], line["description"], line["note"]) for line in lines] == [
        (3, "gift", "From Bob", "Diolch yn fawr"),
        (2, "gift", "To Bob", "For the tea"),
        (1, "earn", "Volunteering confirmed by Swansea Council", memo_for(alice)),
    ]
    assert [line["balance_after"]["minutes"] for line in lines] == [START - 15, START - 30, START]
    assert lines[0]["paid_in"] == {"minutes": 15, "text": "15 minutes"} and lines[0]["paid_out"] is None
    assert lines[1]["paid_out"] == {"minutes": 30, "text": "30 minutes"} and lines[1]["paid_in"] is None
    assert lines[1]["counterparties"] == ["Bob"]
    assert lines[1]["kind_display"] == "Gift"
    assert "bob@example.org" not in str(body)


def test_nobody_reads_anyone_elses_lines(
    api_client: Callable[[str], APIClient],
    accounts: dict[str, Account],
    people: dict[str, User | None],
    alice: User,
    bob: User,
) -> None:
    gwen = people["other_resident"]
    assert gwen is not None
    gift(gwen, bob, 60, "gwen-to-bob", "Gwen's secret")
    # Alice's statement has her own line only, whatever she adds to the address.
    for url in (STATEMENT, f"{STATEMENT}?account={accounts['other_resident'].number}&user={gwen.pk}"):
        body = api_client("resident").get(url).json()
        assert [line["note"] for line in body["results"]] == [memo_for(alice)]
    assert api_client("resident").get(ME).json()["account"]["number"] == accounts["resident"].number


def test_a_deleted_givers_blanked_message_stays_blank(
    api_client: Callable[[str], APIClient],
    accounts: dict[str, Account],
    organisation: Organisation,
    olwen: User,
    alice: User,
    bob: User,
) -> None:
    fund(organisation, bob, olwen)
    gift(bob, alice, 20, "bob-to-alice", "Something Bob later took back")
    assert services.gift_memos_redact(sender=bob) == 1
    response = api_client("resident").get(STATEMENT)
    [line, *_earlier] = response.json()["results"]
    assert line["description"] == "From Bob" and line["paid_in"]["minutes"] == 20
    assert line["note"] == "" and line["note_language"] == ""
    assert b"took back" not in response.content


def test_pages_follow_the_line_numbers_both_ways(
    api_client: Callable[[str], APIClient], accounts: dict[str, Account], alice: User, bob: User
) -> None:
    for number in range(6):
        gift(alice, bob, 1, f"page-{number}")  # lines 2..7 on alice's account
    client = api_client("resident")
    first = client.get(STATEMENT, {"page_size": 3}).json()
    assert [line["line"] for line in first["results"]] == [7, 6, 5]
    assert first["previous"] is None
    second = client.get(first["next"]).json()
    assert [line["line"] for line in second["results"]] == [4, 3, 2]
    third = client.get(second["next"]).json()
    assert [line["line"] for line in third["results"]] == [1]
    assert third["next"] is None
    back = client.get(third["previous"]).json()
    assert [line["line"] for line in back["results"]] == [4, 3, 2]
    assert "page_size=3" in back["previous"]
    assert [line["line"] for line in client.get(back["previous"]).json()["results"]] == [7, 6, 5]


def test_the_pages_filters_apply(
    api_client: Callable[[str], APIClient], accounts: dict[str, Account], alice: User, bob: User
) -> None:
    gift(alice, bob, 10, "f1")
    body = api_client("resident").get(STATEMENT, {"kind": "earn"}).json()
    assert [line["kind"] for line in body["results"]] == ["earn"]
    assert api_client("resident").get(STATEMENT, {"date_to": "2000-01-01"}).json()["results"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"page_size": 0}, "page_size"),
        ({"page_size": 101}, "page_size"),
        ({"page_size": "lots"}, "page_size"),
        ({"before": "x"}, "before"),
        ({"before": -1}, "before"),
        ({"after": "1; DROP TABLE timecredits_entry"}, "after"),
        ({"before": 3, "after": 1}, "after"),
        ({"kind": "theft"}, "kind"),
        ({"date_from": "yesterday"}, "date_from"),
        ({"date_from": "2026-02-02", "date_to": "2026-01-01"}, "date_to"),
    ],
)
def test_a_malformed_query_is_refused_field_by_field(
    api_client: Callable[[str], APIClient], accounts: dict[str, Account], query: dict[str, Any], field: str
) -> None:
    response = api_client("resident").get(STATEMENT, query)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and list(body["fields"]) == [field]


def test_the_statement_speaks_welsh_when_asked(
    api_client: Callable[[str], APIClient], accounts: dict[str, Account], alice: User, bob: User
) -> None:
    gift(alice, bob, 90, "cy")
    response = api_client("resident").get(STATEMENT, HTTP_ACCEPT_LANGUAGE="cy")
    assert response["Content-Language"] == "cy"
    line = response.json()["results"][0]
    assert line["kind_display"] == "Rhodd"
    assert line["description"] == "I Bob"
    assert line["paid_out"] == {"minutes": 90, "text": "1 awr 30 munud"}
    me = api_client("resident").get("/cy/api/v1/time-credits/me/").json()
    assert me["account"]["balance"] == {"minutes": START - 90, "text": "1 awr 30 munud"}
    refused = api_client("resident").get(STATEMENT, {"page_size": 0}, HTTP_ACCEPT_LANGUAGE="cy").json()
    assert refused["fields"] == {"page_size": ["Rhowch faint tudalen o 1 i 100."]}


def test_the_first_look_opens_an_account_with_nothing_in_it(
    api_client: Callable[[str], APIClient], alice: User
) -> None:
    assert not Account.objects.filter(user=alice).exists()
    body = api_client("resident").get(ME).json()
    account = Account.objects.get(user=alice)
    assert body["account"] == {
        "number": account.number,
        "kind": "person",
        "organisation": None,
        "balance": {"minutes": 0, "text": "0 hours"},
    }
    assert body["organised_accounts"] == []
    assert body["statement"].endswith(STATEMENT)
    assert api_client("resident").get(STATEMENT).json()["results"] == []


def test_a_facilitator_sees_their_organisations_accounts_and_no_others(
    api_client: Callable[[str], APIClient],
    accounts: dict[str, Account],
    organisation: Organisation,
    elsewhere: Organisation,
) -> None:
    services.account_open_for_organisation(organisation=elsewhere, kind=Account.Kind.ISSUING)
    ours = Account.objects.get(organisation=organisation, kind=Account.Kind.ISSUING)
    body = api_client("facilitator").get(ME).json()
    assert body["organised_accounts"] == [
        {
            "number": ours.number,
            "kind": "issuing",
            "organisation": "swansea",
            # Six people were paid three hours each: what the council has issued.
            "balance": {"minutes": -6 * START, "text": "−18 hours"},  # noqa: RUF001 - the pages show a real minus sign
        }
    ]
    officer = api_client("officer").get(ME).json()
    assert {account["organisation"] for account in officer["organised_accounts"]} == {"swansea", "gwynedd"}

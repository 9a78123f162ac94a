"""The pure core: amounts in words and the posting rules, without a database."""

from __future__ import annotations

import pytest
from django.utils import translation

from timecredits import ledger
from timecredits.amounts import format_clock, format_minutes, split_minutes, to_minutes


@pytest.mark.parametrize(
    ("minutes", "english"),
    [
        (0, "0 hours"),
        (1, "1 minute"),
        (45, "45 minutes"),
        (60, "1 hour"),
        (90, "1 hour 30 minutes"),
        (180, "3 hours"),
        (-135, "−2 hours 15 minutes"),  # noqa: RUF001 - a real minus sign
    ],
)
def test_it_writes_amounts_as_hours_and_minutes(minutes: int, english: str) -> None:
    with translation.override("en"):
        assert format_minutes(minutes) == english


def test_it_writes_amounts_in_welsh() -> None:
    with translation.override("cy"):
        assert format_minutes(60) == "1 awr"
        assert format_minutes(180) == "3 awr"
        assert format_minutes(90) == "1 awr 30 munud"
        assert format_minutes(2) == "2 funud"


def test_it_converts_between_forms_and_minutes() -> None:
    assert to_minutes(2, 15) == 135
    assert split_minutes(135) == (2, 15)
    assert format_clock(135) == "2:15"
    assert format_clock(-5) == "-0:05"


def leg(account_id: int, amount: int, balance: int = 0, issuing: bool = False) -> ledger.Leg:
    return ledger.Leg(account_id=account_id, amount=amount, balance=balance, may_go_negative=issuing)


def test_it_posts_balanced_legs_with_running_balances() -> None:
    postings = ledger.post([leg(1, -60, balance=100), leg(2, 60, balance=5)])
    assert [(p.account_id, p.amount, p.balance_after) for p in postings] == [(1, -60, 40), (2, 60, 65)]


def test_an_issuing_account_may_go_negative_and_a_person_may_not() -> None:
    assert ledger.post([leg(1, -180, issuing=True), leg(2, 180)])[0].balance_after == -180
    with pytest.raises(ledger.Overdrawn) as refused:
        ledger.post([leg(2, -61, balance=60), leg(3, 61)])
    assert (refused.value.account_id, refused.value.balance, refused.value.shortfall) == (2, 60, 1)


@pytest.mark.parametrize(
    "legs",
    [
        [leg(1, 60)],  # one leg
        [leg(1, -60, balance=60), leg(2, 59)],  # does not sum to zero
        [leg(1, -60, balance=60), leg(1, 60)],  # same account twice
        [leg(1, 0), leg(2, 0)],  # zero legs
    ],
)
def test_it_refuses_legs_that_break_bookkeeping(legs: list[ledger.Leg]) -> None:
    with pytest.raises(ledger.LedgerRuleError):
        ledger.post(legs)


def test_it_finds_a_broken_running_balance() -> None:
    assert ledger.running_balance_breaks([60, -30, 15], [60, 30, 45]) == []
    assert ledger.running_balance_breaks([60, -30, 15], [60, 31, 46]) == [1, 2]
    assert ledger.credited([-90, 60, 30]) == 90

"""Worked examples, in the manner of an accounting textbook.

Each step records one transaction and then checks the journal (the transfer's legs: which account,
how much in or out, the balance it leads to) and the trial balance (every account, and that they
still add up to zero). Amounts are minutes: 180 is three hours, one time credit is 60.
"""

from __future__ import annotations

import pytest

from timecredits import services
from timecredits.models import Account, Entry, PartnerOffer, Transfer
from timecredits.selectors import ledger_reconcile
from vocaleyes.models import Organisation, User

pytestmark = pytest.mark.django_db


def journal(transfer: Transfer) -> list[tuple[str, int, int]]:
    """(account owner, amount, balance after) for each leg, debits first."""
    return [
        (entry.account.owner_name, entry.amount, entry.balance_after)
        for entry in Entry.objects.filter(transfer=transfer)
        .select_related("account__user", "account__organisation")
        .order_by("amount")
    ]


def trial_balance() -> dict[str, int]:
    balances = {account.owner_name: account.balance for account in Account.objects.with_owner()}
    assert sum(balances.values()) == 0, "the ledger must always add up to zero"
    assert ledger_reconcile().ok
    return balances


def test_earn_three_hours_gift_one_spend_two_then_reverse_everything(
    alice: User,
    bob: User,
    fran: User,
    olwen: User,
    organisation: Organisation,
    issuer: Account,
    course: PartnerOffer,
) -> None:
    # 1. Fran, a facilitator, confirms that Alice gave 3 hours at a citizen panel.
    #    Dr Swansea Council (issuing) 180 / Cr Alice 180: the council creates the credits.
    earn = services.credits_earn(
        organisation=organisation,
        person=alice,
        minutes=180,
        recorded_by=fran,
        memo="Citizen panel on buses",
        idempotency_key="example-earn",
    )
    assert earn.kind == Transfer.Kind.EARN and earn.amount == 180
    assert journal(earn) == [("Swansea Council", -180, -180), ("Alice", 180, 180)]
    assert trial_balance() == {"Swansea Council": -180, "Alice": 180, "Swansea Leisure Centre": 0}

    # 2. Alice gives Bob one hour. Dr Alice 60 / Cr Bob 60.
    gift = services.credits_gift(
        sender=alice, recipient=bob, minutes=60, message="Diolch am y lifft!", idempotency_key="example-gift"
    )
    assert journal(gift) == [("Alice", -60, 120), ("Bob", 60, 60)]
    assert gift.memo == "Diolch am y lifft!"
    assert trial_balance() == {"Swansea Council": -180, "Alice": 120, "Bob": 60, "Swansea Leisure Centre": 0}

    # 3. Alice spends two hours on a first aid course. Dr Alice 120 / Cr the leisure centre 120.
    spend = services.credits_spend(person=alice, offer=course, idempotency_key="example-spend")
    assert journal(spend) == [("Alice", -120, 0), ("Swansea Leisure Centre", 120, 120)]
    assert spend.reference and spend.offer == course
    course.refresh_from_db()
    assert course.places_left == 0
    assert trial_balance() == {"Swansea Council": -180, "Alice": 0, "Bob": 60, "Swansea Leisure Centre": 120}

    # 4. The gift was a mistake: Olwen reverses it. Dr Bob 60 / Cr Alice 60, pointing at the gift.
    undo_gift = services.transfer_reverse(
        transfer=gift, reversed_by=olwen, reason="Sent to the wrong Bob", idempotency_key="example-undo-gift"
    )
    assert undo_gift.reverses == gift and undo_gift.amount == 60
    assert journal(undo_gift) == [("Bob", -60, 0), ("Alice", 60, 60)]
    assert trial_balance() == {"Swansea Council": -180, "Alice": 60, "Bob": 0, "Swansea Leisure Centre": 120}

    # 5. The course was cancelled: reverse the spend. The place comes back.
    undo_spend = services.transfer_reverse(
        transfer=spend, reversed_by=olwen, reason="Course cancelled", idempotency_key="example-undo-spend"
    )
    assert journal(undo_spend) == [("Swansea Leisure Centre", -120, 0), ("Alice", 120, 180)]
    course.refresh_from_db()
    assert course.places_left == 1

    # 6. And the panel hours were recorded against the wrong person: reverse the earn.
    #    Every account is back at zero; nothing was ever deleted.
    undo_earn = services.transfer_reverse(
        transfer=earn, reversed_by=olwen, reason="Wrong person", idempotency_key="example-undo-earn"
    )
    assert journal(undo_earn) == [("Alice", -180, 0), ("Swansea Council", 180, 0)]
    assert trial_balance() == {"Swansea Council": 0, "Alice": 0, "Bob": 0, "Swansea Leisure Centre": 0}
    assert Transfer.objects.count() == 6
    assert Entry.objects.count() == 12


def test_a_statement_runs_like_a_bank_book(
    alice: User, bob: User, fran: User, organisation: Organisation, issuer: Account, swim: PartnerOffer
) -> None:
    services.credits_earn(
        organisation=organisation,
        person=alice,
        minutes=90,
        recorded_by=fran,
        memo="Litter pick",
        idempotency_key="a",
    )
    services.credits_earn(
        organisation=organisation,
        person=alice,
        minutes=45,
        recorded_by=fran,
        memo="Phone line",
        idempotency_key="b",
    )
    services.credits_spend(person=alice, offer=swim, idempotency_key="c")
    services.credits_gift(sender=alice, recipient=bob, minutes=15, message="", idempotency_key="d")

    account = Account.objects.get(user=alice)
    lines = list(Entry.objects.filter(account=account).order_by("id").values_list("amount", "balance_after"))
    # in 90 → 90; in 45 → 135; out 60 → 75; out 15 → 60
    assert lines == [(90, 90), (45, 135), (-60, 75), (-15, 60)]
    assert account.balance == 60
    assert issuer.__class__.objects.get(pk=issuer.pk).balance == -135

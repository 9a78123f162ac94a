"""Services: refusals leave nothing behind, keys are idempotent, permissions hold."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import translation

from tests.conftest import make_user
from timecredits import services
from timecredits.models import Account, Entry, PartnerOffer, Transfer
from vocaleyes.errors import Refusal
from vocaleyes.models import Organisation, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_has_two_hours(alice: User, fran: User, organisation: Organisation, issuer: Account) -> Transfer:
    return services.credits_earn(
        organisation=organisation,
        person=alice,
        minutes=120,
        recorded_by=fran,
        memo="Panel",
        idempotency_key="earn-1",
    )


def ledger_size() -> tuple[int, int]:
    return Transfer.objects.count(), Entry.objects.count()


def test_it_refuses_an_overspend_with_a_clear_message_and_writes_nothing(
    alice: User, alice_has_two_hours: Transfer, partner: Organisation
) -> None:
    concert = PartnerOffer.objects.create(organisation=partner, title_en="Concert", price=150, places_left=3)
    before = ledger_size()
    with translation.override("en"), pytest.raises(services.InsufficientCredits) as refused:
        services.credits_spend(person=alice, offer=concert, idempotency_key="spend-1")
    assert refused.value.message == (
        "You have 2 hours, but this costs 2 hours 30 minutes. You need 30 minutes more. "
        "Nothing has been taken from your account."
    )
    assert ledger_size() == before
    assert Account.objects.get(user=alice).balance == 120
    concert.refresh_from_db()
    assert concert.places_left == 3
    assert not Transfer.objects.filter(idempotency_key="spend-1").exists()


def test_it_refuses_to_give_more_than_the_balance(
    alice: User, bob: User, alice_has_two_hours: Transfer
) -> None:
    before = ledger_size()
    with translation.override("en"), pytest.raises(services.InsufficientCredits) as refused:
        services.credits_gift(sender=alice, recipient=bob, minutes=121, message="", idempotency_key="g")
    assert refused.value.message == (
        "You have 2 hours, so you cannot give 2 hours 1 minute. Nothing has been taken from your account."
    )
    assert ledger_size() == before
    assert not Account.objects.filter(user=bob, balance__gt=0).exists()


def test_a_repeated_key_returns_the_first_transfer_and_records_nothing_more(
    alice: User, bob: User, alice_has_two_hours: Transfer
) -> None:
    first = services.credits_gift(
        sender=alice, recipient=bob, minutes=30, message="Diolch", idempotency_key="same"
    )
    before = ledger_size()
    again = services.credits_gift(
        sender=alice, recipient=bob, minutes=30, message="Diolch", idempotency_key="same"
    )
    assert again.pk == first.pk
    assert again.replayed and not first.replayed
    assert ledger_size() == before
    assert Account.objects.get(user=alice).balance == 90
    # An earn repeated with its key is one earn too.
    assert (
        services.credits_earn(
            organisation=alice_has_two_hours.organisation,  # type: ignore[arg-type]
            person=alice,
            minutes=120,
            recorded_by=alice_has_two_hours.recorded_by,
            memo="Panel",
            idempotency_key="earn-1",
        ).pk
        == alice_has_two_hours.pk
    )
    assert Account.objects.get(user=alice).balance == 90


def test_a_repeat_refused_because_its_first_try_spent_the_balance_answers_with_the_first(
    alice: User, bob: User, alice_has_two_hours: Transfer, course: PartnerOffer
) -> None:
    # The first gift takes all of Alice's credits and the first spend the course's last place, so
    # the repeats are refused under the locks (not stopped by the unique key), then answered with
    # the transfers already made.
    first_gift = services.credits_gift(
        sender=alice, recipient=bob, minutes=120, message="", idempotency_key="all"
    )
    services.credits_earn(
        organisation=alice_has_two_hours.organisation,  # type: ignore[arg-type]
        person=alice,
        minutes=120,
        recorded_by=alice_has_two_hours.recorded_by,
        memo="More",
        idempotency_key="more",
    )
    first_spend = services.credits_spend(person=alice, offer=course, idempotency_key="last-place")
    before = ledger_size()
    again_gift = services.credits_gift(
        sender=alice, recipient=bob, minutes=120, message="", idempotency_key="all"
    )
    again_spend = services.credits_spend(person=alice, offer=course, idempotency_key="last-place")
    assert (again_gift.pk, again_spend.pk) == (first_gift.pk, first_spend.pk)
    assert again_gift.replayed and again_spend.replayed
    assert ledger_size() == before
    course.refresh_from_db()
    assert course.places_left == 0
    assert Account.objects.get(user=alice).balance == 0


def test_a_key_reused_for_a_different_transfer_is_refused(
    alice: User, bob: User, alice_has_two_hours: Transfer
) -> None:
    services.credits_gift(sender=alice, recipient=bob, minutes=30, message="", idempotency_key="k")
    before = ledger_size()
    with translation.override("en"), pytest.raises(Refusal) as refused:
        services.credits_gift(sender=alice, recipient=bob, minutes=45, message="", idempotency_key="k")
    assert refused.value.message == "This form was already used for a different transfer. Please start again."
    assert ledger_size() == before


def test_only_an_organiser_can_confirm_hours(
    alice: User, bob: User, fran: User, olwen: User, organisation: Organisation, issuer: Account
) -> None:
    with translation.override("en"), pytest.raises(Refusal) as refused:
        services.credits_earn(
            organisation=organisation,
            person=alice,
            minutes=60,
            recorded_by=bob,
            memo="x",
            idempotency_key="a",
        )
    assert refused.value.forbidden
    assert refused.value.message == "Only an organiser of Swansea Council can confirm hours for it."
    # Officers (staff) may, for any organisation.
    services.credits_earn(
        organisation=organisation, person=alice, minutes=60, recorded_by=olwen, memo="x", idempotency_key="b"
    )
    with pytest.raises(Refusal, match="own hours"):
        services.credits_earn(
            organisation=organisation,
            person=fran,
            minutes=60,
            recorded_by=fran,
            memo="x",
            idempotency_key="c",
        )
    assert Transfer.objects.count() == 1


def test_an_organisation_without_an_issuing_account_cannot_give_credits(
    alice: User, fran: User, organisation: Organisation
) -> None:
    with translation.override("en"), pytest.raises(Refusal, match="does not give time credits"):
        services.credits_earn(
            organisation=organisation,
            person=alice,
            minutes=60,
            recorded_by=fran,
            memo="x",
            idempotency_key="a",
        )
    assert Transfer.objects.count() == 0


@pytest.mark.parametrize("minutes", [0, -15, 100 * 60 + 1])
def test_it_refuses_amounts_out_of_range(
    alice: User, fran: User, organisation: Organisation, issuer: Account, minutes: int
) -> None:
    with pytest.raises(Refusal, match=r"^Enter (an amount of time greater than zero|at most 100 hours)"):
        services.credits_earn(
            organisation=organisation,
            person=alice,
            minutes=minutes,
            recorded_by=fran,
            memo="x",
            idempotency_key="a",
        )
    assert Transfer.objects.count() == 0


def test_nobody_can_give_to_themselves(alice: User, alice_has_two_hours: Transfer) -> None:
    with pytest.raises(Refusal, match="yourself") as refused:
        services.credits_gift(sender=alice, recipient=alice, minutes=15, message="", idempotency_key="self")
    assert refused.value.field == "recipient"


def test_recording_hours_for_several_people_is_all_or_nothing(
    alice: User, bob: User, fran: User, organisation: Organisation, issuer: Account
) -> None:
    charlie = make_user("charlie@example.org", "Charlie", is_active=False)
    with pytest.raises(Refusal, match="closed"):
        services.credits_earn_many(
            organisation=organisation,
            volunteers=[(alice, 60), (bob, 90), (charlie, 30)],
            recorded_by=fran,
            memo="Litter pick",
            idempotency_key="batch",
        )
    assert Transfer.objects.count() == 0
    transfers = services.credits_earn_many(
        organisation=organisation,
        volunteers=[(alice, 60), (bob, 90)],
        recorded_by=fran,
        memo="Litter pick",
        idempotency_key="batch",
    )
    assert [t.amount for t in transfers] == [60, 90]
    assert sorted(Transfer.objects.values_list("idempotency_key", flat=True)) == [
        f"batch:{alice.pk}",
        f"batch:{bob.pk}",
    ]
    again = services.credits_earn_many(
        organisation=organisation,
        volunteers=[(alice, 60), (bob, 90)],
        recorded_by=fran,
        memo="Litter pick",
        idempotency_key="batch",
    )
    assert [t.pk for t in again] == [t.pk for t in transfers]
    assert Account.objects.get(kind="issuing").balance == -150


def test_only_an_officer_can_reverse_and_only_once(
    alice: User, fran: User, olwen: User, alice_has_two_hours: Transfer
) -> None:
    with translation.override("en"), pytest.raises(Refusal) as refused:
        services.transfer_reverse(
            transfer=alice_has_two_hours, reversed_by=fran, reason="x", idempotency_key="r"
        )
    assert refused.value.forbidden
    assert refused.value.message == "Only a council officer can reverse a transfer."
    with pytest.raises(Refusal, match="reason") as refused:
        services.transfer_reverse(
            transfer=alice_has_two_hours, reversed_by=olwen, reason="  ", idempotency_key="r"
        )
    assert refused.value.field == "reason" and not refused.value.forbidden
    reversal = services.transfer_reverse(
        transfer=alice_has_two_hours, reversed_by=olwen, reason="Duplicate", idempotency_key="r"
    )
    assert (
        services.transfer_reverse(
            transfer=alice_has_two_hours, reversed_by=olwen, reason="Duplicate", idempotency_key="r"
        ).pk
        == reversal.pk
    )
    with pytest.raises(Refusal, match="already been reversed"):
        services.transfer_reverse(
            transfer=alice_has_two_hours, reversed_by=olwen, reason="Again", idempotency_key="r2"
        )
    with pytest.raises(Refusal, match="cannot itself be reversed"):
        services.transfer_reverse(transfer=reversal, reversed_by=olwen, reason="Undo", idempotency_key="r3")
    assert Transfer.objects.filter(kind=Transfer.Kind.REVERSAL).count() == 1


def test_a_gift_already_spent_cannot_be_reversed(
    alice: User, bob: User, olwen: User, alice_has_two_hours: Transfer, swim: PartnerOffer
) -> None:
    gift = services.credits_gift(sender=alice, recipient=bob, minutes=60, message="", idempotency_key="g")
    services.credits_spend(person=bob, offer=swim, idempotency_key="s")
    before = ledger_size()
    with translation.override("en"), pytest.raises(services.InsufficientCredits) as refused:
        services.transfer_reverse(transfer=gift, reversed_by=olwen, reason="Mistake", idempotency_key="r")
    assert refused.value.message.startswith("Bob has 0 hours left")
    assert ledger_size() == before


def test_spending_on_an_unlisted_or_full_offer_is_refused(
    alice: User, alice_has_two_hours: Transfer, swim: PartnerOffer, course: PartnerOffer
) -> None:
    PartnerOffer.objects.filter(pk=swim.pk).update(is_listed=False)
    with pytest.raises(Refusal, match="not available"):
        services.credits_spend(person=alice, offer=swim, idempotency_key="a")
    services.credits_spend(person=alice, offer=course, idempotency_key="b")  # its last place
    services.credits_earn(
        organisation=alice_has_two_hours.organisation,  # type: ignore[arg-type]
        person=alice,
        minutes=120,
        recorded_by=alice_has_two_hours.recorded_by,
        memo="More",
        idempotency_key="c",
    )
    with pytest.raises(Refusal, match="no places left"):
        services.credits_spend(person=alice, offer=course, idempotency_key="d")
    assert Transfer.objects.filter(kind=Transfer.Kind.SPEND).count() == 1


def test_receipts_go_out_after_commit_in_the_recipients_language(
    alice: User,
    bob: User,
    fran: User,
    organisation: Organisation,
    issuer: Account,
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.credits_earn(
            organisation=organisation,
            person=bob,
            minutes=90,
            recorded_by=fran,
            memo="Panel",
            idempotency_key="e",
        )
        services.credits_gift(sender=bob, recipient=alice, minutes=30, message="Thanks!", idempotency_key="g")
    # Bob prefers Welsh; Alice English. A gift sends one receipt, to the person who received it.
    assert [message.to for message in mail.outbox] == [["bob@example.org"], ["alice@example.org"]]
    earned, gift = mail.outbox
    assert "1 awr 30 munud" in earned.subject and "Cyngor Abertawe" in earned.body
    assert gift.subject == "Bob has given you 30 minutes of time credits"
    assert "Thanks!" in gift.body and "Your balance is now 30 minutes." in gift.body
    # Repeating the gift's key sends nothing again.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.credits_gift(sender=bob, recipient=alice, minutes=30, message="Thanks!", idempotency_key="g")
    assert callbacks == [] and len(mail.outbox) == 2

"""The database refuses a broken ledger even when the services are bypassed (ORM or raw SQL).

These tests commit for real (``transaction=True``): on Postgres the balance rule is a deferred
constraint trigger that runs at COMMIT, so only a real commit shows it working. On SQLite the
same rule runs when the transfer row is inserted (see migration 0002). Either way the error
surfaces inside the ``atomic`` block and nothing is left behind.
"""

from __future__ import annotations

import uuid

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from tests.conftest import make_user
from timecredits import services
from timecredits.models import Account, Entry, Transfer
from vocaleyes.models import Organisation, User

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(ledger_cleanup: None) -> tuple[User, User, Account, Account, Account]:
    """Alice with one hour earned from the council, and Bob with nothing."""
    alice = make_user("alice@example.org", "Alice")
    bob = make_user("bob@example.org", "Bob")
    fran = make_user("fran@example.org", "Fran", is_staff=True)
    council = Organisation.objects.create(slug="c", name_en="Council", kind=Organisation.Kind.LOCAL_AUTHORITY)
    issuer = services.account_open_for_organisation(organisation=council, kind=Account.Kind.ISSUING)
    services.credits_earn(
        organisation=council, person=alice, minutes=60, recorded_by=fran, memo="Panel", idempotency_key="seed"
    )
    return alice, bob, services.account_for_person(user=alice), services.account_for_person(user=bob), issuer


def next_line(account: Account) -> int:
    return Account.objects.get(pk=account.pk).entry_count + 1


def write_transfer(
    legs: list[tuple[Account, int, int]],
    *,
    amount: int,
    recorded_by: User,
    kind: str = "gift",
    key: str = "raw",
) -> uuid.UUID:
    """Bypass the services: write entries then the transfer with the ORM, as given."""
    transfer_id = uuid.uuid4()
    now = timezone.now()
    Entry.objects.bulk_create(
        [
            Entry(
                transfer_id=transfer_id,
                account=account,
                seq=next_line(account),
                amount=value,
                balance_after=after,
                kind=kind,
                created=now,
            )
            for account, value, after in legs
        ]
    )
    Transfer(
        id=transfer_id, idempotency_key=key, kind=kind, amount=amount, recorded_by=recorded_by, created=now
    ).save(force_insert=True)
    return transfer_id


def assert_ledger_unchanged(transfers: int = 1, entries: int = 2) -> None:
    assert Transfer.objects.count() == transfers
    assert Entry.objects.count() == entries
    balances = dict(Account.objects.values_list("kind", "balance").filter(kind="issuing"))
    assert balances == {"issuing": -60}


def test_a_balanced_transfer_written_without_the_service_is_accepted(people: tuple) -> None:
    alice, _bob, alice_account, bob_account, _issuer = people
    with transaction.atomic():
        write_transfer([(alice_account, -60, 0), (bob_account, 60, 60)], amount=60, recorded_by=alice)
    bob_account.refresh_from_db()
    assert bob_account.balance == 60  # the trigger moved the balance


def test_it_rejects_an_unbalanced_transfer_written_with_the_orm(people: tuple) -> None:
    alice, _bob, alice_account, bob_account, _issuer = people
    with pytest.raises(IntegrityError), transaction.atomic():
        # Bob gains an hour that nobody paid: credits created from nothing.
        write_transfer([(alice_account, -30, 30), (bob_account, 60, 60)], amount=60, recorded_by=alice)
    assert_ledger_unchanged()


def test_it_rejects_a_one_legged_transfer_written_with_raw_sql(people: tuple) -> None:
    alice, _bob, _alice_account, bob_account, _issuer = people
    transfer_id = uuid.uuid4()
    uuid_value = transfer_id.hex if connection.vendor == "sqlite" else str(transfer_id)
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO timecredits_entry"
            " (transfer_id, account_id, seq, amount, balance_after, kind, created)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [uuid_value, bob_account.pk, next_line(bob_account), 60, 60, "gift", now],
        )
        cursor.execute(
            "INSERT INTO timecredits_transfer"
            " (id, idempotency_key, kind, amount, memo, recorded_by_id, created)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [uuid_value, "raw-sql", "gift", 60, "", alice.pk, now],
        )
    assert_ledger_unchanged()


def test_it_rejects_a_transfer_whose_legs_do_not_move_its_amount(people: tuple) -> None:
    alice, _bob, alice_account, bob_account, _issuer = people
    with pytest.raises(IntegrityError), transaction.atomic():
        write_transfer([(alice_account, -30, 30), (bob_account, 30, 30)], amount=60, recorded_by=alice)
    assert_ledger_unchanged()


def test_it_rejects_entries_without_their_transfer(people: tuple) -> None:
    _alice, _bob, alice_account, bob_account, _issuer = people
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.bulk_create(
            [
                Entry(
                    transfer_id=uuid.uuid4(),
                    account=a,
                    seq=next_line(a),
                    amount=v,
                    balance_after=b,
                    kind="gift",
                    created=timezone.now(),
                )
                for a, v, b in [(alice_account, -60, 0), (bob_account, 60, 60)]
            ]
        )
    assert_ledger_unchanged()


def test_it_rejects_legs_added_to_a_recorded_transfer(people: tuple) -> None:
    _alice, _bob, alice_account, bob_account, _issuer = people
    seed = Transfer.objects.get(idempotency_key="seed")
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.bulk_create(
            [
                Entry(
                    transfer=seed,
                    account=a,
                    seq=next_line(a),
                    amount=v,
                    balance_after=b,
                    kind="earn",
                    created=seed.created,
                )
                for a, v, b in [(alice_account, -60, 0), (bob_account, 60, 60)]
            ]
        )
    assert_ledger_unchanged()


def test_it_rejects_a_running_balance_that_does_not_follow(people: tuple) -> None:
    alice, _bob, alice_account, bob_account, _issuer = people
    with pytest.raises(IntegrityError), transaction.atomic():
        write_transfer([(alice_account, -60, 0), (bob_account, 60, 600)], amount=60, recorded_by=alice)
    assert_ledger_unchanged()


def test_it_rejects_a_line_number_that_does_not_follow(people: tuple) -> None:
    alice, _bob, alice_account, bob_account, _issuer = people
    transfer_id = uuid.uuid4()
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.bulk_create(
            [
                Entry(
                    transfer_id=transfer_id,
                    account=alice_account,
                    seq=next_line(alice_account) + 1,
                    amount=-60,
                    balance_after=0,
                    kind="gift",
                    created=now,
                ),
                Entry(
                    transfer_id=transfer_id,
                    account=bob_account,
                    seq=next_line(bob_account),
                    amount=60,
                    balance_after=60,
                    kind="gift",
                    created=now,
                ),
            ]
        )
        Transfer(
            id=transfer_id, idempotency_key="gap", kind="gift", amount=60, recorded_by=alice, created=now
        ).save(force_insert=True)
    assert_ledger_unchanged()


def test_it_keeps_a_person_at_or_above_zero_whatever_writes(people: tuple) -> None:
    _alice, bob, alice_account, bob_account, _issuer = people
    # Bob has nothing; a balanced, correctly chained transfer that takes him to -60 is still refused.
    with pytest.raises(IntegrityError), transaction.atomic():
        write_transfer([(bob_account, -60, -60), (alice_account, 60, 120)], amount=60, recorded_by=bob)
    assert_ledger_unchanged()


@pytest.mark.parametrize("table", ["timecredits_transfer", "timecredits_entry"])
def test_transfers_and_entries_cannot_be_updated_or_deleted(people: tuple, table: str) -> None:
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET kind = 'gift'")  # noqa: S608 - table name from the parameters
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.filter(idempotency_key="seed").update(memo="changed")
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.all().delete()
    assert Transfer.objects.get(idempotency_key="seed").memo == "Panel"
    assert_ledger_unchanged()


def test_an_account_balance_cannot_be_set_by_hand(people: tuple) -> None:
    _alice, _bob, alice_account, _bob_account, _issuer = people
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=alice_account.pk).update(balance=6000)
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=alice_account.pk).update(entry_count=0)
    alice_account.refresh_from_db()
    assert alice_account.balance == 60


def test_the_same_key_or_a_second_reversal_is_refused_by_the_database(people: tuple) -> None:
    alice, _bob, alice_account, bob_account, _issuer = people
    with pytest.raises(IntegrityError), transaction.atomic():
        write_transfer(
            [(alice_account, -60, 0), (bob_account, 60, 60)], amount=60, recorded_by=alice, key="seed"
        )
    seed = Transfer.objects.get(idempotency_key="seed")
    olwen = make_user("olwen@example.org", "Olwen", is_staff=True)
    services.transfer_reverse(transfer=seed, reversed_by=olwen, reason="Wrong", idempotency_key="undo")
    with pytest.raises(IntegrityError), transaction.atomic():
        transfer_id = uuid.uuid4()
        now = timezone.now()
        alice_account.refresh_from_db()
        issuer = Account.objects.get(kind="issuing")
        # Legs that are balanced and chain correctly: only the one-reversal rule is broken.
        Entry.objects.bulk_create(
            [
                Entry(
                    transfer_id=transfer_id,
                    account=issuer,
                    seq=next_line(issuer),
                    amount=-60,
                    balance_after=-60,
                    kind="reversal",
                    created=now,
                ),
                Entry(
                    transfer_id=transfer_id,
                    account=alice_account,
                    seq=next_line(alice_account),
                    amount=60,
                    balance_after=60,
                    kind="reversal",
                    created=now,
                ),
            ]
        )
        Transfer(
            id=transfer_id,
            idempotency_key="undo-again",
            kind="reversal",
            amount=60,
            recorded_by=olwen,
            created=now,
            reverses=seed,
        ).save(force_insert=True)
    assert Transfer.objects.filter(reverses=seed).count() == 1

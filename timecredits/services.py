"""Writes to the time-credit ledger. Everything that moves credits goes through these functions.

Each service is atomic and follows the same steps:

1. check the input (amounts, people, permissions) and fail with a ``CreditsError`` whose message
   is in the active language and can be shown to the person as it is;
2. lock the rows whose balance decides the outcome with ``SELECT ... FOR UPDATE`` (the offer first
   when there is one, then the accounts in primary-key order, so two transfers touching the same
   rows always queue in the same order and cannot deadlock);
3. let ``ledger.post`` decide against the *locked* balances (no read-then-write race: an
   over-spend is refused before anything is written), then write the entries and the transfer;
   the database checks the same rules again;
4. idempotency: the transfer's unique key decides. A repeated request (a double click, a retry
   after a timeout) either fails on the unique index, because its twin committed first, or is
   refused because the twin already spent the balance; either way the service then looks the key
   up and answers with the first transfer (``transfer.replayed`` is True) and nothing more is
   written. Looking the key up only on those paths keeps the common case to one locking query and
   one insert statement (entries and transfer together on Postgres), then COMMIT.

Between the lock and the commit the code is plain SQL on Django's cursor, not the ORM: every
millisecond of Python there is a millisecond that other transfers on a busy account (an
organisation's issuing or receiving account) wait for its row lock.

Receipts are emailed after commit (``transaction.on_commit``) by a Celery task, in the recipient's
language, and only when a transfer is new.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from conversations.models import Conversation
from vocaleyes.models import Organisation, User

from . import ledger, permissions
from .amounts import MAX_MINUTES_PER_TRANSFER, format_minutes
from .models import Account, Entry, PartnerOffer, Transfer

# Unambiguous when read aloud or typed from a phone screen: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
MAX_MEMO_LENGTH = 500


class CreditsError(Exception):
    """A request the ledger refuses; ``message`` is ready to show, in the active language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InsufficientCredits(CreditsError):
    pass


class IdempotencyConflict(CreditsError):
    pass


def _code(groups: int, size: int) -> str:
    return "-".join("".join(secrets.choice(CODE_ALPHABET) for _ in range(size)) for _ in range(groups))


def new_account_number() -> str:
    return _code(2, 4)  # 31^8: about 850 billion numbers


def new_door_reference() -> str:
    return _code(2, 5)  # 31^10: collisions are not a practical concern


# --- accounts ------------------------------------------------------------------------------------


def account_for_person(*, user: User) -> Account:
    """The person's account, opened on first use (safe when two requests open it at once)."""
    account = Account.objects.filter(user=user).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(kind=Account.Kind.PERSON, user=user, number=new_account_number())
    except IntegrityError:
        return Account.objects.get(user=user)


def account_open_for_organisation(*, organisation: Organisation, kind: str) -> Account:
    """The organisation's issuing or receiving account, opened if it has none yet."""
    if kind not in (Account.Kind.ISSUING, Account.Kind.RECEIVING):
        raise ValueError(f"An organisation account is issuing or receiving, not {kind!r}.")
    account = Account.objects.filter(organisation=organisation, kind=kind).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(kind=kind, organisation=organisation, number=new_account_number())
    except IntegrityError:
        return Account.objects.get(organisation=organisation, kind=kind)


# --- the core -------------------------------------------------------------------------------------


@dataclass
class LockedAccount:
    """An account row read under ``SELECT ... FOR UPDATE``: just the columns a transfer decides on
    (no model instance: this is the hot path of every transfer)."""

    pk: int
    kind: str
    user_id: int | None
    organisation_id: int | None
    balance: int
    entry_count: int

    @property
    def may_go_negative(self) -> bool:
        return Account.kind_may_go_negative(self.kind)


class _Locked:
    """The accounts of one transfer, locked, found by owner."""

    def __init__(self, accounts: Sequence[LockedAccount]) -> None:
        self.by_pk = {account.pk: account for account in accounts}

    def person(self, user: User) -> LockedAccount:
        return next(account for account in self.by_pk.values() if account.user_id == user.pk)

    def organisation(self, organisation_id: int, kind: str) -> LockedAccount | None:
        return next(
            (
                account
                for account in self.by_pk.values()
                if account.organisation_id == organisation_id and account.kind == kind
            ),
            None,
        )


def _placeholders(values: Sequence[object]) -> str:
    return ", ".join(["%s"] * len(values))


def _for_update() -> str:
    # SQLite has no row locks: its IMMEDIATE transactions (settings) serialise writers instead.
    return " FOR UPDATE" if connection.features.has_select_for_update else ""


def _lock_accounts(
    *,
    people: Sequence[User] = (),
    organisation_account: tuple[int, str] | None = None,
    account_ids: Sequence[int] = (),
) -> _Locked:
    """Lock the accounts of a transfer with one SELECT ... FOR UPDATE, in primary-key order.

    Call inside ``transaction.atomic()``. The order is what prevents deadlocks: a gift from A to B
    and one from B to A both lock min(A, B) first, and so wait for each other instead of each
    holding what the other needs (the rows are locked as the sorted rows come out, so the
    ORDER BY is the lock order). The balances on the returned accounts are current and stay so
    until commit. A person's account is opened on first use.
    """
    conditions: list[str] = []
    params: list[Any] = []
    if account_ids:
        conditions.append(f"id IN ({_placeholders(account_ids)})")
        params.extend(account_ids)
    if people:
        conditions.append(f"user_id IN ({_placeholders(people)})")
        params.extend(person.pk for person in people)
    if organisation_account is not None:
        conditions.append("(organisation_id = %s AND kind = %s)")
        params.extend(organisation_account)
    assert conditions, "lock at least one account"
    sql = (
        "SELECT id, kind, user_id, organisation_id, balance, entry_count FROM timecredits_account"  # noqa: S608 - placeholders only
        f" WHERE {' OR '.join(conditions)} ORDER BY id{_for_update()}"
    )
    for _attempt in range(2):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            accounts = [LockedAccount(*row) for row in cursor.fetchall()]
        have = {account.user_id for account in accounts}
        missing = [person for person in people if person.pk not in have]
        if not missing:
            break
        for person in missing:  # new accounts: nobody else can be holding them yet
            account_for_person(user=person)
    return _Locked(accounts)


def _replay(
    idempotency_key: str, *, kind: str, amount: int, account_ids: Sequence[int] | Callable[[], Sequence[int]]
) -> Transfer | None:
    """The transfer already recorded under this key, or None.

    The same key for a different transfer is refused rather than silently answered with the
    first one: it means a client bug, and the person must not believe a second transfer happened.
    ``account_ids`` may be a callable, asked only when the key exists.
    """
    # Asked after every refusal (was it the repeat of a request that succeeded?), so one plain
    # query on the unique key, which usually finds nothing.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.id, t.kind, t.amount, e.account_id FROM timecredits_transfer t"
            " JOIN timecredits_entry e ON e.transfer_id = t.id WHERE t.idempotency_key = %s",
            [idempotency_key],
        )
        rows = cursor.fetchall()
    if not rows:
        return None
    existing_id, existing_kind, existing_amount, _account_id = rows[0]
    legs = {row[3] for row in rows}
    expected = set(account_ids() if callable(account_ids) else account_ids)
    if existing_kind != kind or existing_amount != amount or legs != expected:
        raise IdempotencyConflict(
            _("This form was already used for a different transfer. Please start again.")
        )
    existing = Transfer.objects.get(pk=existing_id)
    existing.replayed = True
    return existing


def _lock_offer(offer_id: int) -> tuple[int, int | None, bool]:
    """Lock an offer's row (it holds the places left): its price, places left and whether it is
    listed, as they stand until commit."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT price, places_left, is_listed FROM timecredits_partneroffer"  # noqa: S608 - a constant clause
            f" WHERE id = %s{_for_update()}",
            [offer_id],
        )
        row = cursor.fetchone()
    if row is None:
        raise PartnerOffer.DoesNotExist
    price, places_left, is_listed = row
    return price, places_left, bool(is_listed)


def _move_places(offer_id: int, change: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE timecredits_partneroffer SET places_left = places_left + %s WHERE id = %s",
            [change, offer_id],
        )


_ENTRY_INSERT = (
    "INSERT INTO timecredits_entry (transfer_id, account_id, seq, amount, balance_after, kind, created)"
    " VALUES "
)
_ENTRY_VALUES = "(%s, %s, %s, %s, %s, %s, %s)"
_TRANSFER_INSERT = (
    "INSERT INTO timecredits_transfer (id, idempotency_key, kind, amount, memo, recorded_by_id, created,"
    " organisation_id, conversation_id, offer_id, reverses_id, reference)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)


def _record(
    *,
    kind: str,
    legs: Sequence[tuple[LockedAccount, int]],
    idempotency_key: str,
    recorded_by: User,
    memo: str = "",
    reference: str | None = None,
    **links: Any,
) -> Transfer:
    """Write one balanced transfer.

    Preconditions: inside ``transaction.atomic()``, holding SELECT FOR UPDATE locks on every
    account in ``legs`` (``_lock_accounts``), whose ``balance`` is the locked value. Raises
    ``ledger.Overdrawn`` before writing anything when an account may not go that low.
    ``links`` are the transfer's foreign keys (``organisation``, ``offer_id``, ``reverses``...), as
    objects or ids; ids are enough, nothing is fetched for them.

    One round trip on Postgres: the entries and the transfer in a single statement (a data-
    modifying WITH), with plain SQL rather than the ORM, since this runs while the accounts are
    locked and every millisecond here is a millisecond other transfers on a busy account wait.
    The database's triggers check the rows exactly as they would check the ORM's.
    """
    postings = ledger.post(
        [
            ledger.Leg(
                account_id=account.pk,
                amount=amount,
                balance=account.balance,
                may_go_negative=account.may_go_negative,
            )
            for account, amount in legs
        ]
    )
    # Taken under the locks, so an account's entries are in time order as well as line order.
    now = timezone.now()
    transfer = Transfer(
        id=uuid.uuid4(),
        idempotency_key=idempotency_key,
        kind=kind,
        amount=ledger.credited([posting.amount for posting in postings]),
        memo=memo,
        recorded_by=recorded_by,
        created=now,
        reference=reference,
        **links,
    )
    prep_uuid = Transfer._meta.pk.get_db_prep_value  # a string on SQLite, native on Postgres
    transfer_id = prep_uuid(transfer.pk, connection)
    created = connection.ops.adapt_datetimefield_value(now)
    kind = str(kind)
    counts = {account.pk: account.entry_count for account, _amount in legs}
    entry_params: list[Any] = []
    for posting in postings:
        entry_params += [
            transfer_id,
            posting.account_id,
            counts[posting.account_id] + 1,
            posting.amount,
            posting.balance_after,
            kind,
            created,
        ]
    entries_sql = _ENTRY_INSERT + ", ".join([_ENTRY_VALUES] * len(postings))
    transfer_params: list[Any] = [
        transfer_id,
        idempotency_key,
        kind,
        transfer.amount,
        memo,
        recorded_by.pk,
        created,
        transfer.organisation_id,
        transfer.conversation_id,
        transfer.offer_id,
        prep_uuid(transfer.reverses_id, connection),
        reference,
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The balance check runs at COMMIT (deferred), so the order of the two inserts inside
            # the statement does not matter.
            cursor.execute(
                f"WITH entries AS ({entries_sql}) {_TRANSFER_INSERT}", entry_params + transfer_params
            )
        else:
            # SQLite: entries first; the transfer's insert trigger checks them (migration 0002).
            cursor.execute(entries_sql, entry_params)
            cursor.execute(_TRANSFER_INSERT, transfer_params)
    transfer._state.adding = False
    transfer._state.db = connection.alias
    # The database moved the balances and counts (trigger); keep the locked rows in step for
    # the next transfer in the same transaction (recording hours for several people).
    by_id = {posting.account_id: posting.balance_after for posting in postings}
    for account, _amount in legs:
        account.balance = by_id[account.pk]
        account.entry_count += 1
    return transfer


def _check_minutes(minutes: int) -> None:
    if minutes <= 0:
        raise CreditsError(_("Enter an amount of time greater than zero."))
    if minutes > MAX_MINUTES_PER_TRANSFER:
        raise CreditsError(
            _("Enter at most %(limit)s at a time.") % {"limit": format_minutes(MAX_MINUTES_PER_TRANSFER)}
        )


def _check_key(idempotency_key: str) -> None:
    if not idempotency_key or len(idempotency_key) > Transfer._meta.get_field("idempotency_key").max_length:  # type: ignore[operator]
        raise ValueError("A transfer needs an idempotency key of at most 120 characters.")


def _clean_memo(memo: str) -> str:
    memo = memo.strip()
    if len(memo) > MAX_MEMO_LENGTH:
        raise CreditsError(_("Keep the note to %(limit)d characters or fewer.") % {"limit": MAX_MEMO_LENGTH})
    return memo


def _enqueue_receipts(transfer: Transfer) -> None:
    from .tasks import send_transfer_receipts

    transfer_id = str(transfer.pk)
    # robust: a receipt that cannot be sent (mail server down) must never make a recorded
    # transfer look failed to the person who made it; the error is logged.
    transaction.on_commit(lambda: send_transfer_receipts.delay(transfer_id), robust=True)


def _person_account_ids(*people: User) -> list[int]:
    return list(
        Account.objects.filter(user__in=[person.pk for person in people]).values_list("pk", flat=True)
    )


def _first_answer(refusal: CreditsError, idempotency_key: str, **expected: Any) -> Transfer:
    """A refused request may be the repeat of one that succeeded (a double click after the first
    click spent the balance): then the first answer stands. Otherwise the refusal does."""
    existing = _replay(idempotency_key, **expected)
    if existing is None:
        raise refusal
    return existing


# --- earn ----------------------------------------------------------------------------------------


def credits_earn(
    *,
    organisation: Organisation,
    person: User,
    minutes: int,
    recorded_by: User,
    memo: str,
    idempotency_key: str,
    conversation: Conversation | None = None,
) -> Transfer:
    """An organiser confirms ``minutes`` volunteered by ``person``; the organisation issues the credits."""
    [transfer] = credits_earn_many(
        organisation=organisation,
        volunteers=[(person, minutes)],
        recorded_by=recorded_by,
        memo=memo,
        idempotency_key=idempotency_key,
        conversation=conversation,
        key_per_person=False,
    )
    return transfer


def credits_earn_many(
    *,
    organisation: Organisation,
    volunteers: Sequence[tuple[User, int]],
    recorded_by: User,
    memo: str,
    idempotency_key: str,
    conversation: Conversation | None = None,
    key_per_person: bool = True,
) -> list[Transfer]:
    """Confirm hours for several people at once: all are recorded, or none.

    Each person gets their own transfer (their own statement line and receipt), keyed
    ``<idempotency_key>:<person id>``, so submitting the same form twice records nothing new.
    """
    if not permissions.can_record_hours(recorded_by, organisation):
        raise PermissionDenied
    memo = _clean_memo(memo)
    if not memo:
        raise CreditsError(_("Say what the volunteering was, so people recognise it on their statement."))
    if not volunteers:
        raise CreditsError(_("Enter at least one person and the time they gave."))
    if len({person.pk for person, _minutes in volunteers}) != len(volunteers):
        raise CreditsError(_("Each person can appear only once in a record."))
    for person, minutes in volunteers:
        if person.pk == recorded_by.pk:
            raise CreditsError(_("You cannot confirm your own hours. Ask another organiser to record them."))
        if not person.is_active:
            raise CreditsError(
                _("%(name)s cannot receive credits: their account is closed.") % {"name": person.public_name}
            )
        _check_minutes(minutes)
    _check_key(idempotency_key)

    def keyed(person: User) -> str:
        return f"{idempotency_key}:{person.pk}" if key_per_person else idempotency_key

    people = [person for person, _minutes in volunteers]
    try:
        with transaction.atomic():
            locked = _lock_accounts(
                people=people, organisation_account=(organisation.pk, Account.Kind.ISSUING)
            )
            issuing = locked.organisation(organisation.pk, Account.Kind.ISSUING)
            if issuing is None:
                raise CreditsError(
                    _(
                        "%(organisation)s does not give time credits yet. "
                        "A council officer can open an issuing account for it."
                    )
                    % {"organisation": organisation.name}
                )
            # Issuing accounts may go negative, so an earn is never refused for its balance.
            transfers = [
                _record(
                    kind=Transfer.Kind.EARN,
                    legs=[(issuing, -minutes), (locked.person(person), minutes)],
                    idempotency_key=keyed(person),
                    recorded_by=recorded_by,
                    memo=memo,
                    organisation=organisation,
                    conversation=conversation,
                )
                for person, minutes in volunteers
            ]
            for transfer in transfers:
                _enqueue_receipts(transfer)
            return transfers
    except IntegrityError:
        # The same record submitted again: the unique key refused it, answer with the first.
        issuing_id = Account.objects.filter(organisation=organisation, kind=Account.Kind.ISSUING).values_list(
            "pk", flat=True
        )[0]
        accounts = dict(Account.objects.filter(user__in=[p.pk for p in people]).values_list("user_id", "pk"))
        replays = [
            _replay(
                keyed(person),
                kind=Transfer.Kind.EARN,
                amount=minutes,
                account_ids=[issuing_id, accounts[person.pk]],
            )
            for person, minutes in volunteers
        ]
        if any(replay is None for replay in replays):
            raise
        return [replay for replay in replays if replay is not None]


# --- spend ---------------------------------------------------------------------------------------


def credits_spend(*, person: User, offer: PartnerOffer, idempotency_key: str) -> Transfer:
    """``person`` pays ``offer.price`` to the partner; the transfer's ``reference`` is shown at the door."""
    if not permissions.can_use_credits(person):
        raise PermissionDenied
    _check_key(idempotency_key)
    receiving_key = (offer.organisation_id, Account.Kind.RECEIVING)

    def account_ids() -> list[int]:
        receiving = Account.objects.filter(organisation_id=offer.organisation_id, kind=Account.Kind.RECEIVING)
        return [*_person_account_ids(person), *receiving.values_list("pk", flat=True)]

    expected: dict[str, Any] = {
        "kind": Transfer.Kind.SPEND,
        "amount": offer.price,
        "account_ids": account_ids,
    }

    try:
        with transaction.atomic():
            # The offer row first (it holds the places left), then the accounts: the same order
            # as the reversal of a spend, so the two cannot deadlock.
            price, places_left, is_listed = _lock_offer(offer.pk)
            locked = _lock_accounts(people=[person], organisation_account=receiving_key)
            account = locked.person(person)
            receiving = locked.organisation(*receiving_key)
            refusal: CreditsError
            if receiving is None:
                refusal = CreditsError(_("This partner does not accept time credits at the moment."))
            elif not is_listed:
                refusal = CreditsError(_("This offer is not available any more."))
            elif places_left is not None and places_left <= 0:
                refusal = CreditsError(_("Sorry, there are no places left on this offer."))
            else:
                try:
                    transfer = _record(
                        kind=Transfer.Kind.SPEND,
                        legs=[(account, -price), (receiving, price)],
                        idempotency_key=idempotency_key,
                        recorded_by=person,
                        organisation_id=offer.organisation_id,
                        offer_id=offer.pk,
                        reference=new_door_reference(),
                    )
                except ledger.Overdrawn as overdrawn:
                    refusal = InsufficientCredits(
                        _(
                            "You have %(balance)s, but this costs %(price)s. "
                            "You need %(shortfall)s more. Nothing has been taken from your account."
                        )
                        % {
                            "balance": format_minutes(overdrawn.balance),
                            "price": format_minutes(price),
                            "shortfall": format_minutes(overdrawn.shortfall),
                        }
                    )
                else:
                    if places_left is not None:
                        _move_places(offer.pk, -1)
                    return transfer
        return _first_answer(refusal, idempotency_key, **expected)
    except IntegrityError:
        existing = _replay(idempotency_key, **expected)
        if existing is None:
            raise
        return existing


# --- gift ----------------------------------------------------------------------------------------


def credits_gift(
    *, sender: User, recipient: User, minutes: int, message: str, idempotency_key: str
) -> Transfer:
    """``sender`` gives ``minutes`` of their credits to ``recipient``, with a message."""
    if not permissions.can_use_credits(sender):
        raise PermissionDenied
    if sender.pk == recipient.pk:
        raise CreditsError(_("You cannot give credits to yourself."))
    if not recipient.is_active:
        raise CreditsError(_("That account is closed, so it cannot receive credits."))
    _check_minutes(minutes)
    message = _clean_memo(message)
    _check_key(idempotency_key)

    expected: dict[str, Any] = {
        "kind": Transfer.Kind.GIFT,
        "amount": minutes,
        "account_ids": lambda: _person_account_ids(sender, recipient),
    }

    try:
        with transaction.atomic():
            locked = _lock_accounts(people=[sender, recipient])
            try:
                transfer = _record(
                    kind=Transfer.Kind.GIFT,
                    legs=[(locked.person(sender), -minutes), (locked.person(recipient), minutes)],
                    idempotency_key=idempotency_key,
                    recorded_by=sender,
                    memo=message,
                )
            except ledger.Overdrawn as overdrawn:
                refusal = InsufficientCredits(
                    _(
                        "You have %(balance)s, so you cannot give %(amount)s. "
                        "Nothing has been taken from your account."
                    )
                    % {"balance": format_minutes(overdrawn.balance), "amount": format_minutes(minutes)}
                )
            else:
                _enqueue_receipts(transfer)
                return transfer
        return _first_answer(refusal, idempotency_key, **expected)
    except IntegrityError:
        existing = _replay(idempotency_key, **expected)
        if existing is None:
            raise
        return existing


# --- reversal ------------------------------------------------------------------------------------


def transfer_reverse(*, transfer: Transfer, reversed_by: User, reason: str, idempotency_key: str) -> Transfer:
    """An officer corrects a mistake: a new transfer with every leg of ``transfer`` negated.

    The original stays in the ledger; ``reverses`` (one-to-one) links the two and stops a second
    reversal. Refused when it would take someone below zero (they have spent the credits since).
    """
    if not permissions.can_reverse(reversed_by):
        raise PermissionDenied
    reason = _clean_memo(reason)
    if not reason:
        raise CreditsError(_("Give the reason for the reversal: it is shown on the statements."))
    if transfer.kind == Transfer.Kind.REVERSAL:
        raise CreditsError(_("A reversal cannot itself be reversed. Record a new transfer instead."))
    _check_key(idempotency_key)
    original_legs = list(
        Entry.objects.filter(transfer=transfer).order_by("id").values_list("account_id", "amount")
    )
    expected: dict[str, Any] = {
        "kind": Transfer.Kind.REVERSAL,
        "amount": transfer.amount,
        "account_ids": [account_id for account_id, _amount in original_legs],
    }
    already_reversed = CreditsError(_("This transfer has already been reversed."))
    try:
        with transaction.atomic():
            places_left = None
            if transfer.offer_id is not None:
                _price, places_left, _is_listed = _lock_offer(transfer.offer_id)
            locked = _lock_accounts(account_ids=expected["account_ids"])
            # Under the locks, so two officers reversing the same transfer queue here; the
            # one-to-one ``reverses`` column is the database's backstop.
            refusal: CreditsError
            if Transfer.objects.filter(reverses=transfer).exists():
                refusal = already_reversed
            else:
                try:
                    reversal = _record(
                        kind=Transfer.Kind.REVERSAL,
                        legs=[(locked.by_pk[account_id], -amount) for account_id, amount in original_legs],
                        idempotency_key=idempotency_key,
                        recorded_by=reversed_by,
                        memo=reason,
                        organisation_id=transfer.organisation_id,
                        conversation_id=transfer.conversation_id,
                        offer_id=transfer.offer_id,
                        reverses=transfer,
                    )
                except ledger.Overdrawn as overdrawn:
                    short = Account.objects.with_owner().get(pk=overdrawn.account_id)
                    refusal = InsufficientCredits(
                        _(
                            "%(name)s has %(balance)s left, less than the %(amount)s this would take back, "
                            "so the transfer cannot be reversed. Nothing has changed."
                        )
                        % {
                            "name": short.owner_name,
                            "balance": format_minutes(overdrawn.balance),
                            "amount": format_minutes(overdrawn.needed),
                        }
                    )
                else:
                    if places_left is not None and transfer.kind == Transfer.Kind.SPEND:
                        assert transfer.offer_id is not None
                        _move_places(transfer.offer_id, +1)
                    return reversal
        return _first_answer(refusal, idempotency_key, **expected)
    except IntegrityError:
        existing = _replay(idempotency_key, **expected)
        if existing is not None:
            return existing
        if Transfer.objects.filter(reverses=transfer).exists():
            raise already_reversed from None
        raise


# --- receipts ------------------------------------------------------------------------------------


def transfer_send_receipts(*, transfer: Transfer) -> int:
    """Email the person credited by an earn or a gift, in their own language. Returns emails sent."""
    templates = {Transfer.Kind.EARN: "credits_earned", Transfer.Kind.GIFT: "gift_received"}
    template = templates.get(transfer.kind)  # type: ignore[call-overload]
    if template is None:
        return 0
    credited = (
        Entry.objects.filter(transfer=transfer, amount__gt=0, account__kind=Account.Kind.PERSON)
        .select_related("account__user")
        .first()
    )
    if credited is None or credited.account.user is None:
        return 0
    recipient = credited.account.user
    sender = transfer.recorded_by
    with translation.override(recipient.language):
        context = {
            "recipient": recipient,
            "sender_name": sender.public_name,
            "organisation": transfer.organisation,
            "amount": format_minutes(transfer.amount),
            "balance": format_minutes(credited.balance_after),
            "transfer": transfer,
        }
        subject = render_to_string(f"timecredits/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"timecredits/email/{template}_body.txt", context)
    return send_mail(subject, body, None, [recipient.email])

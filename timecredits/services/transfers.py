"""Earning, spending and giving credits: ``credits_earn`` / ``credits_earn_many``, ``credits_spend``,
``credits_gift`` (and ``credits_gift_check``, for the page that asks before giving). Each checks
its input, then writes through :func:`.once.written_once`."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from django.conf import settings
from django.utils.translation import gettext as _

from conversations.models import Conversation
from vocaleyes.errors import Refusal
from vocaleyes.models import Organisation, User
from vocaleyes.permissions import check_not_suspended

from .. import ledger, permissions
from ..amounts import format_minutes
from ..models import Account, PartnerOffer, Transfer
from .accounts import account_for_person, new_door_reference
from .checks import (
    InsufficientCredits,
    check_key,
    check_minutes,
    clean_memo,
    may_not_record_hours,
    may_not_use_credits,
)
from .once import Expected, account_ids, written_once
from .posting import enqueue_receipts, lock, lock_offer, move_places, record

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
    ``{idempotency key}:{person id}``, so submitting the same form twice records nothing new.
    """
    check_not_suspended(recorded_by)
    if not permissions.can_record_hours(recorded_by, organisation):
        raise may_not_record_hours(organisation)
    memo = clean_memo(memo, field="memo")
    if not memo:
        raise Refusal(
            _("Say what the volunteering was, so people recognise it on their statement."), field="memo"
        )
    if not volunteers:
        raise Refusal(_("Enter at least one person and the time they gave."))
    if len({person.pk for person, _minutes in volunteers}) != len(volunteers):
        raise Refusal(_("Each person can appear only once in a record."))
    for person, minutes in volunteers:
        if person.pk == recorded_by.pk:
            raise Refusal(_("You cannot confirm your own hours. Ask another organiser to record them."))
        if not person.is_active:
            raise Refusal(
                _("%(name)s cannot receive credits: their account is closed.") % {"name": person.public_name}
            )
        check_minutes(minutes)
    check_key(idempotency_key)
    issuing_key = (organisation.pk, Account.Kind.ISSUING)
    expected = [
        Expected(
            key=f"{idempotency_key}:{person.pk}" if key_per_person else idempotency_key,
            kind=Transfer.Kind.EARN,
            amount=minutes,
            account_ids=partial(account_ids, user_ids=[person.pk], organisation_account=issuing_key),
        )
        for person, minutes in volunteers
    ]

    def write() -> list[Transfer]:
        locked = lock(people=[person for person, _minutes in volunteers], organisation_account=issuing_key)
        issuing = locked.organisation(*issuing_key)
        if issuing is None:
            raise Refusal(
                _(
                    "%(organisation)s does not give time credits yet. "
                    "A council officer can open an issuing account for it."
                )
                % {"organisation": organisation.name}
            )
        # Issuing accounts may go negative, so an earn is never refused for its balance.
        transfers = [
            record(
                kind=Transfer.Kind.EARN,
                legs=[(issuing, -minutes), (locked.person(person.pk), minutes)],
                idempotency_key=one.key,
                recorded_by=recorded_by,
                memo=memo,
                organisation=organisation,
                conversation=conversation,
            )
            for (person, minutes), one in zip(volunteers, expected, strict=True)
        ]
        for transfer in transfers:
            enqueue_receipts(transfer)
        return transfers

    return written_once(write, expected)


# --- spend ---------------------------------------------------------------------------------------


def credits_spend(*, person: User, offer: PartnerOffer, idempotency_key: str) -> Transfer:
    """``person`` pays ``offer.price`` to the partner; the transfer's ``reference`` is shown at the door."""
    check_not_suspended(person)
    if not permissions.can_use_credits(person):
        raise may_not_use_credits()
    check_key(idempotency_key)
    receiving_key = (offer.organisation_id, Account.Kind.RECEIVING)
    expected = Expected(
        key=idempotency_key,
        kind=Transfer.Kind.SPEND,
        amount=offer.price,
        account_ids=partial(account_ids, user_ids=[person.pk], organisation_account=receiving_key),
    )

    def write() -> list[Transfer]:
        # The offer row first (it holds the places left), then the accounts: the same order as the
        # reversal of a spend, so the two cannot deadlock.
        price, places_left, is_listed = lock_offer(offer.pk)
        locked = lock(people=[person], organisation_account=receiving_key)
        receiving = locked.organisation(*receiving_key)
        if receiving is None:
            raise Refusal(_("This partner does not accept time credits at the moment."))
        if not is_listed:
            raise Refusal(_("This offer is not available any more."))
        if places_left is not None and places_left <= 0:
            raise Refusal(_("Sorry, there are no places left on this offer."))
        try:
            transfer = record(
                kind=Transfer.Kind.SPEND,
                legs=[(locked.person(person.pk), -price), (receiving, price)],
                idempotency_key=idempotency_key,
                recorded_by=person,
                organisation_id=offer.organisation_id,
                offer_id=offer.pk,
                reference=new_door_reference(),
            )
        except ledger.Overdrawn as overdrawn:
            raise InsufficientCredits(
                _(
                    "You have %(balance)s, but this costs %(price)s. "
                    "You need %(shortfall)s more. Nothing has been taken from your account."
                )
                % {
                    "balance": format_minutes(overdrawn.balance),
                    "price": format_minutes(price),
                    "shortfall": format_minutes(overdrawn.shortfall),
                }
            ) from None
        if places_left is not None:
            move_places(offer.pk, -1)
        return [transfer]

    [transfer] = written_once(write, [expected])
    return transfer


# --- gift ----------------------------------------------------------------------------------------


def credits_gift_check(*, sender: User, recipient: User, minutes: int, message: str) -> None:
    """Whether ``sender`` could give this now: the same checks as :func:`credits_gift`, and their
    balance as it stands (read, not locked). For the check-your-answers step, which moves nothing;
    the gift itself decides again under the locks."""
    _check_gift(sender=sender, recipient=recipient, minutes=minutes, message=message)
    balance = account_for_person(user=sender).balance
    if balance < minutes:
        raise _too_few(balance, minutes)


def _check_gift(*, sender: User, recipient: User, minutes: int, message: str) -> str:
    check_not_suspended(sender)
    if not permissions.can_use_credits(sender):
        raise may_not_use_credits()
    if sender.pk == recipient.pk:
        raise Refusal(_("You cannot give credits to yourself."), field="recipient")
    if not recipient.is_active:
        raise Refusal(_("That account is closed, so it cannot receive credits."), field="recipient")
    check_minutes(minutes)
    return clean_memo(message, field="message")


def _too_few(balance: int, minutes: int) -> InsufficientCredits:
    return InsufficientCredits(
        _("You have %(balance)s, so you cannot give %(amount)s. Nothing has been taken from your account.")
        % {"balance": format_minutes(balance), "amount": format_minutes(minutes)}
    )


def credits_gift(
    *,
    sender: User,
    recipient: User,
    minutes: int,
    message: str,
    idempotency_key: str,
    expected_balance: int | None = None,
    message_language: str = "",
) -> Transfer:
    """``sender`` gives ``minutes`` of their credits to ``recipient``, with a message.

    ``expected_balance`` is the sender's balance shown on the page they confirmed on: when it has
    changed since (another gift, a spend, credits earned), the gift is refused and nothing moves,
    so nobody confirms a gift against figures that are no longer true. ``message_language`` is
    the language the message was written in ("en" or "cy"; "" when not known): pages in the other
    language mark the message with it.
    """
    message = _check_gift(sender=sender, recipient=recipient, minutes=minutes, message=message)
    check_key(idempotency_key)
    if message_language not in {"", *dict(settings.LANGUAGES)}:
        raise ValueError(f"Not one of the site's languages: {message_language!r}")
    expected = Expected(
        key=idempotency_key,
        kind=Transfer.Kind.GIFT,
        amount=minutes,
        account_ids=partial(account_ids, user_ids=[sender.pk, recipient.pk]),
    )

    def write() -> list[Transfer]:
        locked = lock(people=[sender, recipient])
        balance = locked.person(sender.pk).balance
        if expected_balance is not None and balance != expected_balance:
            raise Refusal(
                _(
                    "Your balance has changed since you checked this gift: you now have %(balance)s. "
                    "Check the gift again. Nothing has been given."
                )
                % {"balance": format_minutes(balance)}
            )
        try:
            transfer = record(
                kind=Transfer.Kind.GIFT,
                legs=[(locked.person(sender.pk), -minutes), (locked.person(recipient.pk), minutes)],
                idempotency_key=idempotency_key,
                recorded_by=sender,
                memo=message,
                memo_language=message_language if message else "",
            )
        except ledger.Overdrawn as overdrawn:
            raise _too_few(overdrawn.balance, minutes) from None
        enqueue_receipts(transfer)
        return [transfer]

    [transfer] = written_once(write, [expected])
    return transfer

"""Opening accounts, and the numbers people read out: account numbers and door references."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction

from vocaleyes.models import Organisation, User

from ..models import Account

# Unambiguous when read aloud or typed from a phone screen: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _code(groups: int, size: int) -> str:
    return "-".join("".join(secrets.choice(CODE_ALPHABET) for _ in range(size)) for _ in range(groups))


def new_account_number() -> str:
    return _code(2, 4)  # 31^8: about 850 billion numbers


def new_door_reference() -> str:
    return _code(2, 5)  # 31^10: collisions are not a practical concern


def account_for_person(*, user: User) -> Account:
    """The person's account, opened on first use (safe when two requests open it at once)."""
    account = Account.objects.filter(user=user).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(kind=Account.Kind.PERSON, user=user, number=new_account_number())
    except IntegrityError:  # the other request opened it first
        return Account.objects.get(user=user)


def account_open_for_organisation(*, organisation: Organisation, kind: str) -> Account:
    """The organisation's issuing or receiving account, opened if it has none yet.

    ``kind`` is chosen from a list in the admin, so any other value is a programming error
    (``ValueError``), not something to tell a person.
    """
    if kind not in (Account.Kind.ISSUING, Account.Kind.RECEIVING):
        raise ValueError(f"An organisation account is issuing or receiving, not {kind!r}.")
    account = Account.objects.filter(organisation=organisation, kind=kind).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(kind=kind, organisation=organisation, number=new_account_number())
    except IntegrityError:  # the other request opened it first
        return Account.objects.get(organisation=organisation, kind=kind)

"""Who may do what with time credits: plain predicates used by views, services, admin and templates.

- Anyone signed in (and active) has a personal account: they may see their own statement, give
  credits and spend them on offers.
- An organiser of an organisation (a facilitator, via ``OrganisationRole``, or a council officer,
  i.e. staff) may confirm volunteered hours for it, see its accounts' statements and check the
  references people show at a partner's door.
- Only an officer (staff) may reverse a transfer.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from vocaleyes.models import Organisation, OrganisationRole

from .models import Account


def can_use_credits(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_organiser(user: Any, organisation: Organisation) -> bool:
    if not can_use_credits(user):
        return False
    if user.is_staff:
        return True
    # Asked before every hours record: one plain query on the role's unique index.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {OrganisationRole._meta.db_table}"  # noqa: S608 - our table name
            " WHERE organisation_id = %s AND user_id = %s AND role = %s LIMIT 1",
            [organisation.pk, user.pk, str(OrganisationRole.Role.FACILITATOR)],
        )
        return cursor.fetchone() is not None


def can_record_hours(user: Any, organisation: Organisation) -> bool:
    return is_organiser(user, organisation)


def can_reverse(user: Any) -> bool:
    return bool(can_use_credits(user) and user.is_staff)


def can_view_account(user: Any, account: Account) -> bool:
    if not can_use_credits(user):
        return False
    if account.kind == Account.Kind.PERSON:
        return bool(account.user_id == user.pk)
    assert account.organisation is not None
    return is_organiser(user, account.organisation)

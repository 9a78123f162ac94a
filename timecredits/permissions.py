"""Who may do what with time credits: plain predicates used by views, services, admin and templates.

- Anyone signed in (and active) has a personal account: they may see their own statement, give
  credits and spend them on offers.
- An organiser of an organisation (a facilitator of it or a council officer, as the shared
  predicates in :mod:`vocaleyes.permissions` say) may confirm volunteered hours for it, see its
  accounts' statements and check the references people show at a partner's door.
- Only an officer may reverse a transfer.
- A suspended person (:func:`vocaleyes.permissions.is_suspended`, officers too) reads their
  statements but moves no credits: no giving, spending, confirming hours or reversing.

Who is a facilitator or an officer is asked of :mod:`vocaleyes.permissions` only (one
``exists()`` query per organisation, remembered for the request); this module adds what time
credits add: whose account is whose.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vocaleyes.permissions import is_facilitator, is_officer, is_suspended

from .models import Account

if TYPE_CHECKING:
    from vocaleyes.models import Organisation
    from vocaleyes.permissions import Person


def has_account(user: Person) -> bool:
    """Signed in with an open account: has a personal statement to read."""
    return bool(user.is_authenticated and user.is_active)


def can_use_credits(user: Person) -> bool:
    """Give credits and spend them: anyone with an account, not while suspended."""
    return has_account(user) and not is_suspended(user)


def is_organiser(user: Person, organisation: Organisation | int) -> bool:
    """A council officer, or a facilitator of this organisation (given as itself or its id)."""
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    return is_officer(user) or is_facilitator(user, organisation_id)


def can_record_hours(user: Person, organisation: Organisation | int) -> bool:
    """Confirm volunteered hours, which issues credits: an organiser, not while suspended."""
    return is_organiser(user, organisation) and not is_suspended(user)


def can_reverse(user: Person) -> bool:
    return is_officer(user) and not is_suspended(user)


def can_view_account(user: Person, account: Account) -> bool:
    if not has_account(user):
        return False
    if account.kind == Account.Kind.PERSON:
        return bool(account.user_id == user.pk)
    assert account.organisation_id is not None
    return is_organiser(user, account.organisation_id)

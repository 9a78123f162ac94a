"""Who may do what: a role by action matrix."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.conftest import make_user
from timecredits import permissions, services
from timecredits.models import Account
from vocaleyes.models import Organisation, User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "use", "record", "reverse", "own", "others", "organisation_account"),
    [
        ("anonymous", False, False, False, False, False, False),
        ("resident", True, False, False, True, False, False),
        ("facilitator", True, True, False, True, False, True),
        ("officer", True, True, True, True, False, True),
        ("suspended", False, False, False, False, False, False),
    ],
)
def test_permission_matrix(
    role: str,
    use: bool,
    record: bool,
    reverse: bool,
    own: bool,
    others: bool,
    organisation_account: bool,
    alice: User,
    bob: User,
    fran: User,
    olwen: User,
    organisation: Organisation,
    issuer: Account,
) -> None:
    suspended = make_user("gone@example.org", "Gone", is_active=False)
    people: dict[str, User | AnonymousUser] = {
        "anonymous": AnonymousUser(),
        "resident": bob,
        "facilitator": fran,
        "officer": olwen,
        "suspended": suspended,
    }
    user = people[role]
    alice_account = services.account_for_person(user=alice)
    own_account = services.account_for_person(user=user) if isinstance(user, User) else None
    assert permissions.can_use_credits(user) is use
    assert permissions.can_record_hours(user, organisation) is record
    assert permissions.can_reverse(user) is reverse
    assert (own_account is not None and permissions.can_view_account(user, own_account)) is own
    assert permissions.can_view_account(user, alice_account) is others
    assert permissions.can_view_account(user, issuer) is organisation_account

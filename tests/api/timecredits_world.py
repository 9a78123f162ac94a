"""Time credits for the API's seven actors: each person is paid for volunteering first, so every
actor has something to give and a statement to read (the officer records the others' hours,
the facilitator the officer's: nobody confirms their own)."""

from __future__ import annotations

from timecredits import services
from timecredits.models import Account, Transfer
from vocaleyes.models import Organisation, User

START = 180  # three hours each


def memo_for(person: User) -> str:
    return f"Litter pick with {person.public_name}"


def fund(organisation: Organisation, person: User, recorded_by: User, minutes: int = START) -> Transfer:
    """``person`` earns ``minutes`` from ``organisation`` (given an issuing account if it has none)."""
    services.account_open_for_organisation(organisation=organisation, kind=Account.Kind.ISSUING)
    return services.credits_earn(
        organisation=organisation,
        person=person,
        minutes=minutes,
        recorded_by=recorded_by,
        memo=memo_for(person),
        idempotency_key=f"earn:test:{person.pk}:{minutes}",
    )


def fund_everyone(organisation: Organisation, people: dict[str, User | None]) -> dict[str, Account]:
    """Three hours for each actor with a person; their accounts, by actor."""
    officer, facilitator = people["officer"], people["facilitator"]
    assert officer is not None and facilitator is not None
    accounts = {}
    for actor, person in people.items():
        if person is None:
            continue
        fund(organisation, person, facilitator if person == officer else officer)
        accounts[actor] = Account.objects.get(user=person)
    return accounts


def people_balances() -> int:
    """Everything people hold, in minutes."""
    return sum(Account.objects.people().values_list("balance", flat=True))

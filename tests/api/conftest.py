"""The API's test world: one organisation's open conversation, another organisation, and the
seven people every API operation is tried as (the permission matrix of issue 14).

- ``anonymous``: nobody signed in, no token;
- ``resident`` (alice) and ``other_resident`` (Gwen): ordinary people;
- ``facilitator`` (fran, of ``organisation``) and ``other_facilitator`` (Huw, of ``elsewhere``);
- ``officer`` (olwen, staff);
- ``suspended``: a resident an officer has suspended.

``api_client(actor)`` is a DRF client that authenticates with a real API token made for that
person through ``vocaleyes.services.api_token_create`` (so every matrix test exercises the
token path too); for ``anonymous`` it sends nothing. A token is made before any suspension, as a
suspended person cannot make one.

``tests/api/matrix.py`` runs a table of operations against all seven and rolls back after each
request, so every actor meets the same state.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.conftest import make_user
from vocaleyes import services
from vocaleyes.models import Organisation, OrganisationRole, User

ACTORS = (
    "anonymous",
    "resident",
    "other_resident",
    "facilitator",
    "other_facilitator",
    "officer",
    "suspended",
)


@pytest.fixture
def elsewhere(db: None) -> Organisation:
    return Organisation.objects.create(
        slug="gwynedd",
        name_en="Gwynedd Council",
        name_cy="Cyngor Gwynedd",
        kind=Organisation.Kind.LOCAL_AUTHORITY,
    )


@pytest.fixture
def people(alice: User, fran: User, olwen: User, elsewhere: Organisation) -> dict[str, User | None]:
    gwen = make_user("gwen@example.org", "Gwen")
    huw = make_user("huw@example.org", "Huw")
    OrganisationRole.objects.create(organisation=elsewhere, user=huw)
    sam = make_user("sam@example.org", "Sam")
    return {
        "anonymous": None,
        "resident": alice,
        "other_resident": gwen,
        "facilitator": fran,
        "other_facilitator": huw,
        "officer": olwen,
        "suspended": sam,
    }


@pytest.fixture
def api_client(people: dict[str, User | None]) -> Callable[[str], APIClient]:
    """``api_client("resident")``: a client carrying that person's API token."""
    tokens = {
        actor: services.api_token_create(user=user, name="tests")[1]
        for actor, user in people.items()
        if user is not None
    }
    suspended = people["suspended"]
    assert suspended is not None
    suspended.suspended_at = timezone.now()
    suspended.suspension_reason = "Repeated abuse."
    suspended.save(update_fields=["suspended_at", "suspension_reason"])

    def make(actor: str) -> APIClient:
        client = APIClient()
        if actor in tokens:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens[actor]}")
        return client

    return make

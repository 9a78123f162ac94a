"""Officers manage organisations and their facilitators in the admin, on the ground floor."""

from __future__ import annotations

import pytest
from django.test import Client

from conversations.models import Conversation
from vocaleyes.models import Organisation, OrganisationRole, User
from vocaleyes.permissions import is_facilitator, is_officer

pytestmark = pytest.mark.django_db


def test_an_officer_adds_an_organisation_with_a_facilitator(client: Client, olwen: User, alice: User) -> None:
    client.force_login(olwen)
    response = client.post(
        "/admin/vocaleyes/organisation/add/",
        {
            "name_en": "Gwynedd Council",
            "name_cy": "Cyngor Gwynedd",
            "slug": "gwynedd",
            "kind": Organisation.Kind.LOCAL_AUTHORITY,
            "level": Organisation.Level.LOCAL,
            "roles-TOTAL_FORMS": "1",
            "roles-INITIAL_FORMS": "0",
            "roles-0-user": str(alice.pk),
            "roles-0-role": OrganisationRole.Role.FACILITATOR,
        },
    )
    assert response.status_code == 302
    gwynedd = Organisation.objects.get(slug="gwynedd")
    assert is_facilitator(alice, gwynedd.pk)


def test_the_organisation_list_counts_conversations(
    client: Client, olwen: User, organisation: Organisation, conversation: Conversation
) -> None:
    client.force_login(olwen)
    response = client.get("/admin/vocaleyes/organisation/")
    assert "Swansea Council" in response.content.decode()
    assert response.context["cl"].result_list[0].conversation_count == 1


def test_a_resident_cannot_open_the_organisation_admin(client: Client, alice: User) -> None:
    client.force_login(alice)
    response = client.get("/admin/vocaleyes/organisation/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_shared_predicates_answer_once_per_request(
    django_assert_num_queries: object, fran: User, olwen: User, alice: User, organisation: Organisation
) -> None:
    fran = User.objects.get(pk=fran.pk)  # a fresh object, as a request has
    with django_assert_num_queries(1):  # type: ignore[operator]
        assert is_facilitator(fran, organisation.pk)
        assert is_facilitator(fran, organisation.pk)
    assert not is_facilitator(alice, organisation.pk)
    assert is_officer(olwen) and not is_officer(fran)
    olwen.is_active = False
    assert not is_officer(olwen)


def test_the_organisation_pages_of_the_admin_are_in_welsh_on_welsh_pages(client: Client, olwen: User) -> None:
    """The labels moved with the models to the project's catalogue (they once fell out of every one)."""
    client.force_login(olwen)
    response = client.get("/cy/admin/vocaleyes/organisation/add/")
    assert response.status_code == 200
    page = response.content.decode()
    for welsh in ["Awdurdod lleol", "Hwylusydd", "sefydliad"]:
        assert welsh in page

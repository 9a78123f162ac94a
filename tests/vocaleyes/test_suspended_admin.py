"""A suspended officer reads the admin and changes nothing in it (issue 14, finding 3: the plain
change forms were the last place a suspended person could still write)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from conversations.models import Conversation
from vocaleyes.models import Organisation, User

pytestmark = pytest.mark.django_db


def suspend(user: User) -> None:
    user.suspended_at = timezone.now()
    user.suspension_reason = "Under investigation."
    user.save(update_fields=["suspended_at", "suspension_reason"])


def test_a_suspended_officer_sees_change_forms_read_only_and_cannot_post(
    client: Client, olwen: User, organisation: Organisation, conversation: Conversation
) -> None:
    client.force_login(olwen)
    url = f"/admin/vocaleyes/organisation/{organisation.pk}/change/"
    assert 'name="_save"' in client.get(url).content.decode()  # before: an editable form
    suspend(olwen)
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert "Cyngor Abertawe" in page.content.decode()  # still readable
    refused = client.post(url, {"name_en": "Renamed", "slug": organisation.slug, "kind": organisation.kind})
    assert refused.status_code == 403
    organisation.refresh_from_db()
    assert organisation.name_en == "Swansea Council"
    assert (
        client.post(f"/admin/vocaleyes/organisation/{organisation.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert client.get("/admin/vocaleyes/organisation/add/").status_code == 403
    assert Organisation.objects.filter(pk=organisation.pk).exists()


def test_a_suspension_that_has_ended_gives_the_permissions_back(olwen: User) -> None:
    suspend(olwen)
    assert not olwen.has_perm("vocaleyes.change_organisation")
    assert olwen.has_perm("vocaleyes.view_organisation")
    olwen.suspended_until = timezone.now() - timedelta(minutes=1)
    olwen.save(update_fields=["suspended_until"])
    assert olwen.has_perm("vocaleyes.change_organisation")

"""A budget round is as visible as its conversation: outsiders to an invitation-only
conversation are told how to join (403), members see the round, and a draft's round stays 404."""

from __future__ import annotations

import pytest
from django.test import Client

from conversations.models import Conversation
from tests.budgeting.conftest import make_round
from tests.conftest import make_conversation, make_user
from vocaleyes.models import GroupMembership, Organisation, TargetGroup, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel(organisation: Organisation) -> TargetGroup:
    return TargetGroup.objects.create(
        organisation=organisation, name_en="Citizens' panel", name_cy="Panel dinasyddion", kind="other"
    )


def _private(organisation: Organisation, panel: TargetGroup, **extra: object) -> Conversation:
    conversation = make_conversation(
        organisation, slug="panel", visibility=Conversation.Visibility.INVITATION, **extra
    )
    conversation.target_groups.add(panel)
    return conversation


def test_outsiders_are_told_how_to_join_and_members_see_the_round(
    client: Client, organisation: Organisation, panel: TargetGroup, alice: User
) -> None:
    make_round(_private(organisation, panel), slug="panel-fund")
    for language, heading in (
        ("", "This conversation is by invitation"),
        ("/cy", "Mae'r sgwrs hon drwy wahoddiad"),
    ):
        response = client.get(f"{language}/budgets/panel-fund/")
        assert response.status_code == 403
        page = response.content.decode()
        assert heading in page
        assert "Parks and paths fund" not in page
    client.force_login(alice)
    assert client.get("/budgets/panel-fund/ballot/").status_code == 403

    member = make_user("mair@example.org", "Mair")
    GroupMembership.objects.create(user=member, group=panel, how=GroupMembership.How.INVITATION)
    client.force_login(member)
    response = client.get("/budgets/panel-fund/")
    assert response.status_code == 200
    assert "Parks and paths fund" in response.content.decode()


def test_the_round_of_a_draft_stays_not_found(
    client: Client, organisation: Organisation, panel: TargetGroup, alice: User
) -> None:
    make_round(_private(organisation, panel, status=Conversation.Status.DRAFT), slug="panel-fund")
    client.force_login(alice)
    assert client.get("/budgets/panel-fund/").status_code == 404

"""The demo of "from priority to action": an action group from the top Swansea idea, its
response, plain and conditional pledges (one bound, one waiting) and hours on Rhian's statement."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from conversations import ranking_store
from conversations.management.commands.load_demo import RESIDENT
from conversations.models import ActionGroup, Conversation, HoursGiven, IdeaResponse, Pledge
from conversations.ranking_store import Scope
from vocaleyes.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> None:
    for command, options in (
        ("load_demo", {}),
        ("load_demo_groups", {"base_url": "http://testserver"}),
        ("load_demo_credits", {}),
        ("load_demo_action", {}),
    ):
        call_command(command, stdout=StringIO(), **options)


def test_the_top_idea_has_an_action_group_a_response_and_pledges(demo: None) -> None:
    conversation = Conversation.objects.get(slug="swansea-wellbeing")
    top = ranking_store.order(Scope.of_conversation(conversation.pk))[0]
    group = ActionGroup.objects.get(name_en="Warm spaces volunteers (demo)")
    assert list(group.ideas.values_list("pk", flat=True)) == [top]
    assert group.status == ActionGroup.Status.ACTIVE
    response = IdeaResponse.objects.get(idea_id=top)
    assert (response.status, response.action_group) == (IdeaResponse.Status.ACCEPTED, group)
    conditional = {pledge.threshold: pledge.status for pledge in group.pledges.exclude(threshold=None)}
    assert conditional == {2: Pledge.Status.BOUND, 10: Pledge.Status.OPEN}
    assert group.pledges.filter(threshold=None, status=Pledge.Status.BOUND).count() == 3
    assert mail.outbox == []  # the demo's emails are not sent anywhere


def test_rhians_hours_are_on_her_statement(demo: None, client: Client) -> None:
    rhian = User.objects.get(email=RESIDENT)
    hours = HoursGiven.objects.get(pledge__person=rhian)
    assert hours.minutes == 120 and hours.transfer is not None
    client.force_login(rhian)
    statement = client.get("/cy/time-credits/").content.decode()
    assert "Gwirfoddolwyr mannau cynnes (demo)" in statement


def test_a_second_run_changes_nothing(demo: None) -> None:
    before = (ActionGroup.objects.count(), Pledge.objects.count(), HoursGiven.objects.count())
    out = StringIO()
    call_command("load_demo_action", stdout=out)
    assert "already loaded" in out.getvalue()
    assert (ActionGroup.objects.count(), Pledge.objects.count(), HoursGiven.objects.count()) == before


def test_it_needs_the_swansea_demo_first() -> None:
    with pytest.raises(CommandError, match="load_demo"):
        call_command("load_demo_action", stdout=StringIO())

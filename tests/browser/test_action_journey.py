"""Issue 12's journey, from priority to action, through the pages only: a facilitator starts an
action group from the top idea and responds to it; two residents (one in Welsh, at 320 px) find
the group from "Get involved", pledge time (the Welsh one on condition that one other person
pledges, which binds at once) and follow it; the coordinator confirms their hours; each resident
sees the credits on their statement, with the group named, and the council's response on the
idea. axe on every page visited, in English and Welsh."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from conversations import ranking_runs, services
from conversations.models import ActionGroup, Follow, HoursGiven, IdeaResponse, Pledge
from tests.browser.test_ideas_journey import listed_titles
from tests.conftest import PASSWORD, make_user
from tests.conversations.conftest import make_idea, make_people
from tests.timecredits.conftest import ledger_cleanup  # noqa: F401 - a fixture
from timecredits.models import Account
from timecredits.services import account_open_for_organisation
from vocaleyes.models import Organisation, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hours_cleanup(ledger_cleanup: None) -> Iterator[None]:  # noqa: F811
    """Hours given point at ledger transfers, which ``ledger_cleanup`` deletes after this."""
    yield
    HoursGiven.objects.all().delete()


def click(page: Any, role: str, name: str, **options: Any) -> None:
    page.get_by_role(role, name=name, **options).first.click()
    page.wait_for_load_state()


def header_link(page: Any, name: str) -> None:
    """Follow a link in the header's service navigation, opening the menu if it is folded."""
    toggle = page.locator(".govuk-service-navigation__toggle")
    if toggle.is_visible():
        toggle.click()
    page.locator(".govuk-service-navigation").get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state()


def test_from_the_top_idea_to_action_and_credits(
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    sign_in: Callable[[Any, str, str], None],
    fran: User,
    alice: User,
    bob: User,
    organisation: Organisation,
    conversation: Any,
    hours_cleanup: None,
) -> None:
    # Set up: a conversation whose ideas were rated so that the playground is the top one, and
    # the council's account that issues time credits.
    author = make_user("carys@example.org", "Carys")
    playground = make_idea(conversation, author, "Repair the playground")
    benches = make_idea(conversation, author, "Benches by the swings")
    for person in make_people(3, "rater"):
        services.rating_set(idea=playground, user=person, value=5)
        services.rating_set(idea=benches, user=person, value=2)
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    account_open_for_organisation(organisation=organisation, kind=Account.Kind.ISSUING)
    in_a_week = (timezone.localdate() + timedelta(days=7)).isoformat()

    # The facilitator opens the conversation, the top idea, and starts an action group from it.
    sign_in(page, fran.email, PASSWORD)
    page.goto(f"{site}/conversations/wellbeing/")
    assert listed_titles(page) == ["Repair the playground", "Benches by the swings"]
    assert_accessible(page)
    click(page, "link", "Repair the playground", exact=True)
    assert page.get_by_role("heading", level=1).inner_text() == "Repair the playground"
    assert_accessible(page)
    click(page, "link", "Start an action group")
    assert page.get_by_label("Name in English").input_value() == "Repair the playground"
    assert_accessible(page)
    page.get_by_label("Name in Welsh").fill("Trwsio'r maes chwarae")
    page.get_by_label("What the group will do, in English").fill("Fix the swings and paint the fence.")
    page.get_by_label("What the group will do, in Welsh").fill("Trwsio'r siglenni a phaentio'r ffens.")
    click(page, "button", "Start the action group")
    group = ActionGroup.objects.get()
    assert list(group.ideas.all()) == [playground]
    assert list(group.coordinators.values_list("email", flat=True)) == [fran.email]
    assert page.get_by_role("heading", level=1).inner_text() == "Repair the playground"
    assert "Fix the swings and paint the fence." in page.locator("main").inner_text()
    assert_accessible(page)

    # Back to the idea from the group page, to give the council's response.
    page.locator("main").get_by_role("link", name="Repair the playground", exact=True).click()
    page.wait_for_load_state()
    click(page, "link", "Respond to this idea")
    assert_accessible(page)
    page.get_by_label("Accepted").check()
    page.get_by_label("Response in English").fill("We will repair the playground this spring.")
    page.get_by_label("Response in Welsh").fill("Byddwn yn trwsio'r maes chwarae y gwanwyn hwn.")
    page.get_by_role("group", name="Taken forward by an action group (optional)").get_by_label(
        "Repair the playground"
    ).check()
    click(page, "button", "Save the response")
    response = page.locator("#response")
    assert "Our response" in response.inner_text()
    assert "We will repair the playground this spring." in response.inner_text()
    assert "Taken forward by the action group Repair the playground" in response.inner_text()
    assert_accessible(page)
    assert IdeaResponse.objects.filter(idea=playground, status="accepted", action_group=group).exists()
    page.context.clear_cookies()

    # Resident 1, in English: Get involved, the group, a pledge of three hours, then follow.
    sign_in(page, alice.email, PASSWORD)
    page.goto(f"{site}/")
    header_link(page, "Get involved")
    assert page.get_by_role("heading", level=1).inner_text() == "Get involved"
    assert_accessible(page)
    click(page, "link", "Repair the playground", exact=True)
    assert_accessible(page)
    click(page, "link", "Make a pledge")
    assert_accessible(page)
    page.get_by_label("Time", exact=True).check()
    page.get_by_label("Hours", exact=True).fill("3")
    page.get_by_label("What kind of help").fill("Painting")
    click(page, "button", "Make the pledge")
    assert page.get_by_text("Your pledge is recorded and the group is counting on it.").is_visible()
    assert "1 pledge the group is counting on" in page.locator("#pledges").inner_text()
    assert_accessible(page)
    click(page, "button", "Follow", exact=True)
    assert page.get_by_role("button", name="Stop following").is_visible()
    assert_accessible(page)
    page.context.clear_cookies()

    # Resident 2, in Welsh on a phone: two hours, only if one other person pledges by next week.
    # Alice already has, so the pledge binds at once and Bob is told so, in Welsh.
    mail.outbox.clear()
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in(page, bob.email, PASSWORD)
    page.goto(f"{site}/cy/")
    header_link(page, "Cymryd rhan")
    assert page.get_by_role("heading", level=1).inner_text() == "Cymryd rhan"
    assert_accessible(page)
    click(page, "link", "Trwsio'r maes chwarae", exact=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)
    click(page, "link", "Gwneud addewid")
    assert_accessible(page)
    page.get_by_label("Amser", exact=True).check()
    page.get_by_label("Oriau", exact=True).fill("2")
    page.get_by_label("Dim ond os bydd cynifer â hyn o bobl eraill hefyd yn addo (dewisol)").fill("1")
    page.get_by_label("Erbyn y dyddiad hwn (ar gyfer addewid ag amod)").fill(in_a_week)
    click(page, "button", "Gwneud yr addewid")
    bobs = Pledge.objects.get(person=bob)
    assert (bobs.status, bobs.minutes, bobs.threshold) == (Pledge.Status.BOUND, 120, 1)
    panel = page.locator("#pledges").inner_text()
    assert "2 addewid y mae'r grŵp yn dibynnu arnynt" in panel  # Bob's counts as well as Alice's
    assert "Alice, Bob" in panel
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)
    (told,) = [message for message in mail.outbox if message.to == [bob.email]]
    assert str(told.subject) == "[VocalEyes] Mae eich addewid i “Trwsio'r maes chwarae” yn cyfrif"
    click(page, "button", "Dilyn", exact=True)
    assert page.get_by_role("button", name="Peidio â dilyn").is_visible()
    assert_accessible(page)
    assert set(Follow.objects.filter(group=group).values_list("person__email", flat=True)) == {
        alice.email,
        bob.email,
    }
    page.context.clear_cookies()

    # The coordinator confirms the hours both gave, from the group page.
    page.set_viewport_size({"width": 1024, "height": 800})
    sign_in(page, fran.email, PASSWORD)
    page.goto(f"{site}/")
    header_link(page, "Get involved")
    click(page, "link", "Repair the playground", exact=True)
    click(page, "link", "Confirm hours given")
    assert page.get_by_role("heading", level=1).inner_text() == "Confirm hours given"
    assert_accessible(page)
    for name, hours in (("Alice", "3"), ("Bob", "2")):
        card = page.get_by_role("region", name=name, exact=True)
        card.get_by_label("Hours", exact=True).fill(hours)
        card.get_by_role("button", name=f"Confirm hours for {name}").click()
        page.wait_for_load_state()
        assert page.get_by_text(f"confirmed for {name}").is_visible()
    assert_accessible(page)
    assert dict(HoursGiven.objects.values_list("pledge__person__email", "minutes")) == {
        alice.email: 180,
        bob.email: 120,
    }
    page.context.clear_cookies()

    # Each resident sees the credits, with the group named, and the response on the idea.
    sign_in(page, alice.email, PASSWORD)
    page.goto(f"{site}/")
    header_link(page, "Time credits")
    assert page.get_by_test_id("balance").inner_text() == "3 hours"
    assert "Action group: Repair the playground" in page.get_by_test_id("statement").inner_text()
    assert_accessible(page)
    header_link(page, "Get involved")
    click(page, "link", "Repair the playground", exact=True)
    page.locator("main").get_by_role("link", name="Repair the playground", exact=True).click()
    page.wait_for_load_state()
    assert "We will repair the playground this spring." in page.locator("#response").inner_text()
    assert_accessible(page)
    page.context.clear_cookies()

    sign_in(page, bob.email, PASSWORD)
    page.goto(f"{site}/cy/")
    header_link(page, "Credydau amser")
    assert page.get_by_test_id("balance").inner_text() == "2 awr"
    assert "Grŵp gweithredu: Trwsio'r maes chwarae" in page.get_by_test_id("statement").inner_text()
    assert_accessible(page)
    header_link(page, "Cymryd rhan")
    click(page, "link", "Trwsio'r maes chwarae", exact=True)
    page.locator("main").get_by_role("link", name="Repair the playground", exact=True).click()
    page.wait_for_load_state()
    response = page.locator("#response").inner_text()
    assert "Ein hymateb" in response and "Byddwn yn trwsio'r maes chwarae y gwanwyn hwn." in response
    assert_accessible(page)

    assert Account.objects.get(user=alice).balance == 180
    assert Account.objects.get(user=bob).balance == 120

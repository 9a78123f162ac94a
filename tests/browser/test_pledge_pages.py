"""The pledge pages in a real browser, in English and Welsh, at desktop width and 320 px: a
resident makes a conditional pledge, another withdraws theirs, and a coordinator confirms
hours; zero axe violations. (The group page and its panel come with the action groups; the
whole journey is the lead's.)"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from conversations import services
from conversations.models import ActionGroup, ActionGroupCoordinator, HoursGiven, Pledge
from tests.conftest import PASSWORD, make_user
from tests.conversations.conftest import make_idea
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


def test_pledging_withdrawing_and_confirming_hours(
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    sign_in: Callable[[Any, str, str], None],
    alice: User,
    bob: User,
    fran: User,
    organisation: Organisation,
    conversation: Any,
    hours_cleanup: None,
) -> None:
    account_open_for_organisation(organisation=organisation, kind=Account.Kind.ISSUING)
    group = ActionGroup.objects.create(
        conversation=conversation, name_en="Beach cleaners", name_cy="Glanhawyr y traeth", created_by=fran
    )
    group.ideas.add(make_idea(conversation, fran, "Clean the beach"))
    coordinator = make_user("cai@example.org", "Cai")
    ActionGroupCoordinator.objects.create(group=group, user=coordinator)
    bobs = services.pledge_create(person=bob, group=group, kind=Pledge.Kind.HOURS, minutes=120)

    sign_in(page, alice.email, PASSWORD)
    page.goto(f"{site}/conversations/action/{group.pk}/pledge/")
    assert page.get_by_role("heading", name="Make a pledge").is_visible()
    page.get_by_role("button", name="Make the pledge").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert_accessible(page)
    page.get_by_label("Time").check()
    page.get_by_label("Hours", exact=True).fill("3")
    page.get_by_label("Only if this many other people also pledge (optional)").fill("2")
    page.get_by_label("By this date (for a pledge with a condition)").fill("2099-05-31")
    page.get_by_role("button", name="Make the pledge").click()
    page.wait_for_load_state()
    assert page.get_by_text("Your pledge is waiting for others").is_visible()
    pledge = Pledge.objects.get(person=alice)
    assert (pledge.status, pledge.minutes, pledge.threshold) == ("open", 180, 2)

    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{site}/cy/conversations/action/{group.pk}/pledge/")
    assert page.get_by_role("heading", name="Gwneud addewid").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)
    page.goto(f"{site}/cy/conversations/action/pledges/{pledge.pk}/withdraw/")
    assert page.get_by_role("heading", name="Tynnu eich addewid yn ôl").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Tynnu'r addewid yn ôl").click()
    page.wait_for_load_state()
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.WITHDRAWN

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1200, "height": 900})
    sign_in(page, coordinator.email, PASSWORD)
    page.goto(f"{site}/conversations/action/{group.pk}/hours/")
    assert page.get_by_role("heading", name="Confirm hours given").is_visible()
    assert_accessible(page)
    page.get_by_label("Hours", exact=True).fill("1")
    page.get_by_label("Minutes", exact=True).fill("30")
    page.get_by_role("button", name="Confirm hours for Bob").click()
    page.wait_for_load_state()
    assert page.get_by_text("confirmed for Bob").is_visible()
    assert HoursGiven.objects.get(pledge=bobs).minutes == 90
    assert Account.objects.get(user=bob).balance == 90

    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{site}/cy/conversations/action/{group.pk}/hours/")
    assert page.get_by_role("heading", name="Cadarnhau'r oriau a roddwyd").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)


def test_the_pledge_panel_on_the_group_page(
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    sign_in: Callable[[Any, str, str], None],
    alice: User,
    fran: User,
    conversation: Any,
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from tests.conversations.conftest import make_people

    group = ActionGroup.objects.create(
        conversation=conversation, name_en="Beach cleaners", name_cy="Glanhawyr y traeth", created_by=fran
    )
    group.ideas.add(make_idea(conversation, fran, "Clean the beach"))
    deadline = timezone.now() + timedelta(days=5)
    services.pledge_create(
        person=alice, group=group, kind=Pledge.Kind.HOURS, minutes=180, threshold=3, deadline=deadline
    )
    for person in make_people(2):
        services.pledge_create(person=person, group=group, kind=Pledge.Kind.SKILL, description="Carpentry")

    sign_in(page, alice.email, PASSWORD)
    page.goto(f"{site}/conversations/action/{group.pk}/")
    panel = page.locator("#pledges")
    assert "2 of 3 so far" in panel.inner_text()
    assert "Alice, Person 0, Person 1" in panel.inner_text()
    assert panel.get_by_role("link", name="Withdraw this pledge").is_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{site}/cy/conversations/action/{group.pk}/")
    assert "2 o 3 hyd yma" in page.locator("#pledges").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)

"""The action group pages at 320 px, in English and Welsh, with zero axe violations: a
facilitator starts a group from an idea (fixing a mistake on the way), posts an update and
changes its status; a visitor finds it on "Get involved" from the header."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from conversations.models import ActionGroup, ActionGroupUpdate, Conversation
from tests.conftest import PASSWORD
from tests.conversations.conftest import make_idea
from vocaleyes.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_facilitator_starts_an_action_group_and_a_visitor_finds_it(
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    sign_in: Callable[[Any, str, str], None],
    fran: User,
    alice: User,
    conversation: Conversation,
) -> None:
    page.set_viewport_size({"width": 320, "height": 800})
    idea = make_idea(conversation, alice, "Repair the playground")
    make_idea(conversation, alice, "Benches by the swings")
    sign_in(page, fran.email, PASSWORD)
    page.goto(f"{site}/conversations/wellbeing/ideas/{idea.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Start an action group").click()
    page.wait_for_load_state()
    assert page.get_by_label("Name in English").input_value() == "Repair the playground"
    assert_accessible(page)

    # No purpose: the error summary says so and nothing is written.
    page.get_by_role("button", name="Start the action group").click()
    page.wait_for_load_state()
    assert "Say what the action group will do" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    assert not ActionGroup.objects.exists()

    page.get_by_label("What the group will do, in English").fill("Repaint the swings together.")
    page.get_by_label("Benches by the swings").check()
    page.get_by_role("button", name="Start the action group").click()
    page.wait_for_load_state()
    group = ActionGroup.objects.get()
    assert group.ideas.count() == 2
    assert page.get_by_role("heading", name="Repair the playground", exact=True).first.is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Post an update").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Your update").fill("We meet on Saturday at ten.")
    page.get_by_label("English").check()
    page.get_by_role("button", name="Post the update").click()
    page.wait_for_load_state()
    assert ActionGroupUpdate.objects.get().body == "We meet on Saturday at ten."
    assert "We meet on Saturday at ten." in page.content()

    page.get_by_role("link", name="Change the group").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Active").check()
    page.get_by_role("button", name="Save the changes").click()
    page.wait_for_load_state()
    group.refresh_from_db()
    assert group.status == ActionGroup.Status.ACTIVE

    # A visitor, in Welsh, from the header.
    page.context.clear_cookies()
    page.goto(f"{site}/cy/conversations/")
    page.locator(".govuk-service-navigation__toggle").click()  # the menu is folded at 320 px
    page.get_by_role("link", name="Cymryd rhan").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Cymryd rhan").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Repair the playground").click()
    page.wait_for_load_state()
    assert "Y syniadau y mae'n gweithredu arnynt" in page.content().replace("&#x27;", "'")
    assert_accessible(page)

"""A facilitator seeds one idea into two conversations from the conversation page, fixing a
mistake on the way, then reads its ratings side by side at 320 px, in English and Welsh — zero
axe violations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from conversations import services
from conversations.models import Conversation, Idea, SharedSeed
from tests.conftest import PASSWORD, make_conversation
from tests.conversations.conftest import make_people
from vocaleyes.models import GroupMembership, Organisation, TargetGroup, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_facilitator_seeds_one_idea_into_two_conversations_and_compares_them(
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    sign_in: Callable[[Any, str, str], None],
    fran: User,
    organisation: Organisation,
    conversation: Conversation,
) -> None:
    make_conversation(organisation, slug="transport", title_en="Getting around", title_cy="Teithio")
    young = TargetGroup.objects.create(
        organisation=organisation, name_en="Young people", name_cy="Pobl ifanc", kind="age_band"
    )
    sign_in(page, fran.email, PASSWORD)
    page.goto(f"{site}/conversations/wellbeing/")
    page.get_by_role("link", name="Seed one idea into several conversations at once").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Seed an idea into several conversations").is_visible()
    assert_accessible(page)

    # Nothing chosen: the error summary says so, and nothing is written.
    page.get_by_label("Your idea in a few words").fill("Free buses on Sundays")
    page.get_by_label("Describe your idea").fill("Cardiff ran free Sunday buses for a year.")
    page.get_by_label("English").check()
    page.get_by_label("Where does this idea come from?").fill("Best practice from Cardiff")
    page.get_by_role("button", name="Seed the idea").click()
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    assert "Choose at least one conversation to seed the idea into." in summary.inner_text()
    assert_accessible(page)
    assert not SharedSeed.objects.exists()

    page.get_by_label("What would make life better?").check()
    page.get_by_label("Getting around").check()
    page.get_by_role("button", name="Seed the idea").click()
    page.wait_for_load_state()
    assert "The idea has been seeded into 2 conversations." in page.content()
    shared = SharedSeed.objects.get()
    assert Idea.objects.filter(seed=shared).count() == 2

    # Ratings from the group's members, then the comparison at 320 px.
    for person in make_people(3, "young"):
        GroupMembership.objects.create(user=person, group=young, how=GroupMembership.How.INVITATION)
        for idea in Idea.objects.filter(seed=shared):
            services.rating_set(idea=idea, user=person, value=5)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{site}/conversations/seeds/{shared.pk}/")
    assert page.get_by_role("heading", name="Ratings side by side").is_visible()
    assert page.get_by_role("rowheader", name="Young people").is_visible()
    assert "3 ratings" in page.locator("#comparison").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320  # the table scrolls, not the page
    assert_accessible(page)

    page.goto(f"{site}/cy/conversations/seeds/{shared.pk}/")
    assert page.get_by_role("heading", name="Sgoriau ochr yn ochr").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)

    page.goto(f"{site}/conversations/seeds/")
    page.get_by_role("link", name="Free buses on Sundays").click()
    page.wait_for_load_state()
    assert page.url == f"{site}/conversations/seeds/{shared.pk}/"
    page.goto(f"{site}/cy/conversations/seeds/new/?group={young.pk}")
    assert "Pobl ifanc" in page.locator("#for-group").inner_text()
    assert_accessible(page)

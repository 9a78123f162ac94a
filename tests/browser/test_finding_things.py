"""Finding things (issue 13) in the browser: from the home page a resident reaches community
budgets, action groups, time credits and "Your activity" through the header and the home page's
cards, and asks for a review of their hidden idea; a Welsh resident does the same on a 320 px
screen through the folded menu; a facilitator reaches "Your conversations" from the header; the
header's links are there without JavaScript. Every page axe-clean, and reflowed at 320 px in
English and Welsh."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from conversations import services
from conversations.models import ActionGroup, Conversation, Idea, ReviewRequest
from tests.browser.reflow import PHONE, check_reflow
from tests.budgeting.conftest import make_round
from tests.conftest import PASSWORD
from tests.conversations.conftest import make_idea
from vocaleyes.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "It names a neighbour who has not agreed to it."


def header_link(page: Any, name: str) -> None:
    """Follow a link in the header's service navigation, opening the menu if it is folded."""
    toggle = page.locator(".govuk-service-navigation__toggle")
    if toggle.is_visible():
        toggle.click()
    page.locator(".govuk-service-navigation").get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state()


def home_card(page: Any, name: str) -> None:
    """Follow one of the home page's ways in (the cards under "What you can do here")."""
    page.locator("main").get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state()


def heading(page: Any) -> str:
    return str(page.get_by_role("heading", level=1).inner_text())


@pytest.fixture
def places(conversation: Conversation, alice: User, bob: User, fran: User, olwen: User) -> dict[str, Any]:
    """Somewhere to go: a budget round open for voting, an action group, and an idea of each
    resident that an officer hid."""
    make_round(conversation)
    shown = make_idea(conversation, fran, "Clean the beach")
    group = ActionGroup.objects.create(conversation=conversation, created_by=fran, name_en="Beach cleaners")
    group.ideas.add(shown)
    hidden = {}
    for person in (alice, bob):
        idea = make_idea(conversation, person, f"{person.display_name}'s pier idea")
        services.content_hide(item=idea, officer=olwen, reason=REASON)
        hidden[person.pk] = idea
    return {"hidden": hidden}


def test_a_resident_finds_budgets_action_groups_time_credits_and_their_activity(
    page: Any,
    site: str,
    sign_in: Callable[[Any, str, str], None],
    assert_accessible: Callable[[Any], None],
    alice: User,
    places: dict[str, Any],
) -> None:
    sign_in(page, alice.email, PASSWORD)
    page.goto(f"{site}/")
    assert_accessible(page)

    home_card(page, "Community budgets")
    assert "Community budgets" in heading(page)
    assert "Parks and paths fund" in page.content()
    assert_accessible(page)

    page.goto(f"{site}/")
    home_card(page, "Action groups")
    assert heading(page) == "Get involved"
    assert "Beach cleaners" in page.content()
    assert_accessible(page)

    header_link(page, "Community budgets")
    assert "Community budgets" in heading(page)

    header_link(page, "Time credits")
    assert heading(page) == "Your time credits"
    assert_accessible(page)

    header_link(page, "Your activity")
    assert heading(page) == "Your activity"
    ideas = page.locator("#ideas + ul")
    assert "Alice's pier idea" in ideas.inner_text() and REASON in ideas.inner_text()
    assert_accessible(page)

    # From there, to her hidden idea, and a request for a review.
    page.get_by_role("link", name="Ask for a review of “Alice's pier idea”").click()
    page.wait_for_load_state()
    assert heading(page) == "Alice's pier idea"
    assert REASON in page.locator("#hidden-reason").inner_text()
    assert_accessible(page)
    page.get_by_label("Why should it be shown again? (optional)").fill("The neighbour asked me to.")
    page.get_by_role("button", name="Ask for a review").click()
    page.wait_for_load_state()
    assert "a council officer will look at it again" in page.content()
    assert "You asked for a review on" in page.locator("#review-status").inner_text()
    assert_accessible(page)
    request = ReviewRequest.objects.get()
    assert (request.author, request.message) == (alice, "The neighbour asked me to.")

    idea: Idea = places["hidden"][alice.pk]
    for path in ("/", "/budgets/", "/conversations/action/", "/time-credits/", "/accounts/activity/"):
        check_reflow(page, site, path, assert_accessible)
    check_reflow(page, site, idea.get_absolute_url(), assert_accessible)


def test_a_welsh_resident_on_a_phone_finds_them_through_the_menu(
    page: Any,
    site: str,
    sign_in: Callable[[Any, str, str], None],
    assert_accessible: Callable[[Any], None],
    bob: User,
    places: dict[str, Any],
) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, bob.email, PASSWORD)
    page.goto(f"{site}/cy/")
    assert page.locator(".govuk-service-navigation__toggle").is_visible()  # folded at 320 px
    assert_accessible(page)

    header_link(page, "Cyllidebau cymunedol")
    assert "Cyllidebau cymunedol" in heading(page)
    assert_accessible(page)

    header_link(page, "Cymryd rhan")
    assert heading(page) == "Cymryd rhan"
    assert_accessible(page)

    header_link(page, "Credydau amser")
    assert_accessible(page)

    page.goto(f"{site}/cy/")
    home_card(page, "Eich gweithgarwch")
    assert heading(page) == "Eich gweithgarwch"
    assert REASON in page.content()
    assert_accessible(page)

    page.get_by_role("link", name="Gofyn am adolygiad o “Bob's pier idea”").click()
    page.wait_for_load_state()
    assert "Y rheswm a roddwyd" in page.content()
    page.get_by_role("button", name="Gofyn am adolygiad").click()
    page.wait_for_load_state()
    assert "Gofynnoch am adolygiad ar" in page.locator("#review-status").inner_text()
    assert_accessible(page)
    assert ReviewRequest.objects.get().author == bob


def test_a_facilitator_finds_their_conversations_in_the_header(
    page: Any,
    site: str,
    sign_in: Callable[[Any, str, str], None],
    assert_accessible: Callable[[Any], None],
    fran: User,
    conversation: Conversation,
) -> None:
    sign_in(page, fran.email, PASSWORD)
    page.goto(f"{site}/")
    header_link(page, "Your conversations")
    assert heading(page) == "Your conversations"
    assert conversation.title_en in page.content().replace("&#x27;", "'")
    assert_accessible(page)
    page.get_by_role("link", name="Facilitator dashboard").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/conversations/{conversation.slug}/facilitate/")

    page.goto(f"{site}/cy/")
    header_link(page, "Eich sgyrsiau")
    assert heading(page) == "Eich sgyrsiau"
    assert_accessible(page)
    check_reflow(page, site, "/conversations/facilitating/", assert_accessible)


def test_without_javascript_the_header_lists_its_links_at_320_px(browser: Any, site: str, db: None) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/")
    navigation = page.locator(".govuk-service-navigation")
    assert not page.locator(".govuk-service-navigation__toggle").is_visible()
    for name in ("Conversations", "Community budgets", "Get involved"):
        assert navigation.get_by_role("link", name=name, exact=True).is_visible()
    context.close()

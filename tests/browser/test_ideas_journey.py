"""A resident signs in, posts an idea, rates three ideas (in place, with htmx), comments, and
sees the priority ranking change once the background run has happened; part of the way in
Welsh. Zero axe violations on every page visited, in both languages."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from conversations import ranking_runs, ranking_store, services
from conversations.models import Comment, Conversation, Idea, IdeaRanking, RankingSummary, Rating
from conversations.ranking_store import Scope
from tests.conftest import PASSWORD, make_user
from vocaleyes.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def listed_titles(page: Any) -> list[str]:
    return [title.strip() for title in page.locator("#ideas ol > li h3").all_inner_texts()]


def rate(page: Any, label: str, button: str, saved: str) -> None:
    """Choose a value and save it; htmx swaps the control in place (no page load)."""
    url = page.url
    page.get_by_label(label).check()
    page.get_by_role("button", name=button).click()
    page.get_by_role("status").filter(has_text=saved).wait_for()
    assert page.url == url


def test_a_resident_posts_rates_comments_and_sees_the_ranking_move(
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    sign_in: Callable[[Any, str, str], None],
    conversation: Conversation,
    alice: User,
    bob: User,
) -> None:
    carol = make_user("carol@example.org", "Carol")
    dai = make_user("dai@example.org", "Dai")
    benches = services.idea_create(
        conversation=conversation,
        author=bob,
        title="More park benches",
        body="Benches every 200 metres.",
        language="en",
    )
    library = services.idea_create(
        conversation=conversation,
        author=bob,
        title="Longer library hours",
        body="Open until eight on weekdays.",
        language="en",
    )
    swimming = services.idea_create(
        conversation=conversation,
        author=bob,
        title="Gwersi nofio am ddim",
        body="Gwersi nofio am ddim i bob plentyn.",
        language="cy",
    )
    for person in (carol, dai):
        services.rating_set(idea=benches, user=person, value=4)
        services.rating_set(idea=library, user=person, value=3)
    services.rating_set(idea=swimming, user=carol, value=2)
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)

    sign_in(page, alice.email, PASSWORD)
    page.goto(f"{site}/conversations/wellbeing/")
    assert listed_titles(page) == ["More park benches", "Longer library hours", "Gwersi nofio am ddim"]
    assert page.get_by_text("Priority ranking last updated on").is_visible()
    page.get_by_text("How the priority ranking works").click()
    assert page.get_by_text("fifty people rated 4").is_visible()
    assert_accessible(page)

    # Post an idea: a bad attempt first, then a good one.
    page.get_by_role("link", name="Post an idea").click()
    assert_accessible(page)
    page.get_by_role("button", name="Post idea").click()
    page.wait_for_load_state()
    assert page.title().startswith("Error:")
    assert page.locator(".govuk-error-summary").get_by_text("Give your idea a short title.").is_visible()
    assert_accessible(page)
    page.get_by_label("Your idea in a few words").fill("Bus shelters in Morriston")
    page.get_by_label("Describe your idea").fill(
        "Two stops on Clase Road have no shelter.\nPeople wait in the rain."
    )
    page.get_by_label("English").check()
    page.get_by_role("button", name="Post idea").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Bus shelters in Morriston"
    assert page.get_by_text("Your idea has been posted").is_visible()
    assert page.get_by_text("This is your idea, so you cannot rate it.").is_visible()
    assert_accessible(page)
    mine = Idea.objects.get(title="Bus shelters in Morriston")
    assert mine.author == alice

    # Rate the first idea in English, in place.
    page.goto(f"{site}/conversations/wellbeing/ideas/{benches.pk}/")
    assert_accessible(page)
    rate(page, "1 \u2013 Not important", "Save rating", "Saved. You rated this idea: Not important.")
    assert_accessible(page)

    # Switch to Welsh: rate the other two and comment, all in Welsh.
    page.goto(f"{site}/conversations/wellbeing/ideas/{library.pk}/")
    page.get_by_role("link", name="Cymraeg").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.get_by_role("heading", name="Eich sgôr").is_visible()
    assert_accessible(page)
    rate(
        page,
        "2 \u2013 Ychydig yn bwysig",
        "Cadw'r sgôr",
        "Wedi'i gadw. Eich sgôr i'r syniad hwn: Ychydig yn bwysig.",
    )
    assert_accessible(page)
    page.get_by_role("button", name="Ychwanegu sylw").click()
    page.wait_for_load_state()
    assert page.title().startswith("Gwall:")
    assert (
        page.locator(".govuk-error-summary").get_by_text("Ysgrifennwch eich sylw cyn ei anfon.").is_visible()
    )
    assert_accessible(page)
    page.get_by_label("Ychwanegu sylw").fill("Syniad da: byddai hyn yn help i bobl sy'n gweithio'n hwyr.")
    page.get_by_role("button", name="Ychwanegu sylw").click()
    page.wait_for_load_state()
    assert page.get_by_text("Mae eich sylw wedi'i ychwanegu.").is_visible()
    assert page.get_by_role("heading", name="1 sylw").is_visible()
    assert_accessible(page)

    page.goto(f"{site}/cy/conversations/wellbeing/ideas/{swimming.pk}/")
    assert page.locator("h1").get_attribute("lang") is None  # a Welsh idea on a Welsh page
    rate(page, "5 \u2013 Hanfodol", "Cadw'r sgôr", "Wedi'i gadw. Eich sgôr i'r syniad hwn: Hanfodol.")
    assert_accessible(page)

    assert dict(Rating.objects.filter(user=alice).values_list("idea__title", "value")) == {
        "More park benches": 1,
        "Longer library hours": 2,
        "Gwersi nofio am ddim": 5,
    }
    assert Comment.objects.get(author=alice).idea == library

    # The background run (eager here: it ran after each rating committed) has moved the ranking.
    summary = RankingSummary.objects.get(conversation=conversation)
    queued_at = ranking_store.queued_at(Scope.of_conversation(conversation.pk))
    assert (queued_at, summary.rating_count) == (None, 8)
    assert IdeaRanking.objects.get(idea=swimming).rank == 1
    page.goto(f"{site}/cy/conversations/wellbeing/")
    assert listed_titles(page)[0] == "Gwersi nofio am ddim"
    assert page.get_by_text("Diweddarwyd y drefn blaenoriaeth ddiwethaf ar").is_visible()
    assert page.locator("#ideas ol > li").first.get_by_text("Safle blaenoriaeth 1").is_visible()
    # The English idea is marked as English on the Welsh page.
    assert page.get_by_role("link", name="More park benches").get_attribute("lang") == "en"
    assert_accessible(page)

    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert listed_titles(page)[0] == "Gwersi nofio am ddim"
    assert page.locator("#ideas ol > li").first.get_by_text("You rated it: Essential").is_visible()
    assert listed_titles(page) == [
        "Gwersi nofio am ddim",
        "Longer library hours",
        "More park benches",
        "Bus shelters in Morriston",
    ]
    assert_accessible(page)

    page.get_by_label("Sort by").select_option("unrated")
    page.get_by_role("button", name="Show ideas").click()
    page.wait_for_load_state()
    assert re.search(r"sort=unrated", page.url)
    assert listed_titles(page) == []
    assert page.get_by_text("You have rated every idea here. Thank you!").is_visible()
    assert_accessible(page)

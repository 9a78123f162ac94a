"""An officer's moderation day in the admin, in English and in Welsh (issue 13): the index says
what waits, the queue reads naturally, and the item's page hides it with a reason (refusing
without one). axe on every page visited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from conversations.models import ContentStatus, Conversation, Idea, ModerationDecision
from tests.conftest import PASSWORD
from tests.conversations.conftest import make_idea
from tests.conversations.moderation import report
from vocaleyes.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "en": {
        "prefix": "",
        "group": "To review",
        "queue": "Ideas to review",
        "hide": "Hide",
        "reason": "Reason",
        "no_reason": "Give a reason for this decision: the person concerned is told it.",
        "done": "Hide: done for 1 item.",
    },
    "cy": {
        "prefix": "/cy",
        "group": "I'w hadolygu",
        "queue": "Syniadau i'w hadolygu",
        "hide": "Cuddio",
        "reason": "Rheswm",
        "no_reason": "Rhowch reswm dros y penderfyniad hwn",
        "done": "Cuddio: wedi'i wneud ar gyfer 1 eitem.",
    },
}


@pytest.mark.parametrize("language", ["en", "cy"])
def test_an_officer_hides_a_reported_idea_from_its_page(
    page: Any,
    site: str,
    language: str,
    assert_accessible: Callable[[Any], None],
    sign_in: Callable[[Any, str, str], None],
    conversation: Conversation,
    olwen: User,
    alice: User,
    bob: User,
) -> None:
    words = WORDS[language]
    idea = make_idea(conversation, bob, title="Shame the lazy librarians")
    report(idea, [alice])
    sign_in(page, olwen.email, PASSWORD)

    page.goto(f"{site}{words['prefix']}/admin/")
    group = page.locator(".app-review")
    assert group.locator("caption").text_content().strip() == words["group"]
    assert group.get_by_role("row", name=words["queue"]).locator("td").inner_text() == "1"
    assert_accessible(page)

    group.get_by_role("link", name=words["queue"]).click()
    page.wait_for_load_state("load")
    assert page.get_by_role("heading", level=1).inner_text() == words["queue"]
    assert page.title().startswith(words["queue"])
    assert_accessible(page)

    page.get_by_role("link", name="Shame the lazy librarians").click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    page.get_by_role("button", name=words["hide"], exact=True).click()  # no reason yet
    page.wait_for_load_state("load")
    assert words["no_reason"] in page.locator(".messagelist .error").inner_text()
    idea.refresh_from_db()
    assert idea.status == ContentStatus.PUBLISHED
    assert_accessible(page)

    page.get_by_label(words["reason"]).fill("Names and insults members of staff.")
    page.get_by_role("button", name=words["hide"], exact=True).click()
    page.wait_for_load_state("load")
    assert page.locator(".messagelist .success").inner_text() == words["done"]
    assert page.get_by_role("heading", level=1).inner_text() == words["queue"]
    assert page.get_by_role("link", name="Shame the lazy librarians").count() == 0
    assert_accessible(page)
    idea.refresh_from_db()
    assert idea.status == ContentStatus.HIDDEN
    decision = ModerationDecision.objects.get()
    assert (decision.actor, decision.action) == (olwen, "hide")


def test_restore_is_offered_for_a_hidden_idea(
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    sign_in: Callable[[Any, str, str], None],
    conversation: Conversation,
    olwen: User,
    bob: User,
) -> None:
    idea = make_idea(conversation, bob, title="Warm hubs")
    Idea.objects.filter(pk=idea.pk).update(status=ContentStatus.HIDDEN)
    sign_in(page, olwen.email, PASSWORD)
    page.goto(f"{site}/cy/admin/conversations/idea/{idea.pk}/change/")
    form = page.locator("#moderation-form")
    assert form.get_by_role("button").all_inner_texts() == ["Adfer"]
    form.get_by_label("Rheswm").fill("Hidden by mistake.")
    form.get_by_role("button", name="Adfer").click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    idea.refresh_from_db()
    assert idea.status == ContentStatus.PUBLISHED

"""You said, we did, in the browser: a facilitator responds to an idea with the form (a missing
reason first), a resident follows it, reads the response on the idea and its card, the digest's
unsubscribe link works signed out, and a closed conversation's outcome page shows it. axe on
every page, in English and Welsh, at 320 px too."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from conversations import services
from conversations.models import Conversation, Follow, IdeaResponse
from tests.conftest import PASSWORD
from tests.conversations.conftest import make_idea
from vocaleyes.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_response_is_given_followed_and_shown(
    browser: Any,
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    sign_in: Callable[[Any, str, str], None],
    conversation: Conversation,
    alice: User,
    bob: User,
    fran: User,
) -> None:
    idea = make_idea(conversation, alice, title="More park benches")
    idea_url = f"{site}/conversations/wellbeing/ideas/{idea.pk}/"

    # The facilitator responds: "not taken forward" without a reason is refused, then accepted.
    sign_in(page, fran.email, PASSWORD)
    page.goto(idea_url)
    page.get_by_role("link", name="Respond to this idea").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Respond to an idea"
    assert_accessible(page)
    page.get_by_label("Not taken forward").check()
    page.get_by_role("button", name="Save the response").click()
    page.wait_for_load_state()
    assert "Say why the idea is not being taken forward." in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    assert not IdeaResponse.objects.exists()
    page.get_by_label("Accepted").check()
    page.get_by_label("Response in English").fill("We will put twelve benches along the seafront.")
    page.get_by_label("Response in Welsh").fill("Byddwn yn gosod deuddeg mainc ar hyd glan y môr.")
    page.get_by_role("button", name="Save the response").click()
    page.wait_for_load_state()
    assert "Our response" in page.locator("#response").inner_text()
    assert IdeaResponse.objects.get().status == "accepted"
    page.context.clear_cookies()  # signed out

    # A Welsh-speaking resident follows the idea, on a phone-sized screen.
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in(page, bob.email, PASSWORD)
    page.goto(idea_url)
    page.get_by_role("button", name="Follow").click()
    page.wait_for_load_state()
    assert Follow.objects.filter(person=bob, idea=idea).exists()
    assert page.get_by_role("button", name="Stop following").is_visible()
    assert_accessible(page)
    page.goto(f"{site}/cy/conversations/wellbeing/ideas/{idea.pk}/")
    assert "Ein hymateb" in page.locator("#response").inner_text()
    assert "Byddwn yn gosod deuddeg mainc" in page.locator("#response").inner_text()
    assert_accessible(page)
    page.goto(f"{site}/cy/conversations/wellbeing/")
    assert "Derbyniwyd" in page.locator("#ideas").inner_text()
    assert_accessible(page)
    page.context.clear_cookies()

    # The digest's unsubscribe link, signed out.
    services.follow_event_record(kind="status", idea=idea)
    assert services.digests_send(now=timezone.now()) == 1
    (email,) = [message for message in mail.outbox if message.to == [bob.email]]
    match = re.search(r"http://localhost:8000(/\S+/unsubscribe/\S+/)", str(email.body))
    assert match is not None
    page.goto(site + match.group(1))
    assert page.get_by_role("heading", level=1).inner_text() == "Rydych wedi dad-danysgrifio"
    assert_accessible(page)
    assert not Follow.objects.filter(person=bob).exists()

    # Once the conversation closes, its outcome page says what happened.
    page.set_viewport_size({"width": 1024, "height": 800})
    Conversation.objects.filter(pk=conversation.pk).update(status=Conversation.Status.CLOSED)
    page.goto(f"{site}/conversations/wellbeing/")
    page.get_by_role("link", name="See what happened to the top ideas").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "You said, we did"
    assert "We will put twelve benches" in page.locator("main").inner_text()
    assert_accessible(page)
    page.goto(f"{site}/cy/conversations/wellbeing/outcome/")
    assert page.get_by_role("heading", level=1).inner_text() == "Chi a ddywedodd, ni a wnaeth"
    assert_accessible(page)

"""Rate limits in the browser (issue 14): a comment over the limit gets the 429 page, and a rating
over the limit with htmx gets the short message above the form, which stays. In English and
Welsh, with axe, at 320 px."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import override_settings

from conversations import services
from conversations.models import Comment, Conversation, Rating
from tests.browser.reflow import PHONE, check_reflow
from tests.conftest import PASSWORD, clear_cache
from vocaleyes.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXTS = {
    "en": {
        "prefix": "",
        "comment": "Add comment",
        "heading": "You have tried too many times",
        "comments": "You have written a lot of comments in a short time.",
        "ratings": "You have rated a lot of ideas in a short time.",
        "saved": "Nothing has been saved.",
        "save": "Save rating",
        "change": "Change rating",
        "choice": "5 \u2013 Essential",
        "other": "1 \u2013 Not important",
    },
    "cy": {
        "prefix": "/cy",
        "comment": "Ychwanegu sylw",
        "heading": "Rydych wedi rhoi cynnig arni ormod o weithiau",
        "comments": "Rydych wedi ysgrifennu llawer o sylwadau mewn amser byr.",
        "ratings": "Rydych wedi sgorio llawer o syniadau mewn amser byr.",
        "saved": "Nid oes dim wedi'i gadw.",
        "save": "Cadw'r sgôr",
        "change": "Newid y sgôr",
        "choice": "5 \u2013 Hanfodol",
        "other": "1 \u2013 Ddim yn bwysig",
    },
}


@pytest.fixture
def one_each() -> Iterator[None]:
    clear_cache()
    limits = {"comment": "1/h", "rating": "1/h"}
    with override_settings(VOCALEYES_RATE_LIMITS=limits, VOCALEYES_RATE_LIMITS_PER_IP={}):
        yield
    clear_cache()


def no_sideways_scroll(page: Any) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways: {widths}"


@pytest.mark.parametrize("language", ["en", "cy"])
def test_writes_over_the_limit_are_refused_in_the_persons_language(
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    sign_in: Callable[[Any, str, str], None],
    conversation: Conversation,
    alice: User,
    bob: User,
    language: str,
    one_each: None,
) -> None:
    texts = TEXTS[language]
    idea = services.idea_create(
        conversation=conversation, author=bob, title="More park benches", body="Benches.", language="en"
    )
    path = f"/conversations/wellbeing/ideas/{idea.pk}/"
    sign_in(page, alice.email, PASSWORD)
    page.set_viewport_size(PHONE)

    # Without JavaScript's help: the comment form posts, the second time the 429 page comes back.
    page.goto(f"{site}{texts['prefix']}{path}")
    page.locator("#id_body").fill("Yes please, near the bus stop.")
    page.get_by_role("button", name=texts["comment"]).click()
    page.wait_for_load_state()
    page.locator("#id_body").fill("And by the library.")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name=texts["comment"]).click()
    assert posted.value.status == 429
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == texts["heading"]
    body = page.locator("main").inner_text()
    assert texts["comments"] in body and texts["saved"] in body
    no_sideways_scroll(page)
    assert_accessible(page)
    assert Comment.objects.count() == 1

    # With htmx: the rating form stays and the message appears above it.
    page.goto(f"{site}{texts['prefix']}{path}")
    page.get_by_label(texts["choice"]).check()
    page.get_by_role("button", name=texts["save"]).click()
    page.get_by_role("button", name=texts["change"]).wait_for()
    page.get_by_label(texts["other"]).check()
    page.get_by_role("button", name=texts["change"]).click()
    alert = page.locator(".govuk-error-summary[role=alert]")
    alert.wait_for()
    assert texts["ratings"] in alert.inner_text()
    assert page.locator("#rating-form").count() == 1
    no_sideways_scroll(page)
    assert_accessible(page)
    assert Rating.objects.get().value == 5

    check_reflow(page, site, path, assert_accessible)

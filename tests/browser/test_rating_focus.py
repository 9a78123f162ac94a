"""Rating with JavaScript (issue 13): after "Save rating" focus goes to the confirmation, a live
region that was in the page before the swap; a rating left unchosen brings back the same error
summary as the page without JavaScript, with focus on it; the priority panel's figures agree
with the rating. In English and Welsh, with axe, and the pages at 320 px."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from conversations import ranking_runs, services
from conversations.models import Conversation
from tests.browser.reflow import check_reflow
from tests.conftest import PASSWORD, make_user
from vocaleyes.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXTS = {
    "en": {
        "prefix": "",
        "save": "Save rating",
        "choice": "5 \u2013 Essential",
        "problem": "There is a problem",
        "error": "Error: ",
        "required": "Choose how important this idea is to you.",
        "saved": "Saved. You rated this idea: Essential.",
        "pending": "Your rating (Essential) is not in these figures yet",
        "figures_before": "1 rating, average 3.0",
        "included": "These figures include your rating: Essential.",
        "figures_after": "2 ratings, average 4.0",
    },
    "cy": {
        "prefix": "/cy",
        "save": "Cadw'r sgôr",
        "choice": "5 \u2013 Hanfodol",
        "problem": "Mae problem",
        "error": "Gwall: ",
        "required": "Dewiswch pa mor bwysig yw'r syniad hwn i chi.",
        "saved": "Wedi'i gadw. Eich sgôr i'r syniad hwn: Hanfodol.",
        "pending": "Nid yw eich sgôr (Hanfodol) yn y ffigurau hyn eto",
        "figures_before": "1 sgôr, cyfartaledd 3.0",
        "included": "Mae'r ffigurau hyn yn cynnwys eich sgôr: Hanfodol.",
        "figures_after": "2 sgôr, cyfartaledd 4.0",
    },
}

ACTIVE = """() => {
  const el = document.activeElement;
  return {tag: el.tagName, id: el.id, classes: el.className, text: el.textContent.trim()};
}"""


@pytest.mark.parametrize("language", ["en", "cy"])
def test_rating_with_javascript_keeps_focus_and_announces_the_result(
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    sign_in: Callable[[Any, str, str], None],
    conversation: Conversation,
    alice: User,
    bob: User,
    language: str,
) -> None:
    texts = TEXTS[language]
    idea = services.idea_create(
        conversation=conversation, author=bob, title="More park benches", body="Benches.", language="en"
    )
    services.rating_set(idea=idea, user=make_user("carol@example.org", "Carol"), value=3)
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    path = f"/conversations/wellbeing/ideas/{idea.pk}/"

    sign_in(page, alice.email, PASSWORD)
    page.goto(f"{site}{texts['prefix']}{path}")
    page.wait_for_load_state()
    status = page.locator("#rating-status")
    assert status.get_attribute("role") == "status"
    assert status.get_attribute("aria-live") == "polite"
    # Mark the live region, to show later that the message arrived in this same element rather
    # than in one inserted with the response.
    page.evaluate("() => { document.getElementById('rating-status').dataset.beforeSwap = 'yes'; }")
    assert_accessible(page)

    # No choice: the same error summary as without JavaScript, with focus on it.
    page.get_by_role("button", name=texts["save"]).click()
    summary = page.locator("#rating-form .govuk-error-summary")
    summary.wait_for()
    assert summary.get_by_role("heading", name=texts["problem"]).is_visible()
    assert summary.get_by_role("link", name=texts["required"]).get_attribute("href") == "#id_value_0"
    assert page.locator("#id_value-error").inner_text().endswith(texts["required"])
    page.wait_for_function("() => document.activeElement.classList.contains('govuk-error-summary')")
    title = page.title()
    assert title.startswith(texts["error"] + "More park benches")  # as the page without JavaScript
    assert page.url.endswith(path)
    assert_accessible(page)

    # A rating: focus on the confirmation, which is the live region that was there before.
    page.get_by_label(texts["choice"]).check()
    page.get_by_role("button", name=texts["save"]).click()
    page.locator("#rating-status").filter(has_text=texts["saved"]).wait_for()
    page.wait_for_function("() => document.activeElement.id === 'rating-status'")
    active = page.evaluate(ACTIVE)
    assert active["tag"] != "BODY"
    assert active["text"] == texts["saved"]
    assert page.evaluate("() => document.getElementById('rating-status').dataset.beforeSwap") == "yes"
    assert page.locator("#rating-form .govuk-error-summary").count() == 0
    assert page.title() == title.removeprefix(texts["error"])
    # The figures beside it are those of the last update, and say they do not count it yet.
    assert texts["pending"] in page.locator("#priority-yours").inner_text()
    assert texts["figures_before"] in page.locator("aside").first.inner_text()
    assert_accessible(page)

    # The ranking ran after the rating (in process here): the page now counts it, and says so.
    page.reload()
    page.wait_for_load_state()
    assert texts["included"] in page.locator("#priority-yours").inner_text()
    assert texts["figures_after"] in page.locator("aside").first.inner_text()
    assert_accessible(page)

    check_reflow(page, site, path, assert_accessible)


def test_a_closed_conversation_page_is_read_only_and_passes_axe_at_320_px(
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    conversation: Conversation,
    bob: User,
    fran: User,
) -> None:
    people = [make_user(f"carer{n}@example.org", f"Carer {n}") for n in range(3)]
    respite = services.idea_create(
        conversation=conversation, author=bob, title="Respite breaks", body="Two weeks a year.", language="en"
    )
    for person in people:
        services.rating_set(idea=respite, user=person, value=5)
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    services.idea_respond(
        idea=respite, by=fran, status="accepted", text_en="We fund two respite weeks a year."
    )
    Conversation.objects.filter(pk=conversation.pk).update(
        status=Conversation.Status.CLOSED, opened_on=date(2025, 3, 3), closed_on=date(2025, 6, 27)
    )

    for prefix, ran, came_of_it in (
        ("", "It ran from 3 March 2025 to 27 June 2025.", "What came of it"),
        ("/cy", "Fe'i cynhaliwyd o 3 Mawrth 2025 i 27 Mehefin 2025.", "Beth a ddaeth ohoni"),
    ):
        page.goto(f"{site}{prefix}/conversations/wellbeing/")
        main = page.locator("main").inner_text()
        assert ran in main
        assert page.get_by_role("heading", name=came_of_it).is_visible()
        assert page.locator("#ideas li h3").all_inner_texts() == ["Respite breaks"]
        assert page.locator("main form").count() == 0  # no search, sort or rating
        assert_accessible(page)

    check_reflow(page, site, "/conversations/wellbeing/", assert_accessible)
    check_reflow(page, site, f"/conversations/wellbeing/ideas/{respite.pk}/", assert_accessible)

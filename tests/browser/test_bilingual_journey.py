"""Truly bilingual (issue 13): a Welsh speaker signs in on an English page and reads Welsh; the
language switch still changes the page; a comment written in Welsh keeps lang="cy" on the
English page; the profile's language names carry their own lang. Axe and 320 px reflow on every
page visited, in both languages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from conversations.models import Comment, Conversation
from tests.browser.reflow import check_reflow
from tests.conftest import PASSWORD
from tests.conversations.conftest import make_idea
from vocaleyes.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_welsh_speaker_signs_in_on_an_english_page_and_reads_welsh(
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    conversation: Conversation,
    alice: User,
    bob: User,
) -> None:
    idea = make_idea(conversation, alice, title="More benches")
    idea_path = idea.get_absolute_url()
    check_reflow(page, site, "/accounts/login/", assert_accessible)  # the sign-in page, signed out
    page.set_viewport_size({"width": 1024, "height": 800})

    # On the English idea page, Bob (who prefers Welsh) follows "Sign in to rate this idea".
    page.goto(f"{site}{idea_path}")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Sign in to rate this idea").click()
    page.wait_for_load_state()
    page.get_by_label("Email").fill(bob.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()

    # He lands on the same idea, in Welsh, greeted in Welsh, with the switch to English there.
    assert page.url == f"{site}/cy{idea_path}"
    assert page.locator("html").get_attribute("lang") == "cy"
    assert "Rydych wedi mewngofnodi fel Bob." in page.locator(".govuk-notification-banner").inner_text()
    switch = page.get_by_role("navigation", name="Iaith").get_by_role("link", name="English")
    assert switch.get_attribute("lang") == "en"
    assert_accessible(page)

    # He comments in Welsh, on the Welsh page.
    page.get_by_label("Ychwanegu sylw").fill("Syniad da iawn, yn enwedig ger y traeth.")
    page.get_by_role("button", name="Ychwanegu sylw").click()
    page.wait_for_load_state()
    assert Comment.objects.get().language == "cy"
    assert_accessible(page)

    # The switch changes the page (not his preference); his Welsh comment keeps lang="cy".
    page.get_by_role("navigation", name="Iaith").get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.url.startswith(f"{site}{idea_path}")
    assert page.locator("html").get_attribute("lang") == "en"
    comment = page.get_by_text("Syniad da iawn, yn enwedig ger y traeth.")
    assert comment.evaluate("element => element.closest('[lang]').getAttribute('lang')") == "cy"
    assert_accessible(page)
    bob.refresh_from_db()
    assert bob.language == "cy"

    # The profile: the hint says what the setting is for; each language is named in itself.
    for prefix, hint in (
        ("", "We show you pages in this language after you sign in, and send you emails in it."),
        ("/cy", "Byddwn yn dangos tudalennau i chi yn yr iaith hon ar ôl i chi fewngofnodi"),
    ):
        page.goto(f"{site}{prefix}/accounts/profile/")
        assert hint in page.locator("#id_language-hint").inner_text()
        assert page.locator("label[for=id_language_0]").get_attribute("lang") == "en"
        assert page.locator("label[for=id_language_1]").get_attribute("lang") == "cy"
        assert page.get_by_label("Cymraeg").is_checked()
        assert_accessible(page)

    for path in (idea_path, "/accounts/profile/"):
        check_reflow(page, site, path, assert_accessible)

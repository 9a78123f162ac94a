"""Probe findings on input (issue 14), in the browser: role badges beside names on an idea and
its comments, a display name claiming a role refused on the profile, and the 400 page for a
NUL in a query; in English and Welsh, with axe, at 320 px."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from conversations.services import ideas as ideas_services
from tests.browser.reflow import PHONE, check_reflow
from tests.conftest import PASSWORD, make_conversation, make_user
from tests.conversations.conftest import make_idea
from vocaleyes.models import Organisation, OrganisationRole

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXTS = {
    "en": {
        "prefix": "",
        "officer": "Council officer",
        "facilitator": "Facilitator",
        "save": "Save",
        "role_word": "Display name must not include a word for a role",
        "bad_request": "contains a character that is not allowed (a null character)",
    },
    "cy": {
        "prefix": "/cy",
        "officer": "Swyddog y cyngor",
        "facilitator": "Hwylusydd",
        "save": "Cadw",
        "role_word": "Rhaid i'r enw arddangos beidio â chynnwys gair am rôl",
        "bad_request": "yn cynnwys nod nad yw'n cael ei ganiatáu (nod nwl)",
    },
}


def _setting() -> tuple[str, str]:
    organisation = Organisation.objects.create(
        slug="swansea", name_en="Swansea Council", name_cy="Cyngor Abertawe"
    )
    conversation = make_conversation(organisation)
    fran = make_user("fran@example.org", "Fran")
    OrganisationRole.objects.create(organisation=organisation, user=fran)
    officer = make_user("officer@example.org", "Sian Price", is_staff=True)
    resident = make_user("alice@example.org", "Alice")
    idea = make_idea(conversation, fran, title="Benches by the sea")
    ideas_services.comment_create(idea=idea, author=officer, body="We will look at the seafront first.")
    ideas_services.comment_create(idea=idea, author=resident, body="Yes please.")
    return f"/conversations/{conversation.slug}/", f"/conversations/{conversation.slug}/ideas/{idea.pk}/"


@pytest.mark.parametrize("language", ["en", "cy"])
def test_role_badges_and_role_words_refused(
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    sign_in: Callable[[Any, str, str], None],
    language: str,
) -> None:
    text = TEXTS[language]
    listing, idea = _setting()
    page.goto(f"{site}{text['prefix']}{idea}")
    tags = page.locator(".govuk-tag").all_inner_texts()
    assert text["officer"] in tags and text["facilitator"] in tags
    assert_accessible(page)
    check_reflow(page, site, idea, assert_accessible)
    check_reflow(page, site, listing, assert_accessible)

    sign_in(page, "alice@example.org", PASSWORD)
    page.goto(f"{site}{text['prefix']}/accounts/profile/")
    page.locator("#id_display_name").fill("Alice (council officer)")
    page.get_by_role("button", name=text["save"], exact=True).first.click()
    page.wait_for_load_state()
    assert text["role_word"] in page.locator(".govuk-error-summary").inner_text()
    assert text["role_word"] in page.locator(".govuk-error-message").first.inner_text()
    assert_accessible(page)
    check_reflow(page, site, "/accounts/profile/", assert_accessible)


@pytest.mark.parametrize("language", ["en", "cy"])
def test_a_nul_in_a_query_gets_the_400_page_in_the_persons_language(
    page: Any, site: str, assert_accessible: Callable[[Any], None], language: str
) -> None:
    text = TEXTS[language]
    listing, _idea = _setting()
    page.set_viewport_size(PHONE)
    response = page.goto(f"{site}{text['prefix']}{listing}?q=bench%00es")
    assert response is not None and response.status == 400
    assert text["bad_request"] in page.locator("main").inner_text()
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1] == PHONE["width"]
    assert_accessible(page)
    missing = page.goto(f"{site}{text['prefix']}/time-credits/receipts/%00/")
    assert missing is not None and missing.status == 404

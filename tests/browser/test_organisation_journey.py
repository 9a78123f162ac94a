"""A visitor goes from a conversation to its council's page, up to the region, and reads the
priorities across the region, in English and Welsh and on a 320 px screen: zero axe violations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from conversations import ranking_runs, services
from tests.conftest import make_conversation
from tests.conversations.conftest import make_idea, make_people
from vocaleyes.models import Organisation, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_reaches_the_regions_priorities(
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    alice: User,
    organisation: Organisation,
) -> None:
    region = Organisation.objects.create(
        slug="swansea-bay",
        name_en="Swansea Bay region",
        name_cy="Rhanbarth Bae Abertawe",
        kind=Organisation.Kind.LOCAL_AUTHORITY,
        level=Organisation.Level.REGIONAL,
    )
    organisation.parent = region
    organisation.save()
    neath = Organisation.objects.create(
        slug="neath",
        name_en="Neath Port Talbot Council",
        name_cy="Cyngor Castell-nedd Port Talbot",
        kind=Organisation.Kind.LOCAL_AUTHORITY,
        parent=region,
    )
    swansea_talk = make_conversation(organisation, slug="wellbeing", title_en="Swansea talk")
    neath_talk = make_conversation(neath, slug="neath-talk", title_en="Neath talk")
    benches = make_idea(swansea_talk, alice, title="More benches")
    buses = make_idea(neath_talk, alice, title="Later buses")
    for person in make_people(3, "rater"):
        services.rating_set(idea=benches, user=person, value=3)
        services.rating_set(idea=buses, user=person, value=5)
    ranking_runs.roll_up_recompute(organisation_id=region.pk)

    page.goto(f"{site}/conversations/wellbeing/")
    page.get_by_role("link", name="Swansea Council").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Swansea Council", level=1).is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Swansea Bay region").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Priorities across Swansea Bay region").is_visible()
    cards = page.locator("#priorities h3").all_inner_texts()
    assert cards == ["Later buses", "More benches"]
    page.get_by_text("How this list is worked out").click()
    assert_accessible(page)

    page.goto(f"{site}/cy/organisations/swansea-bay/")
    assert page.get_by_role("heading", name="Blaenoriaethau ar draws Rhanbarth Bae Abertawe").is_visible()
    assert_accessible(page)

    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{site}/organisations/swansea-bay/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.get_by_role("link", name="Organisations", exact=True).last.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Organisations", level=1).is_visible()
    assert page.get_by_role("link", name="Neath Port Talbot Council").is_visible()
    assert_accessible(page)

"""A facilitator goes from the dashboard to "Taking part by group", at desktop width and at
320 px, in English and Welsh: the tables, the chart and who is missing, zero axe violations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from conversations.models import Rating
from tests.conftest import PASSWORD, make_user
from tests.conversations.conftest import make_idea
from vocaleyes import services
from vocaleyes.models import GroupMembership, Organisation, TargetGroup, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_facilitator_sees_who_is_missing(
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    sign_in: Callable[[Any, str, str], None],
    alice: User,
    fran: User,
    organisation: Organisation,
    conversation: Any,
) -> None:
    town = TargetGroup.objects.create(
        organisation=organisation,
        name_en="Town centre",
        name_cy="Canol y dref",
        kind="place",
        population_size=2000,
    )
    village = TargetGroup.objects.create(
        organisation=organisation,
        name_en="Villages in the hills above the valley",
        name_cy="Pentrefi yn y bryniau uwchben y cwm",
        kind="place",
        population_size=3000,
        population_source="Census 2021",
    )
    TargetGroup.objects.create(
        organisation=organisation, name_en="Carers", name_cy="Gofalwyr", kind="lived_experience"
    )
    idea = make_idea(conversation, alice)
    for n in range(4):
        person = make_user(f"resident{n}@example.org", f"Resident {n}")
        GroupMembership.objects.create(user=person, group=town, how=GroupMembership.How.INVITATION)
        Rating.objects.create(idea=idea, user=person, conversation=conversation, value=5)
    services.invitation_create(
        group=village, by=fran, expires_at=timezone.now() + timedelta(days=7), max_uses=20
    )

    sign_in(page, fran.email, PASSWORD)
    page.goto(f"{site}/conversations/wellbeing/facilitate/")
    page.get_by_role("link", name="Taking part by group").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Taking part by group").is_visible()
    assert page.get_by_role("heading", name="Who is missing").is_visible()
    assert page.get_by_label("Invitation link for Villages in the hills above the valley").is_visible()
    assert_accessible(page)

    page.set_viewport_size({"width": 320, "height": 800})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)

    page.goto(f"{site}/cy/conversations/wellbeing/facilitate/groups/")
    assert page.get_by_role("heading", name="Cymryd rhan fesul grŵp").is_visible()
    assert page.get_by_role("heading", name="Pwy sydd ar goll").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)

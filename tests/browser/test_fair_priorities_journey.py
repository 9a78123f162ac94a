"""Fair priorities, end to end (issue 11). A resident opens an invitation link, signs in, joins
the group, declares their age band on their profile and rates an idea; then the facilitator goes
from the dashboard to "Taking part by group" (the table and who is missing, with an invitation
link) and switches the conversation page between the priority, representative and consensus
orders and one group's priorities with the form, each explained in its inset. Every page in
English and in Welsh, zero axe violations; no sideways scrolling at 320 px in a fair order."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from conversations import ranking_store, services
from conversations.models import Conversation, Idea
from conversations.ranking_store import Scope
from tests.browser.test_ideas_journey import listed_titles, rate
from tests.conftest import PASSWORD, make_user
from vocaleyes import services as groups
from vocaleyes.models import GroupMembership, Organisation, TargetGroup, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Young people are 60% of the area but only 3 of the 15 raters before Alice (who is young too).
# Every young rater rates it 5 and everyone older 3: first when each group counts by its size.
LIFTS = "Free bus travel for apprentices"
# Loved by the older majority of the raters, rejected by young people: first by plain priority.
MAJORITY = "Longer opening hours at the day centre"
# Supported by most of both groups without anyone's 5: first when every group must agree.
SHARED = "Safer crossings near schools"


def choose_order(page: Any, sort: str, group: str) -> None:
    """Choose an order and a group with the form, as a facilitator would (no URL typing)."""
    page.get_by_label("Sort by").select_option(label=sort)
    page.get_by_label("Whose priorities (facilitators only)").select_option(label=group)
    page.get_by_role("button", name="Show ideas").click()
    page.wait_for_load_state()


def choose_order_cy(page: Any, sort: str, group: str) -> None:
    page.get_by_label("Trefnu yn ôl").select_option(label=sort)
    page.get_by_label("Blaenoriaethau pwy (hwyluswyr yn unig)").select_option(label=group)
    page.get_by_role("button", name="Dangos syniadau").click()
    page.wait_for_load_state()


def inset(page: Any) -> Any:
    return page.locator("#order-explained")


def test_a_resident_takes_part_and_the_facilitator_compares_the_fair_orders(
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    sign_in: Callable[[Any, str, str], None],
    alice: User,
    fran: User,
    organisation: Organisation,
    conversation: Conversation,
) -> None:
    young = TargetGroup.objects.create(
        organisation=organisation,
        name_en="Aged 16 to 24",
        name_cy="16 i 24 oed",
        kind="age_band",
        population_size=600,
        population_source="Census 2021",
    )
    older = TargetGroup.objects.create(
        organisation=organisation,
        name_en="Aged 25 and over",
        name_cy="25 oed a hŷn",
        kind="age_band",
        population_size=400,
        population_source="Census 2021",
    )
    panel = TargetGroup.objects.create(
        organisation=organisation,
        name_en="Citizens panel",
        name_cy="Panel dinasyddion",
        kind="other",
        self_declarable=False,
    )
    carers = TargetGroup.objects.create(
        organisation=organisation, name_en="Unpaid carers", name_cy="Gofalwyr di-dâl", kind="lived_experience"
    )
    week = timezone.now() + timedelta(days=7)
    invitation = groups.invitation_create(group=panel, by=fran, expires_at=week, max_uses=10)
    groups.invitation_create(group=carers, by=fran, expires_at=week, max_uses=10)
    ideas = {
        title: services.idea_create(
            conversation=conversation, author=fran, title=title, body="Details to follow.", language="en"
        )
        for title in (LIFTS, MAJORITY, SHARED)
    }
    # (age band, [LIFTS, MAJORITY, SHARED]) for the residents who rated before Alice.
    seed = [(young, [5, 1, 4])] * 3 + [(older, [3, 5, 4])] * 6 + [(older, [3, 5, 3])] * 6
    for n, (band, values) in enumerate(seed):
        person = make_user(f"resident{n}@example.org", f"Resident {n}")
        groups.groups_declare(user=person, groups=[band], consent=True)
        for title, value in zip((LIFTS, MAJORITY, SHARED), values, strict=True):
            services.rating_set(idea=ideas[title], user=person, value=value)

    # 1. The resident: the invitation link, sign in, join.
    link = f"/join/{groups.invitation_token(invitation)}/"
    page.goto(site + link)
    assert page.get_by_role("heading", name="Join Citizens panel").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    page.get_by_label("Email").fill(alice.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.url == site + link
    page.get_by_role("button", name="Join the group").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="You have joined the group").is_visible()
    assert_accessible(page)

    # Her age band, on her profile, with consent.
    page.goto(f"{site}/accounts/profile/")
    page.get_by_label("Aged 16 to 24").check()
    page.get_by_label("I agree that VocalEyes keeps the groups I tick").check()
    page.get_by_role("button", name="Save my groups").click()
    page.wait_for_load_state()
    assert page.get_by_label("Aged 16 to 24").is_checked()
    assert_accessible(page)
    assert set(GroupMembership.objects.filter(user=alice).values_list("group__name_en", flat=True)) == {
        "Citizens panel",
        "Aged 16 to 24",
    }

    # She rates the idea young people want, from the conversation page.
    page.goto(f"{site}/conversations/wellbeing/")
    page.get_by_role("link", name=LIFTS).click()
    page.wait_for_load_state()
    rate(page, "5 \u2013 Essential", "Save rating", "Saved. You rated this idea: Essential.")
    assert_accessible(page)

    # Tasks run eagerly in tests: her rating's commit queued the conversation's run, which ran
    # at once and stored the fair orders too, so nothing is recomputed by hand here.
    scope = Scope.of_conversation(conversation.pk)
    assert ranking_store.queued_at(scope) is None
    titles = dict(Idea.objects.values_list("pk", "title"))
    # Priority: the 12 older raters carry MAJORITY (mean 4.2, against 3.5 and 3.6).
    assert titles[ranking_store.order(scope)[0]] == MAJORITY
    # Representative: the 4 young raters stand for 60% of the area, and all rated LIFTS 5.
    assert titles[ranking_store.order(Scope.representative(conversation.pk))[0]] == LIFTS
    # Consensus: SHARED is the only idea that both age bands mostly rate 4 or 5.
    assert titles[ranking_store.order(Scope.consensus(conversation.pk))[0]] == SHARED

    # 2. The facilitator: dashboard, then "Taking part by group".
    page.context.clear_cookies()
    sign_in(page, fran.email, PASSWORD)
    page.goto(f"{site}/conversations/wellbeing/")
    page.get_by_role("link", name="Facilitator dashboard").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("link", name="Taking part by group").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Taking part by group").is_visible()
    # The 15 residents, Alice and Fran, who posted the ideas.
    assert "17 people have taken part." in page.locator("#total-participants").inner_text()
    ages = page.locator("#table-age_band")
    assert ages.get_by_role("row", name="Aged 16 to 24").get_by_role("cell").first.inner_text() == "4"
    assert ages.get_by_role("row", name="Aged 25 and over").get_by_role("cell").first.inner_text() == "12"
    assert page.get_by_role("heading", name="Who is missing").is_visible()
    missing = page.locator("#missing-list")
    assert missing.get_by_role("heading", name="Unpaid carers").is_visible()
    carers_link = page.get_by_label("Invitation link for Unpaid carers")
    assert carers_link.input_value().startswith(f"{site}/join/")
    assert_accessible(page)

    # The conversation page: each order chosen with the form, each explained.
    page.get_by_role("link", name="Facilitator dashboard").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="See the conversation as residents do").click()
    page.wait_for_load_state()
    assert listed_titles(page)[0] == MAJORITY
    assert inset(page).count() == 0  # the plain priority order has no fair-order inset

    choose_order(page, "Representative of the area", "Everyone")
    assert "sort=representative" in page.url
    assert inset(page).get_by_role("heading", name="Order: representative of the area").is_visible()
    assert listed_titles(page)[0] == LIFTS
    assert_accessible(page)
    # At 320 px the fair order and its explanation fit without sideways scrolling.
    page.set_viewport_size({"width": 320, "height": 800})
    page.reload()
    assert inset(page).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)
    page.set_viewport_size({"width": 1024, "height": 800})

    choose_order(page, "Most agreed across groups", "Everyone")
    assert inset(page).get_by_role("heading", name="Order: most agreed across groups").is_visible()
    assert "Aged 16 to 24" in inset(page).inner_text()  # the groups compared
    assert listed_titles(page)[0] == SHARED
    assert_accessible(page)

    choose_order(page, "Priority", "Aged 16 to 24")
    assert inset(page).get_by_role("heading", name="Order: priorities of Aged 16 to 24").is_visible()
    assert "Members of the group who rated: 4." in inset(page).inner_text()
    assert listed_titles(page)[0] == LIFTS
    assert_accessible(page)

    choose_order(page, "Priority", "Everyone")
    assert inset(page).count() == 0
    assert listed_titles(page)[0] == MAJORITY

    # 3. The same in Welsh.
    page.get_by_role("link", name="Cymraeg").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "cy"
    assert_accessible(page)
    choose_order_cy(page, "Yn cynrychioli'r ardal", "Pawb")
    assert inset(page).get_by_role("heading", name="Trefn: yn cynrychioli'r ardal").is_visible()
    assert listed_titles(page)[0] == LIFTS
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)
    page.set_viewport_size({"width": 1024, "height": 800})
    choose_order_cy(page, "Y mwyaf o gytundeb ar draws grwpiau", "Pawb")
    assert inset(page).get_by_role("heading", name="Trefn: y mwyaf o gytundeb ar draws grwpiau").is_visible()
    assert listed_titles(page)[0] == SHARED
    assert_accessible(page)
    choose_order_cy(page, "Blaenoriaeth", "16 i 24 oed")
    assert inset(page).get_by_role("heading", name="Trefn: blaenoriaethau 16 i 24 oed").is_visible()
    assert_accessible(page)

    page.goto(f"{site}/cy/conversations/wellbeing/facilitate/")
    page.get_by_role("link", name="Cymryd rhan fesul grŵp").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Pwy sydd ar goll").is_visible()
    assert page.locator("#missing-list").get_by_role("heading", name="Gofalwyr di-dâl").is_visible()
    assert_accessible(page)

    # The resident's pages in Welsh: the invitation, her profile, the idea she rated.
    page.context.clear_cookies()
    sign_in(page, alice.email, PASSWORD)
    for path in (link, "/accounts/profile/", f"/conversations/wellbeing/ideas/{ideas[LIFTS].pk}/"):
        page.goto(f"{site}/cy{path}")
        assert page.locator("html").get_attribute("lang") == "cy"
        assert_accessible(page)

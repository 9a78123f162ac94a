"""A visitor opens an invitation link, signs in and comes back, joins the group and reaches the
invitation-only conversation; an outsider is told, in Welsh, how to join — zero axe violations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import PASSWORD, make_conversation
from vocaleyes import services
from vocaleyes.models import GroupMembership, Organisation, TargetGroup, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_joins_through_an_invitation_link(
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    sign_in: Callable[[Any, str, str], None],
    alice: User,
    bob: User,
    fran: User,
    organisation: Organisation,
) -> None:
    panel = TargetGroup.objects.create(
        organisation=organisation, name_en="Citizens panel", name_cy="Panel dinasyddion", kind="other"
    )
    conversation = make_conversation(
        organisation, slug="panel", visibility="invitation", title_en="Panel talk"
    )
    conversation.target_groups.add(panel)
    invitation = services.invitation_create(
        group=panel, by=fran, expires_at=timezone.now() + timedelta(days=7), max_uses=10
    )
    link = f"/join/{services.invitation_token(invitation)}/"

    page.goto(site + link)
    assert page.get_by_role("heading", name="Join Citizens panel").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    page.get_by_label("Email").fill(alice.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.url == site + link  # back on the invitation
    page.get_by_role("button", name="Join the group").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="You have joined the group").is_visible()
    assert_accessible(page)
    assert GroupMembership.objects.filter(user=alice, group=panel).exists()
    page.get_by_role("link", name="Panel talk").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Panel talk").is_visible()

    # The facilitator's page of links.
    page.context.clear_cookies()
    sign_in(page, fran.email, PASSWORD)
    page.goto(f"{site}/conversations/panel/facilitate/invitations/")
    assert page.get_by_role("heading", name="Invitation links").is_visible()
    assert_accessible(page)

    # An outsider, in Welsh.
    page.context.clear_cookies()
    sign_in(page, bob.email, PASSWORD)
    page.goto(f"{site}/cy/conversations/panel/")
    assert page.get_by_role("heading", name="Mae'r sgwrs hon drwy wahoddiad").is_visible()
    assert_accessible(page)
    page.goto(f"{site}/cy{link}")
    assert page.get_by_role("heading", name="Ymuno â'r grŵp Panel dinasyddion").is_visible()
    assert_accessible(page)

"""Claiming hours without an account, in a real browser: the claim page signed out and signed
in, in English and Welsh, at 320 px; the coordinator's form on the hours page; zero axe
violations."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import timezone

from conversations import services
from conversations.models import ActionGroup, ActionGroupCoordinator, HoursClaim
from tests.conftest import PASSWORD, make_user
from tests.conversations.conftest import make_idea
from tests.timecredits.conftest import ledger_cleanup  # noqa: F401 - a fixture
from timecredits.models import Account
from timecredits.services import account_open_for_organisation
from vocaleyes.models import Organisation, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def claims_cleanup(ledger_cleanup: None) -> Iterator[None]:  # noqa: F811
    """Claims point at ledger transfers, which ``ledger_cleanup`` deletes after this."""
    yield
    HoursClaim.objects.all().delete()


def test_claiming_hours_in_english_and_welsh(
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    sign_in: Callable[[Any, str, str], None],
    alice: User,
    fran: User,
    organisation: Organisation,
    conversation: Any,
    claims_cleanup: None,
) -> None:
    account_open_for_organisation(organisation=organisation, kind=Account.Kind.ISSUING)
    group = ActionGroup.objects.create(
        conversation=conversation, name_en="Beach cleaners", name_cy="Glanhawyr y traeth", created_by=fran
    )
    group.ideas.add(make_idea(conversation, fran, "Clean the beach"))
    coordinator = make_user("cai@example.org", "Cai")
    ActionGroupCoordinator.objects.create(group=group, user=coordinator)

    # The coordinator records the hours on the hours page.
    sign_in(page, coordinator.email, PASSWORD)
    page.goto(f"{site}/conversations/action/{group.pk}/hours/")
    assert page.get_by_role("heading", name="Hours given by someone without an account").is_visible()
    page.get_by_label("Their email address").fill("dewi@example.org")
    page.get_by_label("Their name (optional)").fill("Dewi")
    page.get_by_label("Cymraeg").check()
    page.get_by_label("Their hours").fill("2")
    page.get_by_role("button", name="Record the hours and email them").click()
    page.wait_for_load_state()
    assert page.get_by_text("We have emailed them a link").is_visible()
    assert_accessible(page)
    claim = HoursClaim.objects.get()
    assert (claim.email, claim.language, claim.minutes) == ("dewi@example.org", "cy", 120)
    assert claim.given_on == timezone.localdate()
    token = services.hours_claim_token(claim)

    # Signed out: what it is, and where to sign in.
    page.context.clear_cookies()
    page.goto(f"{site}/conversations/action/claim/{token}/")
    assert page.get_by_role("heading", name="Claim your time credits").is_visible()
    assert page.get_by_role("button", name="Sign in").is_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{site}/cy/conversations/action/claim/{token}/")
    assert page.get_by_role("heading", name="Hawliwch eich credydau amser").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)

    # Signed in, in Welsh: claim, and the statement has them.
    sign_in(page, alice.email, PASSWORD)
    page.goto(f"{site}/cy/conversations/action/claim/{token}/")
    page.get_by_role("button", name="Ychwanegu'r oriau hyn at fy nghredydau amser").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Credydau amser wedi'u hychwanegu").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)
    assert Account.objects.get(user=alice).balance == 120
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(f"{site}/conversations/action/claim/{token}/")
    assert page.get_by_role("heading", name="These hours cannot be claimed").is_visible()
    assert_accessible(page)

"""A resident declares the groups they belong to on their profile, at 320 px, in English and
Welsh, then withdraws and their answers are gone — with zero axe violations on every step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import PASSWORD
from vocaleyes.models import DemographicConsent, GroupMembership, Organisation, TargetGroup, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_declares_and_withdraws_their_groups(
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    sign_in: Callable[[Any, str, str], None],
    alice: User,
    organisation: Organisation,
) -> None:
    TargetGroup.objects.create(
        organisation=organisation, name_en="Unpaid carers", name_cy="Gofalwyr di-dâl", kind="lived_experience"
    )
    TargetGroup.objects.create(
        organisation=organisation, name_en="Aged 16 to 24", name_cy="16 i 24 oed", kind="age_band"
    )
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in(page, alice.email, PASSWORD)

    page.goto(f"{site}/accounts/profile/")
    assert page.get_by_role("heading", name="Groups you belong to (optional)").is_visible()
    assert_accessible(page)
    # No horizontal scrolling at 320 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    # Without consent: the error is beside the box and in the summary, and nothing is kept.
    page.get_by_label("Unpaid carers").check()
    page.get_by_role("button", name="Save my groups").click()
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    assert "Tick the box to agree" in summary.inner_text()
    assert_accessible(page)
    assert not GroupMembership.objects.exists()

    page.get_by_label("Unpaid carers").check()
    page.get_by_label("I agree that VocalEyes keeps the groups I tick").check()
    page.get_by_role("button", name="Save my groups").click()
    page.wait_for_load_state()
    assert list(alice.group_memberships.values_list("group__name_en", flat=True)) == ["Unpaid carers"]
    assert page.get_by_label("Unpaid carers").is_checked()
    assert_accessible(page)

    # The same section in Welsh, then withdraw there.
    page.goto(f"{site}/cy/accounts/profile/")
    assert page.get_by_role("heading", name="Grwpiau rydych chi'n perthyn iddyn nhw (dewisol)").is_visible()
    assert page.get_by_label("Gofalwyr di-dâl").is_checked()
    assert_accessible(page)
    page.get_by_role("button", name="Tynnu'n ôl a dileu fy atebion").click()
    page.wait_for_load_state()
    assert "Mae eich atebion am eich grwpiau wedi'u dileu." in page.locator("main").inner_text()
    assert_accessible(page)
    assert not GroupMembership.objects.exists()
    assert DemographicConsent.objects.get(user=alice).given_at is None

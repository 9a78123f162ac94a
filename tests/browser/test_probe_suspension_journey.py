"""A suspended facilitator reads the dashboard and the export page, finds the suspension message
where the taking-part switches and the download links were, and an export address sends them
back with the message; a suspended resident tries to give credits and is told why. In English
and Welsh, axe on every page, each checked at 320 px (issue 14)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conversations.models import Conversation
from tests.browser.reflow import check_reflow
from tests.conftest import PASSWORD, make_conversation
from tests.timecredits.conftest import ledger_cleanup  # noqa: F401 - a fixture
from timecredits import services as credit_services
from timecredits.models import Account, Transfer
from vocaleyes.models import Organisation, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Sent abusive gift messages to people whose account numbers they knew."
WARNING = {
    "": "Your account has been suspended by a council officer until",
    "/cy": "Mae swyddog y cyngor wedi atal eich cyfrif",
}


def suspend(person: User) -> None:
    person.suspended_at = timezone.now()
    person.suspended_until = timezone.now() + timedelta(days=14)
    person.suspension_reason = REASON
    person.save()


def test_a_suspended_facilitator_reads_but_cannot_switch_or_export(
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    sign_in: Callable[[Any, str, str], None],
    organisation: Organisation,
    fran: User,
) -> None:
    conversation = make_conversation(organisation)
    suspend(fran)
    sign_in(page, fran.email, PASSWORD)
    for prefix in ("", "/cy"):
        page.goto(f"{site}{prefix}/conversations/{conversation.slug}/facilitate/")
        expect(page.locator("#taking-part-heading + .govuk-warning-text")).to_contain_text(WARNING[prefix])
        expect(page.get_by_role("button", name="Save")).to_have_count(0)
        assert_accessible(page)

        page.goto(f"{site}{prefix}/conversations/{conversation.slug}/facilitate/export/")
        expect(page.locator(".govuk-warning-text")).to_contain_text(REASON)
        expect(page.locator("a[href$='/export/csv/'], a[href$='/export/print/']")).to_have_count(0)
        assert_accessible(page)

        page.goto(f"{site}{prefix}/conversations/{conversation.slug}/facilitate/export/print/")
        assert page.url.endswith(f"{prefix}/conversations/{conversation.slug}/facilitate/export/")
        expect(page.locator("main")).to_contain_text(WARNING[prefix])
        assert_accessible(page)
    conversation.refresh_from_db()
    assert conversation.posting_open and conversation.rating_open
    for path in (
        f"/conversations/{conversation.slug}/facilitate/",
        f"/conversations/{conversation.slug}/facilitate/export/",
    ):
        check_reflow(page, site, path, assert_accessible)
    assert Conversation.objects.count() == 1


def test_a_suspended_resident_is_told_why_they_cannot_give_credits(
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    sign_in: Callable[[Any, str, str], None],
    organisation: Organisation,
    fran: User,
    alice: User,
    bob: User,
    ledger_cleanup: None,  # noqa: F811
) -> None:
    credit_services.account_open_for_organisation(organisation=organisation, kind=Account.Kind.ISSUING)
    credit_services.credits_earn(
        organisation=organisation,
        person=alice,
        minutes=120,
        recorded_by=fran,
        memo="Litter pick",
        idempotency_key="journey-earn",
    )
    bob_number = credit_services.account_for_person(user=bob).number
    suspend(alice)
    sign_in(page, alice.email, PASSWORD)
    for prefix in ("", "/cy"):
        page.goto(f"{site}{prefix}/time-credits/give/")
        page.locator("#id_recipient").fill(bob_number)
        page.locator("#id_hours").fill("1")
        page.locator("form button.govuk-button").first.click()
        expect(page.locator(".govuk-error-summary")).to_contain_text(WARNING[prefix])
        assert_accessible(page)
    assert Transfer.objects.count() == 1
    check_reflow(page, site, "/time-credits/", assert_accessible)

"""A facilitator starts a conversation and a budget round with a project on their own pages; two
residents propose projects during the proposals phase, one in English and one in Welsh; the
facilitator finds one feasible and the other not, with a reason; each resident sees the
decision on the round page. axe on every page, and each checked at 320 px in both languages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from budgeting.models import BudgetProject, BudgetRound, Proposal
from conversations.models import Conversation
from tests.browser.reflow import check_reflow
from tests.conftest import PASSWORD
from vocaleyes.models import Organisation, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def local(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_facilitator_sets_up_a_round_and_reviews_residents_proposals(
    browser: Any,
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    sign_in: Callable[[Any, str, str], None],
    organisation: Organisation,
    fran: User,
    alice: User,
    bob: User,
) -> None:
    # The facilitator starts a conversation from the organisation's page.
    sign_in(page, fran.email, PASSWORD)
    page.goto(f"{site}/organisations/{organisation.slug}/")
    page.get_by_role("link", name="Start a conversation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a conversation")
    assert_accessible(page)
    page.get_by_role("button", name="Create the conversation").click()  # nothing filled in
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Give the conversation a title in English or Welsh."
    )
    assert_accessible(page)
    page.get_by_label("Title in English").fill("Greener Swansea")
    page.get_by_label("Title in Welsh").fill("Abertawe wyrddach")
    page.get_by_label("Description in English").fill("Ideas for parks and paths.")
    page.get_by_label("Open", exact=True).check()
    page.get_by_role("button", name="Create the conversation").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The conversation has been created.")
    conversation = Conversation.objects.get(slug="greener-swansea")
    assert conversation.status == "open" and conversation.title_cy == "Abertawe wyrddach"
    assert_accessible(page)

    # ... edits it, then starts a budget round from its dashboard.
    page.get_by_role("link", name="Edit the conversation").click()
    expect(page.get_by_label("Title in English")).to_have_value("Greener Swansea")
    assert_accessible(page)
    page.get_by_role("link", name="Facilitator dashboard").click()
    page.get_by_role("link", name="Start a budget round").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a budget round")
    assert_accessible(page)
    now = timezone.now()
    page.get_by_label("Title in English").fill("Parks fund")
    page.get_by_label("Title in Welsh").fill("Cronfa parciau")
    page.get_by_label("Total budget").fill("20000")
    page.get_by_label("Proposals open").fill(local(now - timedelta(days=1)))
    page.get_by_label("Review opens").fill(local(now + timedelta(days=7)))
    page.get_by_label("Voting opens").fill(local(now + timedelta(days=14)))
    page.get_by_label("Voting closes").fill(local(now + timedelta(days=28)))
    page.get_by_role("button", name="Create the round").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Manage the budget round")
    budget_round = BudgetRound.objects.get(conversation=conversation)
    assert budget_round.budget == 20000 and budget_round.phase == "proposals"
    assert_accessible(page)

    page.get_by_role("link", name="Add a project").click()
    page.get_by_label("Title in English").fill("New benches")
    page.get_by_label("Cost").fill("4500")
    page.get_by_role("button", name="Add the project").click()
    expect(page.locator("#projects-heading + .ve-table-scroll")).to_contain_text("New benches")
    assert_accessible(page)
    assert BudgetProject.objects.get().cost == 4500

    # Two residents propose projects: Alice in English, Bob on the Welsh pages.
    residents = browser.new_context(viewport={"width": 1024, "height": 800})
    resident = residents.new_page()
    sign_in(resident, alice.email, PASSWORD)
    resident.goto(f"{site}/budgets/{budget_round.slug}/")
    expect(resident.locator("#proposals-open")).to_contain_text("Proposals are open until")
    assert_accessible(resident)
    resident.get_by_role("link", name="Propose a project").click()
    assert_accessible(resident)
    resident.get_by_label("Your project in a few words").fill("A pond dipping platform")
    resident.get_by_label("What it would do, and where").fill("For school visits to the park pond.")
    resident.get_by_label("About how much it would cost, in pounds").fill("3000")
    resident.get_by_role("button", name="Send the proposal").click()
    expect(resident.locator("#own-proposals-heading")).to_have_text("Your proposals")
    expect(resident.locator(".govuk-summary-card", has_text="A pond dipping platform")).to_contain_text(
        "Waiting for review"
    )
    assert_accessible(resident)
    check_reflow(resident, site, f"/budgets/{budget_round.slug}/", assert_accessible)
    check_reflow(resident, site, f"/budgets/{budget_round.slug}/propose/", assert_accessible)
    residents.close()

    welsh_context = browser.new_context(viewport={"width": 1024, "height": 800})
    welsh = welsh_context.new_page()
    sign_in(welsh, bob.email, PASSWORD)
    welsh.goto(f"{site}/cy/budgets/{budget_round.slug}/")
    expect(welsh.locator("html")).to_have_attribute("lang", "cy")
    welsh.get_by_role("link", name="Cynnig prosiect").click()
    welsh.get_by_label("Eich prosiect mewn ychydig eiriau").fill("Llwybr beicio newydd")
    welsh.get_by_label("Beth fyddai'n ei wneud, a ble").fill("Llwybr o'r parc i'r ysgol.")
    welsh.get_by_label("Tua faint fyddai'n ei gostio, mewn punnoedd").fill("90000")
    welsh.get_by_role("button", name="Anfon y cynnig").click()
    expect(welsh.locator(".govuk-summary-card", has_text="Llwybr beicio newydd")).to_contain_text(
        "Yn aros i gael ei adolygu"
    )
    assert_accessible(welsh)
    english_proposal = Proposal.objects.get(proposer=alice)
    welsh_proposal = Proposal.objects.get(proposer=bob)
    assert welsh_proposal.language == "cy"

    # The facilitator reviews both: one feasible at the council's costing, one not, with a reason.
    page.goto(f"{site}/budgets/{budget_round.slug}/manage/")
    expect(page.locator("#proposals-heading")).to_have_text(
        "Residents\N{RIGHT SINGLE QUOTATION MARK} proposals"
    )
    page.get_by_role("link", name="Review A pond dipping platform").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review a proposal")
    assert_accessible(page)
    page.get_by_role("button", name="Save the decision").click()  # no decision chosen
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose whether the proposal is feasible.")
    assert_accessible(page)
    page.get_by_label("Feasible: put it on the ballot").check()
    page.get_by_label("Cost on the ballot, in pounds").fill("3500")
    page.get_by_label("Reason for the decision").fill("The parks team costed it at £3,500.")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The decision has been saved.")
    page.get_by_role("link", name="Review Llwybr beicio newydd").click()
    page.get_by_label("Not feasible", exact=True).check()
    page.get_by_label("Reason for the decision").fill("Mae'r gost yn fwy na'r gyllideb gyfan.")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator("#projects-heading + .ve-table-scroll")).to_contain_text("A pond dipping platform")
    assert_accessible(page)
    english_proposal.refresh_from_db()
    welsh_proposal.refresh_from_db()
    assert english_proposal.decision == "feasible" and english_proposal.project is not None
    assert english_proposal.project.cost == 3500
    assert welsh_proposal.decision == "not_feasible" and welsh_proposal.project is None
    for path in (
        f"/budgets/{budget_round.slug}/manage/",
        f"/budgets/{budget_round.slug}/manage/settings/",
        f"/budgets/{budget_round.slug}/manage/projects/new/",
        f"/budgets/{budget_round.slug}/manage/proposals/{english_proposal.pk}/",
        f"/budgets/new/{conversation.slug}/",
        f"/conversations/{conversation.slug}/facilitate/edit/",
        "/conversations/new/",
    ):
        check_reflow(page, site, path, assert_accessible)

    # Each resident sees the decision and the reason on the round page.
    welsh.goto(f"{site}/cy/budgets/{budget_round.slug}/")
    card = welsh.locator(".govuk-summary-card", has_text="Llwybr beicio newydd")
    expect(card).to_contain_text("Ddim yn ymarferol")
    expect(card).to_contain_text("Mae'r gost yn fwy na'r gyllideb gyfan.")
    assert_accessible(welsh)
    # The reason given to Alice is hers alone.
    expect(welsh.locator("body")).not_to_contain_text("The parks team costed it")
    welsh_context.close()

    residents = browser.new_context(viewport={"width": 1024, "height": 800})
    resident = residents.new_page()
    sign_in(resident, alice.email, PASSWORD)
    resident.goto(f"{site}/budgets/{budget_round.slug}/")
    card = resident.locator(f"#proposal-{english_proposal.pk}")
    expect(card).to_contain_text("Feasible: on the ballot")
    expect(card).to_contain_text("The parks team costed it at £3,500.")
    expect(card).to_contain_text("£3,500")
    assert_accessible(resident)
    check_reflow(resident, site, f"/budgets/{budget_round.slug}/", assert_accessible)
    residents.close()

"""Residents propose projects during the proposals phase, and facilitators review them
(issue 13): feasible proposals go on the ballot, not feasible ones need a reason, and the
proposer (only the proposer) sees the decision and the reason on the round page."""

from __future__ import annotations

import html
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import timezone

from budgeting import permissions, services
from budgeting.models import BudgetProject, BudgetRound, Proposal
from conversations.models import Conversation
from tests.budgeting.conftest import make_round, set_phase
from vocaleyes.errors import Refusal
from vocaleyes.models import User

pytestmark = pytest.mark.django_db

PROPOSAL = {
    "title": "A bench by the pond",
    "description": "Somewhere to sit in Parc Cwmdonkin.",
    "estimated_cost": "1200",
    "language": "en",
}


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return " ".join(html.unescape(response.content.decode()).split())


@pytest.fixture
def open_round(conversation: Conversation) -> BudgetRound:
    return make_round(conversation, phase="proposals")


def propose(user: User, budget_round: BudgetRound, **extra: Any) -> Proposal:
    values = {**PROPOSAL, "estimated_cost": Decimal(PROPOSAL["estimated_cost"]), **extra}
    return services.proposal_submit(budget_round=budget_round, proposer=user, **values)


def test_the_round_page_offers_proposals_during_the_phase(alice: User, open_round: BudgetRound) -> None:
    page = text(signed_in(alice).get(f"/budgets/{open_round.slug}/"))
    assert "Proposals are open until" in page and f"/budgets/{open_round.slug}/propose/" in page
    anonymous = text(Client().get(f"/budgets/{open_round.slug}/"))
    assert "to propose a project" in anonymous and "/accounts/login/?next=" in anonymous


def test_a_resident_proposes_a_project(alice: User, open_round: BudgetRound) -> None:
    response = signed_in(alice).post(f"/budgets/{open_round.slug}/propose/", PROPOSAL)
    assert response.status_code == 302 and response["Location"] == f"/budgets/{open_round.slug}/"
    proposal = Proposal.objects.get()
    assert proposal.proposer == alice and proposal.title == "A bench by the pond"
    assert proposal.estimated_cost == Decimal("1200") and proposal.decision == "pending"
    page = text(signed_in(alice).get(f"/budgets/{open_round.slug}/"))
    assert "Your proposals" in page and "A bench by the pond" in page and "Waiting for review" in page


def test_a_proposal_in_welsh(bob: User, open_round: BudgetRound) -> None:
    client = signed_in(bob)
    page = text(client.get(f"/cy/budgets/{open_round.slug}/propose/"))
    assert "Cynnig prosiect" in page and "Propose a project" not in page
    client.post(
        f"/cy/budgets/{open_round.slug}/propose/",
        {
            "title": "Mainc wrth y pwll",
            "description": "Lle i eistedd.",
            "estimated_cost": "900",
            "language": "cy",
        },
    )
    assert Proposal.objects.get().language == "cy"


def test_bad_input_gives_field_errors_and_saves_nothing(alice: User, open_round: BudgetRound) -> None:
    response = signed_in(alice).post(
        f"/budgets/{open_round.slug}/propose/", {"title": "", "description": "", "estimated_cost": "a lot"}
    )
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page and "Give your project a title." in page
    assert "Say what the project would do." in page and "Enter an amount in pounds, such as 25000." in page
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("phase", "message"), [("upcoming", "have not opened yet"), ("review", "have closed")]
)
def test_proposals_outside_the_phase_are_refused(
    alice: User, conversation: Conversation, phase: str, message: str
) -> None:
    budget_round = make_round(conversation, phase=phase)
    response = signed_in(alice).post(f"/budgets/{budget_round.slug}/propose/", PROPOSAL)
    assert response.status_code == 403 and message in text(response)
    with pytest.raises(Refusal, match=message):
        propose(alice, budget_round)
    assert not Proposal.objects.exists()


def test_a_suspended_resident_cannot_propose(alice: User, open_round: BudgetRound) -> None:
    alice.suspended_at = timezone.now()
    alice.suspension_reason = "Spam"
    alice.save()
    response = signed_in(alice).post(f"/budgets/{open_round.slug}/propose/", PROPOSAL)
    assert response.status_code == 403 and "Your account has been suspended" in text(response)
    page = text(signed_in(alice).get(f"/budgets/{open_round.slug}/"))
    assert "Why can I not propose a project?" in page and ">Propose a project</a>" not in page
    assert not Proposal.objects.exists()


def test_feasible_puts_it_on_the_ballot_at_the_reviewed_cost(
    alice: User, fran: User, open_round: BudgetRound
) -> None:
    proposal = propose(alice, open_round)
    set_phase(open_round, "review")
    response = signed_in(fran).post(
        f"/budgets/{open_round.slug}/manage/proposals/{proposal.pk}/",
        {"decision": "feasible", "cost": "1500", "reason": "Costed by the parks team."},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.decision == "feasible" and proposal.reviewed_by == fran
    project = BudgetProject.objects.get()
    assert proposal.project == project and project.title_en == "A bench by the pond"
    assert project.cost == Decimal("1500") and project.round == open_round
    page = text(signed_in(alice).get(f"/budgets/{open_round.slug}/"))
    assert "Feasible: on the ballot" in page and "Costed by the parks team." in page and "£1,500" in page


def test_not_feasible_needs_a_reason_the_proposer_sees(
    alice: User, bob: User, fran: User, open_round: BudgetRound
) -> None:
    proposal = propose(alice, open_round)
    review = f"/budgets/{open_round.slug}/manage/proposals/{proposal.pk}/"
    client = signed_in(fran)
    response = client.post(review, {"decision": "not_feasible", "cost": "1200", "reason": ""})
    assert response.status_code == 400
    assert "Say why the proposal is not feasible: the proposer will see it." in text(response)
    proposal.refresh_from_db()
    assert proposal.decision == "pending"
    client.post(
        review, {"decision": "not_feasible", "cost": "1200", "reason": "The pond is not council land."}
    )
    proposal.refresh_from_db()
    assert proposal.decision == "not_feasible" and not BudgetProject.objects.exists()
    page = text(signed_in(alice).get(f"/budgets/{open_round.slug}/"))
    assert "Not feasible" in page and "The pond is not council land." in page
    # Another resident sees neither the proposal nor the reason.
    other = text(signed_in(bob).get(f"/budgets/{open_round.slug}/"))
    assert "A bench by the pond" not in other and "not council land" not in other
    assert "not council land" not in text(Client().get(f"/budgets/{open_round.slug}/"))


def test_a_changed_decision_takes_the_project_off_the_ballot(
    alice: User, fran: User, open_round: BudgetRound
) -> None:
    proposal = propose(alice, open_round)
    services.proposal_review(proposal=proposal, reviewer=fran, feasible=True, reason="", cost=None)
    assert BudgetProject.objects.get().cost == Decimal("1200")
    services.proposal_review(
        proposal=proposal, reviewer=fran, feasible=False, reason="Too close to the road."
    )
    proposal.refresh_from_db()
    assert proposal.project is None and not BudgetProject.objects.exists()


def test_no_review_once_voting_has_started(alice: User, fran: User, open_round: BudgetRound) -> None:
    proposal = propose(alice, open_round)
    set_phase(open_round, "voting")
    response = signed_in(fran).post(
        f"/budgets/{open_round.slug}/manage/proposals/{proposal.pk}/",
        {"decision": "feasible", "cost": "1200", "reason": ""},
    )
    assert "Voting has started" in text(response)
    with pytest.raises(Refusal, match="Voting has started"):
        services.proposal_review(proposal=proposal, reviewer=fran, feasible=True, reason="")
    assert not BudgetProject.objects.exists()


def test_only_facilitators_review(alice: User, bob: User, open_round: BudgetRound) -> None:
    proposal = propose(alice, open_round)
    for user in (alice, bob):
        client = signed_in(user)
        review = f"/budgets/{open_round.slug}/manage/proposals/{proposal.pk}/"
        assert client.get(review).status_code == 404
        assert client.post(review, {"decision": "feasible", "cost": "1", "reason": ""}).status_code == 404
    proposal.refresh_from_db()
    assert proposal.decision == "pending" and not BudgetProject.objects.exists()


def test_a_suspended_facilitator_cannot_review(alice: User, fran: User, open_round: BudgetRound) -> None:
    proposal = propose(alice, open_round)
    fran.suspended_at = timezone.now()
    fran.suspension_reason = "Spam"
    fran.save()
    signed_in(fran).post(
        f"/budgets/{open_round.slug}/manage/proposals/{proposal.pk}/",
        {"decision": "feasible", "cost": "1200", "reason": ""},
    )
    with pytest.raises(Refusal):
        services.proposal_review(proposal=proposal, reviewer=fran, feasible=True, reason="")
    proposal.refresh_from_db()
    assert proposal.decision == "pending" and not BudgetProject.objects.exists()


def test_facilitators_see_proposals_waiting_first(alice: User, fran: User, open_round: BudgetRound) -> None:
    reviewed = propose(alice, open_round, title="Reviewed one")
    services.proposal_review(proposal=reviewed, reviewer=fran, feasible=False, reason="No.")
    propose(alice, open_round, title="Waiting one")
    page = text(signed_in(fran).get(f"/budgets/{open_round.slug}/manage/"))
    assert "Residents\N{RIGHT SINGLE QUOTATION MARK} proposals" in page
    assert page.index("Waiting one") < page.index("Reviewed one")


def test_hidden_proposals_appear_nowhere(alice: User, fran: User, open_round: BudgetRound) -> None:
    proposal = propose(alice, open_round, title="Rude words")
    Proposal.objects.filter(pk=proposal.pk).update(moderation="hidden")
    assert "Rude words" not in text(signed_in(fran).get(f"/budgets/{open_round.slug}/manage/"))
    assert "Rude words" not in text(signed_in(alice).get(f"/budgets/{open_round.slug}/"))
    review = f"/budgets/{open_round.slug}/manage/proposals/{proposal.pk}/"
    assert signed_in(fran).get(review).status_code == 404


@pytest.mark.parametrize(
    ("phase", "resident", "suspended", "facilitator"),
    [
        ("upcoming", False, False, True),
        ("proposals", True, False, True),
        ("review", False, False, True),
        ("voting", False, False, True),
        ("results", False, False, True),
    ],
)
def test_who_may_propose_and_change_a_round_by_phase(
    conversation: Conversation,
    alice: User,
    fran: User,
    phase: str,
    resident: bool,
    suspended: bool,
    facilitator: bool,
) -> None:
    """can_propose: residents, proposals phase only; can_change_round: facilitators in every
    phase (the services decide what may still change), never anonymous people or residents."""
    budget_round = make_round(conversation, phase=phase)
    assert permissions.can_propose(alice, budget_round) is resident
    assert permissions.can_propose(AnonymousUser(), budget_round) is False
    assert permissions.can_change_round(fran, budget_round) is facilitator
    assert permissions.can_change_round(alice, budget_round) is False
    alice.suspended_at = fran.suspended_at = timezone.now()
    assert permissions.can_propose(alice, budget_round) is suspended
    assert permissions.can_change_round(fran, budget_round) is False

"""Paper ballots: typed in by an officer through the service (also from the admin), marked as
paper, and counted exactly like online ballots."""

from __future__ import annotations

import pytest
from django.test import Client

from budgeting import services
from budgeting.models import Ballot, BudgetProject, BudgetRound, Tally, Vote
from tests.budgeting.conftest import set_phase
from vocaleyes.errors import Refusal
from vocaleyes.models import User

pytestmark = pytest.mark.django_db


def test_an_officer_enters_a_paper_ballot(
    round_: BudgetRound, projects: list[BudgetProject], olwen: User
) -> None:
    ballot = services.paper_ballot_enter(
        budget_round=round_,
        officer=olwen,
        paper_reference=" P-0042 ",
        choices={projects[0].pk: 1, projects[3].pk: 1},
    )
    assert (ballot.kind, ballot.voter, ballot.paper_reference, ballot.entered_by) == (
        "paper",
        None,
        "P-0042",
        olwen,
    )
    assert sorted(ballot.votes.values_list("project__code", flat=True)) == ["001", "004"]


def test_the_same_paper_cannot_be_entered_twice(
    round_: BudgetRound, projects: list[BudgetProject], olwen: User
) -> None:
    services.paper_ballot_enter(
        budget_round=round_, officer=olwen, paper_reference="P-1", choices={projects[0].pk: 1}
    )
    with pytest.raises(Refusal) as caught:
        services.paper_ballot_enter(
            budget_round=round_, officer=olwen, paper_reference="P-1", choices={projects[1].pk: 1}
        )
    assert caught.value.message == "A ballot with the paper reference P-1 is already entered in this round."
    assert caught.value.field == "paper_reference"
    assert Vote.objects.count() == 1


def test_a_paper_ballot_meets_the_same_rules(
    round_: BudgetRound, projects: list[BudgetProject], olwen: User
) -> None:
    with pytest.raises(Refusal) as caught:
        services.paper_ballot_enter(
            budget_round=round_, officer=olwen, paper_reference="P-2", choices={p.pk: 1 for p in projects}
        )
    assert "Your choices cost £150,000, which is more than the budget of £100,000." in caught.value.message
    assert not Ballot.objects.exists()


def test_paper_ballots_are_accepted_after_voting_closes_but_not_before_it_opens(
    round_: BudgetRound, projects: list[BudgetProject], olwen: User
) -> None:
    set_phase(round_, "results")
    services.paper_ballot_enter(
        budget_round=round_, officer=olwen, paper_reference="late", choices={projects[0].pk: 1}
    )
    set_phase(round_, "review")
    with pytest.raises(Refusal) as caught:
        services.paper_ballot_enter(
            budget_round=round_, officer=olwen, paper_reference="early", choices={projects[0].pk: 1}
        )
    assert caught.value.message.startswith("Paper ballots can be entered once voting has opened")
    assert list(Ballot.objects.values_list("paper_reference", flat=True)) == ["late"]


def test_paper_ballots_count_the_same_as_online_ones(
    round_: BudgetRound,
    projects: list[BudgetProject],
    olwen: User,
    alice: User,
    bob: User,
    django_capture_on_commit_callbacks,
) -> None:
    playground, _benches, cycle, trees = projects
    # Two online and two paper ballots with the same choices, pairwise.
    services.ballot_submit(budget_round=round_, voter=alice, choices={cycle.pk: 1, trees.pk: 1})
    services.ballot_submit(budget_round=round_, voter=bob, choices={playground.pk: 1})
    services.paper_ballot_enter(
        budget_round=round_, officer=olwen, paper_reference="A", choices={cycle.pk: 1, trees.pk: 1}
    )
    services.paper_ballot_enter(
        budget_round=round_, officer=olwen, paper_reference="B", choices={playground.pk: 1}
    )
    set_phase(round_, "results")
    with django_capture_on_commit_callbacks(execute=True):
        tally = services.tally_request(budget_round=round_, requested_by=olwen)
    tally.refresh_from_db()
    assert tally.status == Tally.Status.DONE and tally.ballots == 4
    votes = dict(tally.outcomes.get(is_primary=True).lines.values_list("project__code", "votes"))
    assert votes == {"001": 2, "002": 0, "003": 2, "004": 2}


def test_the_admin_enters_paper_ballots_through_the_service(
    client: Client, round_: BudgetRound, projects: list[BudgetProject], olwen: User
) -> None:
    client.force_login(olwen)
    add = "/admin/budgeting/paperballot/add/"
    page = client.post(add, {"round": round_.pk, "paper_reference": "P-7", "choices_text": "001, 002, 003"})
    assert page.status_code == 200
    assert "Your choices cost £140,000, which is more than the budget of £100,000." in page.content.decode()
    page = client.post(add, {"round": round_.pk, "paper_reference": "P-7", "choices_text": "001, 099"})
    assert "There is no project with the code 099 in this round." in page.content.decode()
    assert not Ballot.objects.exists()

    response = client.post(add, {"round": round_.pk, "paper_reference": "P-7", "choices_text": "001, 004"})
    assert response.status_code == 302
    ballot = Ballot.objects.get()
    assert (ballot.kind, ballot.paper_reference, ballot.entered_by) == ("paper", "P-7", olwen)
    assert sorted(ballot.votes.values_list("project__code", flat=True)) == ["001", "004"]

    # A typing mistake is corrected through the same rules.
    change = f"/admin/budgeting/paperballot/{ballot.pk}/change/"
    assert "001, 004" in client.get(change).content.decode()
    response = client.post(change, {"choices_text": "002, 004"})
    assert response.status_code == 302
    assert sorted(ballot.votes.values_list("project__code", flat=True)) == ["002", "004"]
    page = client.post(add, {"round": round_.pk, "paper_reference": "P-7", "choices_text": "003"})
    assert "paper reference" in page.content.decode() and Ballot.objects.count() == 1


def test_the_admin_lists_paper_ballots_and_not_online_ones(
    client: Client, round_: BudgetRound, projects: list[BudgetProject], olwen: User, alice: User
) -> None:
    services.ballot_submit(budget_round=round_, voter=alice, choices={projects[0].pk: 1})
    services.paper_ballot_enter(
        budget_round=round_, officer=olwen, paper_reference="P-9", choices={projects[1].pk: 1}
    )
    client.force_login(olwen)
    page = client.get("/admin/budgeting/paperballot/").content.decode()
    assert "P-9" in page and "alice@example.org" not in page and "Alice" not in page

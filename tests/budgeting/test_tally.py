"""Counting a round in the background: the outcome under its rule and the other rule, stored."""

from __future__ import annotations

import time
from decimal import Decimal
from unittest import mock

import pytest

from budgeting import services, tasks
from budgeting.models import BudgetProject, BudgetRound, Outcome, OutcomeProject, Tally
from conversations.models import Conversation
from tests.budgeting.conftest import make_projects, make_round, set_phase
from tests.conftest import make_user
from vocaleyes.errors import Refusal


def cast_worked_example(budget_round: BudgetRound) -> list[BudgetProject]:
    """Budget £100,000; A £60,000, B £30,000, C £50,000, D £10,000. Three people choose A and B,
    two choose C and D."""
    projects = make_projects(budget_round, ("A", 60000), ("B", 30000), ("C", 50000), ("D", 10000))
    a, b, c, d = projects
    for n in range(3):
        voter = make_user(f"majority{n}@example.org", f"Majority {n}")
        services.ballot_submit(budget_round=budget_round, voter=voter, choices={a.pk: 1, b.pk: 1})
    for n in range(2):
        voter = make_user(f"minority{n}@example.org", f"Minority {n}")
        services.ballot_submit(budget_round=budget_round, voter=voter, choices={c.pk: 1, d.pk: 1})
    return projects


def wait_for(tally: Tally, seconds: float = 60) -> Tally:
    """The tally once it has finished (at once when tasks run eagerly; CI's worker takes a moment)."""
    deadline = time.monotonic() + seconds
    while True:
        tally.refresh_from_db()
        if not tally.is_live or time.monotonic() > deadline:
            return tally
        time.sleep(0.2)


def lines(outcome: Outcome) -> dict[str, OutcomeProject]:
    return {line.project.title_en: line for line in outcome.lines.select_related("project")}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_tally_task_stores_the_outcome(conversation: Conversation) -> None:
    """Worked example, Equal Shares without completion: five voters, £20,000 each. A and B have
    rho 1/3, C and D 1/2; A wins the tie (lower code) and takes the majority's £60,000, so B's
    supporters have nothing left; D costs the minority £5,000 each, leaving them £30,000, short
    of C's £50,000. Greedy funds A, B and D instead."""
    budget_round = make_round(conversation, rule="equal-shares", completion="none")
    cast_worked_example(budget_round)
    set_phase(budget_round, "results")

    tally = wait_for(services.tally_request(budget_round=budget_round))

    assert tally.status == Tally.Status.DONE, tally.error
    assert (tally.progress, tally.ballots, tally.votes) == (100, 5, 10)
    primary = tally.outcomes.get(is_primary=True)
    assert (primary.rule, primary.completion, primary.spent) == ("equal-shares", "none", Decimal("70000"))
    es = lines(primary)
    assert [(t, es[t].position) for t in "ABCD"] == [("A", 1), ("B", None), ("C", None), ("D", 2)]
    assert [es[t].votes for t in "ABCD"] == [3, 3, 2, 2]
    assert (es["A"].full_share, es["A"].paid_full_share, es["A"].paid_all_they_had) == (20000, 3, 0)
    assert (es["D"].full_share, es["D"].paid_full_share) == (5000, 2)
    assert es["B"].reason == "supporters_ran_out" and es["B"].supporters_money == 0
    assert es["C"].reason == "supporters_ran_out" and es["C"].supporters_money == 30000

    other = tally.outcomes.get(is_primary=False)
    assert (other.rule, other.spent) == ("greedy", Decimal("100000"))
    greedy = lines(other)
    assert [greedy[t].position for t in "ABCD"] == [1, 2, None, 3]
    assert greedy["C"].reason == "did_not_fit" and greedy["C"].budget_left == Decimal("10000")


@pytest.mark.django_db
def test_a_double_click_queues_one_count(
    conversation: Conversation, olwen, django_capture_on_commit_callbacks
) -> None:
    budget_round = make_round(conversation, phase="results")
    with (
        mock.patch.object(tasks.tally_round, "delay") as queue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        first = services.tally_request(budget_round=budget_round, requested_by=olwen)
        second = services.tally_request(budget_round=budget_round, requested_by=olwen)
    assert first.pk == second.pk
    assert queue.call_count == 1 and queue.call_args.args == (first.pk,)
    assert Tally.objects.get().status == Tally.Status.QUEUED


@pytest.mark.django_db
def test_votes_cannot_be_counted_before_voting_closes(conversation: Conversation) -> None:
    budget_round = make_round(conversation, phase="voting")
    with pytest.raises(Refusal) as caught:
        services.tally_request(budget_round=budget_round)
    assert caught.value.message.startswith("Votes can be counted once voting has closed, on ")
    assert not Tally.objects.exists()


@pytest.mark.django_db
def test_a_count_taken_twice_runs_once(conversation: Conversation) -> None:
    budget_round = make_round(conversation, phase="results")
    tally = Tally.objects.create(round=budget_round)
    services.tally_run(tally_id=tally.pk)
    services.tally_run(tally_id=tally.pk)  # a redelivered task
    assert Outcome.objects.filter(tally=tally).count() == 2


@pytest.mark.django_db
def test_a_failed_count_is_recorded_and_stores_nothing(conversation: Conversation) -> None:
    budget_round = make_round(conversation, phase="results")
    tally = Tally.objects.create(round=budget_round)
    with mock.patch("budgeting.services.tallies.compute", side_effect=RuntimeError("disk on fire")):
        services.tally_run(tally_id=tally.pk)
    tally.refresh_from_db()
    assert tally.status == Tally.Status.FAILED
    assert tally.error == "RuntimeError: disk on fire"
    assert not Outcome.objects.exists()


@pytest.mark.django_db
def test_votes_for_a_project_made_ineligible_are_not_counted(
    conversation: Conversation, django_capture_on_commit_callbacks
) -> None:
    budget_round = make_round(conversation, rule="greedy", completion="none")
    a, _b, _c, _d = cast_worked_example(budget_round)
    BudgetProject.objects.filter(pk=a.pk).update(eligible=False, ineligible_reason_en="Already funded.")
    set_phase(budget_round, "results")
    with django_capture_on_commit_callbacks(execute=True):
        tally = services.tally_request(budget_round=budget_round)
    tally.refresh_from_db()
    assert tally.votes == 7 and tally.ballots == 5
    outcome = tally.outcomes.get(is_primary=True)
    assert set(outcome.lines.values_list("project__title_en", flat=True)) == {"B", "C", "D"}
    assert list(
        outcome.lines.exclude(position=None).order_by("position").values_list("project__title_en", flat=True)
    ) == [
        "B",
        "C",
        "D",
    ]


@pytest.mark.django_db
def test_the_beat_counts_rounds_whose_voting_has_closed(conversation: Conversation) -> None:
    make_round(conversation, slug="closed", phase="results")
    counted = make_round(conversation, slug="counted", phase="results")
    Tally.objects.create(round=counted, status=Tally.Status.DONE, progress=100)
    make_round(conversation, slug="still-open", phase="voting")
    with mock.patch.object(tasks.tally_round, "delay"):
        queued = tasks.tally_closed_rounds()
    assert [Tally.objects.get(pk=pk).round.slug for pk in queued] == ["closed"]
    with mock.patch.object(tasks.tally_round, "delay"):
        assert tasks.tally_closed_rounds() == []  # not twice

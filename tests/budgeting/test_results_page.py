"""The results page: winners, spend, votes, how Equal Shares shared each cost, why popular
projects lost, the other rule for comparison, and the count's progress."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from budgeting.models import BudgetRound, Tally
from conversations.models import Conversation
from tests.budgeting.conftest import make_projects, make_round, set_phase
from tests.budgeting.test_tally import cast_worked_example
from tests.conftest import make_user
from vocaleyes.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(conversation: Conversation, olwen: User, django_capture_on_commit_callbacks) -> BudgetRound:
    """The worked example of test_tally, counted with Equal Shares (no completion)."""
    budget_round = make_round(conversation, rule="equal-shares", completion="none")
    cast_worked_example(budget_round)
    set_phase(budget_round, "results")
    client = Client()
    client.force_login(olwen)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/budgets/{budget_round.slug}/results/count/")
    assert Tally.objects.get(round=budget_round).status == Tally.Status.DONE
    return budget_round


def text_of(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return " ".join(html.unescape(response.content.decode()).split())


def test_the_results_show_winners_spend_votes_and_cost_sharing(client: Client, counted: BudgetRound) -> None:
    page = text_of(client, f"/budgets/{counted.slug}/results/")
    assert "2 projects funded" in page and "£70,000 of £100,000 spent" in page
    assert "Counted with the rule “Method of Equal Shares” from 5 ballots" in page
    assert "Paid for from its supporters' equal shares: 3 supporters paid £20,000 each." in page
    assert "Paid for from its supporters' equal shares: 2 supporters paid £5,000 each." in page


def test_the_results_explain_why_a_popular_project_lost(client: Client, counted: BudgetRound) -> None:
    page = text_of(client, f"/budgets/{counted.slug}/results/")
    assert "Why some popular projects were not funded" in page
    assert (
        "It had 3 votes, more than “D” (2 votes), which was funded. When Equal Shares stopped, its "
        "supporters had only £0 left of their equal shares, less than its cost of £30,000: they had "
        "already spent their shares on other projects they voted for."
    ) in page


def test_the_results_compare_with_the_other_rule(client: Client, counted: BudgetRound) -> None:
    page = text_of(client, f"/budgets/{counted.slug}/results/")
    assert (
        "Counted with “Greedy: most votes first”, the same ballots would fund 3 projects, spending £100,000."
        in page
    )
    assert "1 project has a different result." in page


def test_the_results_in_welsh(client: Client, counted: BudgetRound) -> None:
    page = text_of(client, f"/cy/budgets/{counted.slug}/results/")
    assert '<html lang="cy"' in page
    assert "2 brosiect wedi'u hariannu" in page and "£70,000 o £100,000 wedi'i wario" in page
    assert "Pam na chafodd rhai prosiectau poblogaidd eu hariannu" in page and "A (cy)" in page
    assert "Talwyd amdano o gyfrannau cyfartal ei gefnogwyr: talodd 3 o gefnogwyr £20,000 yr un." in page
    assert "projects funded" not in page and "Why some popular projects" not in page


def test_results_wait_for_voting_to_close(client: Client, conversation: Conversation) -> None:
    budget_round = make_round(conversation)
    make_projects(budget_round, ("A", 100))
    page = text_of(client, f"/budgets/{budget_round.slug}/results/")
    assert "The results will be published here after voting closes on" in page
    assert "Count the votes" not in page


def test_only_people_who_run_the_round_can_start_a_count(
    client: Client, conversation: Conversation, alice: User, fran: User, django_capture_on_commit_callbacks
) -> None:
    budget_round = make_round(conversation, phase="results")
    make_projects(budget_round, ("A", 100))
    client.force_login(alice)
    assert "Count the votes" not in text_of(client, f"/budgets/{budget_round.slug}/results/")
    assert client.post(f"/budgets/{budget_round.slug}/results/count/").status_code == 404
    assert not Tally.objects.exists()

    client.force_login(fran)
    assert "Count the votes" in text_of(client, f"/budgets/{budget_round.slug}/results/")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/budgets/{budget_round.slug}/results/count/", follow=True)
    assert Tally.objects.get().status == Tally.Status.DONE
    assert "The count has started" in response.content.decode()


def test_a_running_count_shows_its_progress_and_htmx_polls_it(
    client: Client, conversation: Conversation
) -> None:
    budget_round = make_round(conversation, phase="results")
    tally = Tally.objects.create(round=budget_round, status=Tally.Status.RUNNING, progress=40)
    page = text_of(client, f"/budgets/{budget_round.slug}/results/")
    assert "Counting the votes: 40% done." in page and "Refresh this page" in page
    assert f'hx-get="/budgets/{budget_round.slug}/results/status/"' in page

    status = client.get(f"/budgets/{budget_round.slug}/results/status/", HTTP_HX_REQUEST="true")
    assert "40% done" in status.content.decode() and "<html" not in status.content.decode()
    Tally.objects.filter(pk=tally.pk).update(status=Tally.Status.DONE, progress=100)
    status = client.get(f"/budgets/{budget_round.slug}/results/status/", HTTP_HX_REQUEST="true")
    assert status["HX-Refresh"] == "true"


def test_the_results_page_has_a_fixed_number_of_queries(
    client: Client,
    conversation: Conversation,
    olwen: User,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
) -> None:
    budget_round = make_round(conversation, rule="equal-shares")
    projects = make_projects(budget_round, *[(f"P{n}", 1000 + n) for n in range(40)])
    from budgeting import services

    for n in range(10):
        voter = make_user(f"q{n}@example.org", f"Q{n}")
        services.ballot_submit(
            budget_round=budget_round, voter=voter, choices={projects[n].pk: 1, projects[n + 20].pk: 1}
        )
    set_phase(budget_round, "results")
    with django_capture_on_commit_callbacks(execute=True):
        services.tally_request(budget_round=budget_round, requested_by=olwen)
    with django_assert_max_num_queries(12):
        page = client.get(f"/budgets/{budget_round.slug}/results/").content.decode()
    assert "P39" in page

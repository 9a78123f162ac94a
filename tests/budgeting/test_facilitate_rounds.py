"""Facilitators create and change budget rounds and their projects on their own pages
(issue 13): field errors for bad input, 404 for outsiders, read-only for the suspended, and no
change that would alter an outcome once voting has started."""

from __future__ import annotations

import html
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from budgeting import services
from budgeting.models import BudgetProject, BudgetRound
from conversations.models import Conversation
from tests.budgeting.conftest import make_projects, make_round, set_phase
from vocaleyes.errors import Refusal
from vocaleyes.models import User

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return " ".join(html.unescape(response.content.decode()).split())


ROUND_POST = {
    "title_en": "Green spaces fund",
    "title_cy": "Cronfa mannau gwyrdd",
    "description_en": "Spend £50,000 on parks.",
    "description_cy": "",
    "budget": "50000",
    "proposals_open": "2027-01-04T09:00",
    "review_opens": "2027-02-01T09:00",
    "voting_opens": "2027-03-01T09:00",
    "voting_closes": "2027-03-31T17:00",
    "ballot_type": "k_approval",
    "max_projects": "3",
    "points": "10",
    "rule": "greedy",
    "completion": "add1",
}


def test_a_facilitator_starts_a_round_in_their_conversation(fran: User, conversation: Conversation) -> None:
    response = signed_in(fran).post(f"/budgets/new/{conversation.slug}/", ROUND_POST)
    budget_round = BudgetRound.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/budgets/{budget_round.slug}/manage/"
    assert budget_round.slug == "green-spaces-fund" and budget_round.conversation == conversation
    assert budget_round.budget == Decimal("50000") and budget_round.max_projects == 3
    # What does not apply is dropped: points are for cumulative ballots, completions for Equal Shares.
    assert budget_round.points is None and budget_round.completion == "none"
    assert timezone.localtime(budget_round.voting_closes).strftime("%Y-%m-%d %H:%M") == "2027-03-31 17:00"


def test_bad_input_gives_field_errors_and_creates_nothing(fran: User, conversation: Conversation) -> None:
    post = {
        **ROUND_POST,
        "title_en": "",
        "title_cy": "",
        "budget": "lots",
        "voting_closes": "2027-02-01T09:00",
        "max_projects": "",
    }
    response = signed_in(fran).post(f"/budgets/new/{conversation.slug}/", post)
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page
    assert "Give the round a title in English or Welsh." in page
    assert "Enter an amount in pounds, such as 25000." in page
    assert "Give the most projects a voter may choose." in page
    assert not BudgetRound.objects.exists()


def test_phases_out_of_order_are_refused(fran: User, conversation: Conversation) -> None:
    post = {**ROUND_POST, "voting_closes": "2027-02-01T09:00"}
    response = signed_in(fran).post(f"/budgets/new/{conversation.slug}/", post)
    assert response.status_code == 400
    assert "The phases must follow one another" in text(response)
    assert not BudgetRound.objects.exists()


def test_outsiders_get_404_and_change_nothing(alice: User, conversation: Conversation) -> None:
    budget_round = make_round(conversation, phase="proposals")
    client = signed_in(alice)
    assert client.get(f"/budgets/new/{conversation.slug}/").status_code == 404
    assert client.post(f"/budgets/new/{conversation.slug}/", ROUND_POST).status_code == 404
    for path in ("manage/", "manage/settings/", "manage/projects/new/"):
        assert client.get(f"/budgets/{budget_round.slug}/{path}").status_code == 404
    assert client.post(f"/budgets/{budget_round.slug}/manage/settings/", ROUND_POST).status_code == 404
    assert BudgetRound.objects.count() == 1 and not BudgetProject.objects.exists()
    assert BudgetRound.objects.get().title_en == "Parks and paths fund"


def test_a_suspended_facilitator_reads_but_changes_nothing(fran: User, conversation: Conversation) -> None:
    budget_round = make_round(conversation, phase="proposals")
    fran.suspended_at = timezone.now()
    fran.suspension_reason = "Spam"
    fran.save()
    client = signed_in(fran)
    page = text(client.get(f"/budgets/{budget_round.slug}/manage/"))
    assert "Your account has been suspended" in page and "Add a project" not in page
    client.post(f"/budgets/{budget_round.slug}/manage/settings/", ROUND_POST)
    client.post(
        f"/budgets/{budget_round.slug}/manage/projects/new/",
        {"title_en": "X", "cost": "10", "eligible": "on"},
    )
    client.post(f"/budgets/new/{conversation.slug}/", ROUND_POST)
    assert BudgetRound.objects.get().title_en == "Parks and paths fund"
    assert not BudgetProject.objects.exists()


def test_a_facilitator_changes_the_settings_before_voting(fran: User, conversation: Conversation) -> None:
    budget_round = make_round(conversation, phase="proposals")
    client = signed_in(fran)
    form = text(client.get(f"/budgets/{budget_round.slug}/manage/settings/"))
    assert 'value="Parks and paths fund"' in form and 'type="datetime-local"' in form
    assert 'value="100000"' in form  # pounds as people type them, not 100000.00
    response = client.post(f"/budgets/{budget_round.slug}/manage/settings/", ROUND_POST)
    assert response.status_code == 302
    budget_round.refresh_from_db()
    assert budget_round.title_en == "Green spaces fund" and budget_round.budget == Decimal("50000")
    assert budget_round.slug == "park-fund"


def test_the_form_shows_the_dates_back_as_the_input_expects(fran: User, conversation: Conversation) -> None:
    budget_round = make_round(conversation, phase="proposals")
    page = text(signed_in(fran).get(f"/budgets/{budget_round.slug}/manage/settings/"))
    closes = timezone.localtime(budget_round.voting_closes).strftime("%Y-%m-%dT%H:%M")
    assert f'value="{closes}"' in page


def test_projects_are_added_changed_and_removed_before_voting(fran: User, conversation: Conversation) -> None:
    budget_round = make_round(conversation, phase="review")
    client = signed_in(fran)
    base = f"/budgets/{budget_round.slug}/manage/projects/"
    response = client.post(
        f"{base}new/",
        {"title_en": "New benches", "title_cy": "Meinciau newydd", "cost": "4500", "eligible": "on"},
    )
    assert response.status_code == 302
    project = BudgetProject.objects.get()
    assert project.code == "001" and project.cost == Decimal("4500") and project.eligible
    client.post(
        f"{base}{project.pk}/",
        {
            "title_en": "New benches",
            "cost": "5000",
            "ineligible_reason_en": "Already funded by the parks team.",
        },
    )
    project.refresh_from_db()
    assert project.cost == Decimal("5000") and not project.eligible
    assert project.ineligible_reason_en == "Already funded by the parks team."
    page = text(client.get(f"/budgets/{budget_round.slug}/manage/"))
    assert "New benches" in page and "£5,000" in page
    assert client.post(f"{base}{project.pk}/remove/").status_code == 302
    assert not BudgetProject.objects.exists()


def test_a_project_not_eligible_needs_a_reason(fran: User, conversation: Conversation) -> None:
    budget_round = make_round(conversation, phase="review")
    response = signed_in(fran).post(
        f"/budgets/{budget_round.slug}/manage/projects/new/", {"title_en": "Benches", "cost": "-5"}
    )
    assert response.status_code == 400
    page = text(response)
    assert "Say why the project is not eligible, in English or Welsh." in page
    assert "Ensure this value is greater than or equal to 0." in page
    assert not BudgetProject.objects.exists()


def test_once_voting_has_started_nothing_that_changes_the_outcome_can_change(
    fran: User, conversation: Conversation
) -> None:
    budget_round = make_round(conversation, phase="voting")
    (project,) = make_projects(budget_round, ("Benches", 4500))
    client = signed_in(fran)
    settings_page = f"/budgets/{budget_round.slug}/manage/settings/"
    initial = {
        **ROUND_POST,
        "title_en": "Renamed fund",
        "budget": "100000",
        "ballot_type": "approval",
        "rule": "equal-shares",
        "completion": "add1+greedy",
    }
    for name in ("proposals_open", "review_opens", "voting_opens", "voting_closes"):
        initial[name] = timezone.localtime(getattr(budget_round, name)).strftime("%Y-%m-%dT%H:%M")
    # A new title with a new budget: the budget is refused, and the title with it (all or nothing).
    response = client.post(settings_page, {**initial, "budget": "50000"})
    assert response.status_code == 400 and "Voting has started" in text(response)
    budget_round.refresh_from_db()
    assert budget_round.budget == Decimal("100000") and budget_round.title_en == "Parks and paths fund"

    response = client.post(
        f"/budgets/{budget_round.slug}/manage/projects/{project.pk}/",
        {"title_en": "Benches", "cost": "1", "eligible": "on"},
    )
    assert response.status_code == 400 and "Voting has started" in text(response)
    assert (
        client.post(f"/budgets/{budget_round.slug}/manage/projects/{project.pk}/remove/").status_code == 400
    )
    assert (
        client.post(
            f"/budgets/{budget_round.slug}/manage/projects/new/",
            {"title_en": "More", "cost": "1", "eligible": "on"},
        ).status_code
        == 400
    )
    project.refresh_from_db()
    assert project.cost == Decimal("4500") and BudgetProject.objects.count() == 1


def test_once_voting_has_started_the_title_is_corrected_on_the_page(
    fran: User, conversation: Conversation
) -> None:
    budget_round = make_round(conversation, phase="voting")  # dates with seconds, as the admin makes
    client = signed_in(fran)
    settings_page = f"/budgets/{budget_round.slug}/manage/settings/"
    form = client.get(settings_page).context["form"]
    post = {name: form[name].value() for name in form.fields}
    post = {name: ("" if value is None else value) for name, value in post.items()}
    post["title_en"] = "Parks and paths fund 2027"
    response = client.post(settings_page, post)
    assert response.status_code == 302, text(response)
    before = (budget_round.voting_opens, budget_round.voting_closes)
    budget_round.refresh_from_db()
    assert budget_round.title_en == "Parks and paths fund 2027"
    assert (budget_round.voting_opens, budget_round.voting_closes) == before


def test_once_voting_has_started_the_text_can_still_be_corrected(conversation: Conversation) -> None:
    budget_round = make_round(conversation, phase="voting")
    (project,) = make_projects(budget_round, ("Benches", 4500))
    services.round_edit(budget_round=budget_round, title_en="Parks fund", budget=budget_round.budget)
    services.project_edit(project=project, title_en="New benches", cost=project.cost)
    budget_round.refresh_from_db()
    project.refresh_from_db()
    assert budget_round.title_en == "Parks fund" and project.title_en == "New benches"
    with pytest.raises(Refusal, match="Voting has started"):
        services.round_edit(budget_round=budget_round, budget=Decimal("1"))
    set_phase(budget_round, "results")
    with pytest.raises(Refusal, match="Voting has started"):
        services.project_remove(project=project)


def test_the_pages_link_to_each_other(fran: User, conversation: Conversation) -> None:
    budget_round = make_round(conversation, phase="proposals")
    client = signed_in(fran)
    dashboard = client.get(f"/conversations/{conversation.slug}/facilitate/").content.decode()
    assert (
        f"/budgets/new/{conversation.slug}/" in dashboard
        and f"/budgets/{budget_round.slug}/manage/" in dashboard
    )
    assert (
        f"/budgets/{budget_round.slug}/manage/"
        in client.get(f"/budgets/{budget_round.slug}/").content.decode()
    )
    assert "/manage/" not in Client().get(f"/budgets/{budget_round.slug}/").content.decode()


def test_the_pages_in_welsh(fran: User, conversation: Conversation) -> None:
    budget_round = make_round(conversation, phase="proposals")
    client = signed_in(fran)
    page = text(client.get(f"/cy/budgets/new/{conversation.slug}/"))
    assert "Dechrau cylch cyllidebu" in page and "Start a budget round" not in page
    page = text(client.get(f"/cy/budgets/{budget_round.slug}/manage/"))
    assert "Rheoli'r cylch cyllidebu" in page and "Manage the budget round" not in page

"""The voter's pages: browse, build a basket without JavaScript, review, submit, change, receipt."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from budgeting.models import Ballot, BudgetProject, BudgetRound, Vote
from tests.budgeting.conftest import set_phase
from vocaleyes.models import User

pytestmark = pytest.mark.django_db


def url(budget_round: BudgetRound, page: str = "", lang: str = "") -> str:
    prefix = f"/{lang}" if lang else ""
    return f"{prefix}/budgets/{budget_round.slug}/{page}"


def ballot_post(*projects: BudgetProject, action: str) -> dict[str, object]:
    return {"project": [str(p.pk) for p in projects], "action": action}


def test_the_round_page_lists_the_projects_with_their_costs(
    client: Client, round_: BudgetRound, projects: list[BudgetProject]
) -> None:
    page = client.get(url(round_)).content.decode()
    assert "<h1" in page and "Parks and paths fund" in page
    for title, cost in [("Playground", "£60,000"), ("Benches", "£30,000"), ("Trees", "£10,000")]:
        assert title in page and cost in page
    assert "Sign in</a> to vote" in page


def test_the_round_page_in_welsh(client: Client, round_: BudgetRound, projects: list[BudgetProject]) -> None:
    page = client.get(url(round_, lang="cy")).content.decode()
    assert 'lang="cy"' in page
    assert "Cronfa parciau a llwybrau" in page and "Playground (cy)" in page


def test_update_total_shows_the_running_total_without_saving(
    client: Client, alice: User, round_: BudgetRound, projects: list[BudgetProject]
) -> None:
    client.force_login(alice)
    playground, benches, cycle, _trees = projects
    page = client.post(url(round_, "ballot/"), ballot_post(playground, benches, cycle, action="update"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "3 projects chosen" in text and "Cost: £140,000 of the £100,000 budget" in text
    assert "That is £40,000 over the budget" in text
    # The boxes stay ticked, and nothing is written yet.
    assert text.count(" checked") == 3
    assert not Ballot.objects.exists()


def test_htmx_gets_the_total_alone(
    client: Client, alice: User, round_: BudgetRound, projects: list[BudgetProject]
) -> None:
    client.force_login(alice)
    response = client.post(
        url(round_, "ballot/total/"),
        ballot_post(projects[1], projects[3], action="update"),
        HTTP_HX_REQUEST="true",
    )
    text = response.content.decode()
    assert "Cost: £40,000 of the £100,000 budget" in text and "£60,000 left." in text
    assert "<html" not in text


def test_an_over_budget_ballot_is_refused_with_a_clear_message(
    client: Client, alice: User, round_: BudgetRound, projects: list[BudgetProject]
) -> None:
    client.force_login(alice)
    playground, benches, cycle, _trees = projects
    response = client.post(url(round_, "ballot/"), ballot_post(playground, benches, cycle, action="review"))
    text = response.content.decode()
    assert "<title>Error: " in text
    assert "govuk-error-summary" in text
    assert "Your choices cost £140,000, which is more than the budget of £100,000." in text
    assert f'href="#project-{playground.pk}"' in text  # the summary links to the choices
    assert not Ballot.objects.exists()
    assert "budgeting-draft" not in "".join(client.session.keys())


def test_review_then_submit_saves_the_ballot_and_emails_a_receipt(
    client: Client,
    bob: User,
    round_: BudgetRound,
    projects: list[BudgetProject],
    django_capture_on_commit_callbacks,
) -> None:
    client.force_login(bob)
    playground, benches, _cycle, _trees = projects
    response = client.post(url(round_, "ballot/"), ballot_post(playground, benches, action="review"))
    assert response.status_code == 302 and response["Location"] == url(round_, "ballot/review/")
    review = client.get(url(round_, "ballot/review/")).content.decode()
    assert "Check your ballot" in review and "£90,000" in review
    assert not Ballot.objects.exists()  # not until submitted

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(round_, "ballot/review/"))
    ballot = Ballot.objects.get(voter=bob)
    assert response["Location"] == ballot.get_absolute_url()
    assert sorted(ballot.votes.values_list("project__code", flat=True)) == ["001", "002"]
    receipt = client.get(response["Location"]).content.decode()
    assert "Your ballot has been saved" in receipt and "Playground" in receipt

    # The receipt is in Bob's language (Welsh), with a link to his ballot in Welsh.
    (email,) = mail.outbox
    assert email.to == ["bob@example.org"]
    assert "Playground (cy)" in email.body
    assert f"http://testserver/cy/budgets/{round_.slug}/ballots/{ballot.pk}/" in email.body
    assert email.subject == "Eich pleidlais ar gyfer Cronfa parciau a llwybrau"
    assert "Mae eich pleidlais ar gyfer “Cronfa parciau a llwybrau” wedi'i chadw." in email.body


def test_a_voter_changes_their_ballot_before_the_deadline(
    client: Client, alice: User, round_: BudgetRound, projects: list[BudgetProject]
) -> None:
    client.force_login(alice)
    playground, _benches, cycle, trees = projects
    client.post(url(round_, "ballot/"), ballot_post(playground, action="review"))
    client.post(url(round_, "ballot/review/"))
    # The ballot page starts from the saved ballot.
    page = client.get(url(round_, "ballot/")).content.decode()
    assert f'value="{playground.pk}" checked' in page
    client.post(url(round_, "ballot/"), ballot_post(cycle, trees, action="review"))
    assert (
        "This replaces the ballot you cast before."
        in client.get(url(round_, "ballot/review/")).content.decode()
    )
    client.post(url(round_, "ballot/review/"))
    assert Ballot.objects.count() == 1
    assert sorted(Vote.objects.values_list("project__code", flat=True)) == ["003", "004"]


def test_nobody_sees_another_persons_ballot(
    client: Client, alice: User, bob: User, round_: BudgetRound, projects: list[BudgetProject]
) -> None:
    client.force_login(alice)
    client.post(url(round_, "ballot/"), ballot_post(projects[0], action="review"))
    client.post(url(round_, "ballot/review/"))
    alices = Ballot.objects.get(voter=alice)
    assert client.get(alices.get_absolute_url()).status_code == 200

    client.force_login(bob)
    response = client.get(alices.get_absolute_url())
    assert response.status_code == 404
    assert "Playground" not in response.content.decode()
    # Bob's own ballot page shows nothing of Alice's, and what he submits is his own.
    assert " checked" not in client.get(url(round_, "ballot/")).content.decode()
    client.post(url(round_, "ballot/"), ballot_post(projects[3], action="review"))
    client.post(url(round_, "ballot/review/"))
    assert list(alices.votes.values_list("project__code", flat=True)) == ["001"]
    assert list(Ballot.objects.get(voter=bob).votes.values_list("project__code", flat=True)) == ["004"]


def test_closed_voting_refuses_with_a_message_and_writes_nothing(
    client: Client, alice: User, round_: BudgetRound, projects: list[BudgetProject]
) -> None:
    client.force_login(alice)
    client.post(url(round_, "ballot/"), ballot_post(projects[0], action="review"))  # a draft, then...
    set_phase(round_, "results")  # ...voting closes before she submits
    response = client.post(url(round_, "ballot/review/"), follow=True)
    text = response.content.decode()
    assert "Voting closed on " in text and "can no longer be cast or changed" in text
    assert not Ballot.objects.exists() and not Vote.objects.exists()
    page = client.get(url(round_, "ballot/")).content.decode()
    assert "Voting is not open" in page and 'name="project"' not in page


def test_the_ballot_pages_ask_people_to_sign_in(client: Client, round_: BudgetRound) -> None:
    response = client.get(url(round_, "ballot/"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(url(round_, "ballot/review/"))
    assert response.status_code == 302 and not Ballot.objects.exists()


def test_a_round_in_a_hidden_conversation_is_not_found(
    client: Client, alice: User, round_: BudgetRound
) -> None:
    round_.conversation.status = "draft"
    round_.conversation.save()
    client.force_login(alice)
    assert client.get(url(round_)).status_code == 404
    assert client.get(url(round_, "ballot/")).status_code == 404
    assert round_.slug not in client.get("/budgets/").content.decode()


def test_cumulative_ballot_pages_take_points(
    client: Client, alice: User, conversation, django_capture_on_commit_callbacks
) -> None:
    from tests.budgeting.conftest import make_projects, make_round

    budget_round = make_round(conversation, slug="points", ballot_type="cumulative", points=10)
    a, b = make_projects(budget_round, ("A", 1000), ("B", 2000))
    client.force_login(alice)
    page = client.post(
        url(budget_round, "ballot/"), {f"points-{a.pk}": "4", f"points-{b.pk}": "3", "action": "update"}
    )
    assert "Points given: 7 of 10" in page.content.decode()
    page = client.post(
        url(budget_round, "ballot/"), {f"points-{a.pk}": "4", f"points-{b.pk}": "3", "action": "review"}
    )
    assert "your points add up to 7" in page.content.decode()
    page = client.post(url(budget_round, "ballot/"), {f"points-{a.pk}": "lots", "action": "review"})
    assert "Enter a whole number of points, 0 or more." in page.content.decode()
    client.post(
        url(budget_round, "ballot/"), {f"points-{a.pk}": "6", f"points-{b.pk}": "4", "action": "review"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(budget_round, "ballot/review/"))
    assert sorted(Vote.objects.values_list("project__code", "points")) == [("001", 6), ("002", 4)]


def test_the_ballot_page_has_a_fixed_number_of_queries(
    client: Client,
    alice: User,
    round_: BudgetRound,
    projects: list[BudgetProject],
    django_assert_max_num_queries,
) -> None:
    from tests.budgeting.conftest import make_projects

    make_projects(round_, *[(f"Extra {n}", 100) for n in range(30)])
    client.force_login(alice)
    with django_assert_max_num_queries(12):
        client.get(url(round_, "ballot/"))


def test_the_conversation_page_links_to_its_rounds(client: Client, round_: BudgetRound) -> None:
    page = client.get(round_.conversation.get_absolute_url()).content.decode()
    assert f'href="/budgets/{round_.slug}/"' in page and "Parks and paths fund" in page
    welsh = client.get(f"/cy{round_.conversation.get_absolute_url()}").content.decode()
    assert "Cyllidebau cyfranogol" in welsh and "Cronfa parciau a llwybrau" in welsh

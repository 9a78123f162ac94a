"""Finding things (issue 13): "Your activity" lists a person's ideas, comments, ratings, budget
ballots and pledges with what happened to each; never anybody else's; the same queries however
much there is."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client, TestCase
from django.utils import timezone

from budgeting import services as budget_services
from budgeting.models import BudgetRound, Tally
from conversations import services
from conversations.models import (
    ActionGroup,
    ActionGroupCoordinator,
    Conversation,
    Idea,
    Pledge,
    ReviewRequest,
)
from tests.budgeting.conftest import make_projects, make_round, set_phase
from tests.conftest import make_user
from tests.conversations.conftest import make_idea
from tests.conversations.moderation import suspended
from timecredits.models import Account
from timecredits.services import account_open_for_organisation
from vocaleyes.models import User

pytestmark = pytest.mark.django_db

URL = "/accounts/activity/"


def section(page: str, name: str) -> str:
    """The markup of one section of the page, from its heading to the next one's."""
    start = page.index(f'id="{name}"')
    end = page.find('<h2 class="govuk-heading-l"', start + 1)
    return page[start : end if end != -1 else len(page)]


def committed() -> Any:
    return TestCase.captureOnCommitCallbacks(execute=True)


@pytest.fixture
def busy(conversation: Conversation, alice: User, bob: User, olwen: User, fran: User) -> dict[str, Any]:
    """Alice has done a bit of everything; Bob too, so the page must leave his out."""
    shown = make_idea(conversation, alice, "Alice's shown idea")
    hidden = make_idea(conversation, alice, "Alice's hidden idea")
    services.content_hide(item=hidden, officer=olwen, reason="Names a neighbour.")
    bobs = make_idea(conversation, bob, "Bob's idea")
    bobs_hidden = make_idea(conversation, bob, "Bob's idea that was hidden")
    services.rating_set(idea=bobs, user=alice, value=4)
    services.rating_set(idea=bobs_hidden, user=alice, value=2)
    services.content_hide(item=bobs_hidden, officer=olwen, reason="Bob's reason")
    services.rating_set(idea=shown, user=bob, value=5)
    services.comment_create(idea=bobs, author=alice, body="Kind words from Alice")
    rude = services.comment_create(idea=bobs, author=alice, body="Rude words from Alice")
    services.content_hide(item=rude, officer=olwen, reason="Rude to another resident.")
    services.comment_create(idea=shown, author=bob, body="Bob's comment")

    budget_round = make_round(conversation)
    playground, _benches = make_projects(budget_round, ("Playground", 60000), ("Benches", 30000))
    budget_services.ballot_submit(budget_round=budget_round, voter=alice, choices={playground.pk: 1})
    budget_services.ballot_submit(budget_round=budget_round, voter=bob, choices={playground.pk: 1})

    group = ActionGroup.objects.create(conversation=conversation, created_by=fran, name_en="Beach cleaners")
    group.ideas.add(shown)
    coordinator = make_user("cai@example.org", "Cai")
    ActionGroupCoordinator.objects.create(group=group, user=coordinator)
    account_open_for_organisation(organisation=conversation.organisation, kind=Account.Kind.ISSUING)
    with committed():
        given = services.pledge_create(person=alice, group=group, kind=Pledge.Kind.HOURS, minutes=180)
        services.pledge_hours_confirm(
            pledge=given, minutes=90, given_on=timezone.localdate(), by=coordinator, idempotency_key="k1"
        )
        withdrawn = services.pledge_create(
            person=alice, group=group, kind=Pledge.Kind.SKILL, description="Paint"
        )
        services.pledge_withdraw(pledge=withdrawn, by=alice)
        services.pledge_create(person=bob, group=group, kind=Pledge.Kind.HOURS, minutes=600)
    return {"hidden": hidden, "rude": rude, "round": budget_round, "bobs_hidden": bobs_hidden}


def test_it_lists_each_kind_with_what_happened_to_it(
    client: Client, alice: User, busy: dict[str, Any]
) -> None:
    client.force_login(alice)
    page = client.get(URL).content.decode()

    ideas = section(page, "ideas")
    assert "Alice&#x27;s shown idea" in ideas and "Alice&#x27;s hidden idea" in ideas
    assert "Names a neighbour." in ideas  # the reason it was hidden
    assert f'href="{busy["hidden"].get_absolute_url()}#review"' in ideas  # how to ask for a review

    comments = section(page, "comments")
    assert "Kind words from Alice" in comments
    assert "Rude words from Alice" in comments and "Rude to another resident." in comments
    assert f'/comments/{busy["rude"].pk}/review/"' in comments

    ratings = section(page, "ratings")
    assert "Bob&#x27;s idea</a>" in ratings and "You rated it “Very important”" in ratings
    # A rating of someone else's idea hidden since: the idea's title stays hidden.
    assert "Bob&#x27;s idea that was hidden" not in page and "Bob&#x27;s reason" not in page
    assert "An idea that is no longer shown" in ratings

    ballots = section(page, "ballots")
    assert "Parks and paths fund" in ballots and "Voting open" in ballots

    pledges = section(page, "pledges")
    assert "Beach cleaners" in pledges
    assert "1 hour 30 minutes given and credited to your time credits." in pledges
    assert "Withdrawn" in pledges and "Pledged" in pledges


def test_it_never_shows_other_peoples_activity(client: Client, alice: User, busy: dict[str, Any]) -> None:
    client.force_login(alice)
    page = client.get(URL).content.decode()
    assert "Bob&#x27;s comment" not in page
    assert "10 hours" not in page  # Bob's pledge
    assert page.count("Parks and paths fund</a>") == 1  # Alice's ballot, not Bob's


def test_a_counted_round_links_to_its_results(client: Client, alice: User, busy: dict[str, Any]) -> None:
    budget_round: BudgetRound = set_phase(busy["round"], "results")
    tally = Tally.objects.create(round=budget_round)
    budget_services.tally_run(tally_id=tally.pk)
    client.force_login(alice)
    ballots = section(client.get(URL).content.decode(), "ballots")
    assert "Counted" in ballots and f'href="/budgets/{budget_round.slug}/results/"' in ballots


def test_a_hidden_comment_can_be_sent_for_review_from_the_page(
    client: Client, alice: User, bob: User, busy: dict[str, Any]
) -> None:
    rude = busy["rude"]
    review_url = f"/conversations/wellbeing/ideas/{rude.idea_id}/comments/{rude.pk}/review/"
    client.force_login(bob)
    assert client.post(review_url).status_code == 404  # not his comment
    client.force_login(alice)
    response = client.post(review_url, follow=True)
    assert ReviewRequest.objects.get().comment == rude
    comments = section(response.content.decode(), "comments")
    assert "You asked for a review on" in comments and review_url not in comments
    again = client.post(review_url, follow=True).content.decode()
    assert ReviewRequest.objects.count() == 1 and "You have already asked for a review" in again


def test_a_hidden_comments_text_is_shown_only_to_its_author(
    client: Client, alice: User, bob: User, busy: dict[str, Any]
) -> None:
    idea_page = client.get(busy["rude"].idea.get_absolute_url()).content.decode()
    assert "Rude words from Alice" not in idea_page
    client.force_login(bob)
    assert "Rude words from Alice" not in client.get(URL).content.decode()
    client.force_login(alice)
    assert "Rude words from Alice" in client.get(URL).content.decode()


def test_suspended_people_can_read_theirs(client: Client, conversation: Conversation) -> None:
    carol = suspended()
    Idea.objects.create(conversation=conversation, author=carol, title="Carol's idea", body="Text")
    client.force_login(carol)
    response = client.get(URL)
    assert response.status_code == 200 and "Carol&#x27;s idea" in response.content.decode()


def test_visitors_are_asked_to_sign_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_page_and_its_header_link_are_in_welsh(client: Client, alice: User) -> None:
    client.force_login(alice)
    page = client.get(f"/cy{URL}").content.decode()
    assert "Eich gweithgarwch</h1>" in page and 'href="/cy/accounts/activity/"' in page
    assert "Your ideas" not in page
    english = client.get("/").content.decode()
    assert 'href="/accounts/activity/">Your activity</a>' in english


def test_each_section_costs_the_same_queries_however_long(
    client: Client, alice: User, bob: User, busy: dict[str, Any], django_assert_max_num_queries
) -> None:
    client.force_login(alice)
    with django_assert_max_num_queries(12) as few:
        client.get(URL)
    conversation = busy["round"].conversation
    for n in range(5):
        idea = make_idea(conversation, alice, f"More {n}")
        services.comment_create(idea=idea, author=alice, body=f"More words {n}")
        other = make_idea(conversation, bob, f"Bob's more {n}")
        services.rating_set(idea=other, user=alice, value=3)
        round_n = make_round(conversation, slug=f"fund-{n}")
        (project,) = make_projects(round_n, ("Trees", 100))
        budget_services.ballot_submit(budget_round=round_n, voter=alice, choices={project.pk: 1})
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(URL).content.decode()
    assert "More words 4" in page and "Bob&#x27;s more 4" in page


def test_project_proposals_show_the_decision_and_reason_but_not_hidden_ones(
    client: Client, alice: User, fran: User, conversation: Conversation
) -> None:
    budget_round = set_phase(make_round(conversation, slug="ideas-fund"), "proposals")
    turned_down = budget_services.proposal_submit(
        budget_round=budget_round,
        proposer=alice,
        title="A skate park",
        description="Ramps by the river",
        estimated_cost=Decimal("90000"),
        language="en",
    )
    hidden = budget_services.proposal_submit(
        budget_round=budget_round,
        proposer=alice,
        title="Something rude",
        description="Rude words",
        estimated_cost=Decimal("10"),
        language="en",
    )
    set_phase(budget_round, "review")
    budget_services.proposal_review(
        proposal=turned_down, reviewer=fran, feasible=False, reason="The land floods every winter."
    )
    hidden.moderation = "hidden"
    hidden.save(update_fields=["moderation"])
    client.force_login(alice)
    page = client.get(URL).content.decode()
    section = page.split('id="proposals"')[1].split('id="pledges"')[0]
    assert "A skate park" in section and "Not feasible" in section
    assert "The land floods every winter." in section
    assert "Something rude" not in page
    welsh = client.get("/cy" + URL).content.decode()
    assert "Eich cynigion am brosiectau" in welsh and "Rheswm yr hwyluswyr:" in welsh

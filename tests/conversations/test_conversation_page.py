"""The conversation page's idea list: sorting, search, pages, and a fixed number of queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conversations import ranking_runs, services
from conversations.models import Comment, Conversation, Idea, Rating
from tests.conversations.conftest import make_idea, make_people
from vocaleyes.models import User

pytestmark = pytest.mark.django_db


def titles(html: str) -> list[str]:
    """Idea titles in the order the list shows them."""
    return re.findall(
        r'<h3 class="govuk-heading-m[^"]*"><a class="govuk-link" href="[^"]+"[^>]*>([^<]+)</a>', html
    )


@pytest.fixture
def three_ideas(conversation: Conversation, alice: User, bob: User) -> dict[str, Idea]:
    ideas = {
        "Old and loved": make_idea(conversation, bob, title="Old and loved"),
        "Much discussed": make_idea(
            conversation, bob, title="Much discussed", body="Cycle lanes on the main road."
        ),
        "Brand new": make_idea(conversation, bob, title="Brand new"),
    }
    raters = make_people(3, "rater")
    for person in raters:
        Rating.objects.create(idea=ideas["Old and loved"], user=person, conversation=conversation, value=5)
    for person in raters:
        services.comment_create(idea=ideas["Much discussed"], author=person, body="Thoughts")
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    return ideas


def test_ideas_are_listed_by_priority_by_default(client: Client, three_ideas: dict[str, Idea]) -> None:
    page = client.get("/conversations/wellbeing/").content.decode()
    assert titles(page)[0] == "Old and loved"
    assert "Priority rank 1" in page
    assert "3 ratings, average 5.0 out of 5" in page
    assert "3 ideas" in page


def test_newest_and_most_discussed_orders(client: Client, three_ideas: dict[str, Idea]) -> None:
    assert titles(client.get("/conversations/wellbeing/?sort=newest").content.decode()) == [
        "Brand new",
        "Much discussed",
        "Old and loved",
    ]
    assert (
        titles(client.get("/conversations/wellbeing/?sort=discussed").content.decode())[0] == "Much discussed"
    )


def test_not_yet_rated_by_me_leaves_out_what_i_rated_and_my_own_ideas(
    client: Client, conversation: Conversation, three_ideas: dict[str, Idea], alice: User
) -> None:
    mine = make_idea(conversation, alice, title="Alice's own")
    services.rating_set(idea=three_ideas["Brand new"], user=alice, value=3)
    client.force_login(alice)
    page = client.get("/conversations/wellbeing/?sort=unrated").content.decode()
    assert sorted(titles(page)) == ["Much discussed", "Old and loved"]
    assert mine.title not in titles(page)
    assert "that you have not rated yet" in page
    everything = client.get("/conversations/wellbeing/").content.decode()
    assert "You rated it: Important" in everything


def test_not_yet_rated_is_not_offered_to_anonymous_visitors(
    client: Client, three_ideas: dict[str, Idea]
) -> None:
    page = client.get("/conversations/wellbeing/?sort=unrated").content.decode()
    assert 'value="unrated"' not in page
    assert len(titles(page)) == 3


def test_search_finds_words_in_titles_and_descriptions(client: Client, three_ideas: dict[str, Idea]) -> None:
    page = client.get("/conversations/wellbeing/?q=cycle").content.decode()
    assert titles(page) == ["Much discussed"]
    assert "1 idea matches “cycle”" in page
    page = client.get("/conversations/wellbeing/?q=nothing-like-this").content.decode()
    assert titles(page) == []
    assert "No ideas match your search" in page


def test_a_nonsense_sort_or_page_falls_back_gracefully(client: Client, three_ideas: dict[str, Idea]) -> None:
    response = client.get("/conversations/wellbeing/?sort=evil&page=99")
    assert response.status_code == 200
    assert titles(response.content.decode())[0] == "Old and loved"


def test_ideas_come_twenty_to_a_page(client: Client, conversation: Conversation, bob: User) -> None:
    for number in range(25):
        make_idea(conversation, bob, title=f"Idea number {number:02d}")
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    first = client.get("/conversations/wellbeing/?sort=newest").content.decode()
    second = client.get("/conversations/wellbeing/?sort=newest&page=2").content.decode()
    assert len(titles(first)) == 20
    assert len(titles(second)) == 5
    assert "Page 1 of 2" in first
    assert 'href="?sort=newest&amp;page=2"' in first
    assert set(titles(first)).isdisjoint(titles(second))


def test_the_page_says_when_the_ranking_was_updated_and_how_it_works(
    client: Client, three_ideas: dict[str, Idea]
) -> None:
    english = client.get("/conversations/wellbeing/").content.decode()
    assert "Priority ranking last updated on" in english
    assert "How the priority ranking works" in english
    assert "fifty people rated 4" in english
    welsh = client.get("/cy/conversations/wellbeing/").content.decode()
    assert "Diweddarwyd y drefn blaenoriaeth ddiwethaf ar" in welsh
    assert "Sut mae'r drefn blaenoriaeth yn gweithio" in welsh.replace("&#x27;", "'")


def _grow(conversation: Conversation, author: User, ideas: int, raters: list[User], prefix: str) -> None:
    for number in range(ideas):
        idea = make_idea(
            conversation, author, title=f"{prefix} {number}", language="cy" if number % 2 else "en"
        )
        for person in raters:
            Rating.objects.create(
                idea=idea, user=person, conversation=conversation, value=1 + (number + person.pk) % 5
            )
            Comment.objects.create(idea=idea, author=person, body="A comment")
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)


def _count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        "/conversations/wellbeing/",
        "/conversations/wellbeing/?page=2",
        "/conversations/wellbeing/?sort=newest",
        "/conversations/wellbeing/?sort=discussed&page=2",
        "/conversations/wellbeing/?sort=unrated",
        "/conversations/wellbeing/?q=Idea",
        "/cy/conversations/wellbeing/",
    ],
)
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_the_conversation_page_runs_the_same_queries_however_big_it_grows(
    client: Client, conversation: Conversation, alice: User, bob: User, url: str, signed_in: bool
) -> None:
    raters = make_people(3, "rater")
    if signed_in:
        client.force_login(alice)
    _grow(conversation, bob, 25, raters[:1], "Idea")
    small = _count_queries(client, url)
    _grow(conversation, bob, 40, raters, "More")
    large = _count_queries(client, url)
    assert small == large
    assert large <= 10


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_the_idea_page_runs_the_same_queries_however_many_comments_it_has(
    client: Client, conversation: Conversation, alice: User, bob: User, signed_in: bool
) -> None:
    idea = make_idea(conversation, bob)
    if signed_in:
        client.force_login(alice)
    people = make_people(4, "talker")
    parent = services.comment_create(idea=idea, author=people[0], body="First")
    services.comment_create(idea=idea, author=people[1], body="Reply", parent=parent)
    url = f"/conversations/wellbeing/ideas/{idea.pk}/"
    small = _count_queries(client, url)
    for number in range(60):
        top = services.comment_create(idea=idea, author=people[number % 4], body=f"Comment {number}")
        services.comment_create(idea=idea, author=people[(number + 1) % 4], body="A reply", parent=top)
        Rating.objects.get_or_create(
            idea=idea, user=people[number % 4], conversation=conversation, defaults={"value": 4}
        )
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    large = _count_queries(client, url)
    assert small == large
    assert large <= 10
    assert _count_queries(client, url + "?page=2") == large


def test_priority_pages_are_rank_ranges_then_ideas_not_yet_ranked(
    client: Client, conversation: Conversation, bob: User
) -> None:
    raters = make_people(2, "ranker")
    for number in range(25):
        idea = make_idea(conversation, bob, title=f"Ranked {number:02d}")
        for person in raters:
            # Higher numbers get higher ratings, so the priority order is the reverse.
            Rating.objects.create(idea=idea, user=person, conversation=conversation, value=1 + number // 5)
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    for number in range(3):
        make_idea(conversation, bob, title=f"New {number}")  # no run since: no rank yet

    first = client.get("/conversations/wellbeing/").content.decode()
    second = client.get("/conversations/wellbeing/?page=2").content.decode()
    assert "Page 1 of 2" in first
    assert "28 ideas" in first
    assert titles(first)[:2] == ["Ranked 20", "Ranked 21"]
    assert len(titles(first)) == 20
    # Equal scores: the older idea first.
    assert titles(second) == [
        "Ranked 00",
        "Ranked 01",
        "Ranked 02",
        "Ranked 03",
        "Ranked 04",
        "New 0",
        "New 1",
        "New 2",
    ]
    assert "Not ranked yet" in second


def test_an_idea_hidden_since_the_last_run_is_left_out_of_its_page(
    client: Client, conversation: Conversation, bob: User
) -> None:
    ideas = [make_idea(conversation, bob, title=f"Idea {number}") for number in range(3)]
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    Idea.objects.filter(pk=ideas[1].pk).update(status="hidden")
    page = client.get("/conversations/wellbeing/").content.decode()
    assert titles(page) == ["Idea 0", "Idea 2"]


def test_not_yet_rated_pages_step_over_what_i_rated_in_priority_order(
    client: Client, conversation: Conversation, alice: User, bob: User
) -> None:
    raters = make_people(2, "scorer")
    ideas = []
    for number in range(30):
        idea = make_idea(conversation, bob, title=f"Idea {number:02d}")
        ideas.append(idea)
        for person in raters:
            Rating.objects.create(idea=idea, user=person, conversation=conversation, value=1 + number % 5)
    mine = make_idea(conversation, alice, title="Alice's own")
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    late = make_idea(conversation, bob, title="Posted since the run")
    rated = [ideas[n] for n in (4, 9, 13, 29, 0)]
    for idea in rated:
        Rating.objects.create(idea=idea, user=alice, conversation=conversation, value=3)

    expected = [
        idea.title
        for idea in Idea.objects.filter(conversation=conversation).order_by(
            F("ranking__rank").asc(nulls_last=True), "pk"
        )
        if idea not in rated and idea != mine
    ]
    assert expected[-1] == late.title
    client.force_login(alice)
    first = client.get("/conversations/wellbeing/?sort=unrated").content.decode()
    second = client.get("/conversations/wellbeing/?sort=unrated&page=2").content.decode()
    assert titles(first) + titles(second) == expected
    assert len(titles(first)) == 20
    assert f"{len(expected)} ideas" in first


def test_the_conversation_list_goes_from_its_heading_to_the_conversations_without_a_gap(
    client: Client, conversation: Conversation
) -> None:
    """axe's heading-order: under the page's h1 the conversations are h2s (h3 under an h2
    elsewhere, as on the home page)."""
    page = client.get("/conversations/").content.decode()
    levels = [int(level) for level in re.findall(r"<h([1-6])\b", page)]
    assert levels[0] == 1 and 3 not in levels and 2 in levels
    home = client.get("/").content.decode()
    assert (
        '<h3 class="govuk-heading-m govuk-!-margin-bottom-2"><a class="govuk-link" href="/conversations/'
        in home
    )

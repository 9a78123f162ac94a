"""The conversation page's fair orders: which order is on, what it means, the group filter for
facilitators, and the same queries in every order."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conversations import ranking_runs
from conversations.models import Conversation, Idea, Rating
from tests.conversations.conftest import make_idea, make_people
from vocaleyes.models import User

pytestmark = pytest.mark.django_db

URL = "/conversations/wellbeing/"


def _first(client: Client, url: str) -> str:
    page = client.get(url).content.decode()
    return min(("Idea X", "Idea Y"), key=page.index)


def test_each_order_lists_the_ideas_its_own_way_and_says_what_it_means(client: Client, age_bands) -> None:
    assert _first(client, URL) == "Idea Y"
    assert _first(client, URL + "?sort=representative") == "Idea X"

    page = client.get(URL + "?sort=representative").content.decode()
    assert "Order: representative of the area" in page
    assert "Effective sample size" in page and "6.4" in page
    # Nobody from the carers' group rated: named as missing.
    assert "No one from these groups has rated yet" in page and "Carers" in page

    consensus = client.get(URL + "?sort=consensus").content.decode()
    assert "Order: most agreed across groups" in consensus
    assert "16 to 24, 25 and over" in consensus or "25 and over, 16 to 24" in consensus
    plain = client.get(URL).content.decode()
    assert "Order: representative" not in plain and "Whose priorities" not in plain


def test_the_orders_read_in_welsh(client: Client, age_bands) -> None:
    page = client.get("/cy" + URL + "?sort=representative").content.decode()
    assert "Trefn: yn cynrychioli'r ardal" in page.replace("&#x27;", "'")
    assert "Maint sampl effeithiol" in page
    assert "Gofalwyr" in page  # the missing group's Welsh name
    consensus = client.get("/cy" + URL + "?sort=consensus").content.decode()
    assert "Trefn: y mwyaf o gytundeb ar draws grwpiau" in consensus


def test_a_facilitator_sees_a_groups_priorities_and_residents_do_not(
    client: Client, age_bands, fran: User, bob: User
) -> None:
    young_band, _x, _y = age_bands
    client.force_login(fran)
    page = client.get(URL + f"?group={young_band.pk}").content.decode()
    assert "Whose priorities (facilitators only)" in page
    assert "Order: priorities of 16 to 24" in page
    assert "Members of the group who rated: 2." in page
    assert _first(client, URL + f"?group={young_band.pk}") == "Idea X"
    assert _first(client, URL + f"?group={young_band.pk}&q=Idea") == "Idea X"

    client.force_login(bob)
    page = client.get(URL + f"?group={young_band.pk}").content.decode()
    assert "Whose priorities" not in page and "Order: priorities of" not in page
    assert _first(client, URL + f"?group={young_band.pk}") == "Idea Y"  # plain priority


def test_a_search_keeps_the_fair_order(client: Client, age_bands) -> None:
    assert _first(client, URL + "?sort=representative&q=Idea") == "Idea X"
    assert _first(client, URL + "?sort=priority&q=Idea") == "Idea Y"


def test_a_hidden_idea_is_in_no_order(client: Client, age_bands) -> None:
    _young, x, _y = age_bands
    Idea.objects.filter(pk=x.pk).update(status="hidden")
    for sort in ("representative", "consensus", "priority"):
        assert "Idea X" not in client.get(URL + f"?sort={sort}").content.decode()


def test_an_order_not_worked_out_yet_says_so(client: Client, conversation: Conversation, alice: User) -> None:
    make_idea(conversation, alice, "Idea Z")
    page = client.get(URL + "?sort=consensus").content.decode()
    assert "This order has not been worked out yet" in page
    assert "Idea Z" in page


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("signed_in", ["anonymous", "resident", "facilitator"])
def test_every_order_runs_the_same_queries_however_big(
    client: Client, age_bands, conversation: Conversation, alice: User, bob: User, fran: User, signed_in: str
) -> None:
    young_band, _x, _y = age_bands
    if signed_in != "anonymous":
        client.force_login(fran if signed_in == "facilitator" else bob)
    orders = ["", "?sort=representative", "?sort=consensus", "?sort=newest", "?sort=representative&page=2"]
    if signed_in == "facilitator":
        orders.append(f"?group={young_band.pk}")
    small = {order: _count(client, URL + order) for order in orders}
    raters = make_people(3, "more")
    for number in range(30):
        idea = make_idea(conversation, alice, f"Grown {number}")
        Rating.objects.bulk_create(
            Rating(idea=idea, user=person, conversation=conversation, value=1 + (number + person.pk) % 5)
            for person in raters
        )
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    large = {order: _count(client, URL + order) for order in orders}
    assert small == large
    assert len(set(large.values())) == 1, large  # the same in every order

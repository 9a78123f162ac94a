"""Finding things (issue 13): the header's service navigation and the home page's ways in to
conversations, community budgets, action groups, time credits, and (later in this file) a
facilitator's conversations and a person's activity."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from vocaleyes.models import User
from vocaleyes.permissions import facilitates_any

pytestmark = pytest.mark.django_db


def header(page: str) -> str:
    """The service navigation's markup."""
    match = re.search(r'<ul class="govuk-service-navigation__list" id="navigation">(.*?)</ul>', page, re.S)
    assert match, "no service navigation"
    return match.group(1)


def main(page: str) -> str:
    return page.split('id="main-content"', 1)[1]


def test_the_header_leads_everyone_to_budgets_and_action_groups(client: Client) -> None:
    nav = header(client.get("/").content.decode())
    assert 'href="/budgets/">Community budgets</a>' in nav
    assert 'href="/conversations/action/">Get involved</a>' in nav
    assert 'href="/conversations/">Conversations</a>' in nav
    assert "/time-credits/" not in nav  # time credits are personal: for people signed in


def test_the_header_is_in_welsh_on_welsh_pages(client: Client) -> None:
    nav = header(client.get("/cy/").content.decode())
    assert 'href="/cy/budgets/">Cyllidebau cymunedol</a>' in nav
    assert "Community budgets" not in nav


def test_the_header_marks_the_budgets_page_as_current(client: Client) -> None:
    nav = header(client.get("/budgets/").content.decode())
    assert 'href="/budgets/" aria-current="page">Community budgets</a>' in nav


def test_signed_in_people_find_their_time_credits_in_the_header(client: Client, alice: User) -> None:
    client.force_login(alice)
    nav = header(client.get("/").content.decode())
    assert 'href="/time-credits/">Time credits</a>' in nav


def test_the_home_page_has_a_way_in_to_each_part_of_the_service(client: Client, alice: User) -> None:
    signed_out = main(client.get("/").content.decode())
    for href in ("/conversations/", "/budgets/", "/conversations/action/"):
        assert f'href="{href}"' in signed_out
    assert "Time credits" in signed_out and 'href="/time-credits/"' not in signed_out
    client.force_login(alice)
    signed_in = main(client.get("/").content.decode())
    assert 'href="/time-credits/">Your time credits</a>' in signed_in


def test_the_home_page_ways_in_are_in_welsh(client: Client) -> None:
    page = main(client.get("/cy/").content.decode())
    assert "Beth y gallwch ei wneud yma" in page
    assert 'href="/cy/budgets/">Cyllidebau cymunedol</a>' in page
    assert "Grwpiau gweithredu" in page
    assert "What you can do here" not in page


def test_the_budgets_page_is_called_community_budgets(client: Client) -> None:
    page = client.get("/budgets/").content.decode()
    assert "Community budgets</h1>" in page
    assert "Cyllidebau cymunedol</h1>" in client.get("/cy/budgets/").content.decode()


def test_who_has_facilitator_pages(alice: User, fran: User, olwen: User) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert facilitates_any(fran) and facilitates_any(olwen)
    assert not facilitates_any(alice) and not facilitates_any(AnonymousUser())

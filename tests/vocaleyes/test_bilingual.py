"""Truly bilingual (issue 13): the site follows the person's preferred language."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import PASSWORD
from vocaleyes.models import User

pytestmark = pytest.mark.django_db


def sign_in(client: Client, path: str, email: str) -> str:
    response = client.post(path, {"login": email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def test_a_welsh_speaker_who_signs_in_on_an_english_page_lands_on_the_welsh_page(
    client: Client, bob: User
) -> None:
    assert bob.language == "cy"
    assert sign_in(client, "/accounts/login/?next=/conversations/", bob.email) == "/cy/conversations/"
    page = client.get("/cy/conversations/").content.decode()
    assert '<html lang="cy"' in page
    # The switch is still there, and switching changes the page, not the preference.
    assert 'href="/conversations/" rel="alternate" lang="en"' in page
    assert '<html lang="en"' in client.get("/conversations/").content.decode()
    bob.refresh_from_db()
    assert bob.language == "cy"


def test_without_next_a_welsh_speaker_lands_on_the_welsh_home_page(client: Client, bob: User) -> None:
    assert sign_in(client, "/accounts/login/", bob.email) == "/cy/"


def test_an_english_speaker_who_signs_in_on_a_welsh_page_lands_on_the_english_page(
    client: Client, alice: User
) -> None:
    assert sign_in(client, "/cy/accounts/login/?next=/cy/conversations/", alice.email) == "/conversations/"
    client.logout()
    assert sign_in(client, "/cy/accounts/login/", alice.email) == "/"


def test_the_next_pages_query_is_kept(client: Client, bob: User) -> None:
    location = sign_in(client, "/accounts/login/?next=/conversations/%3Fsort%3Dnewest", bob.email)
    assert location == "/cy/conversations/?sort=newest"


def test_the_profile_says_the_language_is_for_pages_and_emails(client: Client, alice: User) -> None:
    client.force_login(alice)
    english = client.get("/accounts/profile/").content.decode()
    assert "We show you pages in this language after you sign in, and send you emails in it." in english
    welsh = client.get("/cy/accounts/profile/").content.decode()
    assert "Byddwn yn dangos tudalennau i chi yn yr iaith hon ar ôl i chi fewngofnodi" in welsh


def test_the_profiles_language_names_carry_their_own_language(client: Client, alice: User) -> None:
    client.force_login(alice)
    for path in ("/accounts/profile/", "/cy/accounts/profile/"):
        page = client.get(path).content.decode()
        assert 'for="id_language_0" lang="en">English</label>' in page
        assert 'for="id_language_1" lang="cy">Cymraeg</label>' in page

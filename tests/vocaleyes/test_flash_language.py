"""Flash messages appear in the language of the page that shows them (issue 13)."""

from __future__ import annotations

import pytest
from django.contrib import messages
from django.test import Client, RequestFactory
from django.utils import translation
from django.utils.translation import gettext_lazy

from tests.conftest import PASSWORD
from vocaleyes.flash import PageLanguageStorage
from vocaleyes.models import User

pytestmark = pytest.mark.django_db


def test_a_welsh_speaker_signing_in_on_an_english_page_is_greeted_in_welsh(client: Client, bob: User) -> None:
    response = client.post("/accounts/login/", {"login": bob.email, "password": PASSWORD}, follow=True)
    assert response.redirect_chain == [("/cy/", 302)]
    page = response.content.decode()
    assert "Rydych wedi mewngofnodi fel Bob." in page
    assert "Successfully signed in" not in page


def test_an_english_speaker_signing_in_on_a_welsh_page_is_greeted_in_english(
    client: Client, alice: User
) -> None:
    response = client.post("/cy/accounts/login/", {"login": alice.email, "password": PASSWORD}, follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert "Successfully signed in as Alice." in response.content.decode()


def test_a_lazy_message_is_shown_in_the_language_of_the_page_that_reads_it(rf: RequestFactory) -> None:
    request = rf.get("/")
    request.session = {}  # type: ignore[assignment]
    storage = PageLanguageStorage(request)
    with translation.override("cy"):  # added on a Welsh page
        storage.add(messages.SUCCESS, gettext_lazy("Your profile has been saved."))
        storage.add(messages.INFO, "Already in Welsh", extra_tags="mine")
    with translation.override("en"):
        shown = [(str(m), m.extra_tags) for m in storage]
    assert shown == [("Your profile has been saved.", ""), ("Already in Welsh", "mine")]
    with translation.override("cy"):
        assert next(str(m) for m in storage) == "Mae eich proffil wedi'i gadw."


def test_lazy_messages_survive_the_cookie_and_the_session(client: Client, alice: User) -> None:
    client.force_login(alice)
    client.post("/cy/accounts/profile/", {"display_name": "Alice", "language": "en"})
    response = client.get("/cy/accounts/profile/")  # read on a Welsh page after all
    assert "Mae eich proffil wedi&#x27;i gadw." in response.content.decode()
    assert "govuk-notification-banner" not in client.get("/accounts/profile/").content.decode()  # once

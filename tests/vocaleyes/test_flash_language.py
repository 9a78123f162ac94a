"""Flash messages appear in the language of the page that shows them (issue 13)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib import messages
from django.test import Client, RequestFactory
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy, ngettext_lazy

from tests.conftest import PASSWORD
from timecredits.amounts import format_minutes_lazy
from vocaleyes.flash import PageLanguageStorage, lazy_bilingual, lazy_message
from vocaleyes.models import Organisation, User
from vocaleyes.permissions import suspension_notice

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


# --- lazy_message: names and numbers put in when shown ---------------------------------------------


def _storage(rf: RequestFactory) -> PageLanguageStorage:
    request = rf.get("/")
    request.session = {}  # type: ignore[assignment]
    return PageLanguageStorage(request)


def _shown(storage: PageLanguageStorage, language: str) -> list[str]:
    with translation.override(language):
        return [str(message) for message in storage]


def test_a_message_with_values_added_in_english_is_shown_in_welsh_with_them(rf: RequestFactory) -> None:
    storage = _storage(rf)
    with translation.override("en"):
        storage.add(
            messages.SUCCESS,
            lazy_message(
                gettext_lazy("%(time)s confirmed for %(name)s. They earn the time credits."),
                time=format_minutes_lazy(90),  # lazy: in the page's language
                name="Siân Hughes",  # a person's name: as it is
            ),
        )
    assert _shown(storage, "cy") == [
        "Cadarnhawyd 1 awr 30 munud ar gyfer Siân Hughes. Byddant yn ennill y credydau amser."
    ]
    assert _shown(storage, "en") == [
        "1 hour 30 minutes confirmed for Siân Hughes. They earn the time credits."
    ]


def test_a_message_with_values_added_in_welsh_is_shown_in_english_with_them(rf: RequestFactory) -> None:
    storage = _storage(rf)
    with translation.override("cy"):
        storage.add(
            messages.SUCCESS,
            lazy_message(gettext_lazy("%(name)s now coordinates the group."), name="Gwenllian"),
        )
        storage.add(
            messages.SUCCESS,
            lazy_message(
                ngettext_lazy(
                    "The idea has been seeded into %(count)d conversation.",
                    "The idea has been seeded into %(count)d conversations.",
                    "count",
                ),
                count=3,
            ),
        )
    assert _shown(storage, "en") == [
        "Gwenllian now coordinates the group.",
        "The idea has been seeded into 3 conversations.",
    ]
    assert _shown(storage, "cy") == [
        "Mae Gwenllian bellach yn cydlynu'r grŵp.",
        "Mae'r syniad wedi'i hau mewn 3 sgwrs.",
    ]


def test_a_bilingual_value_is_read_in_the_language_of_the_page(
    rf: RequestFactory, organisation: Organisation
) -> None:
    message = lazy_message(
        gettext_lazy("Recorded %(amount)s for %(people)s, from %(organisation)s."),
        amount=format_minutes_lazy(60),
        people="Alice",
        organisation=lazy_bilingual(organisation, "name"),
    )
    with translation.override("cy"):
        assert str(message) == "Wedi cofnodi 1 awr ar gyfer Alice (sefydliad: Cyngor Abertawe)."
    with translation.override("en"):
        assert str(message) == "Recorded 1 hour for Alice, from Swansea Council."


def test_the_suspension_notice_is_shown_in_the_page_language_with_its_date(
    rf: RequestFactory, alice: User
) -> None:
    alice.suspended_at = timezone.now()
    alice.suspended_until = datetime(2030, 3, 4, 12, 0, tzinfo=UTC)
    alice.suspension_reason = "Spam"
    storage = _storage(rf)
    with translation.override("en"):
        storage.add(messages.ERROR, suspension_notice(alice))
    (welsh,) = _shown(storage, "cy")
    assert "Mawrth 2030" in welsh and "Spam" in welsh and "suspended" not in welsh
    (english,) = _shown(storage, "en")
    assert "until 4 March 2030" in english

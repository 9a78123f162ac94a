"""Flash messages appear in the language of the page that shows them (issue 13)."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest
from django.contrib import messages
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy, ngettext_lazy

from budgeting.models import Ballot
from conversations.models import ActionGroupCoordinator, Conversation, HoursGiven, RatingValue
from tests.budgeting.conftest import make_projects, make_round
from tests.conftest import PASSWORD
from tests.conversations.conftest import make_idea
from tests.conversations.test_pledges import make_group, plain
from timecredits.amounts import format_minutes_lazy
from timecredits.models import Account
from timecredits.services import account_open_for_organisation
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


# --- flows: a message added on an English request, read on the Welsh page it leads to -----------


def _welsh(client: Client, location: str) -> str:
    return html.unescape(client.get("/cy" + location).content.decode())


def test_posting_an_idea_then_reading_the_welsh_page_shows_welsh(
    client: Client, conversation: Conversation, alice: User
) -> None:
    client.force_login(alice)
    response = client.post(
        "/conversations/wellbeing/ideas/new/",
        {"title": "Bus shelters", "body": "Two stops have no shelter.", "language": "en"},
    )
    page = _welsh(client, response["Location"])
    assert "Mae eich syniad wedi'i gyflwyno." in page
    assert "Your idea has been posted." not in page


def test_rating_an_idea_then_reading_the_welsh_page_shows_the_welsh_label(
    client: Client, conversation: Conversation, alice: User, bob: User
) -> None:
    idea = make_idea(conversation, bob)
    client.force_login(alice)
    response = client.post(f"/conversations/wellbeing/ideas/{idea.pk}/rate/", {"value": "5"})
    with translation.override("cy"):
        label = str(RatingValue(5).label)
    page = _welsh(client, response["Location"].split("#")[0])
    assert f"Mae eich sgôr wedi'i chadw: {label}." in page
    assert "Your rating has been saved" not in page


def test_confirming_pledged_hours_then_reading_the_welsh_page_shows_welsh(
    client: Client, conversation: Conversation, organisation: Organisation, fran: User, alice: User
) -> None:
    account_open_for_organisation(organisation=organisation, kind=Account.Kind.ISSUING)
    group = make_group(conversation, fran)
    ActionGroupCoordinator.objects.create(group=group, user=fran)
    pledge = plain(alice, group)
    url = reverse("conversations:hours_confirm", args=[group.pk])
    client.force_login(fran)
    key = client.get(url).context["rows"][0]["form"].initial["idempotency_key"]
    response = client.post(
        url,
        {
            "pledge": str(pledge.pk),
            f"p{pledge.pk}-hours": "1",
            f"p{pledge.pk}-minutes": "15",
            f"p{pledge.pk}-given_on": timezone.localdate().isoformat(),
            f"p{pledge.pk}-idempotency_key": key,
        },
    )
    assert HoursGiven.objects.count() == 1
    page = _welsh(client, response["Location"])
    assert "Cadarnhawyd 1 awr 15 munud ar gyfer Alice. Byddant yn ennill y credydau amser." in page


def test_recording_hours_then_reading_the_welsh_page_shows_welsh(
    client: Client, organisation: Organisation, fran: User, alice: User
) -> None:
    account_open_for_organisation(organisation=organisation, kind=Account.Kind.ISSUING)
    client.force_login(fran)
    form = client.get(reverse("timecredits:record_hours")).content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', form)
    assert key is not None
    response = client.post(
        reverse("timecredits:record_hours"),
        {
            "idempotency_key": key.group(1),
            "organisation": str(organisation.pk),
            "memo": "Beach clean",
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-email": "alice@example.org",
            "form-0-hours": "2",
            "form-0-minutes": "",
        },
    )
    page = _welsh(client, response["Location"])
    assert "Wedi cofnodi 2 awr ar gyfer Alice (sefydliad: Cyngor Abertawe)." in page
    assert "Recorded" not in page


def test_submitting_a_ballot_then_reading_the_welsh_receipt_shows_welsh(
    client: Client, conversation: Conversation, alice: User
) -> None:
    budget_round = make_round(conversation)
    (playground,) = make_projects(budget_round, ("Playground", 60000))
    client.force_login(alice)
    client.post(
        f"/budgets/{budget_round.slug}/ballot/", {"project": [str(playground.pk)], "action": "review"}
    )
    response = client.post(f"/budgets/{budget_round.slug}/ballot/review/")
    assert Ballot.objects.filter(voter=alice).exists()
    page = _welsh(client, response["Location"])
    assert "Mae eich pleidlais wedi'i chadw." in page
    assert "Your ballot has been saved" not in page


def test_withdrawing_a_pledge_on_a_welsh_page_then_reading_an_english_page_shows_english(
    client: Client, conversation: Conversation, fran: User, alice: User
) -> None:
    group = make_group(conversation, fran)
    pledge = plain(alice, group)
    client.force_login(alice)
    response = client.post("/cy" + reverse("conversations:pledge_withdraw", args=[pledge.pk]))
    location = response["Location"].removeprefix("/cy")
    page = html.unescape(client.get(location).content.decode())
    assert "Your pledge has been withdrawn." in page

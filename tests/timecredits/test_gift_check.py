"""Giving time credits (issue 13): field-specific errors on the give form, in English and Welsh."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from timecredits import services
from timecredits.models import Account, Transfer
from vocaleyes.models import Organisation, User

pytestmark = pytest.mark.django_db

KEY = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def alice_with_three_hours(alice: User, fran: User, organisation: Organisation, issuer: Account) -> Account:
    services.credits_earn(
        organisation=organisation,
        person=alice,
        minutes=180,
        recorded_by=fran,
        memo="Citizen panel on buses",
        idempotency_key="e1",
    )
    return Account.objects.get(user=alice)


def give(client: Client, prefix: str = "", **data: str) -> str:
    response = client.post(f"{prefix}/time-credits/give/", {"idempotency_key": KEY, **data})
    return response.content.decode()


def error_of(page: str, field_id: str) -> str:
    """The error summary's link to ``field_id`` (the summary links each error to its input)."""
    found = re.findall(rf'<a href="#{field_id}">([^<]*)</a>', page)
    assert found, f"no error linked to #{field_id}"
    return " ".join(found)


# --- the form: errors per field ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "data", "field_id", "message"),
    [
        (
            "",
            {"recipient": "", "hours": "1"},
            "id_recipient",
            "Enter the account number of the person you are giving to",
        ),
        (
            "/cy",
            {"recipient": "", "hours": "1"},
            "id_recipient",
            "Rhowch rif cyfrif y person rydych yn rhoi iddo",
        ),
        (
            "",
            {"recipient": "ZZZZ-ZZZZ", "hours": "1"},
            "id_recipient",
            "There is no account with the number ZZZZ-ZZZZ: check the number with the person",
        ),
        (
            "/cy",
            {"recipient": "zzzz zzzz", "hours": "1"},
            "id_recipient",
            "Nid oes cyfrif â&#x27;r rhif ZZZZ-ZZZZ: gwiriwch y rhif gyda&#x27;r person",
        ),
        ("", {"recipient": "BOB", "hours": "101"}, "id_hours", "Enter the number of hours, from 0 to 100"),
        ("", {"recipient": "BOB", "hours": "one"}, "id_hours", "Enter the number of hours, from 0 to 100"),
        ("/cy", {"recipient": "BOB", "hours": "-1"}, "id_hours", "Rhowch nifer yr oriau, o 0 i 100"),
        (
            "",
            {"recipient": "BOB", "hours": "1", "minutes": "75"},
            "id_minutes",
            "Enter the number of minutes, from 0 to 59",
        ),
        ("/cy", {"recipient": "BOB", "minutes": "hanner"}, "id_minutes", "Rhowch nifer y munudau, o 0 i 59"),
        (
            "",
            {"recipient": "BOB", "hours": "", "minutes": ""},
            "id_hours",
            "Enter an amount of more than 0 minutes",
        ),
        (
            "/cy",
            {"recipient": "BOB", "hours": "0", "minutes": "0"},
            "id_hours",
            "Rhowch swm o fwy na 0 munud",
        ),
    ],
)
def test_each_field_says_what_is_wrong_and_the_summary_links_to_it(
    client: Client,
    alice: User,
    bob: User,
    alice_with_three_hours: Account,
    prefix: str,
    data: dict[str, str],
    field_id: str,
    message: str,
) -> None:
    bob_number = services.account_for_person(user=bob).number
    if data.get("recipient") == "BOB":
        data = {**data, "recipient": bob_number}
    client.force_login(alice)
    page = give(client, prefix, **data)
    assert error_of(page, field_id) == message
    assert "This field is required" not in page and "Mae angen y maes hwn" not in page
    assert Transfer.objects.count() == 1  # only the earn


def test_hours_and_minutes_are_one_question_with_a_legend(
    client: Client, alice: User, bob: User, alice_with_three_hours: Account
) -> None:
    client.force_login(alice)
    page = client.get(reverse("timecredits:gift")).content.decode()
    fieldset = re.search(r'<fieldset class="govuk-fieldset" role="group"[^>]*>(.*?)</fieldset>', page, re.S)
    assert fieldset is not None
    assert (
        '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">How much time?</legend>'
        in fieldset.group(1)
    )
    assert 'id="id_hours"' in fieldset.group(1) and 'id="id_minutes"' in fieldset.group(1)
    welsh = client.get("/cy/time-credits/give/").content.decode()
    assert "Faint o amser?" in welsh


# --- check your answers, then confirm -------------------------------------------------------------


def answer(client: Client, number: str, hours: str = "1", minutes: str = "", message: str = "Diolch") -> str:
    """Fill in the give form; the answers wait for the check page (its URL is returned)."""
    response = client.post(
        reverse("timecredits:gift"),
        {"recipient": number, "hours": hours, "minutes": minutes, "message": message, "idempotency_key": KEY},
    )
    assert response.status_code == 302, response.content.decode()
    return str(response["Location"])


def confirm_data(page: str) -> dict[str, str]:
    """The check page's confirm form: its hidden fields, as the browser would send them."""
    fields = dict(re.findall(r'<input type="hidden" name="(key|balance)" value="([^"]*)"', page))
    assert set(fields) == {"key", "balance"}, page
    return fields


def balances(*people: User) -> list[int]:
    return [Account.objects.get(user=person).balance for person in people]


def gifts() -> int:
    return Transfer.objects.filter(kind=Transfer.Kind.GIFT).count()


def test_the_check_page_shows_the_recipients_name_and_moves_nothing(
    client: Client, alice: User, bob: User, alice_with_three_hours: Account
) -> None:
    bob_account = services.account_for_person(user=bob)
    client.force_login(alice)
    check_url = answer(client, bob_account.number.lower(), hours="1", minutes="30")
    assert check_url == reverse("timecredits:gift_check")
    page = client.get(check_url).content.decode()
    assert "Check your answers before giving time credits" in page
    assert '<strong data-testid="recipient-name">Bob</strong>' in page
    assert bob_account.number in page and "1 hour 30 minutes" in page and "Diolch" in page
    assert "You have 3 hours. After this gift you will have 1 hour 30 minutes." in page
    assert gifts() == 0 and balances(alice, bob) == [180, 0]
    welsh = client.get("/cy/time-credits/give/check/").content.decode()
    assert "Gwiriwch eich atebion cyn rhoi credydau amser" in welsh and "1 awr 30 munud" in welsh


def test_confirming_gives_exactly_once_and_a_replay_is_answered_with_the_same_gift(
    client: Client,
    alice: User,
    bob: User,
    alice_with_three_hours: Account,
    django_capture_on_commit_callbacks,
) -> None:
    number = services.account_for_person(user=bob).number
    client.force_login(alice)
    page = client.get(answer(client, number)).content.decode()
    data = confirm_data(page)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("timecredits:gift_check"), data)
    transfer = Transfer.objects.get(kind=Transfer.Kind.GIFT)
    assert response["Location"] == reverse("timecredits:gift_receipt", kwargs={"pk": transfer.pk})
    receipt = client.get(response["Location"]).content.decode()
    assert "You gave 1 hour to Bob." in receipt and "Your balance now" in receipt and "2 hours" in receipt
    assert balances(alice, bob) == [120, 60]

    # The confirm button again (a double click, or Back and confirm): the same gift, nothing more.
    again = client.post(reverse("timecredits:gift_check"), data, follow=True)
    assert "This gift was already given. Nothing more has been taken." in again.content.decode()
    assert again.redirect_chain[-1][0] == reverse("timecredits:gift_receipt", kwargs={"pk": transfer.pk})
    assert gifts() == 1 and balances(alice, bob) == [120, 60]


def test_the_same_answers_sent_twice_give_once(
    client: Client, alice: User, bob: User, alice_with_three_hours: Account
) -> None:
    """The give form's own key still protects it: its repeat leads to the same gift."""
    number = services.account_for_person(user=bob).number
    client.force_login(alice)
    first = confirm_data(client.get(answer(client, number)).content.decode())
    client.post(reverse("timecredits:gift_check"), first)
    second = confirm_data(client.get(answer(client, number)).content.decode())
    assert second["key"] == first["key"]
    response = client.post(reverse("timecredits:gift_check"), second, follow=True)
    assert "This gift was already given." in response.content.decode()
    assert gifts() == 1 and balances(alice, bob) == [120, 60]


def test_change_keeps_the_answers_and_the_check_page_shows_the_new_amount(
    client: Client, alice: User, bob: User, alice_with_three_hours: Account
) -> None:
    number = services.account_for_person(user=bob).number
    client.force_login(alice)
    check = client.get(answer(client, number, hours="1", message="Diolch am y lifft")).content.decode()
    change = re.search(r'id="change-amount" href="([^"]+)"', check)
    assert change is not None
    form = client.get(change.group(1).replace("&amp;", "&")).content.decode()
    assert (
        f'value="{number}"' in form
        and 'id="id_hours" name="hours" type="text" inputmode="numeric" autocomplete="off" value="1"' in form
    )
    assert "Diolch am y lifft</textarea>" in form and f'value="{KEY}"' in form
    page = client.get(
        answer(client, number, hours="0", minutes="45", message="Diolch am y lifft")
    ).content.decode()
    assert "45 minutes" in page and "1 hour" not in page.split('data-testid="amount">')[1][:20]
    client.post(reverse("timecredits:gift_check"), confirm_data(page))
    assert balances(alice, bob) == [135, 45]


def test_a_check_page_left_open_after_the_answers_changed_gives_nothing(
    client: Client, alice: User, bob: User, alice_with_three_hours: Account
) -> None:
    number = services.account_for_person(user=bob).number
    client.force_login(alice)
    old = confirm_data(client.get(answer(client, number, hours="1")).content.decode())
    answer(client, number, hours="2")  # changed in another tab
    response = client.post(reverse("timecredits:gift_check"), old, follow=True)
    page = response.content.decode()
    assert "The gift you were checking has changed or was not given." in page
    assert "2 hours" in page  # the check page, with the answers as they are now
    assert gifts() == 0 and balances(alice, bob) == [180, 0]


def test_a_confirm_without_a_waiting_gift_gives_nothing(
    client: Client, alice: User, alice_with_three_hours: Account
) -> None:
    client.force_login(alice)
    response = client.post(reverse("timecredits:gift_check"), {"key": f"{KEY}-{'0' * 16}", "balance": "180"})
    assert response["Location"] == reverse("timecredits:gift")
    assert gifts() == 0
    assert client.get(reverse("timecredits:gift_check"))["Location"] == reverse("timecredits:gift")


def test_a_balance_changed_since_the_check_page_is_refused_and_nothing_moves(
    client: Client,
    alice: User,
    bob: User,
    fran: User,
    organisation: Organisation,
    alice_with_three_hours: Account,
) -> None:
    number = services.account_for_person(user=bob).number
    client.force_login(alice)
    data = confirm_data(client.get(answer(client, number)).content.decode())
    services.credits_earn(
        organisation=organisation,
        person=alice,
        minutes=60,
        recorded_by=fran,
        memo="Litter pick",
        idempotency_key="e2",
    )
    response = client.post(reverse("timecredits:gift_check"), data)
    page = response.content.decode()
    assert "<title>Error: Check your answers" in page
    assert (
        "Your balance has changed since you checked this gift: you now have 4 hours. "
        "Check the gift again. Nothing has been given." in page
    )
    assert 'href="#change-amount"' in page
    assert gifts() == 0 and balances(alice, bob) == [240, 0]
    # The page now shows the new balance, and confirming it gives.
    client.post(reverse("timecredits:gift_check"), confirm_data(page))
    assert balances(alice, bob) == [180, 60]


def test_a_recipient_whose_account_closed_since_is_refused_and_nothing_moves(
    client: Client, alice: User, bob: User, alice_with_three_hours: Account
) -> None:
    number = services.account_for_person(user=bob).number
    client.force_login(alice)
    data = confirm_data(client.get(answer(client, number)).content.decode())
    User.objects.filter(pk=bob.pk).update(is_active=False)
    page = client.post(reverse("timecredits:gift_check"), data).content.decode()
    assert "That account is closed, so it cannot receive credits." in page
    assert 'href="#change-recipient"' in page
    assert gifts() == 0 and balances(alice, bob) == [180, 0]


def test_the_give_form_refuses_more_than_the_balance_before_the_check_page(
    client: Client, alice: User, bob: User, alice_with_three_hours: Account
) -> None:
    client.force_login(alice)
    page = give(client, recipient=services.account_for_person(user=bob).number, hours="4")
    assert "You have 3 hours, so you cannot give 4 hours." in page
    assert pending_gift(client) is None


def pending_gift(client: Client) -> object:
    return client.session.get("timecredits_pending_gift")


def test_only_the_giver_sees_the_gift_receipt(
    client: Client, alice: User, bob: User, alice_with_three_hours: Account
) -> None:
    transfer = services.credits_gift(
        sender=alice, recipient=bob, minutes=30, message="", idempotency_key="g1"
    )
    client.force_login(bob)
    assert client.get(reverse("timecredits:gift_receipt", kwargs={"pk": transfer.pk})).status_code == 404
    client.force_login(alice)
    assert (
        "You gave 30 minutes to Bob."
        in client.get(reverse("timecredits:gift_receipt", kwargs={"pk": transfer.pk})).content.decode()
    )


def test_a_repeat_refused_for_the_changed_balance_is_answered_with_its_twin(
    alice: User, bob: User, alice_with_three_hours: Account
) -> None:
    """Two confirms racing: the second sees the balance the first left, and is its replay."""
    first = services.credits_gift(
        sender=alice, recipient=bob, minutes=60, message="", idempotency_key="gift:k", expected_balance=180
    )
    second = services.credits_gift(
        sender=alice, recipient=bob, minutes=60, message="", idempotency_key="gift:k", expected_balance=180
    )
    assert second.replayed and second.pk == first.pk
    assert gifts() == 1 and balances(alice, bob) == [120, 60]


# --- the language of a gift message ---------------------------------------------------------------


def give_and_confirm(client: Client, prefix: str, number: str, message: str) -> Transfer:
    response = client.post(
        f"{prefix}/time-credits/give/",
        {"recipient": number, "hours": "1", "message": message, "idempotency_key": KEY},
    )
    assert response.status_code == 302
    check = client.get(f"{prefix}/time-credits/give/check/").content.decode()
    client.post(f"{prefix}/time-credits/give/check/", confirm_data(check))
    return Transfer.objects.get(kind=Transfer.Kind.GIFT)


def message_tag(page: str, message: str) -> str:
    """The opening tag of the element that holds ``message``."""
    found = re.search(rf"<(?:dd|span)([^>]*)>“?{re.escape(message)}", page)
    assert found is not None, f"{message!r} not on the page"
    return found.group(1)


def test_a_message_written_on_a_welsh_page_is_marked_welsh_on_english_pages(
    client: Client, alice: User, bob: User, alice_with_three_hours: Account
) -> None:
    client.force_login(alice)
    gift = give_and_confirm(client, "/cy", services.account_for_person(user=bob).number, "Diolch am y lifft")
    assert gift.memo_language == "cy"
    receipt = f"/time-credits/give/{gift.pk}/"  # not reverse(): Welsh is still active after a /cy/ request
    assert 'lang="cy"' in message_tag(client.get(receipt).content.decode(), "Diolch am y lifft")
    assert "lang=" not in message_tag(client.get(f"/cy{receipt}").content.decode(), "Diolch am y lifft")
    client.force_login(bob)
    assert 'lang="cy"' in message_tag(client.get("/time-credits/").content.decode(), "Diolch am y lifft")
    assert "lang=" not in message_tag(client.get("/cy/time-credits/").content.decode(), "Diolch am y lifft")


def test_a_message_written_on_an_english_page_is_marked_english_on_welsh_pages(
    client: Client, alice: User, bob: User, alice_with_three_hours: Account
) -> None:
    client.force_login(alice)
    number = services.account_for_person(user=bob).number
    client.post(
        reverse("timecredits:gift"),
        {"recipient": number, "hours": "1", "message": "Thanks!", "idempotency_key": KEY},
    )
    # The check page seen in Welsh (the person switched language) marks the English message.
    assert 'lang="en"' in message_tag(client.get("/cy/time-credits/give/check/").content.decode(), "Thanks!")
    assert "lang=" not in message_tag(client.get("/time-credits/give/check/").content.decode(), "Thanks!")
    client.post(
        reverse("timecredits:gift_check"),
        confirm_data(client.get("/time-credits/give/check/").content.decode()),
    )
    gift = Transfer.objects.get(kind=Transfer.Kind.GIFT)
    assert gift.memo_language == "en"
    assert 'lang="en"' in message_tag(client.get("/cy/time-credits/").content.decode(), "Thanks!")
    assert 'lang="en"' in message_tag(
        client.get(f"/cy/time-credits/give/{gift.pk}/").content.decode(), "Thanks!"
    )


def test_a_gift_without_a_message_records_no_language(
    alice: User, bob: User, alice_with_three_hours: Account
) -> None:
    gift = services.credits_gift(
        sender=alice, recipient=bob, minutes=30, message="  ", idempotency_key="g2", message_language="cy"
    )
    assert gift.memo_language == ""
    with pytest.raises(ValueError, match="Not one of the site's languages"):
        services.credits_gift(
            sender=alice, recipient=bob, minutes=30, message="Hi", idempotency_key="g3", message_language="fr"
        )

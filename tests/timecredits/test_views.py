"""Pages: what people see and what their requests change."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import make_user
from timecredits import services
from timecredits.models import Account, Entry, PartnerOffer, Transfer
from vocaleyes.models import Organisation, OrganisationRole, User

pytestmark = pytest.mark.django_db

KEY = "0123456789abcdef0123456789abcdef"


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def earn(
    person: User, minutes: int, organisation: Organisation, by: User, key: str, memo: str = "Panel"
) -> Transfer:
    return services.credits_earn(
        organisation=organisation,
        person=person,
        minutes=minutes,
        recorded_by=by,
        memo=memo,
        idempotency_key=key,
    )


@pytest.fixture
def alice_with_three_hours(alice: User, fran: User, organisation: Organisation, issuer: Account) -> Account:
    earn(alice, 180, organisation, fran, "e1", memo="Citizen panel on buses")
    return Account.objects.get(user=alice)


# --- statement ------------------------------------------------------------------------------------


def test_the_statement_shows_balance_running_balances_and_who_from(
    client: Client, alice: User, bob: User, alice_with_three_hours: Account
) -> None:
    services.credits_gift(sender=alice, recipient=bob, minutes=60, message="Diolch!", idempotency_key="g")
    page = signed_in(client, alice).get(reverse("timecredits:statement")).content.decode()
    assert 'data-testid="balance">2 hours<' in page
    assert alice_with_three_hours.number in page
    assert "Volunteering confirmed by Swansea Council" in page
    assert "Citizen panel on buses" in page
    assert "To Bob" in page and "Gift to Bob" not in page and "Diolch!" in page
    # Newest first: the gift (balance 2 hours) above the earn (balance 3 hours).
    assert page.index("To Bob") < page.index("Volunteering confirmed")
    assert page.count("3 hours") >= 2  # paid in and running balance of the earn line


def test_the_statement_is_in_welsh_on_the_welsh_site(
    client: Client, alice: User, alice_with_three_hours: Account
) -> None:
    page = signed_in(client, alice).get("/cy/time-credits/").content.decode()
    assert "Eich credydau amser" in page
    assert 'data-testid="balance">3 awr<' in page
    assert "Gwirfoddoli wedi&#x27;i gadarnhau – Cyngor Abertawe" in page  # noqa: RUF001 - the Welsh uses a dash


def test_the_statement_costs_the_same_queries_for_a_long_history(
    client: Client, alice: User, bob: User, alice_with_three_hours: Account, django_assert_max_num_queries
) -> None:
    signed_in(client, alice)
    client.get(reverse("timecredits:statement"))  # warm the session
    with django_assert_max_num_queries(8) as short:
        client.get(reverse("timecredits:statement"))
    for number in range(60):
        services.credits_gift(
            sender=alice, recipient=bob, minutes=1, message="", idempotency_key=f"g{number}"
        )
    with django_assert_max_num_queries(len(short.captured_queries)):
        page = client.get(reverse("timecredits:statement")).content.decode()
    assert page.count('class="govuk-table__row"') == 1 + 25  # header + one page


def test_the_statement_pages_with_keyset_cursors(
    client: Client, alice: User, bob: User, alice_with_three_hours: Account
) -> None:
    for number in range(30):
        services.credits_gift(
            sender=alice, recipient=bob, minutes=1, message=f"note {number}", idempotency_key=f"g{number}"
        )
    signed_in(client, alice)
    first = client.get(reverse("timecredits:statement")).content.decode()
    assert "note 29" in first and "note 5" in first and "note 4" not in first
    older = re.search(r'href="\?before=(\d+)"', first)
    assert older is not None
    second = client.get(reverse("timecredits:statement"), {"before": older.group(1)}).content.decode()
    assert "note 4" in second and "note 0" in second and "Citizen panel on buses" in second
    assert "note 5" not in second
    newer = re.search(r'href="\?after=(\d+)"', second)
    assert newer is not None
    back = client.get(reverse("timecredits:statement"), {"after": newer.group(1)}).content.decode()
    assert "note 29" in back and "note 5" in back and "note 4" not in back


def test_the_statement_filters_by_type_and_date(
    client: Client, alice: User, bob: User, alice_with_three_hours: Account
) -> None:
    services.credits_gift(sender=alice, recipient=bob, minutes=30, message="a gift", idempotency_key="g")
    signed_in(client, alice)
    gifts = client.get(reverse("timecredits:statement"), {"kind": "gift"}).content.decode()
    assert "a gift" in gifts and "Citizen panel on buses" not in gifts
    past = client.get(reverse("timecredits:statement"), {"date_to": "2000-01-01"}).content.decode()
    assert "No entries match your filter." in past
    wrong = client.get(reverse("timecredits:statement"), {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert wrong.content.decode().count("The end date must be on or after the start date.") == 2
    assert "<title>Error:" in wrong.content.decode()


def test_the_statement_downloads_as_csv_with_running_balance(
    client: Client, alice: User, bob: User, alice_with_three_hours: Account
) -> None:
    services.credits_gift(
        sender=alice, recipient=bob, minutes=45, message="=HYPERLINK(evil)", idempotency_key="g"
    )
    response = signed_in(client, alice).get(reverse("timecredits:statement_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = response.getvalue().decode().splitlines()
    assert rows[0].startswith("Date,Type,Description,Note,Paid in (minutes)")
    assert (
        ",Earned,Volunteering confirmed by Swansea Council,Citizen panel on buses,180,,180,3:00," in rows[1]
    )
    assert ",Gift,To Bob,'=HYPERLINK(evil),,45,135,2:15," in rows[2]  # formula defused
    filtered = signed_in(client, alice).get(reverse("timecredits:statement_csv"), {"kind": "earn"}).getvalue()
    assert len(filtered.decode().splitlines()) == 2


def test_nobody_reads_an_account_that_is_not_theirs(
    client: Client,
    alice: User,
    bob: User,
    fran: User,
    organisation: Organisation,
    issuer: Account,
    alice_with_three_hours: Account,
) -> None:
    signed_in(client, bob)
    for url in (
        reverse("timecredits:account_statement", args=[alice_with_three_hours.number]),
        reverse("timecredits:account_statement", args=[issuer.number]),
        reverse("timecredits:account_statement_csv", args=[issuer.number]),
        reverse("timecredits:account_statement", args=["NOPE-NOPE"]),
    ):
        assert client.get(url).status_code == 404
    # Fran facilitates the council: she reads its issuing account.
    page = (
        signed_in(client, fran)
        .get(reverse("timecredits:account_statement", args=[issuer.number]))
        .content.decode()
    )
    assert "Credits issued to Alice" in page and "−3 hours" in page  # noqa: RUF001


def test_pages_need_a_signed_in_person(client: Client) -> None:
    response = client.get(reverse("timecredits:statement"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- giving ---------------------------------------------------------------------------------------


def test_a_resident_gives_an_hour_by_account_number(
    client: Client,
    alice: User,
    bob: User,
    alice_with_three_hours: Account,
    django_capture_on_commit_callbacks,
) -> None:
    bob_account = services.account_for_person(user=bob)
    form = signed_in(client, alice).get(reverse("timecredits:gift")).content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', form)
    assert key is not None
    data = {
        "recipient": bob_account.number.lower().replace("-", " "),
        "hours": "1",
        "minutes": "",
        "message": "Diolch",
        "idempotency_key": key.group(1),
    }
    check = client.post(reverse("timecredits:gift"), data, follow=True).content.decode()
    assert "Check your answers before giving time credits" in check and "Bob" in check
    assert not Transfer.objects.filter(kind=Transfer.Kind.GIFT).exists()  # nothing moves yet
    confirm = dict(re.findall(r'<input type="hidden" name="(key|balance)" value="([^"]*)"', check))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("timecredits:gift_check"), confirm, follow=True)
    assert "You gave 1 hour to Bob." in response.content.decode()
    # Pressing the button again (same key) records nothing more.
    response = client.post(reverse("timecredits:gift_check"), confirm, follow=True)
    assert "This gift was already given" in response.content.decode()
    assert Transfer.objects.filter(kind=Transfer.Kind.GIFT).count() == 1
    bob_account.refresh_from_db()
    assert bob_account.balance == 60


def test_a_gift_over_the_balance_is_refused_on_the_page(
    client: Client, alice: User, bob: User, alice_with_three_hours: Account
) -> None:
    bob_account = services.account_for_person(user=bob)
    response = signed_in(client, alice).post(
        reverse("timecredits:gift"),
        {
            "recipient": bob_account.number,
            "hours": "4",
            "minutes": "0",
            "message": "",
            "idempotency_key": KEY,
        },
    )
    page = response.content.decode()
    assert "<title>Error: Give time credits" in page
    assert "You have 3 hours, so you cannot give 4 hours. Nothing has been taken from your account." in page
    assert not Transfer.objects.filter(kind=Transfer.Kind.GIFT).exists()


@pytest.mark.parametrize(
    ("recipient", "hours", "minutes", "message"),
    [
        ("ZZZZ-ZZZZ", "1", "", "There is no account with the number ZZZZ-ZZZZ: check the number"),
        ("not a number", "1", "", "Enter an account number like 7KQ4-M2XD."),
        ("BOB", "0", "0", "Enter an amount of more than 0 minutes"),
        ("BOB", "1", "75", "Enter the number of minutes, from 0 to 59"),
        ("SELF", "1", "", "That is your own account number."),
    ],
)
def test_bad_gift_input_gets_a_clear_message_and_changes_nothing(
    client: Client,
    alice: User,
    bob: User,
    alice_with_three_hours: Account,
    recipient: str,
    hours: str,
    minutes: str,
    message: str,
) -> None:
    numbers = {"BOB": services.account_for_person(user=bob).number, "SELF": alice_with_three_hours.number}
    response = signed_in(client, alice).post(
        reverse("timecredits:gift"),
        {
            "recipient": numbers.get(recipient, recipient),
            "hours": hours,
            "minutes": minutes,
            "idempotency_key": KEY,
        },
    )
    assert message in response.content.decode()
    assert Transfer.objects.count() == 1  # only the earn


def test_bad_gift_input_is_explained_in_welsh(
    client: Client, alice: User, alice_with_three_hours: Account
) -> None:
    response = signed_in(client, alice).post(
        "/cy/time-credits/give/", {"recipient": "ZZZZ-ZZZZ", "hours": "1", "idempotency_key": KEY}
    )
    assert "Nid oes cyfrif â&#x27;r rhif ZZZZ-ZZZZ" in response.content.decode()


# --- offers ---------------------------------------------------------------------------------------


def test_a_resident_spends_on_an_offer_and_gets_a_reference(
    client: Client, alice: User, alice_with_three_hours: Account, swim: PartnerOffer
) -> None:
    signed_in(client, alice)
    listing = client.get(reverse("timecredits:offer_list")).content.decode()
    assert "A swim" in listing and "Costs 1 hour" in listing
    detail = client.get(swim.get_absolute_url()).content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', detail)
    assert key is not None and "Spend 1 hour" in detail
    response = client.post(swim.get_absolute_url(), {"idempotency_key": key.group(1)})
    transfer = Transfer.objects.get(kind=Transfer.Kind.SPEND)
    assert response["Location"] == reverse("timecredits:receipt", args=[transfer.reference])
    again = client.post(swim.get_absolute_url(), {"idempotency_key": key.group(1)})
    assert again["Location"] == response["Location"]
    assert Transfer.objects.filter(kind=Transfer.Kind.SPEND).count() == 1
    receipt = client.get(response["Location"]).content.decode()
    assert transfer.reference is not None
    assert "Show this reference at the door" in receipt and transfer.reference in receipt
    assert Account.objects.get(user=alice).balance == 120


def test_an_overspend_on_the_offer_page_is_refused_and_explained(
    client: Client, alice: User, alice_with_three_hours: Account, partner: Organisation
) -> None:
    course = PartnerOffer.objects.create(organisation=partner, title_en="Course", price=240)
    signed_in(client, alice)
    assert (
        "You need 1 hour more to spend on this offer."
        in client.get(course.get_absolute_url()).content.decode()
    )
    page = client.post(course.get_absolute_url(), {"idempotency_key": KEY}).content.decode()
    assert "You have 3 hours, but this costs 4 hours. You need 1 hour more." in page
    assert not Transfer.objects.filter(kind=Transfer.Kind.SPEND).exists()


def test_unlisted_offers_and_other_peoples_receipts_are_not_found(
    client: Client, alice: User, bob: User, alice_with_three_hours: Account, swim: PartnerOffer
) -> None:
    transfer = services.credits_spend(person=alice, offer=swim, idempotency_key="s")
    signed_in(client, bob)
    assert client.get(reverse("timecredits:receipt", args=[transfer.reference])).status_code == 404
    PartnerOffer.objects.filter(pk=swim.pk).update(is_listed=False)
    assert client.get(swim.get_absolute_url()).status_code == 404
    assert "A swim" not in client.get(reverse("timecredits:offer_list")).content.decode()


def test_a_partner_checks_a_reference_at_the_door(
    client: Client,
    alice: User,
    olwen: User,
    alice_with_three_hours: Account,
    swim: PartnerOffer,
    partner: Organisation,
) -> None:
    transfer = services.credits_spend(person=alice, offer=swim, idempotency_key="s")
    assert transfer.reference is not None
    door = make_user("door@leisure.example.org", "Dylan")
    url = reverse("timecredits:check_reference")
    assert signed_in(client, door).get(url).status_code == 403  # not one of its organisers yet: told why
    OrganisationRole.objects.create(organisation=partner, user=door)
    page = client.get(url, {"reference": transfer.reference.replace("-", "").lower()}).content.decode()
    assert "Valid reference" in page and "Alice" in page
    services.transfer_reverse(transfer=transfer, reversed_by=olwen, reason="Pool closed", idempotency_key="r")
    page = client.get(url, {"reference": transfer.reference}).content.decode()
    assert "This booking was cancelled" in page
    assert (
        "We could not find this reference" in client.get(url, {"reference": "AAAAA-BBBBB"}).content.decode()
    )


# --- recording hours ------------------------------------------------------------------------------


def test_an_organiser_records_hours_for_several_people_at_once(
    client: Client,
    alice: User,
    bob: User,
    fran: User,
    organisation: Organisation,
    issuer: Account,
    django_capture_on_commit_callbacks,
) -> None:
    from django.core import mail

    signed_in(client, fran)
    form = client.get(reverse("timecredits:record_hours")).content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', form)
    assert key is not None
    data = {
        "idempotency_key": key.group(1),
        "organisation": str(organisation.pk),
        "memo": "Beach clean, 3 May",
        "form-TOTAL_FORMS": "3",
        "form-INITIAL_FORMS": "3",
        "form-0-email": "alice@example.org",
        "form-0-hours": "2",
        "form-0-minutes": "30",
        "form-1-email": "BOB@example.org",
        "form-1-hours": "",
        "form-1-minutes": "45",
        "form-2-email": "",
        "form-2-hours": "",
        "form-2-minutes": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("timecredits:record_hours"), data, follow=True)
    assert "Recorded 3 hours 15 minutes for Alice, Bob, from Swansea Council." in response.content.decode()
    assert dict(Account.objects.people().values_list("user__email", "balance")) == {
        "alice@example.org": 150,
        "bob@example.org": 45,
    }
    assert sorted(message.to[0] for message in mail.outbox) == ["alice@example.org", "bob@example.org"]
    client.post(reverse("timecredits:record_hours"), data)  # submitted twice
    assert Transfer.objects.count() == 2


def test_recording_hours_with_a_bad_row_records_nothing(
    client: Client, alice: User, fran: User, organisation: Organisation, issuer: Account
) -> None:
    data = {
        "idempotency_key": KEY,
        "organisation": str(organisation.pk),
        "memo": "Beach clean",
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "2",
        "form-0-email": "alice@example.org",
        "form-0-hours": "2",
        "form-0-minutes": "",
        "form-1-email": "nobody@example.org",
        "form-1-hours": "1",
        "form-1-minutes": "",
    }
    page = signed_in(client, fran).post(reverse("timecredits:record_hours"), data).content.decode()
    assert "<title>Error: Record volunteering hours" in page
    assert "Person 2: No one with this email address has a VocalEyes account." in page
    assert Transfer.objects.count() == 0


def test_only_organisers_of_an_issuing_organisation_reach_the_record_page(
    client: Client, alice: User, fran: User, olwen: User, organisation: Organisation
) -> None:
    url = reverse("timecredits:record_hours")
    assert signed_in(client, alice).get(url).status_code == 404
    assert signed_in(client, fran).get(url).status_code == 404  # the council has no issuing account yet
    services.account_open_for_organisation(organisation=organisation, kind=Account.Kind.ISSUING)
    assert signed_in(client, fran).get(url).status_code == 200
    assert "Swansea Council" in signed_in(client, olwen).get(url).content.decode()


def test_entries_survive_on_the_page_after_a_reversal(
    client: Client, alice: User, olwen: User, alice_with_three_hours: Account
) -> None:
    original = Transfer.objects.get(kind=Transfer.Kind.EARN)
    services.transfer_reverse(
        transfer=original, reversed_by=olwen, reason="Recorded twice", idempotency_key="r"
    )
    page = signed_in(client, alice).get(reverse("timecredits:statement")).content.decode()
    assert "Reversal of a transfer of" in page and "Recorded twice" in page
    assert 'data-testid="balance">0 hours<' in page
    assert Entry.objects.filter(account=alice_with_three_hours).count() == 2


def test_a_reference_check_by_someone_who_is_not_partner_staff_says_why(client: Client, fran: User) -> None:
    client.force_login(fran)
    response = client.get("/time-credits/check-reference/")
    assert response.status_code == 403
    assert "Only staff of a partner organisation that takes time credits" in response.content.decode()
    welsh = client.get("/cy/time-credits/check-reference/").content.decode()
    assert "Dim ond staff sefydliad partner" in welsh

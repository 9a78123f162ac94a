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

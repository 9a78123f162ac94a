from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from vocaleyes.models import User

pytestmark = pytest.mark.django_db


def test_signing_up_in_welsh_records_welsh_as_the_preferred_language(client: Client) -> None:
    response = client.post(
        "/cy/accounts/signup/",
        {
            "display_name": "Gwen",
            "email": "gwen@example.org",
            "password1": "a-long-and-unusual-passphrase",
            "password2": "a-long-and-unusual-passphrase",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="gwen@example.org")
    assert (user.display_name, user.language) == ("Gwen", "cy")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1


def test_sign_up_needs_a_display_name_and_changes_nothing_without_one(client: Client) -> None:
    response = client.post(
        "/accounts/signup/",
        {
            "display_name": "  ",
            "email": "x@example.org",
            "password1": "a-long-passphrase-1",
            "password2": "a-long-passphrase-1",
        },
    )
    assert response.status_code == 200
    assert "Enter a display name." in response.content.decode()
    assert not User.objects.exists()
    assert mail.outbox == []


def test_profile_changes_display_name_and_language(client: Client, alice: User) -> None:
    client.force_login(alice)
    response = client.post("/accounts/profile/", {"display_name": "Alys", "language": "cy"}, follow=True)
    assert response.redirect_chain == [("/cy/accounts/profile/", 302)]  # the language just chosen
    assert "Mae eich proffil wedi&#x27;i gadw." in response.content.decode()
    alice.refresh_from_db()
    assert (alice.display_name, alice.language) == ("Alys", "cy")


def test_profile_rejects_bad_input_and_keeps_the_old_values(client: Client, alice: User) -> None:
    client.force_login(alice)
    response = client.post("/cy/accounts/profile/", {"display_name": "", "language": "fr"})
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "<title>Gwall:" in page
    alice.refresh_from_db()
    assert (alice.display_name, alice.language) == ("Alice", "en")


def test_profile_needs_sign_in(client: Client) -> None:
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_email_address_is_never_shown_as_a_public_name(alice: User) -> None:
    assert alice.public_name == "Alice"
    alice.display_name = ""
    assert "@" not in alice.public_name


def test_account_emails_come_from_vocaleyes_not_the_host_name(client: Client) -> None:
    client.post(
        "/accounts/signup/",
        {
            "display_name": "Huw",
            "email": "huw@example.org",
            "password1": "a-long-and-unusual-passphrase",
            "password2": "a-long-and-unusual-passphrase",
        },
    )
    body = str(mail.outbox[0].body)
    assert body.startswith("Hello Huw,")
    assert body.rstrip().endswith("VocalEyes")
    assert "testserver!" not in body


def test_email_fields_ask_phones_for_the_email_keyboard(client: Client) -> None:
    page = client.get("/accounts/login/").content.decode()
    assert 'name="login" type="email"' in page


def test_a_signed_in_request_finds_its_person_until_the_account_is_closed(
    client: Client, alice: User
) -> None:
    client.force_login(alice)
    response = client.get("/accounts/email/")
    assert response.status_code == 200
    assert response.wsgi_request.user == alice
    User.objects.filter(pk=alice.pk).update(is_active=False)
    response = client.get("/accounts/email/")
    assert not response.wsgi_request.user.is_authenticated
    assert response.status_code == 302

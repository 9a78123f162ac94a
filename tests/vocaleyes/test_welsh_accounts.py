"""Account pages, account emails and Django's admin read as real Welsh under /cy/.

django-allauth ships no Welsh and Django's Welsh has gaps; locale/vendor/ fills them and our
templates/account/ pages replace allauth's awkward English. Each test reads the page as a person
would (text, titles and accessible labels, tags stripped) and checks both that the Welsh is there
and that none of the English sentences allauth or Django would otherwise show is left.
"""

from __future__ import annotations

import ast
import gettext
import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import allauth
import django
import pytest
import rest_framework
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.test import Client, override_settings

from tests.conftest import PASSWORD, clear_cache
from vocaleyes.models import User

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "llwybr-arfordir-penfro-2026"

# English that allauth, Django or our own templates would show; none of it may reach a Welsh page.
ENGLISH = [
    # allauth pages, labels and errors
    "Sign In",
    "Sign Up",
    "Signup",
    "Sign Out",
    "Forgot your password?",
    "Remember Me",
    "Password (again)",
    "Current Password",
    "New Password",
    "Password Reset",
    "Reset My Password",
    "Verify Your Email Address",
    "Confirm Email Address",
    "Bad Token",
    "Change Password",
    "Email Addresses",
    "Make Primary",
    "Re-send Verification",
    "Add Email",
    "Account Inactive",
    "Confirm Access",
    "Please reauthenticate to safeguard your account.",
    "Enter your password:",
    "If you have not created an account yet",
    "Already have an account?",
    "You must type the same password each time.",
    "The email address and/or password you specified are not correct.",
    "Please type your current password.",
    "Incorrect password.",
    "This email address is already associated with this account.",
    "Too many failed login attempts. Try again later.",
    "We have sent you an email",
    "Please contact us",
    # allauth messages
    "Successfully signed in as",
    "You have signed out.",
    "Confirmation email sent to",
    "You have confirmed",
    "Primary email address set.",
    "Removed email address",
    "You cannot remove your primary email address",
    "Password successfully changed.",
    # Django forms and password validators
    "This field is required.",
    "Enter a valid email address.",
    "This password is too short.",
    "This password is too common.",
    "This password is entirely numeric.",
    "The password is too similar to the",
    "Your password can\u2019t be",
    "Your password must contain",
    # our own English
    "There is a problem",
    "Error:",
    "Create an account",
    "Sign in",
    "Sign out",
    "Forgotten your password?",
    "Reset your password",
    "Check your email",
    "Choose a new password",
    "Confirm your email address",
    "Your email addresses",
    "Your password has been changed",
    "This account is not active",
    "Confirm it is you",
    "Continue",
    "Email",
    "Password",
    "Remove",
    "You have tried too many times",
]

# Django admin English that the vendor catalogue replaces.
ADMIN_ENGLISH = [
    "Recent actions",
    "My actions",
    "View site",
    "Model name",
    "Add link",
    "Change or view list link",
    "Breadcrumbs",
    "Toggle theme",
    "Toggle navigation",
    "Start typing to filter",
    "Sidebar",
    "Hold down",
    "The groups this user belongs to",
    "Raw passwords are not stored",
    "Reset password",
    "Select all objects on this page",
    "Select this object for an action",
    "Please correct the",
    "Are you sure you want to delete",
    "No, take me back",
    "Summary",
    "Objects",
    "Yes, I\u2019m sure",
    "Whether the user will be able",
    "If disabled, the current password",
    "Password-based authentication",
    "Enabled",
    "Disabled",
    "This field is required.",
    "was changed successfully",
    "Changed",
    "Ffwrdd â ni",
    "â ddewiswyd",
]

WELSH_SIGNS = ["Mewngofnodi", "Creu cyfrif", "cyfrinair", "Cyfrinair", "e-bost"]


def html_of(response: HttpResponseBase) -> str:
    return cast(HttpResponse, response).content.decode()


def readable_text(response: HttpResponseBase) -> str:
    """What a person (or a screen reader) gets from the page: text, the title and labels."""
    page = html_of(response)
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    labels = " ".join(re.findall(r'\s(?:aria-label|alt|title|placeholder)="([^"]*)"', page))
    text = re.sub(r"</?(?:a|strong|em|b|i|span|abbr|code)\b[^>]*>", "", page)  # inline: no gap
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", html.unescape(f"{text} {labels}")).strip()


def english_left(text: str, phrases: list[str]) -> list[str]:
    return [p for p in phrases if re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", text)]


def assert_welsh(response: HttpResponseBase, *welsh: str, english: list[str] = ENGLISH) -> str:
    assert '<html lang="cy"' in html_of(response)
    text = readable_text(response)
    assert english_left(text, english) == [], text
    for phrase in welsh:
        assert phrase in text, f"{phrase!r} not in {text!r}"
    return text


def assert_english(response: HttpResponseBase, *phrases: str) -> str:
    assert '<html lang="en"' in html_of(response)
    text = readable_text(response)
    for phrase in phrases:
        assert phrase in text, f"{phrase!r} not in {text!r}"
    for welsh in WELSH_SIGNS:
        assert welsh not in text, f"{welsh!r} on an English page: {text!r}"
    return text


def link_in(body: object) -> str:
    """The path of the (first) link in an email."""
    match = re.search(r"https?://\S+", str(body))
    assert match, body
    return urlsplit(match.group(0)).path


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    clear_cache()
    yield
    clear_cache()


# --- Pages anyone can open --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "welsh"),
    [
        (
            "/cy/accounts/login/",
            [
                "Mewngofnodi",
                "Cyfeiriad e-bost",
                "Cyfrinair",
                "Wedi anghofio eich cyfrinair?",
                "Cofio fi",
                "crëwch gyfrif",
            ],
        ),
        (
            "/cy/accounts/signup/",
            [
                "Creu cyfrif",
                "Enw arddangos",
                "Cyfeiriad e-bost",
                "Cadarnhau'r cyfrinair",
                "Rhaid i'ch cyfrinair gynnwys o leiaf 8 nod.",
                "Ni all eich cyfrinair gynnwys rhifau yn unig.",
                "Oes gennych gyfrif yn barod?",
            ],
        ),
        ("/cy/accounts/password/reset/", ["Ailosod eich cyfrinair", "Anfon y ddolen", "Cyfeiriad e-bost"]),
        ("/cy/accounts/password/reset/done/", ["Gwiriwch eich e-bost", "ffolder sbam"]),
        ("/cy/accounts/confirm-email/", ["Cadarnhewch eich cyfeiriad e-bost", "Dilynwch y ddolen"]),
        (
            "/cy/accounts/confirm-email/not-a-real-key/",
            ["Mae'r ddolen gadarnhau hon wedi dod i ben", "mewngofnodwch"],
        ),
        (
            "/cy/accounts/password/reset/key/1-not-a-real-key/",
            [
                "Mae'r ddolen hon wedi dod i ben neu wedi cael ei defnyddio eisoes",
                "Gofynnwch am ddolen newydd",
            ],
        ),
        ("/cy/accounts/password/reset/key/done/", ["Mae eich cyfrinair wedi'i newid", "fewngofnodi"]),
        ("/cy/accounts/inactive/", ["Nid yw'r cyfrif hwn yn weithredol"]),
    ],
)
def test_welsh_account_pages_are_in_welsh(client: Client, path: str, welsh: list[str]) -> None:
    assert_welsh(client.get(path), *welsh)


@pytest.mark.parametrize(
    ("path", "welsh"),
    [
        (
            "/cy/accounts/email/",
            [
                "Eich cyfeiriadau e-bost",
                "bob@example.org",
                "Wedi'i gadarnhau",
                "Prif gyfeiriad",
                "Anfon yr e-bost cadarnhau eto",
                "Tynnu",
                "Ychwanegu cyfeiriad e-bost",
            ],
        ),
        (
            "/cy/accounts/password/change/",
            [
                "Newid eich cyfrinair",
                "Cyfrinair presennol",
                "Cyfrinair newydd",
                "Cadarnhau'r cyfrinair newydd",
            ],
        ),
        ("/cy/accounts/reauthenticate/", ["Cadarnhewch mai chi ydych chi", "Parhau"]),
        ("/cy/accounts/logout/", ["Ydych chi'n siŵr eich bod am allgofnodi?", "Allgofnodi"]),
        ("/cy/accounts/password/reset/", ["Rydych wedi mewngofnodi fel bob@example.org."]),
    ],
)
def test_welsh_account_pages_for_a_signed_in_resident(
    client: Client, bob: User, path: str, welsh: list[str]
) -> None:
    client.force_login(bob)
    assert_welsh(client.get(path), *welsh)


# --- Bad input: Welsh errors, nothing changed ---------------------------------------------------


def test_empty_sign_in_says_what_is_missing_in_welsh(client: Client, bob: User) -> None:
    text = assert_welsh(
        client.post("/cy/accounts/login/", {}), "Mae problem wedi codi", "Gwall: Mae angen y maes hwn."
    )
    assert text.count("Mae angen y maes hwn.") == 4  # summary and field, for email and password
    assert "_auth_user_id" not in client.session


def test_wrong_password_is_refused_in_welsh(client: Client, bob: User) -> None:
    response = client.post("/cy/accounts/login/", {"login": "bob@example.org", "password": "not-my-password"})
    assert_welsh(response, "Mae'r cyfeiriad e-bost neu'r cyfrinair a roesoch yn anghywir.")
    assert "<title>Gwall: Mewngofnodi" in html_of(response)
    assert "_auth_user_id" not in client.session


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "1/m/key"})
def test_too_many_failed_sign_ins_are_refused_in_welsh(client: Client, bob: User) -> None:
    client.post("/cy/accounts/login/", {"login": "bob@example.org", "password": "not-my-password"})
    response = client.post("/cy/accounts/login/", {"login": "bob@example.org", "password": PASSWORD})
    assert_welsh(response, "Gormod o ymdrechion aflwyddiannus i fewngofnodi.")
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("password1", "password2", "errors"),
    [
        (PASSWORD, PASSWORD + "x", ["Rhaid i chi deipio'r un cyfrinair bob tro."]),
        (
            "12345",
            "12345",
            [
                "Mae'r cyfrinair hwn yn rhy fyr. Rhaid iddo gynnwys o leiaf 8 nod.",
                "Mae'r cyfrinair hwn yn rhy gyffredin.",
                "Mae'r cyfrinair hwn yn cynnwys rhifau yn unig.",
            ],
        ),
        ("password123", "password123", ["Mae'r cyfrinair hwn yn rhy gyffredin."]),
        ("gwenllian.jones", "gwenllian.jones", ["Mae'r cyfrinair yn rhy debyg i'r cyfeiriad e-bost."]),
    ],
)
def test_sign_up_with_a_bad_password_is_refused_in_welsh(
    client: Client, password1: str, password2: str, errors: list[str]
) -> None:
    data = {
        "display_name": "Gwenllian",
        "email": "gwenllian.jones@example.org",
        "password1": password1,
        "password2": password2,
    }
    response = client.post("/cy/accounts/signup/", data)
    assert_welsh(response, "Gwall:", *errors)
    assert not User.objects.filter(email="gwenllian.jones@example.org").exists()
    assert mail.outbox == []


def test_empty_sign_up_is_refused_in_welsh(client: Client) -> None:
    text = assert_welsh(
        client.post("/cy/accounts/signup/", {}), "Mae problem wedi codi", "Rhowch enw arddangos."
    )
    assert (
        text.count("Mae angen y maes hwn.") == 6
    )  # email and both passwords, in the summary and by the field
    assert not User.objects.exists()


def test_sign_up_with_an_invalid_email_address_is_refused_in_welsh(client: Client) -> None:
    data = {
        "display_name": "Gwen",
        "email": "gwen-at-example",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    assert_welsh(client.post("/cy/accounts/signup/", data), "Rhowch gyfeiriad e-bost dilys.")
    assert not User.objects.exists()


def test_empty_password_reset_is_refused_in_welsh(client: Client) -> None:
    assert_welsh(client.post("/cy/accounts/password/reset/", {"email": ""}), "Mae angen y maes hwn.")
    assert mail.outbox == []


def test_password_change_with_wrong_current_password_is_refused_in_welsh(client: Client, bob: User) -> None:
    client.force_login(bob)
    data = {"oldpassword": "not-my-password", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"}
    assert_welsh(
        client.post("/cy/accounts/password/change/", data),
        "Teipiwch eich cyfrinair presennol.",
        "Rhaid i chi deipio'r un cyfrinair bob tro.",
    )
    bob.refresh_from_db()
    assert bob.check_password(PASSWORD)


def test_wrong_password_when_confirming_it_is_you_is_refused_in_welsh(client: Client, bob: User) -> None:
    client.force_login(bob)
    assert_welsh(
        client.post("/cy/accounts/reauthenticate/", {"password": "not-my-password"}), "Cyfrinair anghywir."
    )


def test_adding_a_bad_or_existing_email_address_is_refused_in_welsh(client: Client, bob: User) -> None:
    client.force_login(bob)
    assert_welsh(
        client.post("/cy/accounts/email/", {"action_add": "", "email": "bob-at-example"}),
        "Rhowch gyfeiriad e-bost dilys.",
    )
    assert_welsh(
        client.post("/cy/accounts/email/", {"action_add": "", "email": "bob@example.org"}),
        "Mae'r cyfeiriad e-bost hwn eisoes yn gysylltiedig â'ch cyfrif.",
    )
    assert list(EmailAddress.objects.filter(user=bob).values_list("email", flat=True)) == ["bob@example.org"]


def test_removing_the_main_address_is_refused_in_welsh(client: Client, bob: User) -> None:
    client.force_login(bob)
    response = client.post(
        "/cy/accounts/email/", {"action_remove": "", "email": "bob@example.org"}, follow=True
    )
    assert_welsh(response, "Ni allwch dynnu eich prif gyfeiriad e-bost (bob@example.org).")
    assert EmailAddress.objects.filter(user=bob, email="bob@example.org", primary=True).exists()


@override_settings(ACCOUNT_RATE_LIMITS={"reset_password": "1/m/ip"})
def test_too_many_requests_get_a_welsh_page(client: Client, bob: User) -> None:
    client.post("/cy/accounts/password/reset/", {"email": "bob@example.org"})
    response = client.post("/cy/accounts/password/reset/", {"email": "bob@example.org"})
    assert response.status_code == 429
    assert_welsh(response, "Rydych wedi rhoi cynnig arni ormod o weithiau", "Arhoswch ychydig funudau")
    assert len(mail.outbox) == 1


# --- Journeys and emails ----------------------------------------------------------------------


def test_welsh_sign_up_sends_a_welsh_email_whose_link_confirms_in_welsh(client: Client) -> None:
    data = {
        "display_name": "Gwen",
        "email": "gwen@example.org",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    response = client.post("/cy/accounts/signup/", data, follow=True)
    assert_welsh(
        response, "Cadarnhewch eich cyfeiriad e-bost", "Anfonwyd e-bost cadarnhau at gwen@example.org."
    )
    assert User.objects.get(email="gwen@example.org").language == "cy"

    [message] = mail.outbox
    assert message.subject == "Cadarnhewch eich cyfeiriad e-bost ar gyfer VocalEyes"
    assert "Diolch am greu cyfrif VocalEyes" in message.body
    assert (
        english_left(
            str(message.body), ["Hello from", "Thank you for using", "You're receiving", "To confirm"]
        )
        == []
    )
    link = link_in(message.body)
    assert link.startswith("/cy/accounts/confirm-email/")

    assert_welsh(client.get(link), "Cadarnhewch mai gwen@example.org yw eich cyfeiriad e-bost.", "Cadarnhau")
    response = client.post(link, follow=True)
    assert_welsh(response, "Rydych wedi cadarnhau gwen@example.org.", "Rydych wedi mewngofnodi fel Gwen.")
    assert EmailAddress.objects.get(email="gwen@example.org").verified


def test_signing_in_with_an_unconfirmed_address_sends_a_new_welsh_link(client: Client) -> None:
    User.objects.create_user(email="gwen@example.org", password=PASSWORD, display_name="Gwen", language="cy")
    EmailAddress.objects.create(
        user=User.objects.get(), email="gwen@example.org", verified=False, primary=True
    )
    response = client.post(
        "/cy/accounts/login/", {"login": "gwen@example.org", "password": PASSWORD}, follow=True
    )
    assert_welsh(response, "Cadarnhewch eich cyfeiriad e-bost")
    [message] = mail.outbox
    assert message.subject == "Cadarnhewch eich cyfeiriad e-bost ar gyfer VocalEyes"
    assert link_in(message.body).startswith("/cy/accounts/confirm-email/")


def test_welsh_resident_resetting_from_an_english_page_gets_welsh_email_and_pages(
    client: Client, bob: User
) -> None:
    response = client.post("/accounts/password/reset/", {"email": "bob@example.org"}, follow=True)
    assert_english(response, "Check your email")  # the page stays in the language it was asked in

    [message] = mail.outbox
    assert message.subject == "Ailosod eich cyfrinair VocalEyes"
    assert "wedi gofyn am ailosod cyfrinair eich cyfrif" in message.body
    assert english_left(str(message.body), ["Hello from", "You're receiving", "Click the link"]) == []
    link = link_in(message.body)
    assert link.startswith("/cy/accounts/password/reset/key/")

    page = client.get(link, follow=True)
    assert_welsh(page, "Dewiswch gyfrinair newydd", "Cyfrinair newydd", "Cadarnhau'r cyfrinair newydd")
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    mismatch = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})
    assert_welsh(mismatch, "Rhaid i chi deipio'r un cyfrinair bob tro.")
    common = client.post(form_url, {"password1": "password123", "password2": "password123"})
    assert_welsh(common, "Mae'r cyfrinair hwn yn rhy gyffredin.")
    bob.refresh_from_db()
    assert bob.check_password(PASSWORD)

    done = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True)
    assert_welsh(done, "Mae eich cyfrinair wedi'i newid", "Mae eich cyfrinair wedi'i newid.")
    bob.refresh_from_db()
    assert bob.check_password(NEW_PASSWORD)


def test_english_resident_resetting_from_a_welsh_page_gets_english_email_and_link(
    client: Client, alice: User
) -> None:
    assert_welsh(
        client.post("/cy/accounts/password/reset/", {"email": "alice@example.org"}, follow=True),
        "Gwiriwch eich e-bost",
    )
    [message] = mail.outbox
    assert message.subject == "Reset your VocalEyes password"
    assert "asked to reset the password of your VocalEyes account" in message.body
    assert link_in(message.body).startswith("/accounts/password/reset/key/")


def test_unknown_address_gets_a_welsh_email_from_a_welsh_page(client: Client, bob: User) -> None:
    response = client.post("/cy/accounts/password/reset/", {"email": "nobody@example.org"}, follow=True)
    assert_welsh(response, "Gwiriwch eich e-bost")  # same answer as for a known address
    [message] = mail.outbox
    assert message.to == ["nobody@example.org"]
    assert message.subject == "Nid oes cyfrif VocalEyes ar gyfer y cyfeiriad e-bost hwn"
    assert "nid oes cyfrif VocalEyes gyda'r cyfeiriad hwn" in message.body
    assert link_in(message.body) == "/cy/accounts/signup/"


def test_signing_up_again_with_a_welsh_residents_address_warns_them_in_welsh(
    client: Client, bob: User
) -> None:
    data = {
        "display_name": "Someone",
        "email": "bob@example.org",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    client.post("/accounts/signup/", data)
    [message] = mail.outbox
    assert message.to == ["bob@example.org"]
    assert message.subject == "Mae gennych gyfrif VocalEyes yn barod"
    assert "Mae cyfrif gyda'r cyfeiriad hwn eisoes." in message.body
    assert link_in(message.body) == "/cy/accounts/password/reset/"
    assert User.objects.filter(email="bob@example.org").count() == 1


def test_sign_in_and_sign_out_messages_are_in_welsh(client: Client, bob: User) -> None:
    signed_in = client.post(
        "/cy/accounts/login/", {"login": "bob@example.org", "password": PASSWORD}, follow=True
    )
    assert_welsh(signed_in, "Llwyddiant", "Rydych wedi mewngofnodi fel Bob.")
    signed_out = client.post("/cy/accounts/logout/", follow=True)
    assert_welsh(signed_out, "Rydych wedi allgofnodi.")
    assert "_auth_user_id" not in client.session


def test_managing_email_addresses_speaks_welsh(client: Client, bob: User) -> None:
    client.force_login(bob)
    added = client.post("/cy/accounts/email/", {"action_add": "", "email": "bob@cymru.example"}, follow=True)
    assert_welsh(added, "Anfonwyd e-bost cadarnhau at bob@cymru.example.", "Heb ei gadarnhau")
    assert mail.outbox[0].subject == "Cadarnhewch eich cyfeiriad e-bost ar gyfer VocalEyes"

    unconfirmed = client.post(
        "/cy/accounts/email/", {"action_primary": "", "email": "bob@cymru.example"}, follow=True
    )
    assert_welsh(unconfirmed, "Rhaid i chi gadarnhau cyfeiriad e-bost cyn ei wneud yn brif gyfeiriad.")
    assert EmailAddress.objects.get(email="bob@example.org").primary

    removed = client.post(
        "/cy/accounts/email/", {"action_remove": "", "email": "bob@cymru.example"}, follow=True
    )
    assert_welsh(removed, "Tynnwyd y cyfeiriad e-bost bob@cymru.example.")
    assert not EmailAddress.objects.filter(email="bob@cymru.example").exists()


def test_changing_the_password_speaks_welsh(client: Client, bob: User) -> None:
    client.force_login(bob)
    data = {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert_welsh(
        client.post("/cy/accounts/password/change/", data, follow=True), "Mae eich cyfrinair wedi'i newid."
    )
    bob.refresh_from_db()
    assert bob.check_password(NEW_PASSWORD)


@pytest.mark.parametrize(
    ("path", "english"),
    [
        ("/accounts/login/", ["Sign in", "Email", "Password", "Forgotten your password?"]),
        (
            "/accounts/signup/",
            ["Create an account", "Display name", "Your password must contain at least 8 characters."],
        ),
        ("/accounts/password/reset/", ["Reset your password", "Send the link"]),
        ("/accounts/confirm-email/", ["Confirm your email address"]),
    ],
)
def test_english_account_pages_stay_english(client: Client, path: str, english: list[str]) -> None:
    assert_english(client.get(path), *english)


def test_english_errors_stay_english(client: Client, alice: User) -> None:
    response = client.post("/accounts/login/", {"login": "alice@example.org", "password": "not-my-password"})
    assert_english(
        response, "There is a problem", "The email address and/or password you specified are not correct."
    )
    response = client.post("/accounts/signup/", {"email": "", "password1": "12345", "password2": "12345"})
    assert_english(
        response,
        "This field is required.",
        "This password is too short. It must contain at least 8 characters.",
    )


# --- Django admin for council officers -----------------------------------------------------------


def test_council_admin_is_in_welsh(client: Client, olwen: User, bob: User) -> None:
    client.force_login(olwen)
    assert_welsh(
        client.get("/cy/admin/"),
        "Gweinyddu'r safle",
        "Gweithredoedd diweddar",
        "Gweld y wefan",
        "Cyfrifon",
        english=ADMIN_ENGLISH,
    )
    assert_welsh(
        client.get("/cy/admin/vocaleyes/user/"),
        "Dewis pob gwrthrych ar y dudalen hon ar gyfer gweithred",
        "Dileu'r defnyddwyr a ddewiswyd",
        "Ewch",
        english=ADMIN_ENGLISH,
    )
    assert_welsh(
        client.get(f"/cy/admin/vocaleyes/user/{bob.pk}/change/"),
        "Ailosod cyfrinair",
        "Y grwpiau y mae'r defnyddiwr hwn yn perthyn iddynt.",
        "Daliwch “Control”, neu “Command” ar Mac",
        english=ADMIN_ENGLISH,
    )
    assert_welsh(
        client.get(f"/cy/admin/vocaleyes/user/{bob.pk}/password/"),
        "Dilysu drwy gyfrinair",
        "bydd cyfrinair presennol y defnyddiwr hwn yn cael ei golli",
        "Rhaid i'ch cyfrinair gynnwys o leiaf 8 nod.",
        english=ADMIN_ENGLISH,
    )
    assert_welsh(
        client.get(f"/cy/admin/vocaleyes/user/{bob.pk}/delete/"),
        "Ydych chi'n siŵr eich bod am ddileu'r defnyddiwr",
        "Na, ewch â fi'n ôl",
        "Crynodeb",
        english=ADMIN_ENGLISH,
    )
    assert User.objects.filter(pk=bob.pk).exists()


def test_council_admin_errors_and_confirmations_are_in_welsh(client: Client, olwen: User, bob: User) -> None:
    client.force_login(olwen)
    url = f"/cy/admin/vocaleyes/user/{bob.pk}/change/"
    refused = client.post(url, {"email": "", "display_name": "", "language": "cy"})
    assert_welsh(refused, "Cywirwch y gwallau isod.", "Mae angen y maes hwn.", english=ADMIN_ENGLISH)
    bob.refresh_from_db()
    assert bob.email == "bob@example.org"

    data = {
        "email": "bob@example.org",
        "display_name": "Bob Jones",
        "language": "cy",
        "is_active": "on",
        "date_joined_0": "22/11/2026",
        "date_joined_1": "09:00:00",
    }
    saved = client.post(url, data, follow=True)
    assert_welsh(saved, "Newidiwyd defnyddiwr “Bob Jones” yn llwyddiannus.", english=ADMIN_ENGLISH)
    bob.refresh_from_db()
    assert bob.display_name == "Bob Jones"
    history = client.get(f"/cy/admin/vocaleyes/user/{bob.pk}/history/")
    assert_welsh(history, "Newidiwyd Enw arddangos", english=ADMIN_ENGLISH)


def test_council_admin_calendar_speaks_welsh(client: Client, olwen: User) -> None:
    client.force_login(olwen)
    catalog = client.get("/cy/admin/jsi18n/").content.decode()
    for english, welsh in [
        ("January", "Ionawr"),
        ("Choose a Date", "Dewiswch ddyddiad"),
        ("Choose all %s", "Dewis yr holl %s"),
        ("Sunday", "Dydd Sul"),
    ]:
        assert f'"{english}": "{welsh}"' in catalog


# --- The catalogues themselves -------------------------------------------------------------------

VENDOR = Path(settings.BASE_DIR) / "locale" / "vendor" / "cy" / "LC_MESSAGES"
CATALOGUES = [
    VENDOR / "django.po",
    VENDOR / "djangojs.po",
    Path(settings.BASE_DIR) / "locale" / "cy" / "LC_MESSAGES" / "django.po",
]


def read_po(path: Path) -> list[dict[str, Any]]:
    """Entries of a .po file: msgctxt, msgid, msgid_plural, msgstr (list) and flags."""
    entries: list[dict[str, Any]] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry: dict[str, Any] = {"flags": [], "msgstr": []}
        key = ""
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] = [flag.strip() for flag in line[2:].split(",")]
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                if key.startswith("msgstr"):
                    entry["msgstr"][-1] += ast.literal_eval(line)
                else:
                    entry[key] += ast.literal_eval(line)
            else:
                key, _, value = line.partition(" ")
                if key.startswith("msgstr"):
                    entry["msgstr"].append(ast.literal_eval(value))
                else:
                    entry[key] = ast.literal_eval(value)
        if entry.get("msgid"):
            entries.append(entry)
    return entries


def english_catalogues() -> list[Path]:
    django_root = Path(django.__file__).parent
    return [
        Path(allauth.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po",
        *(
            django_root / part / "locale" / "en" / "LC_MESSAGES" / "django.po"
            for part in ["conf", "contrib/admin", "contrib/auth", "contrib/humanize"]
        ),
        django_root / "contrib" / "admin" / "locale" / "en" / "LC_MESSAGES" / "djangojs.po",
    ]


def compiled_msgids(path: Path) -> set[tuple[str | None, str, str | None]]:
    """The (msgctxt, msgid, None) of a compiled catalogue's singular messages: Django REST
    framework ships only .mo files, and has no plural messages."""
    with path.open("rb") as mo:
        catalog: dict[Any, str] = gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]
    known: set[tuple[str | None, str, str | None]] = set()
    for key in catalog:
        if isinstance(key, str) and key:
            ctxt, _, msgid = key.rpartition("\x04")
            known.add((ctxt or None, msgid, None))
    return known


def drf_english_catalogue() -> Path:
    return Path(rest_framework.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.mo"


def test_vendor_catalogue_only_holds_msgids_the_installed_packages_still_use() -> None:
    known = {
        (e.get("msgctxt"), e["msgid"], e.get("msgid_plural"))
        for path in english_catalogues()
        for e in read_po(path)
    } | compiled_msgids(drf_english_catalogue())
    for name in ["django.po", "djangojs.po"]:
        stale = [
            e["msgid"]
            for e in read_po(VENDOR / name)
            if (e.get("msgctxt"), e["msgid"], e.get("msgid_plural")) not in known
        ]
        assert stale == [], f"{name}: msgids no longer in django-allauth, Django or DRF: {stale}"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_catalogue_is_fully_translated_and_compiled(po: Path) -> None:
    entries = read_po(po)
    assert [e["msgid"] for e in entries if "fuzzy" in e["flags"] or not all(e["msgstr"])] == []
    assert "plural=(n==1) ? 0 : (n==2) ? 1 : (n != 8 && n != 11) ? 2 : 3;" in po.read_text(
        encoding="utf-8"
    ).replace('"\n"', "")
    with po.with_suffix(".mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for e in entries:
        ctxt, msgid, plural = e.get("msgctxt"), e["msgid"], e.get("msgid_plural")
        if plural:  # 1, 2, 3 and 8 pick the four Welsh plural forms in turn
            counts = (1, 2, 3, 8)
            if ctxt:
                compiled_forms = [compiled.npgettext(ctxt, msgid, plural, n) for n in counts]
            else:
                compiled_forms = [compiled.ngettext(msgid, plural, n) for n in counts]
        else:
            compiled_forms = [compiled.pgettext(ctxt, msgid) if ctxt else compiled.gettext(msgid)]
        assert compiled_forms == e["msgstr"], f"{po.name} is not compiled: {msgid!r}"

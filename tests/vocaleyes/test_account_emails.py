"""allauth's emails are our own words (issue 13): sentence case, in the recipient's language,
with no host name ("on 127.0.0.1:8000", "[site]") in the subject or body, only in the links."""

from __future__ import annotations

import re

import pytest
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client, RequestFactory
from django.utils import translation

from tests.conftest import PASSWORD, make_user
from vocaleyes.models import User

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-and-unusual-passphrase"
# What allauth's own templates would have said: English, title case or host names.
ALLAUTH_WORDS = ["Hello from", "Thank you for using", "You're receiving", "Please Confirm", "Password Reset"]


def without_links(body: str) -> str:
    return re.sub(r"https?://\S+", "", body)


def assert_no_host_noise(message: mail.EmailMessage) -> None:
    text = f"{message.subject}\n{without_links(str(message.body))}"
    for noise in ("testserver", "127.0.0.1", "localhost", "example.com", "[", "]", *ALLAUTH_WORDS):
        assert noise not in text, (noise, text)
    assert str(message.subject)[0].isupper()
    # Sentence case: after the first word, only the brand is capitalised.
    assert [word for word in str(message.subject).split()[1:] if word[0].isupper()] in ([], ["VocalEyes"])


def sign_up(client: Client, path: str, email: str, name: str = "Gwen") -> None:
    data = {"display_name": name, "email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    client.post(path, data)


@pytest.mark.parametrize(
    ("path", "subject", "opening"),
    [
        (
            "/accounts/signup/",
            "Confirm your email address for VocalEyes",
            "Hello Gwen,\n\nThank you for creating",
        ),
        (
            "/cy/accounts/signup/",
            "Cadarnhewch eich cyfeiriad e-bost ar gyfer VocalEyes",
            "Helo Gwen,\n\nDiolch am greu cyfrif VocalEyes.",
        ),
    ],
)
def test_the_sign_up_confirmation(client: Client, path: str, subject: str, opening: str) -> None:
    sign_up(client, path, "gwen@example.org")
    [message] = mail.outbox
    assert message.subject == subject
    assert str(message.body).startswith(opening)
    assert re.search(r"https?://\S+/accounts/confirm-email/\S+", str(message.body))
    assert_no_host_noise(message)


def test_adding_an_address_sends_the_confirmation_in_the_persons_language(client: Client, bob: User) -> None:
    client.force_login(bob)
    client.post("/accounts/email/", {"action_add": "", "email": "bob@cymru.example"})  # an English page
    [message] = mail.outbox
    assert message.subject == "Cadarnhewch eich cyfeiriad e-bost ar gyfer VocalEyes"
    assert "wedi ychwanegu'r cyfeiriad e-bost hwn at gyfrif VocalEyes" in message.body
    assert "/cy/accounts/confirm-email/" in message.body
    assert_no_host_noise(message)


@pytest.mark.parametrize(
    ("who", "subject", "words"),
    [
        ("alice", "Reset your VocalEyes password", "Hello Alice,\n\nSomeone, probably you, asked to reset"),
        ("bob", "Ailosod eich cyfrinair VocalEyes", "Helo Bob,\n\nMae rhywun, chi mae'n debyg, wedi gofyn"),
    ],
)
def test_the_password_reset_in_the_recipients_language(
    client: Client, alice: User, bob: User, who: str, subject: str, words: str
) -> None:
    person = {"alice": alice, "bob": bob}[who]
    other_language = "/cy" if person.language == "en" else ""
    client.post(f"{other_language}/accounts/password/reset/", {"email": person.email})
    [message] = mail.outbox
    assert message.subject == subject
    assert str(message.body).startswith(words)
    assert_no_host_noise(message)


@pytest.mark.parametrize(
    ("prefix", "subject", "words"),
    [
        ("", "There is no VocalEyes account for this email address", "but there is no VocalEyes account"),
        ("/cy", "Nid oes cyfrif VocalEyes ar gyfer y cyfeiriad e-bost hwn", "ond nid oes cyfrif VocalEyes"),
    ],
)
def test_an_unknown_address_hears_in_the_pages_language(
    client: Client, prefix: str, subject: str, words: str
) -> None:
    client.post(f"{prefix}/accounts/password/reset/", {"email": "nobody@example.org"})
    [message] = mail.outbox
    assert message.subject == subject
    assert words in message.body
    assert "nobody@example.org" in without_links(str(message.body))
    assert f"{prefix}/accounts/signup/" in message.body
    assert str(message.body).startswith(("Hello,\n", "Helo,\n"))
    assert_no_host_noise(message)


def test_an_account_that_already_exists_is_told_in_its_owners_language(client: Client, bob: User) -> None:
    sign_up(client, "/accounts/signup/", bob.email, name="Someone")
    [message] = mail.outbox
    assert message.subject == "Mae gennych gyfrif VocalEyes yn barod"
    assert str(message.body).startswith("Helo Bob,")  # the owner, not whoever tried
    assert "/cy/accounts/password/reset/" in message.body
    assert_no_host_noise(message)
    mail.outbox.clear()
    make_user("eve@example.org", "Eve")
    sign_up(client, "/cy/accounts/signup/", "eve@example.org", name="Someone")
    [message] = mail.outbox
    assert message.subject == "You already have a VocalEyes account"
    assert "There is already an account with it." in message.body
    assert_no_host_noise(message)


def test_the_adapter_adds_no_prefix_to_subjects(rf: RequestFactory) -> None:
    assert get_adapter(rf.get("/")).format_email_subject("Reset your VocalEyes password") == (
        "Reset your VocalEyes password"
    )


def test_unconfirmed_sign_in_resends_in_the_persons_language(client: Client) -> None:
    person = make_user("huw@example.org", "Huw", language="cy")
    EmailAddress.objects.filter(user=person).update(verified=False)
    with translation.override("en"):
        client.post("/accounts/login/", {"login": person.email, "password": PASSWORD})
    [message] = mail.outbox
    assert message.subject == "Cadarnhewch eich cyfeiriad e-bost ar gyfer VocalEyes"
    assert_no_host_noise(message)

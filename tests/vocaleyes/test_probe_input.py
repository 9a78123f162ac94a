"""Probe findings on input (issue 14): NUL bytes in paths and queries, email subjects and
display names, role words in names, CSV cells for semicolon locales."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from conversations import exports
from conversations.models import Conversation
from conversations.services import ideas as ideas_services
from tests.conversations.conftest import make_idea
from timecredits import services as timecredit_services
from timecredits.models import Account
from vocaleyes.csv_cells import safe_cell
from vocaleyes.emails import render_subject
from vocaleyes.forms import ProfileForm, SignupForm
from vocaleyes.models import Organisation, OrganisationRole, User

pytestmark = pytest.mark.django_db


# 4. NUL bytes: PostgreSQL refuses them in text (500); SQLite takes them. Both must answer the
# same, before any query holds one. ------------------------------------------------------


class NulWatcher:
    """Records whether any query's parameters held a NUL (what PostgreSQL refuses)."""

    def __init__(self) -> None:
        self.seen = False

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.seen = self.seen or any(isinstance(value, str) and "\x00" in value for value in params or ())
        return execute(sql, params, many, context)


@contextmanager
def watching_for_nul() -> Iterator[NulWatcher]:
    watcher = NulWatcher()
    with connection.execute_wrapper(watcher):
        yield watcher


@pytest.mark.parametrize(
    "path",
    [
        "/time-credits/receipts/%00/",
        "/time-credits/accounts/AB%00C/",
        "/time-credits/accounts/AB%00C/statement.csv",
        "/cy/time-credits/receipts/a%01b/",
        "/conversations/well%00being/",
    ],
)
def test_a_control_character_in_the_path_is_a_page_not_found(client: Client, alice: User, path: str) -> None:
    client.force_login(alice)
    with watching_for_nul() as watcher:
        response = client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode() or "Heb ddod o hyd" in response.content.decode()
    assert not watcher.seen


@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        ("", "contains a character that is not allowed (a null character)"),
        ("/cy", "yn cynnwys nod nad yw&#x27;n cael ei ganiatáu (nod nwl)"),
    ],
)
def test_a_nul_in_a_query_value_is_a_bad_request_in_the_persons_language(
    client: Client, conversation: Conversation, alice: User, prefix: str, message: str
) -> None:
    with watching_for_nul() as watcher:
        response = client.get(f"{prefix}/conversations/{conversation.slug}/", {"q": "bench\x00es"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not watcher.seen


def test_a_nul_in_a_form_field_is_a_bad_request(
    client: Client, conversation: Conversation, alice: User
) -> None:
    client.force_login(alice)
    response = client.post(
        f"/conversations/{conversation.slug}/ideas/new/", {"title": "Bench\x00es", "body": "By the sea."}
    )
    assert response.status_code == 400
    assert "a null character" in response.content.decode()
    assert not conversation.ideas.exists()


def test_tabs_and_new_lines_in_form_values_are_still_accepted(
    client: Client, conversation: Conversation
) -> None:
    response = client.get(f"/conversations/{conversation.slug}/", {"q": "bench\tes"})
    assert response.status_code == 200


# 9. CSV exports for semicolon locales -------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_the_action_list_csv_defuses_a_formula_after_a_semicolon(
    conversation: Conversation, alice: User, start: str
) -> None:
    make_idea(conversation, alice, title=f"Benches;{start}HYPERLINK(1)")
    make_idea(conversation, alice, title="Benches; then bins")
    rows = list(csv.reader(io.StringIO("".join(exports.iter_csv(conversation)).lstrip("\ufeff"))))
    titles = {row[1] for row in rows[1:]}
    # Split at every ";" as a semicolon-separated spreadsheet would: no piece starts a formula.
    assert titles == {f"'Benches;'{start}HYPERLINK(1)", "Benches; then bins"}


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("a; =1+1", "a; =1+1"),  # a space after the semicolon: the cell starts with a space
        ("thanks;=cmd|' /C calc'!A0", "'thanks;'=cmd|' /C calc'!A0"),
        ("x;+1;-2;@SUM(A1)", "'x;'+1;'-2;'@SUM(A1)"),
        ("=1", "'=1"),
        ("plain; text", "plain; text"),
    ],
)
def test_the_statement_csv_defuses_a_formula_after_a_semicolon(typed: str, written: str) -> None:
    assert safe_cell(typed) == written


# 5. Email subjects are plain text on one line; display names are what they look like. ----


def test_a_gift_subject_is_unescaped_and_one_line_even_for_an_old_name_with_a_line_break(
    alice: User, bob: User, fran: User, organisation: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    issuer = timecredit_services.account_open_for_organisation(
        organisation=organisation, kind=Account.Kind.ISSUING
    )
    assert issuer.pk
    # Names saved before names were checked can still hold a line break.
    User.objects.filter(pk=bob.pk).update(display_name="O'Brien & Co\nCyf", language="en")
    bob.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        timecredit_services.credits_earn(
            organisation=organisation,
            person=bob,
            minutes=60,
            recorded_by=fran,
            memo="Panel",
            idempotency_key="e",
        )
        timecredit_services.credits_gift(
            sender=bob, recipient=alice, minutes=30, message="Diolch", idempotency_key="g"
        )
    gift = mail.outbox[-1]
    assert gift.to == ["alice@example.org"]
    assert gift.subject == "O'Brien & Co Cyf has given you 30 minutes of time credits"


def test_every_subject_template_renders_unescaped_on_one_line() -> None:
    name = "Trwsio'r maes & y ffens\nar unwaith"
    thing = SimpleNamespace(name=name, title=name)
    context = {"group": thing, "idea": thing, "sender_name": name, "amount": "1 hour", "is_idea": True}
    templates = sorted(
        str(path.relative_to(path.parents[2]))
        for path in Path(settings.BASE_DIR).glob("*/templates/*/email/*_subject.txt")
    )
    assert "conversations/email/hours_claim_subject.txt" in templates
    for template in templates:
        subject = render_subject(template, context)
        assert "\n" not in subject and "&#x27;" not in subject and "&amp;" not in subject, template
    claim = render_subject("conversations/email/hours_claim_subject.txt", context)
    assert claim == "Claim your time credits for helping “Trwsio'r maes & y ffens ar unwaith”"


HIDDEN = [
    "Sian\nJones",
    "Sian\x07",
    "Sian\u202ereneS",  # right-to-left override
    "Sian\u2066x\u2069",  # isolate
    "Si\u200ban",  # zero-width space
    "Si\u200dan",
    "Si\u2060an",
    "\ufeffSian",
]


@pytest.mark.parametrize("name", HIDDEN)
def test_display_names_refuse_hidden_and_direction_characters(alice: User, name: str) -> None:
    profile = ProfileForm({"display_name": name, "language": "en"}, instance=alice)
    signup = SignupForm({"display_name": name})
    message = "Display name must not include line breaks, hidden characters"
    assert not profile.is_valid() and message in profile.errors["display_name"][0]
    assert not signup.is_valid() and message in signup.errors["display_name"][0]
    alice.refresh_from_db()
    assert alice.display_name == "Alice"


def test_a_refused_name_is_explained_in_welsh(alice: User) -> None:
    with translation.override("cy"):
        form = ProfileForm({"display_name": "Si\u200ban", "language": "cy"}, instance=alice)
        assert not form.is_valid()
        assert "Rhaid i'r enw arddangos beidio â chynnwys toriadau llinell" in form.errors["display_name"][0]


def test_ordinary_welsh_and_accented_names_are_accepted(alice: User) -> None:
    for name in ("Siân ap Dafydd", "Gwenllïan O'Brien-Ŵyn", "Zoë"):
        assert ProfileForm({"display_name": name, "language": "en"}, instance=alice).is_valid(), name


def test_the_admin_refuses_a_hidden_character_in_a_display_name(client: Client, alice: User) -> None:
    officer = User.objects.create_superuser("officer@example.org", "pw", display_name="Ofydd")
    client.force_login(officer)
    response = client.post(
        f"/admin/vocaleyes/user/{alice.pk}/change/",
        {"email": alice.email, "display_name": "Ali\u202ece", "language": "en", "is_active": "on"},
    )
    assert "Display name must not include line breaks" in response.content.decode()
    alice.refresh_from_db()
    assert alice.display_name == "Alice"


# 7. Names do not claim a role; the role is shown from what the person is. -----------------

ROLE_MESSAGE = "Display name must not include a word for a role"


@pytest.mark.parametrize(
    "name",
    [
        "Sian (council officer)",
        "Dafydd (Facilitator)",
        "STAFF member",
        "Site admin",
        "Councillor Jones",
        "VocalEyes team",
        "Moderator",
        "Sian (swyddog)",
        "Dafydd, hwylusydd",
        "Cynghorydd Jones",
        "Gweinyddwr",
        "Cymedrolwr y wefan",
        "Sian o'r Cyngor",
        "Sian o Gyngor Abertawe",
    ],
)
def test_display_names_refuse_role_words_in_english_and_welsh(alice: User, name: str) -> None:
    profile = ProfileForm({"display_name": name, "language": "en"}, instance=alice)
    signup = SignupForm({"display_name": name})
    assert not profile.is_valid() and ROLE_MESSAGE in profile.errors["display_name"][0]
    assert not signup.is_valid() and ROLE_MESSAGE in signup.errors["display_name"][0]


@pytest.mark.parametrize("name", ["Stafford Jones", "Adminah", "Cyngorwen", "Officerton", "Staffan"])
def test_role_words_are_refused_only_as_whole_words(alice: User, name: str) -> None:
    assert ProfileForm({"display_name": name, "language": "en"}, instance=alice).is_valid()


def test_a_role_word_refusal_is_explained_in_welsh(alice: User) -> None:
    with translation.override("cy"):
        form = ProfileForm({"display_name": "Sian (swyddog)", "language": "cy"}, instance=alice)
        assert not form.is_valid()
        assert "Rhaid i'r enw arddangos beidio â chynnwys gair am rôl" in form.errors["display_name"][0]


def test_the_demo_people_have_names_without_roles() -> None:
    call_command("load_demo", stdout=io.StringIO())
    for person in User.objects.filter(email__endswith="@demo.vocaleyes.cymru"):
        person.full_clean()  # the model's validators: no role words
    assert User.objects.get(email="officer@demo.vocaleyes.cymru").display_name == "Sian Price"


def _badges(html: str) -> list[tuple[str, str]]:
    """(name, badge) for each comment's or card's byline that carries a role badge."""
    return re.findall(r"<strong>([^<]+)</strong> <strong class=\"govuk-tag[^\"]*\">([^<]+)</strong>", html)


def test_badges_come_from_the_role_not_the_name_with_no_query_per_comment(
    client: Client, conversation: Conversation, alice: User, fran: User
) -> None:
    officer = User.objects.create_user("officer@example.org", display_name="Sian Price", is_staff=True)
    # A name saved before role words were refused claims a role it does not have.
    User.objects.filter(pk=alice.pk).update(display_name="Alys (council officer)")
    idea = make_idea(conversation, fran, title="Benches by the sea")
    page = f"/conversations/{conversation.slug}/ideas/{idea.pk}/"
    ideas_services.comment_create(idea=idea, author=alice, body="Yes please.")
    with CaptureQueriesContext(connection) as one_comment:
        client.get(page)
    for n, person in enumerate((officer, fran, alice, officer)):
        ideas_services.comment_create(idea=idea, author=person, body=f"Comment {n}")
    with CaptureQueriesContext(connection) as five_comments:
        html = client.get(page).content.decode()
    assert len(five_comments.captured_queries) == len(one_comment.captured_queries)
    assert sorted(set(_badges(html))) == [("Fran", "Facilitator"), ("Sian Price", "Council officer")]
    # The idea's byline: Fran facilitates for the conversation's organisation.
    assert re.search(
        r"Posted by Fran on [^<]+ <strong class=\"govuk-tag govuk-tag--green\">Facilitator</strong>", html
    )
    listing = client.get(f"/conversations/{conversation.slug}/").content.decode()
    assert "Facilitator</strong>" in listing
    with translation.override("cy"):
        welsh = client.get(f"/cy/conversations/{conversation.slug}/ideas/{idea.pk}/").content.decode()
    assert "Swyddog y cyngor</strong>" in welsh and "Hwylusydd</strong>" in welsh


def test_a_facilitator_of_another_organisation_has_no_badge(
    client: Client, conversation: Conversation, alice: User
) -> None:
    other = Organisation.objects.create(slug="elsewhere", name_en="Elsewhere", name_cy="Rhywle arall")
    OrganisationRole.objects.create(organisation=other, user=alice)
    idea = make_idea(conversation, alice, title="Benches by the sea")
    ideas_services.comment_create(idea=idea, author=alice, body="Yes please.")
    html = client.get(f"/conversations/{conversation.slug}/ideas/{idea.pk}/").content.decode()
    assert 'govuk-tag--green">Facilitator' not in html

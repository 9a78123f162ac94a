"""Moderation emails say how to reach the organisation running the conversation (issue 13)."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings

from conversations import services
from conversations.models import Comment, Conversation, Idea
from tests.conftest import make_user
from tests.conversations.conftest import make_idea
from tests.conversations.moderation import report
from vocaleyes.models import Organisation, User


@pytest.fixture
def contactable(organisation: Organisation) -> Organisation:
    organisation.contact_email = "moderation@swansea.example.gov.uk"
    organisation.contact_phone = "01792 636000"
    organisation.save()
    return organisation


def hide(item: Idea | Comment, officer: User, capture: Any) -> None:
    with capture(execute=True):
        services.content_hide(item=item, officer=officer, reason="It names a neighbour.")


def test_the_hidden_email_gives_the_organisations_contact(
    contactable: Organisation,
    conversation: Conversation,
    alice: User,
    olwen: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    hide(make_idea(conversation, alice), olwen, django_capture_on_commit_callbacks)
    (email,) = mail.outbox
    assert "please contact Swansea Council, who run the conversation:" in email.body
    assert "Email: moderation@swansea.example.gov.uk" in email.body
    assert "Telephone: 01792 636000" in email.body
    assert "Web page:" not in email.body  # only what the organisation gave


def test_the_hidden_email_gives_the_contact_in_welsh(
    contactable: Organisation,
    conversation: Conversation,
    bob: User,
    olwen: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    hide(make_idea(conversation, bob), olwen, django_capture_on_commit_callbacks)
    (email,) = mail.outbox
    assert "cysylltwch â Cyngor Abertawe, sy'n rhedeg y sgwrs:" in email.body
    assert "E-bost: moderation@swansea.example.gov.uk" in email.body
    assert "Ffôn: 01792 636000" in email.body


@override_settings(CONTACT_EMAIL="help@vocaleyes.example")
def test_without_an_organisation_contact_the_email_gives_the_services(
    conversation: Conversation, alice: User, olwen: User, django_capture_on_commit_callbacks
) -> None:
    hide(make_idea(conversation, alice), olwen, django_capture_on_commit_callbacks)
    (email,) = mail.outbox
    assert "please email help@vocaleyes.example and we will pass your message on to" in email.body


def test_the_held_for_review_email_gives_the_contact(
    contactable: Organisation, conversation: Conversation, alice: User, django_capture_on_commit_callbacks
) -> None:
    conversation.report_threshold = 1
    conversation.save()
    idea = make_idea(conversation, alice)
    with django_capture_on_commit_callbacks(execute=True):
        report(idea, [make_user("dai@example.org", "Dai")])
    (email,) = mail.outbox
    assert "Your idea is waiting for review" in email.subject
    assert "If you have a question, please contact Swansea Council" in email.body
    assert "Email: moderation@swansea.example.gov.uk" in email.body


@override_settings(CONTACT_EMAIL="help@vocaleyes.example")
def test_the_suspension_email_says_where_to_write(
    alice: User, olwen: User, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.user_suspend(person=alice, officer=olwen, reason="Spam.")
    (email,) = mail.outbox
    assert "If you think this is a mistake, please email help@vocaleyes.example." in email.body


def test_an_organisations_contact_lists_what_it_gave(organisation: Organisation) -> None:
    assert organisation.contact == []
    organisation.contact_url = "https://swansea.example.gov.uk/contact"
    assert organisation.contact == ["https://swansea.example.gov.uk/contact"]


@pytest.mark.django_db
def test_the_demo_organisations_have_contacts() -> None:
    call_command("load_demo", stdout=StringIO())
    board = Organisation.objects.get(slug="swansea-bay-wellbeing-board")
    assert board.contact_email == "moderation@swansea-bay-psb.example.gov.uk"
    Organisation.objects.filter(pk=board.pk).update(contact_email="", contact_phone="")
    call_command("load_demo", stdout=StringIO())  # a database loaded before contacts existed
    board.refresh_from_db()
    assert board.contact == ["moderation@swansea-bay-psb.example.gov.uk", "01792 636000"]


def test_an_officer_gives_an_organisations_contact_in_the_admin(client: Client, olwen: User) -> None:
    client.force_login(olwen)
    welsh_form = client.get("/cy/admin/vocaleyes/organisation/add/").content.decode()
    assert "Cyfeiriad e-bost cyswllt" in welsh_form
    assert "Rhif ffôn cyswllt" in welsh_form
    response = client.post(
        "/admin/vocaleyes/organisation/add/",
        {
            "name_en": "Gwynedd Council",
            "slug": "gwynedd",
            "kind": Organisation.Kind.LOCAL_AUTHORITY,
            "level": Organisation.Level.LOCAL,
            "contact_email": "cymedroli@gwynedd.example.gov.uk",
            "contact_url": "https://gwynedd.example.gov.uk/cysylltu",
            "roles-TOTAL_FORMS": "0",
            "roles-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    gwynedd = Organisation.objects.get(slug="gwynedd")
    assert gwynedd.contact == ["cymedroli@gwynedd.example.gov.uk", "https://gwynedd.example.gov.uk/cysylltu"]

"""``vocaleyes.db.CompiledQuery``: the same answers as the queryset it was compiled from, in one
query, and the two places that use it (the rating's idea lookup, the signed-in person)."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.contrib.auth import get_user
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conversations.models import ContentStatus, Conversation, Idea
from tests.conversations.conftest import make_idea
from vocaleyes.backends import AuthenticationBackend, ModelBackend
from vocaleyes.db import CompiledQuery
from vocaleyes.models import User

pytestmark = pytest.mark.django_db

VISIBLE_IDEA = CompiledQuery(
    lambda pk, slug: (
        Idea.objects.visible()
        .select_related("conversation")
        .only("title", "author_id", "conversation__slug", "conversation__rating_open")
        .filter(pk=pk, conversation__slug=slug)
    ),
    int,
    str,
)


def test_it_answers_like_the_queryset_in_one_query(conversation: Conversation, alice: User) -> None:
    idea = make_idea(conversation, alice, title="A bus to the beach")
    with CaptureQueriesContext(connection) as queries:
        found = VISIBLE_IDEA.first(idea.pk, conversation.slug)
        assert found is not None
        assert (found.pk, found.title, found.author_id) == (idea.pk, "A bus to the beach", alice.pk)
        assert found.conversation.slug == conversation.slug
        assert found.conversation.rating_open is True
    assert len(queries) == 1


def test_a_column_not_selected_loads_when_read(conversation: Conversation, alice: User) -> None:
    idea = make_idea(conversation, alice, body="Twice a day in summer")
    found = VISIBLE_IDEA.first(idea.pk, conversation.slug)
    assert found is not None
    with CaptureQueriesContext(connection) as queries:
        assert found.body == "Twice a day in summer"
    assert len(queries) == 1


def test_the_visibility_rule_still_comes_from_the_queryset(conversation: Conversation, alice: User) -> None:
    hidden, pending, visible = (make_idea(conversation, alice, title=f"Idea {n}") for n in range(3))
    Idea.objects.filter(pk=hidden.pk).update(status=ContentStatus.HIDDEN)
    Idea.objects.filter(pk=pending.pk).update(status=ContentStatus.PENDING)
    assert VISIBLE_IDEA.first(hidden.pk, conversation.slug) is None
    assert VISIBLE_IDEA.first(pending.pk, conversation.slug) is None
    assert VISIBLE_IDEA.first(visible.pk, "another-conversation") is None
    assert VISIBLE_IDEA.first(visible.pk + 1000, conversation.slug) is None


def test_values_pass_through_the_database_converters(alice: User) -> None:
    backend = ModelBackend()
    found = backend.get_user(alice.pk)
    assert found == alice
    # On SQLite the column is text; the ORM's converter makes it an aware datetime.
    assert isinstance(found.date_joined, datetime) and found.date_joined.tzinfo is not None
    assert found.date_joined == User.objects.get(pk=alice.pk).date_joined
    assert found.check_password("correct-horse-battery-staple")


def test_a_marker_missing_from_the_sql_is_refused(alice: User) -> None:
    query = CompiledQuery(lambda pk: User.objects.filter(pk=alice.pk), int)
    with pytest.raises(ValueError, match="Every marker"):
        query.first(alice.pk)


def test_parameters_are_ints_or_strings() -> None:
    with pytest.raises(TypeError, match="int or str"):
        CompiledQuery(lambda moment: User.objects.filter(date_joined=moment), datetime)


@pytest.mark.parametrize("backend", [ModelBackend(), AuthenticationBackend()])
def test_the_backends_refuse_closed_and_unknown_accounts(backend: ModelBackend, alice: User) -> None:
    assert backend.get_user(alice.pk) == alice
    assert backend.get_user(alice.pk + 1000) is None
    User.objects.filter(pk=alice.pk).update(is_active=False)
    assert backend.get_user(alice.pk) is None


def test_a_signed_in_request_finds_its_person(client: Client, alice: User) -> None:
    client.force_login(alice)
    response = client.get("/accounts/email/")
    assert response.status_code == 200
    assert response.wsgi_request.user == alice
    assert get_user(response.wsgi_request) == alice

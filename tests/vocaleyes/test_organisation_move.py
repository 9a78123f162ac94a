"""Organisations and their roles moved from ``conversations`` to ``vocaleyes`` (vocaleyes 0003,
conversations 0010, timecredits 0003): a database holding data keeps every row and reference."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from conversations.models import Conversation
from timecredits.models import Account
from vocaleyes.models import Organisation, OrganisationRole

BEFORE_THE_MOVE = [
    ("vocaleyes", "0002_user_suspension"),
    ("conversations", "0009_comment_top_level_index"),
    ("timecredits", "0002_ledger_triggers"),
]


def _migrate(targets: list[tuple[str, str]] | None = None) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor


@pytest.mark.django_db(transaction=True)
def test_the_move_keeps_organisations_roles_and_every_reference_to_them() -> None:
    executor = _migrate(BEFORE_THE_MOVE)
    old = executor.loader.project_state(BEFORE_THE_MOVE).apps
    person = old.get_model("vocaleyes", "User").objects.create(
        email="fran@example.org", display_name="Fran", password="!"
    )
    council = old.get_model("conversations", "Organisation").objects.create(
        name_en="Cardiff Council", name_cy="Cyngor Caerdydd", slug="cardiff", kind="local_authority"
    )
    old.get_model("conversations", "OrganisationRole").objects.create(
        organisation=council, user=person, role="facilitator"
    )
    old.get_model("conversations", "Conversation").objects.create(
        organisation=council, title_en="Parks", slug="parks", status="open"
    )
    old.get_model("timecredits", "Account").objects.create(
        kind="issuing", organisation=council, number="ORG-0000001"
    )
    old_type = ContentType.objects.get_or_create(app_label="conversations", model="organisation")[0]

    _migrate()

    moved = Organisation.objects.get(slug="cardiff")
    assert (moved.pk, moved.name_en, moved.name_cy) == (council.pk, "Cardiff Council", "Cyngor Caerdydd")
    assert list(OrganisationRole.objects.values_list("organisation__slug", "user__email", "role")) == [
        ("cardiff", "fran@example.org", "facilitator")
    ]
    assert Conversation.objects.get(slug="parks").organisation == moved
    assert Account.objects.get(number="ORG-0000001").organisation == moved
    # Admin history and permissions follow the model: the same content type, now in vocaleyes.
    old_type.refresh_from_db()
    assert (old_type.app_label, old_type.model) == ("vocaleyes", "organisation")
    assert not ContentType.objects.filter(app_label="conversations", model="organisation").exists()

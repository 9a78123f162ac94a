from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from conversations.models import Conversation
from vocaleyes.models import Heartbeat, Organisation, OrganisationRole, User
from vocaleyes.tasks import heartbeat


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client: Client) -> None:
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    if settings.REDIS_URL:
        assert body["broker"]["status"] == "ok"
    else:
        assert body["broker"]["status"] == "not configured"
        assert body["worker"]["status"] == "in-process"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_background_task_runs_and_writes_to_the_database() -> None:
    """Eager without a broker; with REDIS_URL (CI) this goes through Redis to the real worker."""
    result = heartbeat.delay("ci-probe")
    stamp = result.get(timeout=60)
    beat = Heartbeat.objects.get(name="ci-probe")
    assert beat.beat_at.isoformat() == stamp


@pytest.mark.django_db
def test_load_demo_is_idempotent() -> None:
    call_command("load_demo")
    counts = (
        User.objects.count(),
        Organisation.objects.count(),
        Conversation.objects.count(),
        OrganisationRole.objects.count(),
    )
    password_hashes = sorted(User.objects.values_list("password", flat=True))
    call_command("load_demo")
    assert counts == (3, 3, 3, 2)
    assert (
        User.objects.count(),
        Organisation.objects.count(),
        Conversation.objects.count(),
        OrganisationRole.objects.count(),
    ) == counts
    assert sorted(User.objects.values_list("password", flat=True)) == password_hashes
    officer = User.objects.get(email="officer@demo.vocaleyes.cymru")
    assert officer.is_staff and officer.is_superuser
    assert Conversation.objects.listed().open().filter(slug="swansea-wellbeing").exists()


@pytest.mark.django_db
def test_demo_officer_reaches_the_admin_and_the_resident_does_not(client: Client) -> None:
    call_command("load_demo")
    client.force_login(User.objects.get(email="resident@demo.vocaleyes.cymru"))
    assert client.get("/admin/").status_code == 302
    client.force_login(User.objects.get(email="officer@demo.vocaleyes.cymru"))
    page = client.get("/admin/conversations/conversation/?q=Swansea").content.decode()
    assert "What would make life better in Swansea?" in page

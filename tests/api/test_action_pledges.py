"""Pledging, withdrawing and listing your pledges through the API: the pledge service's rules
(binding, withdrawing), the database after each request, and the pledge rate limit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from conversations import services
from conversations.models import HoursGiven, Pledge
from tests.conftest import clear_cache
from timecredits.models import Account
from timecredits.services import account_open_for_organisation
from vocaleyes.models import User

from .action_world import World, world

pytestmark = pytest.mark.django_db

__all__ = ["world"]


def person(email: str) -> User:
    return User.objects.get(email=email)


def pledge_url(world: World) -> str:
    return f"/api/v1/action-groups/{world.group.pk}/pledges/"


def test_a_conditional_pledge_waits_then_binds_when_enough_others_pledge(
    world: World, api_client: Callable[[str], APIClient]
) -> None:
    day = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = api_client("other_resident").post(
        pledge_url(world),
        {"kind": "skill", "description": "First aid", "threshold": 3, "deadline": day},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["status_label"], body["threshold"]) == ("open", "Waiting for others", 3)
    pledge = Pledge.objects.get(pk=body["id"])
    assert pledge.person == person("gwen@example.org") and pledge.status == Pledge.Status.OPEN
    assert timezone.localtime(pledge.deadline).date().isoformat() == day  # the end of that day
    assert body["can_withdraw"] is True

    # Alice and Sam count already; Fran's pledge is the third other person: Gwen's binds.
    fran = api_client("facilitator").post(pledge_url(world), {"kind": "hours", "hours": 2}, format="json")
    assert fran.status_code == 201 and fran.json()["status"] == "bound"
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.BOUND and pledge.bound_at is not None
    mine = api_client("other_resident").get("/api/v1/me/pledges/").json()["results"]
    assert [(item["id"], item["status"], item["can_withdraw"]) for item in mine] == [
        (pledge.pk, "bound", False)
    ]


def test_a_pledge_of_time_without_time_is_refused_and_nothing_is_written(
    world: World, api_client: Callable[[str], APIClient]
) -> None:
    before = Pledge.objects.count()
    response = api_client("other_resident").post(pledge_url(world), {"kind": "hours"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["fields"] == {
        "hours": ["Enter how much time, in hours and minutes."]
    }
    assert Pledge.objects.count() == before


def test_a_stopped_group_refuses_with_the_pages_reason(
    world: World, api_client: Callable[[str], APIClient]
) -> None:
    response = api_client("resident").post(
        f"/api/v1/action-groups/{world.stopped.pk}/pledges/", {"kind": "hours", "hours": 1}, format="json"
    )
    assert response.status_code == 403
    assert response.json() == {
        "detail": "This action group is not taking pledges.",
        "code": "forbidden",
        "fields": {},
    }
    assert not Pledge.objects.filter(group=world.stopped).exists()


def test_a_suspended_person_reads_but_cannot_pledge_or_withdraw(
    world: World, api_client: Callable[[str], APIClient]
) -> None:
    client = api_client("suspended")
    refused = client.post(pledge_url(world), {"kind": "hours", "hours": 1}, format="json")
    assert refused.status_code == 403 and "suspended" in refused.json()["detail"]
    assert client.post(f"/api/v1/pledges/{world.sam_pledge.pk}/withdraw/").status_code == 403
    world.sam_pledge.refresh_from_db()
    assert world.sam_pledge.status == Pledge.Status.BOUND
    mine = client.get("/api/v1/me/pledges/").json()["results"]
    assert [(item["id"], item["can_withdraw"]) for item in mine] == [(world.sam_pledge.pk, False)]
    assert Pledge.objects.filter(person__email="sam@example.org").count() == 1


def test_withdrawing_keeps_the_pledge_as_withdrawn_and_only_once(
    world: World, api_client: Callable[[str], APIClient]
) -> None:
    client = api_client("resident")
    url = f"/api/v1/pledges/{world.alice_pledge.pk}/withdraw/"
    response = client.post(url)
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    world.alice_pledge.refresh_from_db()
    assert world.alice_pledge.status == Pledge.Status.WITHDRAWN and world.alice_pledge.withdrawn_at
    again = client.post(url, HTTP_ACCEPT_LANGUAGE="cy")
    assert again.status_code == 409  # not in a state to be withdrawn: nothing to correct in the request
    assert again.json() == {
        "detail": "Ni ellir tynnu'r addewid hwn yn ôl mwyach.",
        "code": "conflict",
        "fields": {},
    }
    # Withdrawn, it stops counting: the group's page shows one pledge counted on, Sam's.
    group = client.get(f"/api/v1/action-groups/{world.group.pk}/").json()
    assert group["pledges"]["bound"] == 1 and group["your_pledges"] == []
    listed = client.get("/api/v1/me/pledges/?status=withdrawn").json()["results"]
    assert [item["id"] for item in listed] == [world.alice_pledge.pk]


def test_someone_elses_pledge_is_not_found_and_stays(
    world: World, api_client: Callable[[str], APIClient]
) -> None:
    for actor in ("other_resident", "facilitator", "officer"):
        response = api_client(actor).post(f"/api/v1/pledges/{world.alice_pledge.pk}/withdraw/")
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    world.alice_pledge.refresh_from_db()
    assert world.alice_pledge.status == Pledge.Status.BOUND


def test_a_bound_conditional_pledge_and_one_with_hours_given_stay(
    world: World, api_client: Callable[[str], APIClient]
) -> None:
    gwen = person("gwen@example.org")
    conditional = services.pledge_create(
        person=gwen,
        group=world.group,
        kind=Pledge.Kind.RESOURCE,
        description="A van",
        threshold=1,
        deadline=timezone.now() + timedelta(days=3),
    )
    assert conditional.status == Pledge.Status.BOUND
    response = api_client("other_resident").post(f"/api/v1/pledges/{conditional.pk}/withdraw/")
    assert response.status_code == 409
    assert response.json()["detail"].startswith("This pledge has bound")

    account_open_for_organisation(organisation=world.conversation.organisation, kind=Account.Kind.ISSUING)
    services.pledge_hours_confirm(
        pledge=world.alice_pledge,
        minutes=60,
        given_on=timezone.localdate(),
        by=person("fran@example.org"),
        idempotency_key="api-test",
    )
    mine = api_client("resident").get("/api/v1/me/pledges/").json()["results"]
    assert [(item["hours_given_minutes"], item["can_withdraw"]) for item in mine] == [(60, False)]
    refused = api_client("resident").post(f"/api/v1/pledges/{world.alice_pledge.pk}/withdraw/")
    assert refused.status_code == 409 and "Hours have been given" in refused.json()["detail"]
    assert Pledge.objects.filter(status=Pledge.Status.WITHDRAWN).count() == 0
    assert HoursGiven.objects.count() == 1


@pytest.fixture
def one_pledge_an_hour() -> Iterator[None]:
    clear_cache()
    with override_settings(VOCALEYES_RATE_LIMITS={"pledge": "1/h"}, VOCALEYES_RATE_LIMITS_PER_IP={}):
        yield
    clear_cache()


def test_over_the_pledge_limit_the_answer_is_429_and_nothing_is_written(
    world: World, api_client: Callable[[str], APIClient], one_pledge_an_hour: None
) -> None:
    client = api_client("other_resident")
    first = client.post(pledge_url(world), {"kind": "hours", "hours": 1}, format="json")
    assert first.status_code == 201
    second = client.post(
        f"/api/v1/action-groups/{world.draft.pk}/pledges/", {"kind": "hours", "hours": 1}, format="json"
    )
    assert second.status_code == 429 and int(second["Retry-After"]) > 0
    assert second.json()["code"] == "throttled"
    assert second.json()["detail"].startswith("You have made a lot of pledges in a short time.")
    welsh = client.post(
        pledge_url(world), {"kind": "hours", "hours": 1}, format="json", HTTP_ACCEPT_LANGUAGE="cy"
    )
    assert welsh.status_code == 429
    assert welsh.json()["detail"].startswith("Rydych wedi gwneud llawer o addewidion mewn amser byr.")
    assert Pledge.objects.filter(person__email="gwen@example.org").count() == 1
    # Reads are never counted, and another person has their own budget.
    assert client.get("/api/v1/me/pledges/").status_code == 200
    other = api_client("facilitator").post(pledge_url(world), {"kind": "hours", "hours": 1}, format="json")
    assert other.status_code == 201

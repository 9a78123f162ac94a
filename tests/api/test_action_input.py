"""What a pledge's body may hold: script and SQL are text, stored and returned as typed; a
malformed, wrongly typed or oversized body is a 400 naming the field at fault, in the language
asked for, and writes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from conversations import services
from conversations.models import ActionGroup, Pledge
from tests.conversations.test_xss import BODY, COMMENT, NOTE, TITLE

from .action_world import World, world

pytestmark = pytest.mark.django_db

__all__ = ["world"]

SQL = "'; DROP TABLE conversations_pledge; -- \" OR 1=1 --"
PAYLOADS = [TITLE, BODY, COMMENT, NOTE, SQL]


def pledge_url(world: World) -> str:
    return f"/api/v1/action-groups/{world.group.pk}/pledges/"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_script_and_sql_in_a_description_are_stored_and_returned_as_text(
    world: World, api_client: Callable[[str], APIClient], payload: str
) -> None:
    client = api_client("other_resident")
    response = client.post(pledge_url(world), {"kind": "skill", "description": payload}, format="json")
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json"
    assert response.json()["description"] == payload
    assert Pledge.objects.get(pk=response.json()["id"]).description == payload
    mine = client.get("/api/v1/me/pledges/").json()["results"]
    assert [item["description"] for item in mine] == [payload]
    assert Pledge.objects.count() == 3  # the table is still there, with every pledge in it


@pytest.mark.parametrize("payload", PAYLOADS)
def test_script_and_sql_in_the_other_fields_are_refused_as_values(
    world: World, api_client: Callable[[str], APIClient], payload: str
) -> None:
    client = api_client("other_resident")
    bodies: list[tuple[dict[str, Any], str]] = [
        ({"kind": payload, "hours": 1}, "kind"),
        ({"kind": "hours", "hours": payload}, "hours"),
        ({"kind": "hours", "hours": 1, "minutes": payload}, "minutes"),
        ({"kind": "hours", "hours": 1, "threshold": payload, "deadline": "2099-01-01"}, "threshold"),
        ({"kind": "hours", "hours": 1, "threshold": 2, "deadline": payload}, "deadline"),
    ]
    for body, field in bodies:
        response = client.post(pledge_url(world), body, format="json")
        assert response.status_code == 400, body
        assert response.json()["code"] == "invalid" and field in response.json()["fields"], body
    assert Pledge.objects.count() == 2


def test_names_and_purposes_are_returned_as_typed(
    world: World, api_client: Callable[[str], APIClient]
) -> None:
    group = ActionGroup.objects.get(pk=world.group.pk)
    services.action_group_edit(
        by=group.created_by,
        group=group,
        name_en=TITLE,
        name_cy=SQL,
        purpose_en=BODY,
        purpose_cy=COMMENT,
        budget_project=None,
    )
    body = api_client("anonymous").get(f"/api/v1/action-groups/{group.pk}/").json()
    assert (body["name_en"], body["name_cy"], body["purpose_en"], body["purpose_cy"]) == (
        TITLE,
        SQL,
        BODY,
        COMMENT,
    )


DATE_AS = "Enter the date as year-month-day, like 2027-05-31."
DATE_AS_CY = "Rhowch y dyddiad fel blwyddyn-mis-diwrnod, er enghraifft 2027-05-31."
ONE_VALUE = ("Send one value here: a number or some text.", "Anfonwch un gwerth yma: rhif neu destun.")
AS_TEXT = ("Send this as text (a JSON string).", "Anfonwch hwn fel testun (llinyn JSON).")
SOON = "2099-01-01"

# (body, the field at fault, its first message in English and in Welsh)
WRONG_BODIES: list[tuple[dict[str, Any], str, str, str]] = [
    ({}, "kind", "This field is required.", "Mae angen y maes hwn."),
    (
        {"kind": "money", "hours": 1},
        "kind",
        "Select a valid choice. money is not one of the available choices.",
        "Dewiswch ddewisiad dilys. Nid yw money yn un o'r dewisiadau sydd ar gael.",
    ),
    (
        {"kind": "hours"},
        "hours",
        "Enter how much time, in hours and minutes.",
        "Rhowch faint o amser, mewn oriau a munudau.",
    ),
    (
        {"kind": "hours", "hours": 101},
        "hours",
        "Ensure this value is less than or equal to 100.",
        "Sicrhewch fod y gwerth hwn yn fwy neu'n llai na 100.",
    ),
    ({"kind": "hours", "hours": 1.5}, "hours", "Enter a whole number.", "Rhowch cyfanrif."),
    ({"kind": "hours", "hours": True}, "hours", *ONE_VALUE),
    # The schema's strings take text only (a number is not a description either).
    ({"kind": "skill", "description": ["a", "b"]}, "description", *AS_TEXT),
    ({"kind": "skill", "description": {"text": "x"}}, "description", *AS_TEXT),
    ({"kind": "skill", "description": 0}, "description", *AS_TEXT),
    (
        {"kind": "skill", "description": "   "},
        "description",
        "Say what you can offer.",
        "Dywedwch beth y gallwch ei gynnig.",
    ),
    (
        {"kind": "skill", "description": "x" * 2001},
        "description",
        "Ensure this value has at most 2000 characters (it has 2001).",
        "Sicrhewch fod gan y gwerth hwn ddim mwy na 2000 nod (mae ganddo 2001).",
    ),
    (
        {"kind": "hours", "hours": 1, "threshold": 3},
        "deadline",
        "Say by when the others should pledge.",
        "Dywedwch erbyn pryd y dylai'r lleill addo.",
    ),
    (
        {"kind": "hours", "hours": 1, "deadline": SOON},
        "threshold",
        "Say how many other people should also pledge.",
        "Dywedwch faint o bobl eraill a ddylai addo hefyd.",
    ),
    (
        {"kind": "hours", "hours": 1, "threshold": 0, "deadline": SOON},
        "threshold",
        "Ensure this value is greater than or equal to 1.",
        "Sicrhewch fod y gwerth yn fwy na neu'n gyfartal â 1.",
    ),
    # The page reads local dates (in Welsh 05/06 is June, in English May); the API reads one form.
    (
        {"kind": "hours", "hours": 1, "threshold": 3, "deadline": "05/06/2099"},
        "deadline",
        DATE_AS,
        DATE_AS_CY,
    ),
    (
        {"kind": "hours", "hours": 1, "threshold": 3, "deadline": "2099-02-30"},
        "deadline",
        DATE_AS,
        DATE_AS_CY,
    ),
    (
        {"kind": "hours", "hours": 1, "person": 1},
        "person",
        "This field is not part of a pledge.",
        "Nid yw'r maes hwn yn rhan o addewid.",
    ),
]


@pytest.mark.parametrize(("body", "field", "english", "welsh"), WRONG_BODIES)
def test_a_wrong_body_is_a_400_naming_its_field_in_english_and_welsh(
    world: World,
    api_client: Callable[[str], APIClient],
    body: dict[str, Any],
    field: str,
    english: str,
    welsh: str,
) -> None:
    client = api_client("other_resident")
    for language, message, detail in (
        ("en", english, "Some of what you sent needs correcting."),
        ("cy", welsh, None),
    ):
        response = client.post(pledge_url(world), body, format="json", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 400
        answer = response.json()
        assert answer["code"] == "invalid" and list(answer["fields"]) == [field]
        assert answer["fields"][field][0] == message
        if detail is not None:
            assert answer["detail"] == detail
    assert Pledge.objects.count() == 2


def test_a_body_that_is_not_a_json_object_is_a_400(
    world: World, api_client: Callable[[str], APIClient]
) -> None:
    client = api_client("other_resident")
    broken = client.post(pledge_url(world), '{"kind": "hours", "hours": ', content_type="application/json")
    assert broken.status_code == 400 and broken.json()["code"] == "parse_error"
    listed = client.post(pledge_url(world), ["hours", 1], format="json", HTTP_ACCEPT_LANGUAGE="cy")
    assert listed.status_code == 400
    assert listed.json() == {
        "detail": "Anfonwch yr addewid fel gwrthrych JSON.",
        "code": "invalid",
        "fields": {},
    }
    # A form's body is not read (the API reads JSON only): nothing arrives, so "kind" is missing.
    form = client.post(pledge_url(world), {"kind": "hours", "hours": "1"})
    assert form.status_code == 400 and list(form.json()["fields"]) == ["kind"]
    assert Pledge.objects.count() == 2


@override_settings(API_MAX_BODY_BYTES=1024)
def test_an_oversized_body_is_refused_before_it_is_read(
    world: World, api_client: Callable[[str], APIClient]
) -> None:
    body = json.dumps({"kind": "skill", "description": "x" * 2000})
    response = api_client("other_resident").post(pledge_url(world), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The request is too large. Send less at a time.",
        "code": "too_large",
        "fields": {},
    }
    assert Pledge.objects.count() == 2


def test_a_conditional_pledges_deadline_is_the_end_of_its_day(
    world: World, api_client: Callable[[str], APIClient]
) -> None:
    day = timezone.localdate() + timedelta(days=1)
    response = api_client("other_resident").post(
        pledge_url(world),
        {"kind": "hours", "hours": "1", "minutes": "15", "threshold": "5", "deadline": day.isoformat()},
        format="json",
    )
    assert response.status_code == 201
    pledge = Pledge.objects.get(pk=response.json()["id"])
    assert (pledge.minutes, pledge.threshold, pledge.status) == (75, 5, Pledge.Status.OPEN)
    deadline = timezone.localtime(pledge.deadline)
    assert (deadline.date(), deadline.hour, deadline.minute) == (day, 23, 59)


def test_a_deadline_already_past_is_a_conflict_in_english_and_welsh(
    world: World, api_client: Callable[[str], APIClient]
) -> None:
    # Well formed (the schema cannot know today's date): 409, "not now", rather than 400.
    body = {"kind": "hours", "hours": 1, "threshold": 3, "deadline": "2020-01-01"}
    client = api_client("other_resident")
    response = client.post(pledge_url(world), body, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "The date must be in the future.",
        "code": "past_deadline",
        "fields": {},
    }
    welsh = client.post(pledge_url(world), body, format="json", HTTP_ACCEPT_LANGUAGE="cy")
    assert welsh.status_code == 409 and welsh.json()["detail"] == "Rhaid i'r dyddiad fod yn y dyfodol."
    assert Pledge.objects.count() == 2


@pytest.mark.parametrize("deadline", ["", " 2099-01-01", "2099-W01-1", "01/02/2099"])
def test_a_deadline_is_a_date_written_year_month_day_or_null(
    world: World, api_client: Callable[[str], APIClient], deadline: str
) -> None:
    body = {"kind": "hours", "hours": 1, "threshold": 3, "deadline": deadline}
    response = api_client("other_resident").post(pledge_url(world), body, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"deadline": ["Enter the date as year-month-day, like 2027-05-31."]}
    assert Pledge.objects.count() == 2

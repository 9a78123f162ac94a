"""Organisations and target groups: public reads, no writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from vocaleyes.models import Organisation, TargetGroup

from .matrix import Op, check

pytestmark = pytest.mark.django_db


def cases(organisation: Organisation) -> list[Op]:
    slug = organisation.slug

    def no_members(actor: str, body: Any) -> None:
        for group in body["results"]:
            assert set(group) == {
                "id",
                "name",
                "name_en",
                "name_cy",
                "kind",
                "population_size",
                "population_source",
            }

    return [
        Op("GET", "/api/v1/organisations/", "/api/v1/organisations/", {}, expect=200),
        Op("GET", "/api/v1/organisations/{slug}/", f"/api/v1/organisations/{slug}/", {}, expect=200),
        Op(
            "GET",
            "/api/v1/organisations/{slug}/target-groups/",
            f"/api/v1/organisations/{slug}/target-groups/",
            {},
            expect=200,
            check_body=no_members,
        ),
        Op("POST", "/api/v1/organisations/", "/api/v1/organisations/", {}, body={"slug": "x"}, expect=405),
    ]


def test_every_actor_reads_organisations_and_none_writes(
    organisation: Organisation, api_client: Callable[[str], APIClient]
) -> None:
    TargetGroup.objects.create(organisation=organisation, name_en="Young people", kind="age_band")
    # A POST is refused before authentication: anonymous gets 405 as well (DRF checks the method first).
    check(cases(organisation), api_client)


def test_a_target_group_list_of_an_unknown_organisation_is_404_in_welsh(api_client: Any) -> None:
    response = api_client("resident").get(
        "/api/v1/organisations/nowhere/target-groups/", HTTP_ACCEPT_LANGUAGE="cy"
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert response["Content-Language"] == "cy"

"""What every API operation shares: its error body, its language, its pagination limits, and
errors raised outside the API's views answered as JSON on API addresses (found by fuzzing the
schema with schemathesis: these were HTML pages, or quietly accepted)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from vocaleyes.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisations(db: None) -> None:
    for n in range(3):
        Organisation.objects.create(slug=f"org-{n}", name_en=f"Org {n}", kind="community_group")


def test_an_unknown_api_address_answers_the_json_error_body(client: Client) -> None:
    response = client.get("/api/v1/nothing-here/", HTTP_ACCEPT_LANGUAGE="cy")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"
    # A page address keeps its HTML page.
    assert "text/html" in client.get("/nothing-here/")["Content-Type"]


def test_a_control_character_in_an_api_path_is_a_json_404(client: Client) -> None:
    response = client.get("/api/v1/organisations/%C2%BE%1F-/target-groups/")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "Nothing was found at this address.",
        "code": "not_found",
        "fields": {},
    }


def test_a_nul_in_an_api_query_is_a_json_400(client: Client) -> None:
    response = client.get("/api/v1/organisations/?kind=%00")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


@pytest.mark.parametrize("page_size", ["0", "101", "-3", "null", "ten"])
def test_a_page_size_out_of_range_is_refused_with_a_field_message(
    client: Client, organisations: None, page_size: str
) -> None:
    response = client.get(f"/api/v1/organisations/?page_size={page_size}")
    assert response.status_code == 400
    assert response.json()["fields"] == {"page_size": ["Give a whole number from 1 to 100."]}


def test_pages_are_bounded_and_a_page_past_the_end_is_404(client: Client, organisations: None) -> None:
    first = client.get("/api/v1/organisations/?page_size=2").json()
    assert (first["count"], len(first["results"])) == (3, 2)
    assert client.get("/api/v1/organisations/?page_size=2&page=2").json()["results"][0]["slug"] == "org-2"
    past = client.get("/api/v1/organisations/?page_size=2&page=3")
    assert past.status_code == 404
    assert past.json()["detail"] == "There is no page 3 of this list."


def test_an_empty_filter_is_refused_not_ignored(client: Client, organisations: None) -> None:
    response = client.get("/api/v1/organisations/?level=")
    assert response.status_code == 400
    assert response.json()["fields"] == {"level": ["Give a value, or leave this filter out."]}
    assert client.get("/api/v1/organisations/?level=local").status_code == 200


class _Echo(APIView):
    permission_classes = [AllowAny]

    def post(self, request: Request) -> Response:
        return Response({"read": request.data})


def test_a_body_that_is_not_json_or_too_large_is_refused_before_the_view_reads_it() -> None:
    factory, view = APIRequestFactory(), _Echo.as_view()
    ok = view(factory.post("/api/v1/x/", data=json.dumps({"x": "a"}), content_type="application/json"))
    assert ok.status_code == 200 and ok.data == {"read": {"x": "a"}}
    bad = view(factory.post("/api/v1/x/", data="{not json", content_type="application/json"))
    assert bad.status_code == 400
    assert bad.data == {"detail": "The body is not valid JSON.", "code": "parse_error", "fields": {}}
    big_body = json.dumps({"x": "a" * 70_000})
    big = view(factory.post("/api/v1/x/", data=big_body, content_type="application/json"))
    assert big.status_code == 400
    assert big.data["code"] == "too_large"


def test_the_schema_declares_every_error_answer_with_the_error_body(client: Client) -> None:
    schema = client.get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/organisations/"]["get"]
    assert {"400", "401", "403", "404"} <= set(operation["responses"])
    error = operation["responses"]["404"]["content"]["application/json"]["schema"]["$ref"]
    assert error.endswith("/Error")
    page_size = next(p for p in operation["parameters"] if p["name"] == "page_size")
    assert (page_size["schema"]["minimum"], page_size["schema"]["maximum"]) == (1, 100)
    assert schema["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"


def test_the_schema_and_the_docs_come_in_welsh(client: Client) -> None:
    assert client.get("/cy/api/v1/docs/")["Content-Language"] == "cy"
    assert '<html lang="cy">' in client.get("/cy/api/v1/docs/").content.decode()
    # Swagger UI's start-up script (a file, not inline: CSP) reads the Welsh schema.
    assert 'url: "/cy/api/v1/schema/' in client.get("/cy/api/v1/docs/?script=").content.decode()
    assert client.get("/api/v1/docs/")["Content-Security-Policy"].startswith("default-src 'self'")

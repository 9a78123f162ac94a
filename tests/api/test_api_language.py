"""Issue 14: the API answers in the language asked for, errors included. ``/cy/api/v1/...`` is
Welsh; on ``/api/v1/...`` ``Accept-Language`` chooses, English when it names neither language;
answers vary by that header. Django REST framework's own messages (required, too long, not a
choice, method not allowed, throttled ...) come from ``locale/vendor`` (DRF ships no Welsh).

``Echo`` (in this module's URLconf beside the real ones) is a small write with typical fields, a
protected POST and a rate limit, standing for every write resource of the apps.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import path
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from tests.conftest import clear_cache
from vocaleyes import services, throttle
from vocaleyes import urls as site_urls
from vocaleyes.models import Organisation, User


class EchoSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=10)
    minutes = serializers.IntegerField(min_value=1, max_value=600)
    kind = serializers.ChoiceField(choices=["offer", "need"])
    public = serializers.BooleanField()
    tags = serializers.ListField(child=serializers.CharField(), allow_empty=False)


class Echo(APIView):
    permission_classes = [IsAuthenticated]
    rate_limit = "idea"

    def post(self, request: Request) -> Response:
        serializer = EchoSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.validated_data, status=status.HTTP_201_CREATED)


urlpatterns = [path("api/v1/echo/", Echo.as_view()), *site_urls.urlpatterns]
handler403 = site_urls.handler403
handler500 = site_urls.handler500

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

VALID = {"title": "Benches", "minutes": 30, "kind": "offer", "public": True, "tags": ["park"]}
INVALID = {
    "title": "Far too long a title",
    "minutes": "lots",
    "kind": "swap",
    "public": "perhaps",
    "tags": "park",
}
REQUIRED = "This field is required."


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def client(alice: User) -> APIClient:
    """Alice, with her API token."""
    _, text = services.api_token_create(user=alice, name="tests")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {text}")
    return api


def post(client: APIClient, body: Any, **headers: Any) -> Any:
    return client.post("/api/v1/echo/", body, format="json", **headers)


def test_a_missing_field_is_named_in_welsh_under_accept_language_cy(client: APIClient) -> None:
    response = post(client, {}, HTTP_ACCEPT_LANGUAGE="cy")
    assert response.status_code == 400
    assert response["Content-Language"] == "cy"
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"] == "Mae angen cywiro rhywfaint o'r hyn a anfonwyd gennych."
    assert body["fields"] == {name: ["Mae angen y maes hwn."] for name in VALID}


def test_each_kind_of_wrong_value_is_explained_in_welsh(client: APIClient) -> None:
    fields = post(client, INVALID, HTTP_ACCEPT_LANGUAGE="cy-GB,cy;q=0.9,en;q=0.5").json()["fields"]
    assert fields == {
        "title": ["Gwnewch yn siŵr nad oes mwy na 10 nod yn y maes hwn."],
        "minutes": ["Mae angen cyfanrif dilys."],
        "kind": ['Nid yw "swap" yn ddewis dilys.'],
        "public": ["Rhaid iddo fod yn werth Boole dilys (true neu false)."],
        "tags": ['Roeddem yn disgwyl rhestr o eitemau ond cawsom y math "str".'],
    }
    too_big = post(client, {**VALID, "minutes": 601, "title": "", "tags": []}, HTTP_ACCEPT_LANGUAGE="cy")
    assert too_big.json()["fields"] == {
        "title": ["Ni chaiff y maes hwn fod yn wag."],
        "minutes": ["Gwnewch yn siŵr fod y gwerth hwn yn llai na 600 neu'n hafal iddo."],
        "tags": ["Ni chaiff y rhestr hon fod yn wag."],
    }
    nothing = post(client, {**VALID, "title": None, "minutes": 0}, HTTP_ACCEPT_LANGUAGE="cy")
    assert nothing.json()["fields"] == {
        "title": ["Ni chaiff y maes hwn fod yn null."],
        "minutes": ["Gwnewch yn siŵr fod y gwerth hwn yn fwy na 1 neu'n hafal iddo."],
    }


def test_with_no_language_asked_for_the_answer_is_english_and_varies_by_the_header(
    client: APIClient,
) -> None:
    response = post(client, {})
    assert response.status_code == 400
    assert response["Content-Language"] == "en"
    assert "Accept-Language" in response["Vary"]
    assert response.json()["fields"]["title"] == ["This field is required."]
    # A language the site does not speak is English too.
    assert post(client, {}, HTTP_ACCEPT_LANGUAGE="fr").json()["fields"]["title"] == [REQUIRED]
    # The first language the site speaks wins.
    assert post(client, {}, HTTP_ACCEPT_LANGUAGE="fr, cy;q=0.5").json()["fields"]["title"] == [
        "Mae angen y maes hwn."
    ]
    assert post(client, VALID).status_code == 201


def test_the_cy_prefix_is_welsh_whatever_the_header(organisation: Organisation) -> None:
    api = APIClient()
    missing = api.get("/cy/api/v1/organisations/nowhere/", HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == 404
    assert missing.json() == {
        "detail": "Ni chafwyd dim yn y cyfeiriad hwn.",
        "code": "not_found",
        "fields": {},
    }
    root = api.get("/cy/api/v1/")
    assert root.json()["description"] == (
        "API VocalEyes. Darllenwch y dudalen ddogfennaeth i weld pob gweithred."
    )
    assert api.get("/api/v1/").json()["description"].startswith("The VocalEyes API.")
    listed = api.get("/cy/api/v1/organisations/")
    assert listed.json()["results"][0]["name"] == "Cyngor Abertawe"
    no_page = api.get("/cy/api/v1/organisations/?page=9")
    assert no_page.status_code == 404
    assert no_page.json()["detail"] == "Nid oes tudalen 9 yn y rhestr hon."


def test_drf_s_own_refusals_are_welsh(client: APIClient) -> None:
    anonymous = APIClient().post("/api/v1/echo/", VALID, format="json", HTTP_ACCEPT_LANGUAGE="cy")
    assert anonymous.status_code == 401
    assert anonymous.json()["detail"] == "Ni roddwyd manylion dilysu."
    assert anonymous.json()["code"] == "not_authenticated"

    method = client.post("/api/v1/organisations/", {}, format="json", HTTP_ACCEPT_LANGUAGE="cy")
    assert method.status_code == 405
    assert method.json()["detail"] == 'Ni chaniateir y dull "POST".'

    media = client.post("/api/v1/echo/", "title=x", content_type="text/plain", HTTP_ACCEPT_LANGUAGE="cy")
    assert media.status_code == 415
    assert media.json()["detail"] == 'Nid yw\'r math o gyfrwng "text/plain" yn y cais yn cael ei gefnogi.'

    broken = client.post(
        "/api/v1/echo/", "{not json", content_type="application/json", HTTP_ACCEPT_LANGUAGE="cy"
    )
    assert broken.status_code == 400
    assert broken.json()["detail"] == "Nid yw corff y cais yn JSON dilys."


def test_the_rate_limit_says_when_to_try_again_in_welsh(
    client: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(throttle, "now", lambda: 1_800_000_000.0 + 3540)  # a minute before the hour ends
    with override_settings(VOCALEYES_RATE_LIMITS={"idea": "1/h"}, VOCALEYES_RATE_LIMITS_PER_IP={}):
        assert post(client, VALID).status_code == 201
        refused = post(client, VALID, HTTP_ACCEPT_LANGUAGE="cy")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    body = refused.json()
    assert body["code"] == "throttled"
    assert body["detail"] == (
        "Rydych wedi cyflwyno llawer o syniadau mewn amser byr. Arhoswch a rhowch gynnig arall arni. "
        "Ar gael eto ymhen 60 eiliad."
    )


def test_the_docs_page_has_a_welsh_title_and_introduction() -> None:
    welsh = Client().get("/cy/api/v1/docs/")
    page = html.unescape(welsh.content.decode())
    assert welsh.status_code == 200
    assert '<html lang="cy">' in page
    assert "<title>Dogfennaeth API VocalEyes</title>" in page
    assert "Pob gweithred yn fersiwn 1 o'r API." in page
    assert "Every operation" not in page
    assert "Sgema OpenAPI" in page and "Read this in English" in page
    english = html.unescape(Client().get("/api/v1/docs/").content.decode())
    assert "<title>VocalEyes API documentation</title>" in english
    assert "Every operation of the API, version 1." in english

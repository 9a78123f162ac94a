"""Issue 14, API tokens on the profile page: made with a name, shown once, stored hashed, carrying
the person's permissions and nothing more, revoked by their owner alone.

A tiny protected endpoint (``whoami``, in this module's URLconf beside the real ones) answers
with the person a request was authenticated as; the real read API shows that a token reaches
no more than its person may see.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import path
from django.utils import timezone
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from conversations.models import Conversation
from tests.conftest import clear_cache, make_conversation, make_user
from tests.conversations.conftest import make_idea
from vocaleyes import deletion, services, throttle
from vocaleyes import urls as site_urls
from vocaleyes.api.authentication import token_from
from vocaleyes.models import ApiToken, Organisation, User


class WhoAmI(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request: Request) -> Response:
        token = token_from(request)
        user: User = request.user  # type: ignore[assignment]  # IsAuthenticated: a person
        return Response({"email": user.email, "token": token.name if token else None})


urlpatterns = [path("api/v1/whoami/", WhoAmI.as_view()), *site_urls.urlpatterns]
handler403 = site_urls.handler403
handler500 = site_urls.handler500

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

TOKEN_TEXT = re.compile(r"ve_[0-9a-f]{8}_[A-Za-z0-9_-]{43}")
PROFILE = "/accounts/profile/"
CREATE = "/accounts/profile/tokens/"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def bearer(text: str, **headers: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {text}", **headers)
    return client


def make_token(client: Client, name: str = "Ward map") -> tuple[Any, str]:
    response = client.post(CREATE, {"token-name": name})
    found = TOKEN_TEXT.findall(response.content.decode())
    assert found, response.content.decode()[:2000]
    return response, found[0]


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    clear_cache()  # the rate limits' counters
    yield
    clear_cache()


# --- Making a token --------------------------------------------------------------------------------


def test_a_new_token_is_shown_once_and_only_its_prefix_and_digest_are_kept(alice: User) -> None:
    client = signed_in(alice)
    response, text = make_token(client, "Ward map")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "you will not see it again" in response.content.decode()

    token = ApiToken.objects.get(user=alice)
    assert token.name == "Ward map"
    assert token.prefix == text.split("_")[1]
    assert token.digest == hashlib.sha256(text.encode()).hexdigest()
    secret = text.split("_", 2)[2]
    stored = [str(value) for value in ApiToken.objects.filter(pk=token.pk).values().get().values()]
    assert not any(secret in value for value in stored)
    # Not kept anywhere on the way: no session key, no flash message, no redirect URL.
    assert not any(text in str(value) for value in client.session.values())
    assert list(response.context["messages"]) == []
    assert response.get("Location") is None

    again = client.get(PROFILE).content.decode()
    assert text not in again and secret not in again
    assert "Ward map" in again
    assert f"ve_{token.prefix}_…" in again


def test_the_profile_lists_live_and_revoked_tokens_with_their_dates(alice: User) -> None:
    live, _ = services.api_token_create(user=alice, name="Dashboard")
    old, _ = services.api_token_create(user=alice, name="Old script")
    services.api_token_revoke(token=old, by=alice)
    page = signed_in(alice).get(PROFILE)
    html = page.content.decode()
    assert [t.name for t in page.context["api_tokens"]] == ["Old script", "Dashboard"]
    assert html.count('class="govuk-summary-card"') == 2
    assert "Not used yet" in html and "Revoked" in html and "Live" in html
    # Only the live token can be revoked.
    assert f"/accounts/profile/tokens/{live.pk}/revoke/" in html
    assert f"/accounts/profile/tokens/{old.pk}/revoke/" not in html


def test_a_token_without_a_name_is_refused_in_the_error_summary(alice: User) -> None:
    response = signed_in(alice).post(CREATE, {"token-name": "   "})
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "Give the token a name, so you know which one to revoke." in html
    assert TOKEN_TEXT.search(html) is None
    assert not ApiToken.objects.exists()


def test_a_token_name_with_hidden_characters_is_refused(alice: User) -> None:
    response = signed_in(alice).post(CREATE, {"token-name": "map\u202eevil"})
    assert "hidden characters" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_form_speaks_welsh_under_cy(alice: User) -> None:
    html = html_lib.unescape(signed_in(alice).post("/cy" + CREATE, {"token-name": ""}).content.decode())
    assert "Rhowch enw i'r tocyn" in html
    assert "Give the token a name" not in html


def test_a_suspended_person_cannot_make_a_token(alice: User) -> None:
    alice.suspended_at = timezone.now()
    alice.suspension_reason = "Abuse."
    alice.save(update_fields=["suspended_at", "suspension_reason"])
    response = signed_in(alice).post(CREATE, {"token-name": "Ward map"})
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "suspended" in html
    assert TOKEN_TEXT.search(html) is None
    assert not ApiToken.objects.exists()


def test_making_tokens_too_fast_is_refused_with_429_and_makes_nothing(
    alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(throttle, "now", lambda: 1_800_000_000.0)  # the start of an hour
    client = signed_in(alice)
    with override_settings(VOCALEYES_RATE_LIMITS={"token": "2/h"}, VOCALEYES_RATE_LIMITS_PER_IP={}):
        statuses = [client.post(CREATE, {"token-name": f"Token {n}"}).status_code for n in range(3)]
        refused = client.post(CREATE, {"token-name": "One more"})
    assert statuses == [200, 200, 429]
    assert refused.status_code == 429
    assert "You have asked for a lot of API tokens in a short time." in refused.content.decode()
    assert TOKEN_TEXT.search(refused.content.decode()) is None
    assert sorted(ApiToken.objects.values_list("name", flat=True)) == ["Token 0", "Token 1"]


def test_signed_out_visitors_are_sent_to_sign_in(db: None) -> None:
    response = Client().post(CREATE, {"token-name": "x"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not ApiToken.objects.exists()


# --- Using a token ----------------------------------------------------------------------------------


def test_a_token_authenticates_its_person_and_records_when_it_was_used(alice: User) -> None:
    _, text = make_token(signed_in(alice), "Ward map")
    response = bearer(text).get("/api/v1/whoami/")
    assert response.status_code == 200
    assert response.json() == {"email": "alice@example.org", "token": "Ward map"}
    assert ApiToken.objects.get().last_used_at is not None
    # "Token <text>" works as well.
    assert APIClient().get("/api/v1/whoami/", HTTP_AUTHORIZATION=f"Token {text}").status_code == 200


def test_a_token_reaches_only_what_its_person_may_see(
    organisation: Organisation, alice: User, fran: User
) -> None:
    """A draft conversation is for its organisation's facilitators: Fran's token reads its ideas,
    Alice's does not, and neither token signs anyone in to the pages or the admin."""
    draft = make_conversation(organisation, slug="draft-plans")
    make_idea(draft, fran, title="A secret draft idea")
    Conversation.objects.filter(pk=draft.pk).update(status=Conversation.Status.DRAFT)
    _, alices = services.api_token_create(user=alice, name="mine")
    _, frans = services.api_token_create(user=fran, name="mine")

    refused = bearer(alices).get("/api/conversations/draft-plans/ideas/")
    assert refused.status_code in (403, 404)
    assert "A secret draft idea" not in refused.content.decode()
    allowed = bearer(frans).get("/api/conversations/draft-plans/ideas/")
    assert allowed.status_code == 200
    assert "A secret draft idea" in allowed.content.decode()

    olwen = make_user("olwen@council.example.org", "Olwen", is_staff=True, is_superuser=True)
    _, officers = services.api_token_create(user=olwen, name="mine")
    for page in ("/admin/", PROFILE):
        response = Client().get(page, HTTP_AUTHORIZATION=f"Bearer {officers}")
        assert response.status_code == 302, page
        assert "login" in response["Location"]


def test_a_revoked_token_gets_401_in_welsh(alice: User) -> None:
    client = signed_in(alice)
    _, text = make_token(client)
    token = ApiToken.objects.get()
    assert bearer(text).get("/api/v1/whoami/").status_code == 200

    revoked = client.post(f"/accounts/profile/tokens/{token.pk}/revoke/")
    assert revoked.status_code == 302
    assert revoked["Location"].endswith("/accounts/profile/#api-tokens")
    token.refresh_from_db()
    assert token.revoked_at is not None

    response = bearer(text, HTTP_ACCEPT_LANGUAGE="cy").get("/api/v1/whoami/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    body = response.json()
    assert body["code"] == "authentication_failed"
    assert body["detail"] == "Nid yw'r tocyn API hwnnw'n ddilys, neu mae wedi'i dynnu'n ôl."
    # Revoked tokens stay listed, as revoked.
    assert "Wedi'i dynnu'n ôl" in html_lib.unescape(client.get("/cy" + PROFILE).content.decode())


def test_the_token_of_an_inactive_or_deleted_person_gets_401(alice: User, bob: User) -> None:
    _, alices = services.api_token_create(user=alice, name="mine")
    _, bobs = services.api_token_create(user=bob, name="mine")
    User.objects.filter(pk=alice.pk).update(is_active=False)
    deletion.account_delete(user=bob)
    for text in (alices, bobs):
        response = bearer(text).get("/api/v1/whoami/")
        assert response.status_code == 401
        assert response.json()["code"] == "authentication_failed"
    # Refused on public reads too: a bad token is never read as "nobody".
    assert bearer(alices).get("/api/v1/organisations/").status_code == 401
    # Deletion takes the token rows (their names are the person's words); revoking is not enough.
    assert not ApiToken.objects.filter(user=bob).exists()
    assert ApiToken.objects.filter(user=alice).exists()


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer  ",
        "Bearer one two",
        "Bearer ve_short",
        "Bearer ve_12345678_not-the-secret",
        "Bearer ve_1234567_too-short-a-prefix",
        "Bearer not-even-ours",
        "Bearer \u00e9t\u00e9",  # not ASCII
        "Token",
        "bearer ve__",
    ],
)
def test_malformed_authorization_headers_get_401_not_500(alice: User, header: str) -> None:
    services.api_token_create(user=alice, name="mine")
    for url in ("/api/v1/whoami/", "/api/v1/organisations/"):
        response = APIClient().get(url, HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, (url, header, response.content[:300])
        assert response.json()["code"] in ("authentication_failed", "not_authenticated")


def test_no_token_on_a_protected_endpoint_is_401_and_other_schemes_are_ignored(db: None) -> None:
    assert APIClient().get("/api/v1/whoami/").status_code == 401
    response = APIClient().get("/api/v1/whoami/", HTTP_AUTHORIZATION="Basic YTpi")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert APIClient().get("/api/v1/organisations/", HTTP_AUTHORIZATION="Basic YTpi").status_code == 200


# --- Revoking --------------------------------------------------------------------------------------


def test_revoking_asks_first_then_the_token_stays_listed_as_revoked(alice: User) -> None:
    token, text = services.api_token_create(user=alice, name="Old script")
    client = signed_in(alice)
    confirm = client.get(f"/accounts/profile/tokens/{token.pk}/revoke/")
    assert confirm.status_code == 200
    assert "Revoke the API token “Old script”?" in confirm.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None  # asking changes nothing

    done = client.post(f"/accounts/profile/tokens/{token.pk}/revoke/", follow=True)
    html = done.content.decode()
    assert "The API token “Old script” has been revoked." in html
    assert "Old script" in html and "Revoked" in html
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ApiToken.objects.filter(pk=token.pk).exists()
    assert bearer(text).get("/api/v1/whoami/").status_code == 401


def test_another_person_cannot_see_or_revoke_your_token(alice: User, bob: User) -> None:
    token, text = services.api_token_create(user=alice, name="Alice's private map")
    client = signed_in(bob)
    asked = client.get(f"/accounts/profile/tokens/{token.pk}/revoke/")
    assert asked.status_code == 404
    assert "private map" not in asked.content.decode()
    assert client.post(f"/accounts/profile/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert bearer(text).get("/api/v1/whoami/").status_code == 200
    assert "private map" not in client.get(PROFILE).content.decode()


def test_a_suspended_person_can_still_revoke_their_token(alice: User) -> None:
    token, text = services.api_token_create(user=alice, name="mine")
    alice.suspended_at = timezone.now()
    alice.suspension_reason = "Abuse."
    alice.save(update_fields=["suspended_at", "suspension_reason"])
    response = signed_in(alice).post(f"/accounts/profile/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert bearer(text).get("/api/v1/whoami/").status_code == 401


# --- The data download -----------------------------------------------------------------------------


def test_the_data_download_lists_tokens_by_name_and_date_never_their_keys(alice: User, bob: User) -> None:
    token, text = services.api_token_create(user=alice, name="Ward map")
    services.api_token_create(user=bob, name="Bob's bot")
    services.api_token_revoke(token=token, by=alice)
    body = signed_in(alice).get("/accounts/profile/data/").content.decode()
    assert '"name": "Ward map"' in body
    assert '"revoked_at": "' in body
    assert "Bob's bot" not in body and "bot" not in body
    assert token.digest not in body and token.prefix not in body and text not in body


# --- Finding the API ---------------------------------------------------------------------------------


def test_the_profile_and_the_footer_link_the_api_docs_in_the_page_s_language(alice: User) -> None:
    client = signed_in(alice)
    english = client.get(PROFILE).content.decode()
    assert 'href="/api/v1/docs/"' in english
    assert "API documentation" in english and "API tokens" in english
    welsh = html_lib.unescape(client.get("/cy" + PROFILE).content.decode())
    assert 'href="/cy/api/v1/docs/"' in welsh
    assert "Dogfennaeth yr API" in welsh and "Tocynnau API" in welsh
    assert 'href="/api/v1/docs/"' not in welsh


def test_the_token_form_has_its_own_page_too(alice: User) -> None:
    response = signed_in(alice).get("/cy" + CREATE)
    page = html_lib.unescape(response.content.decode())
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Creu tocyn API newydd</h1>' in page
    assert 'name="token-name"' in page
    assert not ApiToken.objects.exists()

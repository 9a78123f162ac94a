from __future__ import annotations

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import path
from django.utils import translation
from django.views import defaults

from vocaleyes.urls import urlpatterns as site_urlpatterns


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("deliberate failure for the 500 page test")


urlpatterns = [
    *site_urlpatterns,
    *i18n_patterns(path("forbidden/", forbidden), path("broken/", broken), prefix_default_language=False),
]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(
    ("prefix", "title"),
    [("", "You cannot do that"), ("/cy", "Ni allwch wneud hynny")],
)
def test_forbidden_page_in_both_languages(client: Client, prefix: str, title: str) -> None:
    response = client.get(f"{prefix}/forbidden/")
    assert response.status_code == 403
    assert f'<h1 class="govuk-heading-l">{title}</h1>' in response.content.decode()


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("en", "Sorry, there is a problem with the service"),
        ("cy", "Mae'n ddrwg gennym, mae problem gyda'r gwasanaeth"),
    ],
)
def test_server_error_page_renders_without_a_request_context(language: str, heading: str) -> None:
    request = RequestFactory().get("/")
    with translation.override(language):
        response = defaults.server_error(request)
    page = response.content.decode()
    assert response.status_code == 500
    assert heading in page
    assert f'<html lang="{language}"' in page


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_an_unexpected_error_shows_the_friendly_page(db: None) -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()

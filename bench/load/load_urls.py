"""The product's URLs plus ``/bench/ceiling/``: the trivial view whose throughput, on the same
server and through the same middleware, is the ceiling the pages are measured against."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from vocaleyes.urls import urlpatterns as product_urlpatterns


def ceiling(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ceiling/", ceiling), *product_urlpatterns]

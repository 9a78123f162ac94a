"""``/api/v1/`` (English, or as ``Accept-Language`` asks) and ``/cy/api/v1/`` (Welsh).

Each app lists its own resources; the schema describes them all, and the docs page reads the
schema in the page's language.
"""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

app_name = "api-v1"

urlpatterns = [
    path("", views.api_root, name="root"),
    path("schema/", views.Schema.as_view(), name="schema"),
    path("docs/", views.Docs.as_view(url_name="api-v1:schema"), name="docs"),
    path("", include("vocaleyes.api.account_urls")),
    path("", include("conversations.api_v1.urls")),
    path("", include("budgeting.api_v1.urls")),
    path("", include("timecredits.api_v1.urls")),
]

__all__ = ["SpectacularAPIView", "SpectacularSwaggerSplitView"]

"""URLs. Pages live under i18n_patterns: English at /, Welsh at /cy/."""

from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import RedirectView

from . import (
    activity_views,
    data_rights_views,
    invitation_views,
    organisation_views,
    token_views,
    views,
)

admin.site.site_header = "VocalEyes"
admin.site.site_title = "VocalEyes"

handler403 = "vocaleyes.views.permission_denied"
handler500 = "vocaleyes.views.server_error"
handler404 = "vocaleyes.views.page_not_found"
handler400 = "vocaleyes.views.bad_request"

urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz", views.healthz, name="healthz"),
    # Before version 1: the schema moved; the ideas list keeps answering (conversations.api).
    path("api/schema/", RedirectView.as_view(url="/api/v1/schema/", permanent=True)),
    path("api/conversations/", include("conversations.api_urls")),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    # The REST API (vocaleyes/api): /api/v1/, and /cy/api/v1/ in Welsh.
    path("api/v1/", include("vocaleyes.api.urls")),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/activity/", activity_views.activity_page, name="activity"),
    path("accounts/profile/data/", data_rights_views.data_download, name="data_download"),
    path("accounts/profile/delete/", data_rights_views.account_delete, name="account_delete"),
    path("accounts/profile/tokens/", token_views.token_create, name="token_create"),
    path("accounts/profile/tokens/<int:pk>/revoke/", token_views.token_revoke, name="token_revoke"),
    path("join/<str:token>/", invitation_views.join, name="join"),
    path("organisations/", organisation_views.organisation_list, name="organisation_list"),
    path("organisations/<slug:slug>/", organisation_views.organisation_detail, name="organisation"),
    path("accounts/", include("allauth.urls")),
    path("conversations/", include("conversations.urls")),
    path("budgets/", include("budgeting.urls")),
    path("time-credits/", include("timecredits.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

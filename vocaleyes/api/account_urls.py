"""The API's ground-floor resources: organisations and their target groups."""

from __future__ import annotations

from django.urls import path

from . import organisations

urlpatterns = [
    path("organisations/", organisations.OrganisationList.as_view(), name="organisation-list"),
    path(
        "organisations/<slug:slug>/",
        organisations.OrganisationDetail.as_view(),
        name="organisation-detail",
    ),
    path(
        "organisations/<slug:slug>/target-groups/",
        organisations.TargetGroupList.as_view(),
        name="target-group-list",
    ),
]

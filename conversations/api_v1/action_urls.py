"""Routes of the conversations API (see urls.py): action groups and pledges."""

from __future__ import annotations

from django.urls import path

from . import action_views, pledge_views

urlpatterns = [
    path(
        "conversations/<slug:slug>/action-groups/",
        action_views.ConversationActionGroupList.as_view(),
        name="conversation-action-group-list",
    ),
    path("action-groups/<int:pk>/", action_views.ActionGroupDetail.as_view(), name="action-group-detail"),
    path(
        "action-groups/<int:pk>/pledges/",
        pledge_views.PledgeCreate.as_view(),
        name="action-group-pledge-create",
    ),
    path("pledges/<int:pk>/withdraw/", pledge_views.PledgeWithdraw.as_view(), name="pledge-withdraw"),
    path("me/pledges/", pledge_views.MyPledgeList.as_view(), name="my-pledge-list"),
]

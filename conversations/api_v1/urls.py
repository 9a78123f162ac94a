"""The conversations API routes, included by vocaleyes/api/urls.py under /api/v1/: conversations,
ideas, comments and ratings (``ideas_urls``); action groups and pledges (``action_urls``)."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("", include("conversations.api_v1.ideas_urls")),
    path("", include("conversations.api_v1.action_urls")),
]

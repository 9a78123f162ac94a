"""The conversations API (read-only), included under /api/conversations/ in vocaleyes/urls.py."""

from __future__ import annotations

from django.urls import path

from . import api

app_name = "conversations-api"

urlpatterns = [
    path("<slug:slug>/ideas/", api.ConversationIdeasView.as_view(), name="ideas"),
]

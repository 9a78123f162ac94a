from __future__ import annotations

from django.urls import path

from . import views

app_name = "conversations"

urlpatterns = [
    path("", views.conversation_list, name="list"),
    path("<slug:slug>/", views.conversation_detail, name="detail"),
]

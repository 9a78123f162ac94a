"""The timecredits API routes, included by vocaleyes/api/urls.py under /api/v1/."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("time-credits/me/", views.Me.as_view(), name="time-credits-me"),
    path("time-credits/me/statement/", views.Statement.as_view(), name="time-credits-statement"),
    path("time-credits/gifts/", views.Gift.as_view(), name="time-credits-gift"),
]

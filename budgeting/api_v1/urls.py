"""The budgeting API routes, included by vocaleyes/api/urls.py under /api/v1/. A round is
addressed by its slug, as on its pages (``/budgets/<slug>/``) and in its open data."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("budget-rounds/", views.RoundList.as_view(), name="budget-round-list"),
    path("budget-rounds/<slug:slug>/", views.RoundDetail.as_view(), name="budget-round-detail"),
    path("budget-rounds/<slug:slug>/projects/", views.ProjectList.as_view(), name="budget-round-projects"),
    path("budget-rounds/<slug:slug>/results/", views.Results.as_view(), name="budget-round-results"),
    path("budget-rounds/<slug:slug>/my-ballot/", views.MyBallot.as_view(), name="budget-round-my-ballot"),
]

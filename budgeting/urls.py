from __future__ import annotations

from django.urls import path

from . import views

app_name = "budgeting"

urlpatterns = [
    path("", views.round_list, name="list"),
    path("<slug:slug>/", views.round_detail, name="round"),
    path("<slug:slug>/ballot/", views.ballot_edit, name="ballot"),
    path("<slug:slug>/ballot/total/", views.ballot_total, name="ballot_total"),
    path("<slug:slug>/ballot/review/", views.ballot_review, name="ballot_review"),
    path("<slug:slug>/ballots/<int:pk>/", views.ballot_receipt, name="ballot_receipt"),
    path("<slug:slug>/results/", views.results, name="results"),
    path("<slug:slug>/results/status/", views.tally_status, name="tally_status"),
    path("<slug:slug>/results/count/", views.tally_start, name="tally_start"),
    path("<slug:slug>/results/ballots.pb", views.ballots_download, name="ballots_download"),
]

from __future__ import annotations

from django.urls import path

from . import manage_views, open_data, proposal_views, views

app_name = "budgeting"

urlpatterns = [
    path("", views.round_list, name="list"),
    # Facilitator pages (manage_views), "new/" before the round patterns (no round is called "new").
    path("new/<slug:conversation>/", manage_views.round_new, name="round_new"),
    path("<slug:slug>/manage/", manage_views.round_manage, name="round_manage"),
    path("<slug:slug>/manage/settings/", manage_views.round_edit, name="round_edit"),
    path("<slug:slug>/manage/projects/new/", manage_views.project_new, name="project_new"),
    path("<slug:slug>/manage/projects/<int:pk>/", manage_views.project_edit, name="project_edit"),
    path("<slug:slug>/manage/proposals/<int:pk>/", proposal_views.proposal_review, name="proposal_review"),
    path("<slug:slug>/propose/", proposal_views.proposal_new, name="proposal_new"),
    path("<slug:slug>/manage/projects/<int:pk>/remove/", manage_views.project_remove, name="project_remove"),
    path("<slug:slug>/", views.round_detail, name="round"),
    path("<slug:slug>/ballot/", views.ballot_edit, name="ballot"),
    path("<slug:slug>/ballot/total/", views.ballot_total, name="ballot_total"),
    path("<slug:slug>/ballot/review/", views.ballot_review, name="ballot_review"),
    path("<slug:slug>/ballots/<int:pk>/", views.ballot_receipt, name="ballot_receipt"),
    path("<slug:slug>/results/", views.results, name="results"),
    path("<slug:slug>/results/status/", views.tally_status, name="tally_status"),
    path("<slug:slug>/results/count/", views.tally_start, name="tally_start"),
    path("<slug:slug>/results/ballots.pb", views.ballots_download, name="ballots_download"),
    # Open data (budgeting/open_data.py): stable URLs, Open Government Licence.
    path("<slug:slug>/open-data/results.csv", open_data.results_csv, name="open_data_results_csv"),
    path("<slug:slug>/open-data/results.json", open_data.results_json, name="open_data_results_json"),
]

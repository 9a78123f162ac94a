from __future__ import annotations

from django.urls import path

from . import (
    action_views,
    claim_views,
    facilitator_views,
    invitation_views,
    open_data,
    participation_views,
    pledge_views,
    report_views,
    response_views,
    review_views,
    seed_views,
    setup_views,
    views,
)

app_name = "conversations"

urlpatterns = [
    path("", views.conversation_list, name="list"),
    # Before the conversation patterns, so "seeds" is not taken for a conversation's slug.
    path("seeds/", seed_views.seed_list, name="seed_list"),
    path("new/", setup_views.conversation_new, name="conversation_new"),
    path("seeds/new/", seed_views.seed_new, name="seed_new"),
    path("seeds/<int:pk>/", seed_views.seed_detail, name="seed_detail"),
    # Action groups (conversations/action_views.py), also before the conversation patterns.
    path("action/", action_views.get_involved, name="get_involved"),
    path("action/<int:pk>/", action_views.action_group, name="action_group"),
    path("action/<int:pk>/edit/", action_views.action_group_edit, name="action_group_edit"),
    path(
        "action/<int:pk>/coordinators/",
        action_views.action_group_coordinators,
        name="action_group_coordinators",
    ),
    path(
        "action/<int:pk>/updates/new/", action_views.action_group_update_new, name="action_group_update_new"
    ),
    # "Your conversations": a facilitator's list (facilitator_views), before the conversation patterns.
    path("facilitating/", facilitator_views.facilitating, name="facilitating"),
    # You said, we did: following, the digest's unsubscribe link (response_views).
    path("follow/", response_views.follow, name="follow"),
    path("unsubscribe/<str:token>/", response_views.unsubscribe, name="unsubscribe"),
    # Pledges to action groups (conversations/pledge_views.py).
    path("action/<int:pk>/pledge/", pledge_views.pledge_new, name="pledge_new"),
    path("action/pledges/<int:pk>/withdraw/", pledge_views.pledge_withdraw, name="pledge_withdraw"),
    path("action/<int:pk>/hours/", pledge_views.hours_confirm, name="hours_confirm"),
    path("action/<int:pk>/hours/claims/", claim_views.hours_claim_new, name="hours_claim_new"),
    path("action/claim/<str:token>/", claim_views.hours_claim, name="hours_claim"),
    path("<slug:slug>/", views.conversation_detail, name="detail"),
    # Open data (conversations/open_data.py): stable URLs, Open Government Licence.
    path("<slug:slug>/open-data/ideas.csv", open_data.ideas_csv, name="open_data_ideas_csv"),
    path("<slug:slug>/open-data/ideas.json", open_data.ideas_json, name="open_data_ideas_json"),
    path("<slug:slug>/outcome/", response_views.outcome, name="outcome"),
    path("<slug:slug>/ideas/<int:pk>/respond/", response_views.idea_respond, name="idea_respond"),
    path("<slug:slug>/ideas/new/", views.idea_create, name="idea_create"),
    path("<slug:slug>/ideas/seed/", views.idea_seed, name="idea_seed"),
    path("<slug:slug>/ideas/<int:pk>/", views.idea_detail, name="idea"),
    path("<slug:slug>/ideas/<int:pk>/edit/", views.idea_edit, name="idea_edit"),
    path("<slug:slug>/ideas/<int:pk>/act/", action_views.action_group_new, name="action_group_new"),
    path("<slug:slug>/ideas/<int:pk>/rate/", views.idea_rate, name="idea_rate"),
    path("<slug:slug>/ideas/<int:pk>/comments/", views.comment_create, name="comment_create"),
    path("<slug:slug>/ideas/<int:pk>/report/", report_views.idea_report, name="idea_report"),
    path(
        "<slug:slug>/ideas/<int:pk>/comments/<int:comment_pk>/report/",
        report_views.comment_report,
        name="comment_report",
    ),
    # Authors ask for a review of their hidden idea or comment (conversations/review_views.py).
    path("<slug:slug>/ideas/<int:pk>/review/", review_views.idea_review_request, name="idea_review_request"),
    path(
        "<slug:slug>/ideas/<int:pk>/comments/<int:comment_pk>/review/",
        review_views.comment_review_request,
        name="comment_review_request",
    ),
    # Facilitator pages (conversations/facilitator_views.py).
    path("<slug:slug>/facilitate/", facilitator_views.dashboard, name="facilitate"),
    path("<slug:slug>/facilitate/edit/", setup_views.conversation_edit, name="conversation_edit"),
    path("<slug:slug>/facilitate/taking-part/", facilitator_views.participation, name="participation"),
    path("<slug:slug>/facilitate/export/", facilitator_views.export_page, name="export"),
    path("<slug:slug>/facilitate/invitations/", invitation_views.invitations, name="invitations"),
    path(
        "<slug:slug>/facilitate/groups/",
        participation_views.participation_groups,
        name="participation_groups",
    ),
    path(
        "<slug:slug>/facilitate/invitations/<int:invitation_id>/revoke/",
        invitation_views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "<slug:slug>/facilitate/export/action-list.<str:file_format>",
        facilitator_views.export_download,
        name="export_download",
    ),
    path("<slug:slug>/facilitate/export/print/", facilitator_views.export_print, name="export_print"),
    path("<slug:slug>/facilitate/exports/<int:job_id>/", facilitator_views.export_job, name="export_job"),
    path(
        "<slug:slug>/facilitate/exports/<int:job_id>/download/",
        facilitator_views.export_job_download,
        name="export_job_download",
    ),
]

from __future__ import annotations

from django.urls import path

from . import views

app_name = "conversations"

urlpatterns = [
    path("", views.conversation_list, name="list"),
    path("<slug:slug>/", views.conversation_detail, name="detail"),
    path("<slug:slug>/ideas/new/", views.idea_create, name="idea_create"),
    path("<slug:slug>/ideas/seed/", views.idea_seed, name="idea_seed"),
    path("<slug:slug>/ideas/<int:pk>/", views.idea_detail, name="idea"),
    path("<slug:slug>/ideas/<int:pk>/edit/", views.idea_edit, name="idea_edit"),
    path("<slug:slug>/ideas/<int:pk>/rate/", views.idea_rate, name="idea_rate"),
    path("<slug:slug>/ideas/<int:pk>/comments/", views.comment_create, name="comment_create"),
]

"""Routes of the conversations API (see urls.py): conversations, ideas, comments and ratings."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("conversations/", views.ConversationList.as_view(), name="conversation-list"),
    path("conversations/<slug:slug>/", views.ConversationDetail.as_view(), name="conversation-detail"),
    path("conversations/<slug:slug>/ideas/", views.ConversationIdeas.as_view(), name="conversation-ideas"),
    path("ideas/<int:pk>/", views.IdeaDetail.as_view(), name="idea-detail"),
    path("ideas/<int:pk>/comments/", views.IdeaComments.as_view(), name="idea-comments"),
    path("ideas/<int:pk>/my-rating/", views.MyRating.as_view(), name="idea-my-rating"),
]

"""The first, read-only API: a conversation's ideas in priority order, at
``/api/conversations/<slug>/ideas/``. Kept for the people who use it; version 1
(``conversations/api_v1``, ``/api/v1/conversations/<slug>/ideas/``) lists the same ideas in
the same order with more about each (its ``url`` is the API's, the page's is ``page``).

Like every public surface it reads ``Idea.objects.visible()``: ideas waiting for review or
hidden by moderators are never listed, and a conversation that the person may not see answers
404. It pages through ``listing.idea_window`` as version 1 and the pages do: the stored
ranking's order and length, so no request counts or sorts the whole conversation.
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from . import listing, permissions
from .models import Conversation, Idea, RankingSummary


class RatingDistributionSerializer(serializers.Serializer[Any]):
    rated_1 = serializers.IntegerField(source="count_1")
    rated_2 = serializers.IntegerField(source="count_2")
    rated_3 = serializers.IntegerField(source="count_3")
    rated_4 = serializers.IntegerField(source="count_4")
    rated_5 = serializers.IntegerField(source="count_5")


class RankedIdeaSerializer(serializers.ModelSerializer[Idea]):
    author = serializers.SerializerMethodField(
        help_text="The author's display name (never an email address)."
    )
    rank = serializers.IntegerField(source="ranking.rank", allow_null=True, help_text="Empty until ranked.")
    priority_score = serializers.FloatField(source="ranking.score", allow_null=True)
    rating_count = serializers.IntegerField(source="ranking.rating_count")
    rating_mean = serializers.FloatField(source="ranking.rating_mean", allow_null=True)
    distribution = RatingDistributionSerializer(source="ranking")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Idea
        fields = [
            "id",
            "rank",
            "title",
            "body",
            "language",
            "is_seeded",
            "source_note",
            "author",
            "priority_score",
            "rating_count",
            "rating_mean",
            "distribution",
            "comment_count",
            "created",
            "url",
        ]

    def get_author(self, idea: Idea) -> str:
        return idea.author.public_name

    def get_url(self, idea: Idea) -> str:
        # Built from the slug in the URL, not idea.conversation: no query per idea.
        path = reverse("conversations:idea", kwargs={"slug": self.context["slug"], "pk": idea.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


@extend_schema(summary="A conversation's ideas, in priority order", tags=["conversations"])
class ConversationIdeasView(generics.ListAPIView[Idea]):
    """Visible ideas of a conversation, ranked ideas first (by rank), then those posted since
    the last ranking run (oldest first)."""

    serializer_class = RankedIdeaSerializer
    permission_classes = [AllowAny]
    filter_backends: list[Any] = []

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "slug": self.kwargs["slug"]}

    def get_queryset(self) -> Any:
        # The conversation with its ranking summary, in one query.
        conversation = get_object_or_404(Conversation.objects.with_ranking(), slug=self.kwargs["slug"])
        permissions.check_can_see(self.request.user, conversation)
        try:
            summary: RankingSummary | None = conversation.ranking
        except RankingSummary.DoesNotExist:
            summary = None
        return listing.idea_window(conversation, summary, sort="priority", viewer=self.request.user)

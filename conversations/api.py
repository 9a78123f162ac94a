"""The public, read-only API: a conversation's ideas in priority order.

Like every public surface it reads ``Idea.objects.visible()``: ideas waiting for review or
hidden by moderators are never listed, and a conversation that the person may not see answers
404. The ranks are those of the stored ranking snapshot the pages show.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from . import permissions
from .models import Conversation, Idea


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

    def get_queryset(self) -> QuerySet[Idea]:
        conversation = get_object_or_404(Conversation, slug=self.kwargs["slug"])
        permissions.check_can_see(self.request.user, conversation)
        return (
            Idea.objects.visible()
            .filter(conversation=conversation)
            .select_related("author", "ranking")
            .in_priority_order()
        )

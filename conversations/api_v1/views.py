"""The conversations API: conversations, their ideas, comments and a person's own rating.

Every read starts where the pages start: ``selectors.conversation_for`` and ``idea_for`` (404,
or 403 "by invitation", exactly as ``views._get_conversation_for_user``), and
``Idea.objects.visible()`` / ``Comment.objects.visible()``, so nothing waiting for review or
hidden is ever listed or found. A conversation's ideas are ``listing.idea_window``: the
stored ranking order the pages read, paged from the snapshot without counting or sorting the
whole conversation. Every write is one service call (``services.idea_create``,
``comment_create``, ``rating_set``, ``rating_delete``), whose refusals
(suspended, closed, your own idea, ...) the error handler answers with 403 or 400 in the
request's language; the API states no rule of its own. Writes are rate limited like the
pages' (``rate_limit``), and a suspended person reads but writes nothing.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from vocaleyes.api.filters import refuse_blank
from vocaleyes.api.schema import ErrorSerializer

from .. import listing, permissions, services
from ..models import Comment, ContentStatus, Conversation, Idea, Rating
from . import selectors
from .serializers import (
    CommentCreateSerializer,
    CommentSerializer,
    ConversationDetailSerializer,
    ConversationSerializer,
    IdeaCreatedSerializer,
    IdeaCreateSerializer,
    IdeaListQuery,
    IdeaSerializer,
    RatingSerializer,
)

TAGS = ["conversations"]

_ERRORS = {
    400: "Something sent needs correcting (`fields` says what), or the body is not valid JSON.",
    401: "No API token, or one that is not valid or has been revoked.",
    403: "Not allowed: suspended, the conversation is closed or paused, by invitation, or not yours.",
    404: "Not found, or not shown (a draft, an idea or comment waiting for review or hidden).",
    429: "Too many of these writes in a short time; nothing was written (see `Retry-After`).",
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """The error answers an operation may give, each with the one error body, said as they
    apply here (``vocaleyes.api.schema.ApiSchema`` adds the general ones an operation leaves out)."""
    return {code: OpenApiResponse(ErrorSerializer, description=_ERRORS[code]) for code in codes}


def not_rated() -> exceptions.NotFound:
    return exceptions.NotFound(_("You have not rated this idea."), code="not_rated")


# --- Conversations --------------------------------------------------------------------------


class ConversationFilter(django_filters.FilterSet):
    organisation = django_filters.CharFilter(
        field_name="organisation__slug", help_text="The organisation's slug."
    )
    status = django_filters.ChoiceFilter(choices=Conversation.Status.choices)

    class Meta:
        model = Conversation
        fields = ["organisation", "status"]


@extend_schema_view(
    get=extend_schema(
        summary="Conversations",
        description="The conversations the person asking may see: public ones for everyone, "
        "drafts for their organisation's facilitators, invitation-only ones for their members.",
        tags=TAGS,
        responses={200: ConversationSerializer(many=True), **errors(400, 401)},
    )
)
class ConversationList(generics.ListAPIView[Conversation]):
    serializer_class = ConversationSerializer
    permission_classes = [AllowAny]
    filterset_class = ConversationFilter

    def get_queryset(self) -> Any:
        return selectors.conversations_visible_to(self.request.user).order_by("-status", "-created", "-pk")


@extend_schema_view(
    get=extend_schema(
        summary="One conversation",
        description="404 for a conversation the person may not see; 403 (with how to join) for "
        "an invitation-only one they are not part of.",
        tags=TAGS,
        responses={200: ConversationDetailSerializer, **errors(401, 403, 404)},
    )
)
class ConversationDetail(generics.RetrieveAPIView[Conversation]):
    serializer_class = ConversationDetailSerializer
    permission_classes = [AllowAny]

    def get_object(self) -> Conversation:
        return selectors.conversation_for(self.request.user, self.kwargs["slug"])

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        conversation = self.get_object()
        context = {
            **self.get_serializer_context(),
            "can_post": permissions.can_post_idea(request.user, conversation),
        }
        return Response(ConversationDetailSerializer(conversation, context=context).data)


class ConversationIdeas(generics.GenericAPIView[Idea]):
    """A conversation's visible ideas in a stored order, and posting a new one."""

    serializer_class = IdeaSerializer
    queryset = Idea.objects.none()  # for the schema: the list is listing.idea_window's
    rate_limit = "idea"

    @extend_schema(
        summary="A conversation's ideas",
        description="Visible ideas in the order asked for, read from the stored ranking the "
        "pages show: ranked ideas by their place, then those posted since the last ranking run, "
        "oldest first. Each carries its priority figures at the last run and, for someone "
        "signed in, their own rating. Page through with `page` and `page_size` (at most 100).",
        tags=TAGS,
        parameters=[IdeaListQuery],
        responses={200: IdeaSerializer(many=True), **errors(400, 401, 403, 404)},
    )
    def get(self, request: Request, slug: str) -> Response:
        refuse_blank(request.query_params, ["order"])  # ``?order=`` is no order (the schema's enum)
        query = IdeaListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        order, search = query.validated_data["order"], query.validated_data["q"].strip()
        conversation = selectors.conversation_for(request.user, slug)
        summary = selectors.stored_ranking(conversation, order)
        window = listing.idea_window(conversation, summary, sort=order, query=search, viewer=request.user)
        page = self.paginate_queryset(window)  # type: ignore[arg-type]  # an IdeaWindow pages like a list
        assert page is not None and self.paginator is not None
        first = (self.paginator.page.number - 1) * self.paginator.page.paginator.per_page + 1  # type: ignore[attr-defined]
        positions = {idea.pk: first + offset for offset, idea in enumerate(page)}
        serializer = IdeaSerializer(
            page, many=True, context={**self.get_serializer_context(), "positions": positions}
        )
        return self.get_paginated_response(serializer.data)

    @extend_schema(
        summary="Post an idea",
        description="Posted through the same service as the page: only while the conversation "
        "takes ideas, never while suspended. With `source_note` the idea is seeded (the "
        "conversation's facilitators only). In a conversation that reviews new ideas, a "
        "resident's idea waits for a moderator (`status` pending, `message` says so) and is not "
        "shown until approved.",
        tags=TAGS,
        request=IdeaCreateSerializer,
        responses={201: IdeaCreatedSerializer, **errors(400, 401, 403, 404, 429)},
    )
    def post(self, request: Request, slug: str) -> Response:
        conversation = selectors.conversation_for(request.user, slug)
        incoming = IdeaCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        idea = services.idea_create(
            conversation=conversation,
            author=request.user,  # type: ignore[arg-type]  # IsAuthenticatedOrReadOnly
            title=data["title"],
            body=data["body"],
            language=data["language"],
            source_note=data.get("source_note", ""),
        )
        body = IdeaCreatedSerializer(idea, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)


# --- Ideas ----------------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        summary="One idea",
        description="A visible idea. An idea waiting for review or hidden by moderators answers "
        "404 to everyone, its author included (the author's idea page tells them what happened "
        "to it; the API does not).",
        tags=TAGS,
        responses={200: IdeaSerializer, **errors(401, 403, 404)},
    )
)
class IdeaDetail(generics.RetrieveAPIView[Idea]):
    serializer_class = IdeaSerializer
    permission_classes = [AllowAny]

    def get_object(self) -> Idea:
        user = self.request.user
        return selectors.idea_for(user, self.kwargs["pk"], Idea.objects.with_listing().with_rating_by(user))


class IdeaComments(generics.GenericAPIView[Comment]):
    """An idea's visible comments, oldest first, and adding one."""

    serializer_class = CommentSerializer
    queryset = Comment.objects.none()  # for the schema: the idea's comments are read in get()
    rate_limit = "comment"

    @extend_schema(
        summary="An idea's comments",
        description="Visible comments, oldest first; a reply names the comment it answers "
        "(`parent`). Replies to a comment that is not shown are not listed, as on the page.",
        tags=TAGS,
        responses={200: CommentSerializer(many=True), **errors(401, 403, 404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        idea = selectors.idea_for(request.user, pk)
        comments = (
            Comment.objects.visible()
            .filter(idea=idea)
            .filter(Q(parent__isnull=True) | Q(parent__status=ContentStatus.PUBLISHED))
            .select_related("author")
            .order_by("created", "pk")
        )
        page = self.paginate_queryset(comments)
        return self.get_paginated_response(CommentSerializer(page, many=True).data)

    @extend_schema(
        summary="Comment on an idea",
        description="Or reply to one of its top-level comments (`parent`). Only while the "
        "conversation takes comments, never while suspended.",
        tags=TAGS,
        request=CommentCreateSerializer,
        responses={201: CommentSerializer, **errors(400, 401, 403, 404, 429)},
    )
    def post(self, request: Request, pk: int) -> Response:
        idea = selectors.idea_for(request.user, pk)
        incoming = CommentCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        parent = None
        if data.get("parent"):
            parent = Comment.objects.visible().filter(idea=idea, pk=data["parent"]).first()
            if parent is None:
                # A well-formed id the schema admits, of no comment shown here: not there.
                message = _("You can only reply to a comment on this idea, not to a reply.")
                raise exceptions.NotFound(message, code="no_such_comment")
        comment = services.comment_create(
            idea=idea,
            author=request.user,  # type: ignore[arg-type]  # IsAuthenticatedOrReadOnly
            body=data["body"],
            parent=parent,
            language=data.get("language") or "",
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


_RATING_SCHEMA: dict[str, Any] = {"tags": TAGS}


class MyRating(generics.GenericAPIView[Rating]):
    """The rating the person asking gave an idea."""

    serializer_class = RatingSerializer
    queryset = Rating.objects.none()  # for the schema: the person's rating is read in each method
    permission_classes = [IsAuthenticated]
    rate_limit = "rating"

    @extend_schema(
        summary="My rating of an idea",
        description="404 when you have not rated it.",
        responses={200: RatingSerializer, **errors(401, 403, 404)},
        **_RATING_SCHEMA,
    )
    def get(self, request: Request, pk: int) -> Response:
        idea = selectors.idea_for(request.user, pk)
        rating = Rating.objects.filter(idea_id=idea.pk, user=request.user).first()  # type: ignore[misc]
        if rating is None:
            raise not_rated()
        return Response(RatingSerializer(rating).data)

    @extend_schema(
        summary="Rate an idea",
        description="Give or change your rating, 1 (not important) to 5 (essential). Not your own "
        "idea, and only while the conversation takes ratings. The idea's figures count it at the "
        "next ranking run.",
        request=RatingSerializer,
        responses={200: RatingSerializer, **errors(400, 401, 403, 404, 429)},
        **_RATING_SCHEMA,
    )
    def put(self, request: Request, pk: int) -> Response:
        idea = selectors.idea_for(request.user, pk)
        incoming = RatingSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        rating = services.rating_set(idea=idea, user=request.user, value=incoming.validated_data["value"])  # type: ignore[arg-type]
        return Response(RatingSerializer(rating).data)

    @extend_schema(
        summary="Take back my rating",
        description="Only while the conversation takes ratings; 404 when you have not rated it.",
        responses={204: None, **errors(401, 403, 404, 429)},
        **_RATING_SCHEMA,
    )
    def delete(self, request: Request, pk: int) -> Response:
        idea = selectors.idea_for(request.user, pk)
        if not services.rating_delete(idea=idea, user=request.user):  # type: ignore[arg-type]
            raise not_rated()
        return Response(status=status.HTTP_204_NO_CONTENT)

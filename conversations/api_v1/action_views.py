"""Action groups in the API: a conversation's groups, and one group with its pledge figures.

Reads only, for everyone who may see the conversation (``permissions.check_can_see``: 404 for
drafts, 403 saying how to join for an invitation-only conversation), as the pages are. The list
is the conversation page's (every group of the conversation, newest first) with the counts of
the "Get involved" page; one group is its page: the shown ideas it acts on (hidden or pending
ideas never appear), the coordinators' public names and the pledge panel's figures. Who pledged
appears only as the page shows it (public names), never which pledge is whose.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet, Sum, prefetch_related_objects
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import permissions
from ..action_views import with_counts
from ..models import ActionGroup, ActionGroupCoordinator, Conversation, HoursGiven, Pledge
from ..pledge_panel import panel
from ..services.pledges import COUNTING
from .action_serializers import ActionGroupDetailSerializer, ActionGroupSummarySerializer, errors

TAGS = ["action groups"]


@extend_schema_view(
    get=extend_schema(
        summary="A conversation's action groups",
        description="Every action group of the conversation, newest first, as its page lists them.",
        tags=TAGS,
        responses={200: ActionGroupSummarySerializer(many=True), **errors(403, 404)},
    )
)
class ConversationActionGroupList(generics.ListAPIView[ActionGroup]):
    serializer_class = ActionGroupSummarySerializer
    permission_classes = [AllowAny]
    filterset_fields = ["status"]

    def get_queryset(self) -> QuerySet[ActionGroup]:
        groups = ActionGroup.objects.select_related("conversation")
        if getattr(self, "swagger_fake_view", False):  # the schema's generator asks for the model
            return groups.none()
        conversation = get_object_or_404(
            Conversation.objects.select_related("organisation"), slug=self.kwargs["slug"]
        )
        permissions.check_can_see(self.request.user, conversation)
        return with_counts(groups.filter(conversation=conversation)).order_by("-created", "-pk")


def group_for_user(request: Request, pk: int) -> ActionGroup:
    """The group with its conversation, organisation and budget project, if this person may see
    its conversation; 404 (or the invitation's 403) otherwise."""
    group: ActionGroup = get_object_or_404(
        with_counts(ActionGroup.objects.select_related("conversation__organisation", "budget_project")),
        pk=pk,
    )
    permissions.check_can_see(request.user, group.conversation)
    return group


class ActionGroupDetail(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="One action group",
        description=(
            "What it is for, the shown ideas it acts on, its coordinators (public names), its "
            "pledge figures and conditions (never whose), and your own pledges to it."
        ),
        tags=TAGS,
        responses={200: ActionGroupDetailSerializer, **errors(403, 404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        group = group_for_user(request, pk)
        figures = panel(group, request.user)
        totals: Any = group  # the serializer reads these as attributes of the group
        totals.shown_ideas = list(group.ideas.visible().only("pk", "title", "language").order_by("pk"))
        totals.coordinator_names = [
            role.user.public_name
            for role in ActionGroupCoordinator.objects.filter(group=group)
            .select_related("user")
            .only("user__display_name", "user__deleted_at")  # public_name reads both
            .order_by("added", "pk")
        ]
        pledged = Pledge.objects.filter(group=group, status__in=COUNTING, kind=Pledge.Kind.HOURS).aggregate(
            total=Sum("minutes")
        )
        given = HoursGiven.objects.filter(pledge__group=group).aggregate(total=Sum("minutes"))
        totals.pledge_figures = {
            "bound": figures["pledges_bound"],
            "waiting": figures["pledges_waiting"],
            "time_pledged_minutes": pledged["total"] or 0,
            "time_pledged": figures["time_pledged"],
            "time_given_minutes": given["total"] or 0,
            "time_given": figures["time_given"],
            "conditions": figures["pledge_conditions"],
            "people": figures["pledge_members"],
        }
        totals.can_pledge = figures["can_pledge"]
        totals.my_pledges = figures["my_pledges"]
        # The viewer's own pledges are of this group, with their hours in one query (not one each).
        own = [entry.pledge for entry in figures["my_pledges"]]
        for pledge in own:
            pledge.group = group
        prefetch_related_objects(own, "hours")
        return Response(ActionGroupDetailSerializer(group, context={"request": request}).data)

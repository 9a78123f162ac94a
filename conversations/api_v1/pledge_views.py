"""Pledges in the API: pledge to an action group, withdraw your own pledge, list your pledges.

Every write is the pledge service's (``services.pledge_create``, ``services.pledge_withdraw``),
which locks the group's row and decides; its refusals answer 403 (who is asking: suspended, the
group is not taking pledges), 400 (what was sent) or 409 (the state things are in: a deadline
already past, a pledge that can no longer be withdrawn) with the service's own message. A pledge is
made as on the page: to a group of a conversation the person may see that acts on at least one
shown idea (404 otherwise), with the page form's fields and messages, under the ``pledge`` rate
limit. Withdrawing is a change of state (the pledge stays, ``withdrawn``), so it is a POST to
``withdraw/``; someone else's pledge is a 404, as if it did not exist.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vocaleyes.api.conflict import conflict
from vocaleyes.errors import Refusal
from vocaleyes.models import User

from .. import permissions, services
from ..models import ActionGroup, Pledge
from .action_serializers import PLEDGE_REQUEST, PledgeCreateSerializer, PledgeSerializer, errors

TAGS = ["action groups"]


def _person(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # the views ask for IsAuthenticated
    return user


def _group_to_pledge_to(request: Request, pk: int) -> ActionGroup:
    """As the pledge page finds it: in a conversation this person may see, acting on at least
    one shown idea; 404 otherwise."""
    group: ActionGroup = get_object_or_404(
        ActionGroup.objects.select_related("conversation__organisation"), pk=pk
    )
    permissions.check_can_see(request.user, group.conversation)
    if not group.ideas.visible().exists():
        raise Http404
    return group


class PledgeCreate(APIView):
    permission_classes = [IsAuthenticated]
    rate_limit = "pledge"

    @extend_schema(
        summary="Pledge to an action group",
        description=(
            "Time (`hours` and `minutes`), a skill or a resource (`description`), optionally only "
            "if `threshold` other people also pledge by `deadline`. A pledge without a condition "
            "counts at once (`bound`); a conditional one waits (`open`) until enough others pledge."
        ),
        tags=TAGS,
        request={"application/json": PLEDGE_REQUEST},
        responses={201: PledgeSerializer, **errors(400, 401, 403, 404, 409, 429)},
        examples=[
            OpenApiExample("Three hours", value={"kind": "hours", "hours": 3}, request_only=True),
            OpenApiExample(
                "A skill, on condition",
                value={
                    "kind": "skill",
                    "description": "Carpentry",
                    "threshold": 10,
                    "deadline": "2027-05-31",
                },
                request_only=True,
            ),
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        person = _person(request)
        group = _group_to_pledge_to(request, pk)
        # Who may pledge first, as on the page: a suspended person is told why, whatever they sent.
        if refusal := services.pledge_create_refusal(person=person, group=group):
            raise refusal
        body = PledgeCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        pledge = services.pledge_create(person=person, group=group, **body.validated_data)
        answer = PledgeSerializer(pledge, context={"request": request}).data
        return Response(answer, status=status.HTTP_201_CREATED)


class PledgeWithdraw(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Withdraw your pledge",
        description=(
            "Your own pledge only. A pledge that waits for others, or one without a condition that "
            "no hours have been given against, can be withdrawn; a conditional pledge that has "
            "bound cannot (others pledged counting on it)."
        ),
        tags=TAGS,
        request=None,
        responses={200: PledgeSerializer, **errors(401, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        person = _person(request)
        pledge = get_object_or_404(
            Pledge.objects.select_related("group__conversation"), pk=pk, person_id=person.pk
        )
        try:
            pledge = services.pledge_withdraw(pledge=pledge, by=person)
        except Refusal as refusal:
            if refusal.forbidden:
                raise
            # Yours, and you may: but not in the state it is in (bound, lapsed, hours given).
            raise conflict(refusal) from None
        return Response(PledgeSerializer(pledge, context={"request": request}).data)


@extend_schema_view(
    get=extend_schema(
        summary="Your pledges",
        description="Your pledges to action groups, newest first, each with where it stands.",
        tags=TAGS,
        responses={200: PledgeSerializer(many=True), **errors(400, 401)},
    )
)
class MyPledgeList(generics.ListAPIView[Pledge]):
    serializer_class = PledgeSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["status"]

    def get_queryset(self) -> QuerySet[Pledge]:
        pledges = Pledge.objects.select_related("group__conversation").order_by("-created", "-pk")
        if getattr(self, "swagger_fake_view", False):
            return pledges.none()
        # The hours given come with the list: "can withdraw" and the minutes given read them.
        return pledges.filter(person_id=self.request.user.pk).prefetch_related("hours")

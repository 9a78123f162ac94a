"""Budget rounds over the API: rounds, their projects, published results, and the person's own
ballot, read and cast exactly as the pages do.

- A round is as visible as its conversation (``conversations.permissions.check_can_see``, as
  the round pages ask it): a 404 for drafts and anything else unseen, a 403 that says how to
  join for an invitation-only conversation.
- Results only once voting has closed (``permissions.can_view_results``) and a count has
  finished: before then a 409 that says when they will be published, or how the count is going.
- ``my-ballot`` is the signed-in person's own ballot and nobody else's: no id in the address,
  so there is no other ballot to ask for. PUT goes through ``services.ballot_submit``, with the
  voting page's rules and refusals; the suspension and the phase are checked first, so a
  suspended person or a closed round gets its 403 whatever the body holds.
"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from conversations.permissions import check_can_see
from vocaleyes.api.conflict import conflict_response
from vocaleyes.errors import Refusal
from vocaleyes.models import User

from .. import permissions, services
from ..formatting import format_moment
from ..models import Ballot, BudgetProject, BudgetRound, Phase, Tally
from ..selectors import latest_counts
from .results import results_data
from .selectors import phase_condition, rounds_visible_to
from .serializers import (
    BallotInSerializer,
    BallotSerializer,
    BudgetProjectSerializer,
    BudgetResultsSerializer,
    BudgetRoundSerializer,
    ErrorSerializer,
)

TAGS = ["budgeting"]


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


NOT_SEEN = {
    403: _error("An invitation-only conversation's round, to someone not invited: says how to join."),
    404: _error("No such round, or one this person may not see."),
}
SIGNED_IN = {401: _error("No API token, or one that is not valid.")}
BAD_TOKEN = {401: _error("A token that is not valid, or has been revoked (reads need no token).")}


class Conflict(exceptions.APIException):
    """The resource is not there yet, for a reason the answer gives (results before publication)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def round_for(request: Request, slug: str) -> BudgetRound:
    """The round, if this person may see it (as the round pages decide), or 404/403."""
    budget_round = get_object_or_404(
        BudgetRound.objects.select_related("conversation__organisation"), slug=slug
    )
    check_can_see(request.user, budget_round.conversation)
    return budget_round


def _voter(request: Request) -> User:
    """The signed-in person, in a view only they reach (``IsAuthenticated``)."""
    assert isinstance(request.user, User)
    return request.user


class RoundFilter(django_filters.FilterSet):
    conversation = django_filters.CharFilter(
        field_name="conversation__slug", help_text="Only the rounds of this conversation (its slug)."
    )
    phase = django_filters.ChoiceFilter(
        choices=Phase.choices, method="filter_phase", help_text="Only the rounds in this phase now."
    )

    class Meta:
        model = BudgetRound
        fields = ["conversation", "phase"]

    def filter_phase(self, queryset: QuerySet[BudgetRound], name: str, value: str) -> QuerySet[BudgetRound]:
        return queryset.filter(phase_condition(value))


@extend_schema(
    summary="Budget rounds this person may see",
    tags=TAGS,
    responses={
        200: BudgetRoundSerializer(many=True),
        400: _error("An unknown phase."),
        **BAD_TOKEN,
        404: _error("A page number past the end of the list."),
    },
)
class RoundList(generics.ListAPIView[BudgetRound]):
    serializer_class = BudgetRoundSerializer
    permission_classes = [AllowAny]
    filterset_class = RoundFilter

    def get_queryset(self) -> QuerySet[BudgetRound]:
        if getattr(self, "swagger_fake_view", False):  # the schema's generator asks for the model
            return BudgetRound.objects.none()
        return (
            rounds_visible_to(self.request.user)
            .select_related("conversation__organisation")
            .order_by("-voting_opens", "pk")
        )


@extend_schema(
    summary="One budget round", tags=TAGS, responses={200: BudgetRoundSerializer, **BAD_TOKEN, **NOT_SEEN}
)
class RoundDetail(generics.RetrieveAPIView[BudgetRound]):
    serializer_class = BudgetRoundSerializer
    permission_classes = [AllowAny]

    def get_object(self) -> BudgetRound:
        return round_for(self.request, self.kwargs["slug"])


@extend_schema(
    summary="A round's projects, as its page lists them",
    description=(
        "The projects on the ballot, eligible or not (with the reason), in code order. Proposals "
        "still under review, or found not feasible, are not projects and are not listed."
    ),
    tags=TAGS,
    responses={200: BudgetProjectSerializer(many=True), **BAD_TOKEN, **NOT_SEEN},
)
class ProjectList(generics.ListAPIView[BudgetProject]):
    serializer_class = BudgetProjectSerializer
    permission_classes = [AllowAny]

    def get_queryset(self) -> QuerySet[BudgetProject]:
        if getattr(self, "swagger_fake_view", False):
            return BudgetProject.objects.none()
        budget_round = round_for(self.request, self.kwargs["slug"])
        return budget_round.projects.select_related("idea__conversation").order_by("code")


def _not_ready(budget_round: BudgetRound, latest: Tally | None) -> Conflict:
    """Why there are no results to give yet, in the results page's words."""
    if latest is not None and latest.status == Tally.Status.QUEUED:
        detail = gettext("The count is waiting to start.")
    elif latest is not None and latest.status == Tally.Status.RUNNING:
        detail = gettext("Counting the votes: %(progress)s%% done.") % {"progress": latest.progress}
    else:
        detail = gettext("The votes have not been counted yet.")
    return Conflict(detail, code="not_counted")


@extend_schema(
    summary="A round's published results",
    description=(
        "Once voting has closed and the votes are counted: the winners in the order they were "
        "funded, each project's votes and the results page's explanation of its result, the "
        "popular projects that lost and why, and the same ballots under the other rule."
    ),
    tags=TAGS,
    responses={
        200: BudgetResultsSerializer,
        **BAD_TOKEN,
        **NOT_SEEN,
        409: _error(
            "Not published yet: voting is still open (code `not_published`, with the date), or "
            "the votes are not counted yet (code `not_counted`, with the count's progress)."
        ),
    },
)
class Results(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request, slug: str) -> Response:
        budget_round = round_for(request, slug)
        if not permissions.can_view_results(request.user, budget_round):
            raise Conflict(
                gettext("The results will be published after voting closes on %(date)s.")
                % {"date": format_moment(budget_round.voting_closes)},
                code="not_published",
            )
        latest, done = latest_counts(budget_round)
        if done is None:
            raise _not_ready(budget_round, latest)
        return Response(BudgetResultsSerializer(results_data(done, budget_round)).data)


def _with_votes(ballot: Ballot) -> Ballot:
    ballot.ordered_votes = list(  # type: ignore[attr-defined]
        ballot.votes.select_related("project").order_by("project__code")
    )
    return ballot


class MyBallot(APIView):
    permission_classes = [IsAuthenticated]
    rate_limit = "ballot"  # each saved ballot emails a receipt

    @extend_schema(
        summary="Your ballot in this round",
        tags=TAGS,
        responses={
            200: BallotSerializer,
            **SIGNED_IN,
            403: NOT_SEEN[403],
            404: _error("No such round, one you may not see, or you have not voted in it."),
        },
    )
    def get(self, request: Request, slug: str) -> Response:
        budget_round = round_for(request, slug)
        ballot = (
            Ballot.objects.select_related("round").filter(round=budget_round, voter=_voter(request)).first()
        )
        if ballot is None:
            raise exceptions.NotFound(gettext("You have not voted in this round."))
        return Response(BallotSerializer(_with_votes(ballot), context={"request": request}).data)

    @extend_schema(
        summary="Cast your ballot, or replace it",
        description=(
            '`choices`: the projects you choose, each `{"project": id}` (add `"points"` for a '
            "cumulative ballot). Checked as the voting page checks it: within the budget, at most "
            "the number of projects allowed, points adding up, only eligible projects of this "
            "round. Replaces any ballot you cast before, while voting is open. A receipt is "
            "emailed, as from the page."
        ),
        tags=TAGS,
        request=BallotInSerializer,
        responses={
            200: BallotSerializer,
            400: _error("The ballot is not well formed: `fields` says how."),
            **SIGNED_IN,
            403: _error("Suspended, voting not open, or an invitation-only round you are not invited to."),
            404: NOT_SEEN[404],
            409: _error(
                "The ballot breaks this round's rules (code `ballot_rules`): over the budget, too "
                "many projects, points not adding up, or a project not eligible or not in this round."
            ),
        },
    )
    def put(self, request: Request, slug: str) -> Response:
        budget_round = round_for(request, slug)
        voter = _voter(request)
        services.voter_check(budget_round=budget_round, voter=voter)
        incoming = BallotInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            ballot = services.ballot_submit(
                budget_round=budget_round,
                voter=voter,
                choices=incoming.as_mapping(),
                base_url=request.build_absolute_uri("/"),
            )
        except Refusal as refusal:
            if refusal.forbidden or refusal.field != "choices":
                raise
            # A well-formed ballot this round's rules refuse (its budget, its projects and their
            # eligibility, how many may be chosen): about the round as it is, so 409.
            return conflict_response(refusal, code="ballot_rules")
        ballot = Ballot.objects.select_related("round").get(pk=ballot.pk)
        return Response(BallotSerializer(_with_votes(ballot), context={"request": request}).data)

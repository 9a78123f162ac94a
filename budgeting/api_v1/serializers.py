"""What the budgeting API sends and reads.

Text a person typed (titles, descriptions, reasons) is returned as it was stored, as JSON
strings: the API never renders HTML. Bilingual content comes three ways: ``title`` in the
request's language (falling back to the other), and ``title_en`` / ``title_cy`` as typed.
Money is a decimal string (``"60000.00"``), as exact as it is stored.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from vocaleyes.api import schema

from .. import permissions
from ..models import Ballot, BudgetProject, BudgetRound, Phase

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Ids and points are 32-bit integers in the database: a larger number is bad input, not a 500.
MAX_INT = 2**31 - 1


# The API's one error body, described once for every app.
ErrorSerializer = schema.ErrorSerializer


class BudgetRoundSerializer(serializers.ModelSerializer[BudgetRound]):
    title = serializers.CharField(read_only=True, help_text="In the language of the request.")
    description = serializers.CharField(read_only=True, help_text="In the language of the request.")
    conversation = serializers.CharField(source="conversation.slug", read_only=True)
    organisation = serializers.CharField(source="conversation.organisation.slug", read_only=True)
    phase = serializers.ChoiceField(
        choices=Phase.choices, read_only=True, help_text="At the time of the request."
    )
    can_vote = serializers.SerializerMethodField(help_text="Whether the person asking may cast a ballot now.")
    links = serializers.SerializerMethodField()

    class Meta:
        model = BudgetRound
        fields = [
            "id",
            "slug",
            "title",
            "title_en",
            "title_cy",
            "description",
            "description_en",
            "description_cy",
            "conversation",
            "organisation",
            "phase",
            "budget",
            "currency",
            "ballot_type",
            "max_projects",
            "points",
            "rule",
            "completion",
            "proposals_open",
            "review_opens",
            "voting_opens",
            "voting_closes",
            "can_vote",
            "links",
        ]

    def get_can_vote(self, budget_round: BudgetRound) -> bool:
        return permissions.can_vote(self.context["request"].user, budget_round)

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                name: {"type": "string", "format": "uri"}
                for name in ("self", "page", "projects", "results", "my_ballot")
            },
        }
    )
    def get_links(self, budget_round: BudgetRound) -> dict[str, str]:
        request = self.context["request"]
        kwargs = {"slug": budget_round.slug}
        return {
            "self": reverse("api-v1:budget-round-detail", kwargs=kwargs, request=request),
            "page": request.build_absolute_uri(budget_round.get_absolute_url()),
            "projects": reverse("api-v1:budget-round-projects", kwargs=kwargs, request=request),
            "results": reverse("api-v1:budget-round-results", kwargs=kwargs, request=request),
            "my_ballot": reverse("api-v1:budget-round-my-ballot", kwargs=kwargs, request=request),
        }


class ProjectIdeaSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, idea: Any) -> str:
        return str(self.context["request"].build_absolute_uri(idea.get_absolute_url()))


class BudgetProjectSerializer(serializers.ModelSerializer[BudgetProject]):
    title = serializers.CharField(read_only=True, help_text="In the language of the request.")
    description = serializers.CharField(read_only=True, help_text="In the language of the request.")
    category = serializers.CharField(read_only=True, help_text="In the language of the request.")
    ineligible_reason = serializers.CharField(
        read_only=True, help_text="Why it is not eligible (empty when it is), in the language of the request."
    )
    idea = ProjectIdeaSerializer(
        source="visible_idea",
        read_only=True,
        allow_null=True,
        help_text="The idea it grew out of, while that idea is published.",
    )

    class Meta:
        model = BudgetProject
        fields = [
            "id",
            "code",
            "title",
            "title_en",
            "title_cy",
            "description",
            "description_en",
            "description_cy",
            "category",
            "category_en",
            "category_cy",
            "cost",
            "eligible",
            "ineligible_reason",
            "ineligible_reason_en",
            "ineligible_reason_cy",
            "idea",
        ]


# DRF's own messages have no Welsh, so the fields a voter sends carry theirs.
NUMBER_MESSAGES: dict[str, StrOrPromise] = {
    "invalid": _("Give a whole number."),
    "min_value": _("Give a number of at least {min_value}."),
    "max_value": _("Give a number no larger than {max_value}."),
    "max_string_length": _("Give a number no larger than {max_value}."),
    "null": _("This field is required."),
}


class BallotChoiceInSerializer(serializers.Serializer[Any]):
    default_error_messages = {
        "invalid": _("Send each choice as an object with a project, and points if the ballot has them.")
    }

    project = serializers.IntegerField(
        min_value=1,
        max_value=MAX_INT,
        error_messages=NUMBER_MESSAGES,
        help_text="A project's id in this round.",
    )
    points = serializers.IntegerField(
        min_value=1,
        max_value=MAX_INT,
        default=1,
        error_messages=NUMBER_MESSAGES,
        help_text="For cumulative ballots, the points given to it; otherwise 1 (or left out).",
    )


class BallotInSerializer(serializers.Serializer[Any]):
    """A ballot to cast, or to replace the one already cast. The round's own rules (budget,
    how many projects, points, eligibility, phase) are the ballot service's to check."""

    default_error_messages = {"invalid": _("Send the ballot as a JSON object with its choices.")}

    choices = BallotChoiceInSerializer(
        many=True,
        allow_empty=False,  # the schema's minItems: 1
        error_messages={
            "not_a_list": _("Give the choices as a list."),
            "null": _("This field is required."),
            "empty": _("Choose at least one project."),
        },
    )

    def validate_choices(self, choices: list[dict[str, int]]) -> list[dict[str, int]]:
        projects = [choice["project"] for choice in choices]
        if len(set(projects)) != len(projects):
            raise serializers.ValidationError(_("Choose each project at most once."))
        return choices

    def as_mapping(self) -> dict[int, int]:
        """The choices as the ballot service takes them: {project id: points}."""
        return {choice["project"]: choice["points"] for choice in self.validated_data["choices"]}


class BallotChoiceSerializer(serializers.Serializer[Any]):
    project = serializers.IntegerField(source="project.id")
    code = serializers.CharField(source="project.code")
    title = serializers.CharField(source="project.title")
    cost = serializers.DecimalField(source="project.cost", max_digits=14, decimal_places=2)
    points = serializers.IntegerField()


class BallotSerializer(serializers.ModelSerializer[Ballot]):
    """The person's own ballot. Only ever built for its voter."""

    round = serializers.CharField(source="round.slug")
    cast = serializers.DateTimeField(source="created")
    changed = serializers.DateTimeField(source="updated")
    choices = BallotChoiceSerializer(source="ordered_votes", many=True)
    total_cost = serializers.SerializerMethodField()
    can_change = serializers.SerializerMethodField(help_text="Whether it may still be changed (voting open).")
    receipt = serializers.SerializerMethodField(help_text="The receipt page.")

    class Meta:
        model = Ballot
        fields = ["id", "round", "cast", "changed", "choices", "total_cost", "can_change", "receipt"]

    @extend_schema_field({"type": "string", "format": "decimal"})
    def get_total_cost(self, ballot: Ballot) -> str:
        return str(sum((vote.project.cost for vote in ballot.ordered_votes), start=Decimal("0.00")))  # type: ignore[attr-defined]

    def get_can_change(self, ballot: Ballot) -> bool:
        return permissions.can_vote(self.context["request"].user, ballot.round)

    def get_receipt(self, ballot: Ballot) -> str:
        return str(self.context["request"].build_absolute_uri(ballot.get_absolute_url()))


class BudgetResultProjectSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField(help_text="In the language of the request.")
    cost = serializers.DecimalField(max_digits=14, decimal_places=2)


class BudgetWinnerSerializer(BudgetResultProjectSerializer):
    position = serializers.IntegerField(help_text="Funded in this place (1 first).")


class BudgetResultLineSerializer(BudgetResultProjectSerializer):
    supporters = serializers.IntegerField(help_text="Voters who chose it.")
    votes = serializers.IntegerField(help_text="Votes, or points for cumulative ballots.")
    votes_text = serializers.CharField(help_text="“3 votes”, “12 points”, in the language of the request.")
    funded = serializers.BooleanField()
    position = serializers.IntegerField(allow_null=True)
    stage = serializers.CharField(
        help_text="What funded it: equal-shares, add1 or greedy; empty when not funded."
    )
    reason = serializers.CharField(help_text="Why it was not funded, for programs; empty when funded.")
    explanation = serializers.CharField(help_text="Why it was or was not funded, as the results page says.")


class BudgetPopularLoserSerializer(BudgetResultProjectSerializer):
    beaten_by = BudgetResultProjectSerializer(
        help_text="The funded project with the fewest votes, which it out-polled."
    )
    explanation = serializers.CharField()


class BudgetOutcomeSerializer(serializers.Serializer[Any]):
    rule = serializers.CharField()
    rule_name = serializers.CharField(help_text="In the language of the request.")
    completion = serializers.CharField()
    how_it_works = serializers.CharField(help_text="The results page's words about the rule.")
    budget = serializers.DecimalField(max_digits=14, decimal_places=2)
    spent = serializers.DecimalField(max_digits=14, decimal_places=2)
    left = serializers.DecimalField(max_digits=14, decimal_places=2)
    currency = serializers.CharField()
    per_voter_budget = serializers.FloatField(
        allow_null=True, help_text="Equal Shares: each voter's share at the end."
    )
    equal_split = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    share_raised = serializers.BooleanField(
        help_text="Whether a completion raised each voter's share above the budget divided by the voters."
    )
    winners = BudgetWinnerSerializer(many=True, help_text="In the order they were funded.")
    projects = BudgetResultLineSerializer(many=True, help_text="Every project, most votes first.")
    popular_losers = BudgetPopularLoserSerializer(many=True)


class BudgetResultsSerializer(serializers.Serializer[Any]):
    round = serializers.CharField()
    counted_at = serializers.DateTimeField()
    ballots = serializers.IntegerField(help_text="Ballots counted.")
    outcome = BudgetOutcomeSerializer(help_text="The round's own rule: the result.")
    comparison = BudgetOutcomeSerializer(
        help_text="The same ballots counted with the other rule, for comparison."
    )
    differs = serializers.ListField(
        child=serializers.CharField(),
        help_text="Codes of the projects whose result differs between the rules.",
    )

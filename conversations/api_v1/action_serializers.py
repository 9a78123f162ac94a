"""What the action-group API sends and reads: action groups (public figures only), a person's
own pledges, and the body of a new pledge.

Nothing here decides anything. Which ideas show is ``Idea.objects.visible()``; what the pledge
figures are is the group page's own panel (``conversations.pledge_panel``); who may withdraw is
``services.pledge_withdraw_refusal``. A new pledge's body is checked by the page's own form
(``PledgeForm``), so the API takes the same fields and answers with the same messages, in the
language of the request.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings

from vocaleyes.api import schema
from vocaleyes.api.conflict import Conflict
from vocaleyes.api.schema import NO_NUL, NOT_BLANK

from .. import services
from ..models import ActionGroup, Pledge
from ..pledge_forms import PledgeForm

# The fields the schema says are strings (``deadline`` may also be null).
TEXT = {"kind", "description", "deadline"}

# The form's words when the deadline is today or before (compared to tell that refusal apart).
PAST_DEADLINE = "The date must be in the future."

# The API's one error body, described once for every app.
ErrorSerializer = schema.ErrorSerializer


def errors(*statuses: int) -> dict[int, type[schema.ErrorSerializer]]:
    """The error answers an operation may give, for its schema."""
    return dict.fromkeys(statuses, ErrorSerializer)


class ActionIdeaSerializer(serializers.Serializer[Any]):
    """An idea the group acts on (shown ideas only)."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    language = serializers.CharField(read_only=True, help_text="The language it was written in.")


class ActionGroupSummarySerializer(serializers.ModelSerializer[ActionGroup]):
    """One action group in a list, with the counts the "Get involved" page shows."""

    name = serializers.CharField(read_only=True, help_text="In the language of the request.")
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    conversation = serializers.CharField(source="conversation.slug", read_only=True)
    idea_count = serializers.IntegerField(read_only=True, help_text="Shown ideas it acts on.")
    pledger_count = serializers.IntegerField(
        read_only=True, help_text="People with a pledge it counts on or that waits for others."
    )
    update_count = serializers.IntegerField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api-v1:action-group-detail")

    class Meta:
        model = ActionGroup
        fields = [
            "id",
            "name",
            "name_en",
            "name_cy",
            "status",
            "status_label",
            "conversation",
            "created",
            "idea_count",
            "pledger_count",
            "update_count",
            "url",
        ]
        read_only_fields = fields


class PledgeConditionSerializer(serializers.Serializer[Any]):
    """A pledge waiting for others: what it is and how near its condition is (never whose)."""

    kind = serializers.CharField(source="pledge.kind")
    minutes = serializers.IntegerField(source="pledge.minutes")
    threshold = serializers.IntegerField(help_text="How many other people must also pledge.")
    others = serializers.IntegerField(help_text="How many other people have pledged so far.")
    deadline = serializers.DateTimeField()


class PledgeFiguresSerializer(serializers.Serializer[Any]):
    """The group page's pledge panel, as figures."""

    bound = serializers.IntegerField(help_text="Pledges the group is counting on.")
    waiting = serializers.IntegerField(help_text="Conditional pledges waiting for others.")
    time_pledged_minutes = serializers.IntegerField()
    time_pledged = serializers.CharField(help_text="The same, as words in the request's language.")
    time_given_minutes = serializers.IntegerField()
    time_given = serializers.CharField()
    conditions = PledgeConditionSerializer(many=True)
    people = serializers.ListField(
        child=serializers.CharField(),
        help_text="The public names of the people who have pledged, as the group's page shows them.",
    )


class ActionBudgetProjectSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()


class PledgeGroupSerializer(serializers.ModelSerializer[ActionGroup]):
    name = serializers.CharField(read_only=True)
    conversation = serializers.CharField(source="conversation.slug", read_only=True)

    class Meta:
        model = ActionGroup
        fields = ["id", "name", "conversation"]
        read_only_fields = fields


class PledgeSerializer(serializers.ModelSerializer[Pledge]):
    """A person's own pledge and where it stands."""

    group = PledgeGroupSerializer(read_only=True)
    # Described as text: the choices are the new pledge's ``kind`` (one enum, one component).
    kind = serializers.CharField(read_only=True, help_text="hours, skill or resource.")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    hours_given_minutes = serializers.SerializerMethodField()
    can_withdraw = serializers.SerializerMethodField()

    class Meta:
        model = Pledge
        fields = [
            "id",
            "group",
            "kind",
            "kind_label",
            "minutes",
            "description",
            "threshold",
            "deadline",
            "status",
            "status_label",
            "created",
            "bound_at",
            "lapsed_at",
            "withdrawn_at",
            "hours_given_minutes",
            "can_withdraw",
        ]
        read_only_fields = fields

    def get_hours_given_minutes(self, pledge: Pledge) -> int:
        # From the prefetched hours (the list asks for them): no query per pledge.
        return sum(hours.minutes for hours in pledge.hours.all())

    def get_can_withdraw(self, pledge: Pledge) -> bool:
        request = self.context.get("request")
        if request is None:
            return False
        return services.pledge_withdraw_refusal(pledge=pledge, by=request.user) is None


class ActionGroupDetailSerializer(ActionGroupSummarySerializer):
    """One action group: what it is for, the shown ideas it acts on, who coordinates it (public
    names, as its page shows), its pledge figures, and whether the person asking may pledge."""

    purpose = serializers.CharField(read_only=True, help_text="In the language of the request.")
    # The choices are described once, in the list's component: a choice set named in two
    # components makes drf-spectacular guess the enum's name (and warn in ``check --deploy``).
    status = serializers.CharField(read_only=True, help_text="forming, active, done or stopped.")
    organisation = serializers.CharField(source="conversation.organisation.slug", read_only=True)
    ideas = ActionIdeaSerializer(many=True, read_only=True, source="shown_ideas")
    coordinators = serializers.ListField(
        child=serializers.CharField(), read_only=True, source="coordinator_names"
    )
    budget_project = ActionBudgetProjectSerializer(read_only=True, allow_null=True)
    pledges = PledgeFiguresSerializer(read_only=True, source="pledge_figures")
    can_pledge = serializers.BooleanField(read_only=True, help_text="Whether you may pledge to it now.")
    your_pledges = serializers.SerializerMethodField()

    class Meta(ActionGroupSummarySerializer.Meta):
        fields = [
            *ActionGroupSummarySerializer.Meta.fields,
            "purpose",
            "purpose_en",
            "purpose_cy",
            "organisation",
            "ideas",
            "coordinators",
            "budget_project",
            "pledges",
            "can_pledge",
            "your_pledges",
        ]
        read_only_fields = fields

    @extend_schema_field(PledgeSerializer(many=True))
    def get_your_pledges(self, group: ActionGroup) -> list[dict[str, Any]]:
        mine = [entry.pledge for entry in getattr(group, "my_pledges", [])]
        return PledgeSerializer(mine, many=True, context=self.context).data  # type: ignore[return-value]


def _is_iso_date(text: str) -> bool:
    """``2027-05-31`` and nothing else (no spaces, no week dates, no local ways of writing a day)."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "nullable": True}


# What the page's form takes, said as a schema (the operation's request body): the fields'
# ranges, and the rules between them: a pledge of time gives some time and at most 100 hours; a
# skill or a resource says what it is; a condition is ``threshold`` and ``deadline`` together or
# neither. Only "the deadline is in the future" is left to the form (a 409, as it is not about
# the shape of what was sent but about today).
PLEDGE_REQUEST: dict[str, Any] = {
    "type": "object",
    "properties": {
        "kind": {"type": "string", "enum": list(Pledge.Kind.values)},
        "hours": _nullable({"type": "integer", "minimum": 0, "maximum": 100}),
        "minutes": _nullable({"type": "integer", "minimum": 0, "maximum": 59}),
        "description": {
            "type": "string",
            "maxLength": 2000,
            "not": dict(NO_NUL),
            "description": "For time, what you could do (optional); for a skill or a resource, "
            "what you offer.",
        },
        "threshold": _nullable(
            {"type": "integer", "minimum": 1, "maximum": 1000, "description": "How many other people."}
        ),
        "deadline": _nullable(
            {"type": "string", "format": "date", "description": "It lapses at the end of this day."}
        ),
    },
    "required": ["kind"],
    "additionalProperties": False,
    "allOf": [
        {
            "oneOf": [
                {
                    "properties": {"kind": {"enum": [Pledge.Kind.HOURS.value]}},
                    "anyOf": [
                        {"required": ["hours"], "properties": {"hours": {"type": "integer", "minimum": 1}}},
                        {
                            "required": ["minutes"],
                            "properties": {"minutes": {"type": "integer", "minimum": 1}},
                        },
                    ],
                    "not": {
                        "required": ["hours", "minutes"],
                        "properties": {
                            "hours": {"type": "integer", "minimum": 100},
                            "minutes": {"type": "integer", "minimum": 1},
                        },
                    },
                },
                {
                    "properties": {
                        "kind": {"enum": [Pledge.Kind.SKILL.value, Pledge.Kind.RESOURCE.value]},
                        "description": {"type": "string", "pattern": NOT_BLANK},
                    },
                    "required": ["description"],
                },
            ]
        },
        {
            "anyOf": [
                {
                    "required": ["threshold", "deadline"],
                    "properties": {"threshold": {"type": "integer"}, "deadline": {"type": "string"}},
                },
                {"properties": {"threshold": {"enum": [None]}, "deadline": {"enum": [None]}}},
            ]
        },
    ],
}


class PledgeCreateSerializer(serializers.Serializer[Any]):
    """A new pledge: the fields of the page's form. Time is ``hours`` and ``minutes`` (for a
    pledge of time); a conditional pledge gives both ``threshold`` (other people) and
    ``deadline`` (a date: it lapses at the end of that day)."""

    kind = serializers.ChoiceField(choices=Pledge.Kind.choices)
    hours = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True)
    minutes = serializers.IntegerField(min_value=0, max_value=59, required=False, allow_null=True)
    description = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text="For time, what you could do (optional); for a skill or a resource, what you offer.",
    )
    threshold = serializers.IntegerField(min_value=1, max_value=1000, required=False, allow_null=True)
    deadline = serializers.DateField(required=False, allow_null=True)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        """The page's form checks the values (its messages, in the request's language); the
        declared fields above describe them for the schema. Returns the service's keywords."""
        if not isinstance(data, Mapping):
            raise serializers.ValidationError(
                {api_settings.NON_FIELD_ERRORS_KEY: [gettext("Send the pledge as a JSON object.")]}
            )
        wrong: dict[str, list[str]] = {}
        for name, value in data.items():
            if name not in self.fields:
                wrong[str(name)] = [gettext("This field is not part of a pledge.")]
            elif name in TEXT and not isinstance(value, str) and not (name == "deadline" and value is None):
                # The schema's strings: a number is not a description (numbers as text are
                # taken where the schema says integer, as DRF's own integer fields take them).
                wrong[str(name)] = [gettext("Send this as text (a JSON string).")]
            elif value is not None and (isinstance(value, bool) or not isinstance(value, str | int | float)):
                wrong[str(name)] = [gettext("Send one value here: a number or some text.")]
        deadline = data.get("deadline")
        if "deadline" not in wrong and isinstance(deadline, str) and not _is_iso_date(deadline):
            # The page's form also reads local ways of writing a date (in Welsh 05/06 is June,
            # in English May): a program's date means one day whatever the language.
            wrong["deadline"] = [gettext("Enter the date as year-month-day, like 2027-05-31.")]
        if wrong:
            raise serializers.ValidationError(wrong)
        form = PledgeForm({name: "" if value is None else str(value) for name, value in data.items()})
        if not form.is_valid():
            errors = form.errors.as_data()
            past = gettext(PAST_DEADLINE)
            if list(errors) == ["deadline"] and [str(e.message) for e in errors["deadline"]] == [past]:
                # Well formed, but the day has passed: not the shape of what was sent.
                raise Conflict(past, code="past_deadline")
            general = api_settings.NON_FIELD_ERRORS_KEY
            raise serializers.ValidationError(
                {
                    general if name == "__all__" else name: [str(message) for message in messages]
                    for name, messages in form.errors.items()
                }
            )
        return form.pledge_values()

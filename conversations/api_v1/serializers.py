"""What the conversations API sends and accepts.

Reads: conversations, ideas (with their figures from the stored ranking), comments and a
person's own rating. Authors appear by their public name, never an email address.

Writes check what is sent with the pages' own forms (``conversations.forms``), so an idea, a
comment or a rating is held to the same limits with the same messages, in the request's
language, whether it comes from a page or the API; the serializer adds only what JSON needs
(a string must be a string). The ``max_length`` the schema shows is the form's.
"""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.reverse import reverse as api_reverse

from vocaleyes.api.schema import not_blank

from .. import forms
from ..models import Comment, Conversation, Idea, Rating

NOT_TEXT = _("Send this as text (a JSON string).")
NOT_A_NUMBER = _("Send this as a whole number.")
NOT_AN_OBJECT = _("Send a JSON object with the fields this operation takes.")

ORDERS = ("priority", "representative", "consensus", "newest")


class Text(serializers.CharField):
    """A JSON string and nothing else (a number or a list is refused rather than turned into
    text). Whether it is there and how long it may be is the form's to say; ``limit`` only tells
    the schema."""

    default_error_messages = {"invalid": NOT_TEXT, "null": NOT_TEXT}

    def __init__(
        self, *, limit: int | None = None, least: int = 0, form_field: Any = None, **kwargs: Any
    ) -> None:
        """``least``: the form's fewest characters once stripped (0: may be left out); the
        schema says so (``required`` and a pattern), and the form's messages say no."""
        kwargs.setdefault("required", least > 0)
        kwargs.setdefault("allow_blank", least == 0)
        kwargs.setdefault("trim_whitespace", False)
        if least > 0:
            messages = form_field.error_messages if form_field is not None else {}
            missing = messages.get("required", NOT_TEXT)
            kwargs.setdefault("error_messages", {"required": missing, "blank": missing})
        super().__init__(**kwargs)
        self.max_length = limit  # for the schema; the form checks it with the pages' message
        if least > 0:
            # For the schema only (``vocaleyes.api.schema.ApiSchema`` reads it); a value it
            # refuses, the form refuses too, with its own message.
            self.schema_pattern = not_blank(least)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class FormChecked(serializers.Serializer[Any]):
    """A write whose content the pages' form checks (``form_class``): the serializer's fields
    check the JSON types, then the form checks the rest and gives its cleaned values."""

    default_error_messages = {"invalid": NOT_AN_OBJECT}
    form_class: type[django_forms.Form]

    def form_for(self, data: dict[str, Any]) -> django_forms.Form:
        return self.form_class(data=data)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        values: dict[str, Any] = dict(super().to_internal_value(data))
        form = self.form_for(values)
        if not form.is_valid():
            raise serializers.ValidationError(
                {
                    ("non_field_errors" if name == "__all__" else name): [str(m) for m in messages]
                    for name, messages in form.errors.items()
                }
            )
        return {**values, **form.cleaned_data}


# --- Conversations --------------------------------------------------------------------------


class ConversationSerializer(serializers.ModelSerializer[Conversation]):
    title = serializers.CharField(read_only=True, help_text="In the language of the request.")
    description = serializers.CharField(read_only=True, help_text="In the language of the request.")
    organisation: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    url = serializers.HyperlinkedIdentityField(view_name="api-v1:conversation-detail", lookup_field="slug")
    ideas = serializers.HyperlinkedIdentityField(
        view_name="api-v1:conversation-ideas", lookup_field="slug", help_text="Its ideas, in priority order."
    )
    page = serializers.SerializerMethodField(help_text="The conversation's page on the site.")

    class Meta:
        model = Conversation
        fields = [
            "slug",
            "title",
            "title_en",
            "title_cy",
            "description",
            "description_en",
            "description_cy",
            "organisation",
            "status",
            "visibility",
            "posting_open",
            "rating_open",
            "premoderation",
            "opened_on",
            "closed_on",
            "url",
            "ideas",
            "page",
        ]

    def get_page(self, conversation: Conversation) -> str:
        return _absolute(self.context, conversation.get_absolute_url())


class ConversationDetailSerializer(ConversationSerializer):
    can_post = serializers.SerializerMethodField(
        help_text="Whether the person asking may post an idea here now (signed in, not suspended, "
        "the conversation open and taking ideas)."
    )

    class Meta(ConversationSerializer.Meta):
        fields = [*ConversationSerializer.Meta.fields, "can_post"]

    def get_can_post(self, conversation: Conversation) -> bool:
        return bool(self.context.get("can_post", False))


# --- Ideas ----------------------------------------------------------------------------------


class DistributionSerializer(serializers.Serializer[Any]):
    """How many people gave each rating, at the last ranking run."""

    rated_1 = serializers.IntegerField(source="count_1")
    rated_2 = serializers.IntegerField(source="count_2")
    rated_3 = serializers.IntegerField(source="count_3")
    rated_4 = serializers.IntegerField(source="count_4")
    rated_5 = serializers.IntegerField(source="count_5")


class IdeaSerializer(serializers.ModelSerializer[Idea]):
    conversation = serializers.SerializerMethodField(help_text="The conversation's slug.")
    position = serializers.SerializerMethodField(
        help_text="Its place in this list's order, from 1 (empty outside a list)."
    )
    rank = serializers.IntegerField(
        source="ranking.rank",
        allow_null=True,
        read_only=True,
        help_text="Its rank in the conversation's priority order at the last ranking run; "
        "empty until ranked.",
    )
    priority_score = serializers.FloatField(source="ranking.score", allow_null=True, read_only=True)
    rating_count = serializers.IntegerField(source="ranking.rating_count", allow_null=True, read_only=True)
    rating_mean = serializers.FloatField(source="ranking.rating_mean", allow_null=True, read_only=True)
    distribution = DistributionSerializer(source="ranking", allow_null=True, read_only=True)
    author = serializers.SerializerMethodField(help_text="The author's public name (never an email address).")
    my_rating = serializers.SerializerMethodField(
        help_text="The rating the person asking gave it (1 to 5), or empty (not rated, or not signed in)."
    )
    url = serializers.SerializerMethodField()
    comments = serializers.SerializerMethodField(help_text="Its comments.")
    page = serializers.SerializerMethodField(help_text="The idea's page on the site.")

    class Meta:
        model = Idea
        fields = [
            "id",
            "conversation",
            "position",
            "rank",
            "priority_score",
            "rating_count",
            "rating_mean",
            "distribution",
            "comment_count",
            "title",
            "body",
            "language",
            "is_seeded",
            "source_note",
            "author",
            "my_rating",
            "created",
            "url",
            "comments",
            "page",
        ]

    def get_conversation(self, idea: Idea) -> str:
        return idea.conversation.slug

    def get_position(self, idea: Idea) -> int | None:
        positions: dict[int, int] = self.context.get("positions", {})
        return positions.get(idea.pk)

    def get_author(self, idea: Idea) -> str:
        return idea.author.public_name

    def get_my_rating(self, idea: Idea) -> int | None:
        return getattr(idea, "my_rating", None)

    def get_url(self, idea: Idea) -> str:
        return api_reverse("api-v1:idea-detail", kwargs={"pk": idea.pk}, request=self.context.get("request"))

    def get_comments(self, idea: Idea) -> str:
        return api_reverse(
            "api-v1:idea-comments", kwargs={"pk": idea.pk}, request=self.context.get("request")
        )

    def get_page(self, idea: Idea) -> str:
        path = reverse("conversations:idea", kwargs={"slug": idea.conversation.slug, "pk": idea.pk})
        return _absolute(self.context, path)


class IdeaListQuery(serializers.Serializer[Any]):
    """The list's query string."""

    order = serializers.ChoiceField(
        choices=ORDERS,
        default="priority",
        error_messages={
            "invalid_choice": _("Choose an order: priority, representative, consensus or newest.")
        },
        help_text="priority (everyone's ratings), representative and consensus (the fair orders), "
        "or newest; all read the stored ranking the pages show.",
    )
    q = serializers.CharField(
        default="",
        allow_blank=True,
        max_length=100,
        error_messages={"max_length": _("Keep the search to {max_length} characters or fewer.")},
        help_text="Only ideas whose title or description contains this.",
    )


class IdeaCreateSerializer(FormChecked):
    """A new idea. With a ``source_note`` it is seeded from elsewhere (facilitators only)."""

    title = Text(limit=150, least=3, form_field=forms.IdeaForm.base_fields["title"])
    body = Text(limit=5000, least=10, form_field=forms.IdeaForm.base_fields["body"])
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        error_messages={
            "required": forms.IdeaForm.base_fields["language"].error_messages["required"],
            "null": NOT_TEXT,
            "invalid_choice": _("Choose en or cy."),
        },
        help_text="en or cy: the language the idea is written in.",
    )
    source_note = Text(limit=200, help_text="For a seeded idea: where it comes from.")

    def form_for(self, data: dict[str, Any]) -> django_forms.Form:
        seeding = bool(str(data.get("source_note", "")).strip())
        return (forms.SeedIdeaForm if seeding else forms.IdeaForm)(data=data)


class IdeaCreatedSerializer(IdeaSerializer):
    status = serializers.CharField(
        read_only=True, help_text="published, or pending: waiting for review before anyone else sees it."
    )
    message = serializers.SerializerMethodField(help_text="What happens next, for the person.")

    class Meta(IdeaSerializer.Meta):
        fields = [*IdeaSerializer.Meta.fields, "status", "message"]

    def get_message(self, idea: Idea) -> str:
        if idea.status == "pending":
            return str(
                _(
                    "Thank you: your idea has been sent for review. It will appear here once a council "
                    "officer has approved it."
                )
            )
        return str(_("Your idea has been posted. Other people can now rate it and comment."))


# --- Comments -------------------------------------------------------------------------------


class CommentSerializer(serializers.ModelSerializer[Comment]):
    author = serializers.SerializerMethodField(help_text="The author's public name (never an email address).")
    # Declared fields leave the class (DRF's metaclass takes them), so the name is free.
    parent = serializers.IntegerField(  # type: ignore[assignment]
        source="parent_id", allow_null=True, read_only=True, help_text="The comment this one replies to."
    )
    language = serializers.CharField(read_only=True, help_text="en or cy; empty when not known.")

    class Meta:
        model = Comment
        fields = ["id", "parent", "body", "language", "author", "created"]

    def get_author(self, comment: Comment) -> str:
        return comment.author.public_name


class CommentCreateSerializer(FormChecked):
    form_class = forms.CommentForm

    body = Text(limit=2000, least=1, form_field=forms.CommentForm.base_fields["body"])
    # Declared fields leave the class (DRF's metaclass takes them), so the name is free.
    parent = serializers.IntegerField(  # type: ignore[assignment]
        required=False,
        allow_null=True,
        error_messages={"invalid": NOT_A_NUMBER},
        help_text="To reply: the id of a top-level comment on this idea.",
    )
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        error_messages={"invalid_choice": _("Choose en or cy.")},
        help_text="The language the comment is written in, when known.",
    )


# --- Ratings --------------------------------------------------------------------------------


class RatingSerializer(FormChecked):
    """A person's own rating of an idea: how important it is to them, 1 to 5."""

    form_class = forms.RatingForm

    value = serializers.IntegerField(
        min_value=1,
        max_value=5,
        error_messages={
            "required": forms.RatingForm.base_fields["value"].error_messages["required"],
            "null": forms.RatingForm.base_fields["value"].error_messages["required"],
            "invalid": NOT_A_NUMBER,
            "min_value": _("Choose how important this idea is to you, from 1 to 5."),
            "max_value": _("Choose how important this idea is to you, from 1 to 5."),
        },
    )
    updated = serializers.DateTimeField(read_only=True, help_text="When it was last given or changed.")

    def to_representation(self, instance: Rating) -> dict[str, Any]:
        return {
            "value": instance.value,
            "updated": serializers.DateTimeField().to_representation(instance.updated),
        }


def _absolute(context: dict[str, Any], path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path

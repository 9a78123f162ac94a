"""Forms of the facilitator pages that start and edit a conversation
(``conversations.setup_views``). They check the shape of what was typed; who may do it and the
model's rules are the services' (``conversations.services.setup``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vocaleyes.models import Organisation

from .models import Conversation


class ConversationForm(forms.Form):
    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False)
    title_cy = forms.CharField(label=_("Title in Welsh"), max_length=200, required=False)
    description_en = forms.CharField(
        label=_("Description in English"),
        help_text=_("What the conversation is about and what will happen with what people say."),
        max_length=5000,
        required=False,
        widget=forms.Textarea,
    )
    description_cy = forms.CharField(
        label=_("Description in Welsh"), max_length=5000, required=False, widget=forms.Textarea
    )
    status = forms.ChoiceField(
        label=_("Status"),
        help_text=_(
            "A draft is seen only by the organisation's facilitators. An open conversation takes "
            "ideas, comments and ratings; a closed one can still be read."
        ),
        choices=Conversation.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a status.")},
    )
    visibility = forms.ChoiceField(
        label=_("Who can take part"),
        choices=Conversation.Visibility.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who can take part.")},
    )
    authors_start_action_groups = forms.BooleanField(
        label=_("Authors of published ideas may turn them into action groups"), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("title_en", "").strip() or data.get("title_cy", "").strip()):
            self.add_error("title_en", _("Give the conversation a title in English or Welsh."))
        return data


class ConversationCreateForm(ConversationForm):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Choose the organisation running the conversation."),
            "invalid_choice": _("Choose an organisation from the list."),
        },
    )

    field_order = ["organisation"]

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Conversation, RatingValue, Report

LANGUAGE_CHOICES = [("en", _("English")), ("cy", _("Welsh"))]


class IdeaForm(forms.Form):
    title = forms.CharField(
        label=_("Your idea in a few words"),
        max_length=150,
        help_text=_("For example: “More benches along the seafront”."),
        error_messages={
            "required": _("Give your idea a short title."),
            "max_length": _("Keep the title to %(limit_value)d characters or fewer (it has %(show_value)d)."),
        },
    )
    body = forms.CharField(
        label=_("Describe your idea"),
        max_length=5000,
        widget=forms.Textarea,
        help_text=_("What would change, and who would it help? Plain text; web addresses become links."),
        error_messages={
            "required": _("Describe your idea."),
            "max_length": _(
                "Keep the description to %(limit_value)d characters or fewer (it has %(show_value)d)."
            ),
        },
    )
    language = forms.ChoiceField(
        label=_("Which language are you writing in?"),
        choices=LANGUAGE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say which language you are writing in.")},
    )

    def clean_title(self) -> str:
        title: str = self.cleaned_data["title"].strip()
        if len(title) < 3:
            raise forms.ValidationError(_("Give your idea a title of at least 3 characters."))
        return title

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"].strip()
        if len(body) < 10:
            raise forms.ValidationError(_("Describe your idea in at least 10 characters."))
        return body


class SeedIdeaForm(IdeaForm):
    source_note = forms.CharField(
        label=_("Where does this idea come from?"),
        max_length=200,
        help_text=_("Shown with the idea, for example “Best practice from Cardiff”."),
        error_messages={
            "required": _("Say where this idea comes from, for example “Best practice from Cardiff”."),
            "max_length": _("Keep the note to %(limit_value)d characters or fewer (it has %(show_value)d)."),
        },
    )


class SeedAcrossForm(SeedIdeaForm):
    """One idea for several conversations: which ones (the open conversations the person may
    seed into, ``conversations`` given by the view), then the idea as for one conversation."""

    conversations = forms.ModelMultipleChoiceField(
        label=_("Which conversations should it go into?"),
        queryset=Conversation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one conversation to seed the idea into."),
            "invalid_choice": _("Choose conversations from the list."),
            "invalid_pk_value": _("Choose conversations from the list."),
            "invalid_list": _("Choose conversations from the list."),
        },
    )

    field_order = ["conversations", "title", "body", "language", "source_note"]

    def __init__(self, *args: Any, conversations: QuerySet[Conversation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["conversations"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = conversations


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Add a comment"),
        max_length=2000,
        widget=forms.Textarea,
        error_messages={
            "required": _("Write your comment before sending it."),
            "max_length": _(
                "Keep your comment to %(limit_value)d characters or fewer (it has %(show_value)d)."
            ),
        },
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class RatingForm(forms.Form):
    value = forms.TypedChoiceField(
        label=_("How important is this idea to you?"),
        choices=RatingValue.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how important this idea is to you."),
            "invalid_choice": _("Choose how important this idea is to you, from 1 to 5."),
        },
    )


SORTS = {
    "priority": _("Priority"),
    "representative": _("Representative of the area"),
    "consensus": _("Most agreed across groups"),
    "newest": _("Newest"),
    "discussed": _("Most discussed"),
    "unrated": _("Not yet rated by me"),
}


class IdeaFilterForm(forms.Form):
    q = forms.CharField(label=_("Search ideas"), required=False, max_length=100)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=list(SORTS.items()))
    # Facilitators only: the priority order among one target group's members.
    group = forms.IntegerField(required=False, min_value=1)


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with it?"),
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why you are reporting it.")},
    )
    details = forms.CharField(
        label=_("Tell us more (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea,
        help_text=_("Only council officers see this. If you chose “Something else”, say what is wrong."),
        error_messages={
            "max_length": _("Keep this to %(limit_value)d characters or fewer (it has %(show_value)d)."),
        },
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        details = str(cleaned.get("details") or "").strip()
        cleaned["details"] = details
        if cleaned.get("reason") == Report.Reason.OTHER and not details:
            self.add_error("details", _("Tell us what is wrong with it."))
        return cleaned


class ParticipationForm(forms.Form):
    posting_open = forms.BooleanField(
        label=_("Taking new ideas and comments"),
        required=False,
        help_text=_("Untick to pause new ideas and comments. Everything posted so far stays on show."),
    )
    rating_open = forms.BooleanField(
        label=_("Taking ratings"),
        required=False,
        help_text=_("Untick to pause rating. Ratings given so far still count."),
    )


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("csv", _("CSV")), ("xlsx", _("Excel spreadsheet (XLSX)"))],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose CSV or Excel (XLSX)."),
            "invalid_choice": _("Choose CSV or Excel (XLSX)."),
        },
    )

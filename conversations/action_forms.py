"""Forms of the action group pages (``conversations.action_views``). They check the shape of
what was typed; the rules (who, which ideas, which budget project) are the services'."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from budgeting.models import BudgetProject

from .forms import LANGUAGE_CHOICES
from .models import ActionGroup


class ActionGroupForm(forms.Form):
    name_en = forms.CharField(
        label=_("Name in English"),
        max_length=200,
        required=False,
        error_messages={
            "max_length": _("Keep the name to %(limit_value)d characters or fewer (it has %(show_value)d).")
        },
    )
    name_cy = forms.CharField(
        label=_("Name in Welsh"),
        max_length=200,
        required=False,
        error_messages={
            "max_length": _("Keep the name to %(limit_value)d characters or fewer (it has %(show_value)d).")
        },
    )
    purpose_en = forms.CharField(
        label=_("What the group will do, in English"),
        max_length=5000,
        required=False,
        widget=forms.Textarea,
        error_messages={
            "max_length": _(
                "Keep the purpose to %(limit_value)d characters or fewer (it has %(show_value)d)."
            )
        },
    )
    purpose_cy = forms.CharField(
        label=_("What the group will do, in Welsh"),
        max_length=5000,
        required=False,
        widget=forms.Textarea,
        error_messages={
            "max_length": _(
                "Keep the purpose to %(limit_value)d characters or fewer (it has %(show_value)d)."
            )
        },
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("name_en", "").strip() or data.get("name_cy", "").strip()):
            self.add_error("name_en", _("Give the action group a name in English or Welsh."))
        if not (data.get("purpose_en", "").strip() or data.get("purpose_cy", "").strip()):
            self.add_error("purpose_en", _("Say what the action group will do, in English or Welsh."))
        return data


class ActionGroupCreateForm(ActionGroupForm):
    """Starting a group from an idea: the other ideas it may also act on are checkboxes (the
    conversation's top ideas, ``choices`` given by the view)."""

    ideas = forms.TypedMultipleChoiceField(
        label=_("Other ideas it will act on"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose ideas from the list.")},
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["ideas"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = choices


if TYPE_CHECKING:
    _ProjectField = forms.ModelChoiceField[BudgetProject]
else:
    _ProjectField = forms.ModelChoiceField  # not subscriptable at run time


class ProjectChoiceField(_ProjectField):
    """Budget projects by title, in the page's language."""

    def label_from_instance(self, obj: BudgetProject) -> str:
        return str(obj.title)


class ActionGroupEditForm(ActionGroupForm):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=ActionGroup.Status.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the group's status."),
            "invalid_choice": _("Choose one of the statuses listed."),
        },
    )
    budget_project: forms.ModelChoiceField[BudgetProject] = ProjectChoiceField(
        label=_("Budget project (optional)"),
        queryset=BudgetProject.objects.none(),
        required=False,
        help_text=_("A project of the organisation's participatory budgeting that this group works on."),
        error_messages={"invalid_choice": _("Choose a budget project from the list.")},
    )

    def __init__(self, *args: Any, projects: QuerySet[BudgetProject], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["budget_project"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = projects
        field.empty_label = _("None")


class CoordinatorAddForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address of the new coordinator"),
        help_text=_("They need an account on VocalEyes."),
        error_messages={
            "required": _("Enter the email address of the person to add."),
            "invalid": _("Enter an email address in the correct format, like name@example.com."),
        },
    )


class ActionGroupUpdateForm(forms.Form):
    body = forms.CharField(
        label=_("Your update"),
        max_length=5000,
        widget=forms.Textarea,
        help_text=_("What has happened, and what comes next? Plain text; web addresses become links."),
        error_messages={
            "required": _("Write the update."),
            "max_length": _(
                "Keep the update to %(limit_value)d characters or fewer (it has %(show_value)d)."
            ),
        },
    )
    language = forms.ChoiceField(
        label=_("Which language are you writing in?"),
        choices=LANGUAGE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say which language you are writing in.")},
    )

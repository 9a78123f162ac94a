"""The facilitator's form for an idea's official response ("you said, we did")."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from budgeting.models import BudgetProject

from .models import ActionGroup, Idea, IdeaResponse


class ResponseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=IdeaResponse.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the idea's status.")},
    )
    text_en = forms.CharField(
        label=_("Response in English"),
        required=False,
        max_length=5000,
        widget=forms.Textarea,
        help_text=_("Write it in English, Welsh or both. If the idea is not taken forward, say why."),
    )
    text_cy = forms.CharField(
        label=_("Response in Welsh"), required=False, max_length=5000, widget=forms.Textarea
    )
    action_group = forms.ModelChoiceField(
        label=_("Taken forward by an action group (optional)"),
        queryset=ActionGroup.objects.none(),
        required=False,
        blank=True,
        empty_label=_("None"),
        widget=forms.RadioSelect,
    )
    budget_project = forms.ModelChoiceField(
        label=_("Taken forward as a budget project (optional)"),
        queryset=BudgetProject.objects.none(),
        required=False,
        blank=True,
        empty_label=_("None"),
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, idea: Idea, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        conversation = idea.conversation
        groups = ActionGroup.objects.filter(conversation=conversation).order_by("name_en", "name_cy", "pk")
        projects = (
            BudgetProject.objects.filter(round__conversation__organisation_id=conversation.organisation_id)
            .select_related("round")
            .order_by("round__title_en", "code")
        )
        action_group = self.fields["action_group"]
        budget_project = self.fields["budget_project"]
        assert isinstance(action_group, forms.ModelChoiceField)
        assert isinstance(budget_project, forms.ModelChoiceField)
        action_group.queryset = groups
        budget_project.queryset = projects
        # Only the choices there are: no empty question on a conversation with neither.
        if not groups.exists():
            del self.fields["action_group"]
        if not projects.exists():
            del self.fields["budget_project"]

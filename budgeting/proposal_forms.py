"""Forms for residents' project proposals and the facilitators' review
(``budgeting.proposal_views``); the rules are ``budgeting.services.proposals``'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .manage_forms import money_field


class ProposalForm(forms.Form):
    title = forms.CharField(
        label=_("Your project in a few words"),
        max_length=200,
        error_messages={"required": _("Give your project a title.")},
    )
    description = forms.CharField(
        label=_("What it would do, and where"),
        max_length=5000,
        widget=forms.Textarea,
        error_messages={"required": _("Say what the project would do.")},
    )
    estimated_cost = money_field(
        _("About how much it would cost, in pounds"),
        min_value=0,
        help_text=_("Your best guess: facilitators check the cost before it goes on the ballot."),
    )
    language = forms.ChoiceField(
        label=_("Which language are you writing in?"),
        choices=[("en", _("English")), ("cy", _("Welsh"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Say which language you are writing in.")},
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Is it feasible?"),
        choices=[
            ("feasible", _("Feasible: put it on the ballot")),
            ("not_feasible", _("Not feasible")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether the proposal is feasible.")},
    )
    cost = money_field(
        _("Cost on the ballot, in pounds"),
        min_value=0,
        help_text=_("Change the proposer's estimate if the council's costing differs."),
    )
    reason = forms.CharField(
        label=_("Reason for the decision"),
        help_text=_("The proposer sees this. Needed when it is not feasible."),
        max_length=2000,
        required=False,
        widget=forms.Textarea,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "not_feasible" and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why the proposal is not feasible: the proposer will see it."))
        return data

"""Forms of the facilitator pages for a budget round and its projects
(``budgeting.manage_views``). They check the shape of what was typed and drop what does not
apply (k for other ballots, a completion for greedy); the round's rules and what may still
change are the services' (``budgeting.services.rounds``)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import BudgetRound


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in a ``datetime-local`` input (or as 2027-03-01 09:00 without one),
    in local time, and shown back in the form the input expects."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.DateTimeInput(attrs={"type": "datetime-local"}))
        kwargs.setdefault(
            "error_messages", {"invalid": _("Enter a date and time, such as 2027-03-01 09:00.")}
        )
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return value.strftime("%Y-%m-%dT%H:%M")
        return value


class MoneyField(forms.DecimalField):
    """Pounds, shown back as people type them: 25000 rather than 25000.00."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal) and value == value.to_integral_value():
            return str(int(value))
        return value


def money_field(label: Any, **kwargs: Any) -> forms.DecimalField:
    return MoneyField(
        label=label,
        max_digits=14,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "required": _("Enter an amount in pounds, such as 25000."),
            "invalid": _("Enter an amount in pounds, such as 25000."),
            "max_decimal_places": _("Give the amount to the penny at most."),
            "max_digits": _("Enter a smaller amount."),
            "max_whole_digits": _("Enter a smaller amount."),
        },
        **kwargs,
    )


class _TitledForm(forms.Form):
    """Title and description in English and Welsh: one title is enough."""

    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False)
    title_cy = forms.CharField(label=_("Title in Welsh"), max_length=200, required=False)
    description_en = forms.CharField(
        label=_("Description in English"), max_length=5000, required=False, widget=forms.Textarea
    )
    description_cy = forms.CharField(
        label=_("Description in Welsh"), max_length=5000, required=False, widget=forms.Textarea
    )

    title_message: Any = _("Give a title in English or Welsh.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("title_en", "").strip() or data.get("title_cy", "").strip()):
            self.add_error("title_en", self.title_message)
        for name in ("title_en", "title_cy", "description_en", "description_cy"):
            if isinstance(data.get(name), str):
                data[name] = data[name].strip()
        return data


class RoundForm(_TitledForm):
    budget = money_field(_("Total budget"), min_value=Decimal("0.01"))
    proposals_open = LocalDateTimeField(
        label=_("Proposals open"), help_text=_("Residents can propose projects from this moment.")
    )
    review_opens = LocalDateTimeField(
        label=_("Review opens"), help_text=_("Proposals close and facilitators check them.")
    )
    voting_opens = LocalDateTimeField(label=_("Voting opens"))
    voting_closes = LocalDateTimeField(label=_("Voting closes"), help_text=_("The results follow."))
    ballot_type = forms.ChoiceField(
        label=_("How people vote"), choices=BudgetRound.BallotType.choices, widget=forms.RadioSelect
    )
    max_projects = forms.IntegerField(
        label=_("Most projects a voter may choose"),
        help_text=_("Only when people choose up to a number of projects."),
        min_value=1,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    points = forms.IntegerField(
        label=_("Points each voter spreads"),
        help_text=_("Only when people spread points."),
        min_value=1,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    rule = forms.ChoiceField(
        label=_("How the votes are counted"), choices=BudgetRound.Rule.choices, widget=forms.RadioSelect
    )
    completion = forms.ChoiceField(
        label=_("Completion"),
        help_text=_("For the Method of Equal Shares: what happens to money the equal shares leave unspent."),
        choices=BudgetRound.Completion.choices,
        widget=forms.RadioSelect,
        required=False,
    )

    title_message = _("Give the round a title in English or Welsh.")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        ballot_type = data.get("ballot_type")
        if ballot_type != BudgetRound.BallotType.K_APPROVAL:
            data["max_projects"] = None
        elif data.get("max_projects") is None and "max_projects" not in self.errors:
            self.add_error("max_projects", _("Give the most projects a voter may choose."))
        if ballot_type != BudgetRound.BallotType.CUMULATIVE:
            data["points"] = None
        elif data.get("points") is None and "points" not in self.errors:
            self.add_error("points", _("Give the points each voter spreads."))
        if data.get("rule") == BudgetRound.Rule.GREEDY:
            data["completion"] = BudgetRound.Completion.NONE
        elif not data.get("completion"):
            self.add_error("completion", _("Choose a completion for the Method of Equal Shares."))
        return data


class ProjectForm(_TitledForm):
    category_en = forms.CharField(label=_("Category in English"), max_length=100, required=False)
    category_cy = forms.CharField(label=_("Category in Welsh"), max_length=100, required=False)
    cost = money_field(_("Cost"), min_value=Decimal("0"))
    eligible = forms.BooleanField(label=_("Eligible: people can vote for it"), required=False, initial=True)
    ineligible_reason_en = forms.CharField(
        label=_("Why it is not eligible, in English"), max_length=2000, required=False, widget=forms.Textarea
    )
    ineligible_reason_cy = forms.CharField(
        label=_("Why it is not eligible, in Welsh"), max_length=2000, required=False, widget=forms.Textarea
    )

    title_message = _("Give the project a title in English or Welsh.")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("eligible"):
            data["ineligible_reason_en"] = data["ineligible_reason_cy"] = ""
        elif not (
            data.get("ineligible_reason_en", "").strip() or data.get("ineligible_reason_cy", "").strip()
        ):
            self.add_error(
                "ineligible_reason_en", _("Say why the project is not eligible, in English or Welsh.")
            )
        return data

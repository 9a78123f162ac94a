"""Forms for the voter's basket and for officers' paper ballots.

The ballot form reads the POST as the page sends it (checkboxes named ``project`` for approval
ballots, number inputs named ``points-{id}`` for cumulative ones) and leaves the round's rules
to :func:`budgeting.services.ballot_check`, so a page, the admin and a hand-made POST get the
same messages. A project id that is not in the round is passed on, not silently dropped, so the
voter hears about it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vocaleyes.errors import Refusal

from . import services
from .formatting import format_money
from .models import Ballot, BudgetProject, BudgetRound


@dataclass(frozen=True)
class Basket:
    """The running total of a (possibly unfinished) selection, for the page to show."""

    budget_round: BudgetRound
    chosen: list[BudgetProject]
    points: dict[int, int]

    @property
    def rows(self) -> list[tuple[BudgetProject, int]]:
        return [(p, self.points.get(p.pk, 0)) for p in self.chosen]

    @property
    def count(self) -> int:
        return len(self.chosen)

    @property
    def cost(self) -> Decimal:
        return sum((p.cost for p in self.chosen), Decimal(0))

    @property
    def points_used(self) -> int:
        return sum(self.points.values())

    @property
    def is_cumulative(self) -> bool:
        return self.budget_round.ballot_type == BudgetRound.BallotType.CUMULATIVE

    @property
    def cost_text(self) -> str:
        return format_money(self.cost, self.budget_round.currency)

    @property
    def budget_text(self) -> str:
        return format_money(self.budget_round.budget, self.budget_round.currency)

    @property
    def left_text(self) -> str:
        return format_money(self.budget_round.budget - self.cost, self.budget_round.currency)

    @property
    def over_text(self) -> str:
        return format_money(self.cost - self.budget_round.budget, self.budget_round.currency)

    @property
    def over_budget(self) -> bool:
        return (
            self.budget_round.ballot_type == BudgetRound.BallotType.APPROVAL
            and self.cost > self.budget_round.budget
        )

    @property
    def too_many(self) -> bool:
        k = self.budget_round.max_projects
        return (
            self.budget_round.ballot_type == BudgetRound.BallotType.K_APPROVAL
            and k is not None
            and self.count > k
        )

    @property
    def points_left(self) -> int:
        return (self.budget_round.points or 0) - self.points_used


def make_basket(
    budget_round: BudgetRound, projects: Sequence[BudgetProject], choices: Mapping[int, int]
) -> Basket:
    by_pk = {p.pk: p for p in projects}
    chosen = [
        by_pk[pk]
        for pk in sorted(choices, key=lambda pk: by_pk[pk].code if pk in by_pk else "")
        if pk in by_pk
    ]
    return Basket(
        budget_round=budget_round, chosen=chosen, points={pk: v for pk, v in choices.items() if pk in by_pk}
    )


class BallotForm(forms.Form):
    """A voter's choices. ``cleaned_data["choices"]`` is {project id: points}."""

    def __init__(
        self, *args: Any, budget_round: BudgetRound, projects: Sequence[BudgetProject], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.budget_round = budget_round
        self.projects = list(projects)
        self.point_errors: dict[int, str] = {}

    @property
    def is_cumulative(self) -> bool:
        return self.budget_round.ballot_type == BudgetRound.BallotType.CUMULATIVE

    def raw_choices(self) -> dict[int, int]:
        """What the POST says, read leniently (for the running total); bad numbers count as 0
        and are reported by :meth:`clean`."""
        if not self.is_bound:
            return {}
        choices: dict[int, int] = {}
        if self.is_cumulative:
            for key, value in self.data.items():
                if not key.startswith("points-"):
                    continue
                pk = _int(key.removeprefix("points-"))
                points = _int(str(value).strip() or "0")
                if pk is None:
                    continue
                if points is None or points < 0:
                    self.point_errors[pk] = _("Enter a whole number of points, 0 or more.")
                    continue
                if points:
                    choices[pk] = points
        else:
            for value in self.data.getlist("project") if hasattr(self.data, "getlist") else []:
                pk = _int(value)
                choices[pk if pk is not None else -1] = 1
        return choices

    def basket(self) -> Basket:
        return make_basket(self.budget_round, self.projects, self.raw_choices())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        choices = self.raw_choices()
        if self.point_errors:
            for message in dict.fromkeys(self.point_errors.values()):
                self.add_error(None, message)
            return cleaned
        try:
            services.ballot_check(budget_round=self.budget_round, choices=choices)
        except Refusal as refusal:
            refusal.add_to(self)
        cleaned["choices"] = choices
        return cleaned


def _int(text: str) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


class PaperBallotForm(forms.ModelForm):
    """An officer types in a paper ballot: the reference on the paper and the project codes
    marked on it (``003, 007``), with points for cumulative ballots (``003:5, 007:5``)."""

    choices_text = forms.CharField(
        label=gettext_lazy("Projects marked on the paper"),
        help_text=gettext_lazy(
            "Project codes separated by commas, such as 003, 007. For points ballots add the "
            "points after a colon, such as 003:5, 007:5."
        ),
        widget=forms.TextInput(attrs={"size": 60}),
    )

    class Meta:
        model = Ballot
        fields = ["round", "paper_reference"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["paper_reference"].required = True
        self.instance.kind = Ballot.Kind.PAPER
        if self.instance.pk:
            self.fields["round"].disabled = True
            self.fields["paper_reference"].disabled = True
            votes = self.instance.votes.select_related("project").order_by("project__code")
            cumulative = self.instance.round.ballot_type == BudgetRound.BallotType.CUMULATIVE
            self.initial["choices_text"] = ", ".join(
                f"{v.project.code}:{v.points}" if cumulative else v.project.code for v in votes
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        budget_round = cleaned.get("round") or (self.instance.round if self.instance.pk else None)
        text = cleaned.get("choices_text", "")
        if budget_round is None or not text:
            return cleaned
        try:
            services.paper_phase_check(budget_round=budget_round)
        except Refusal as refusal:
            refusal.add_to(self)  # beside the round
            return cleaned
        codes = dict(BudgetProject.objects.filter(round=budget_round).values_list("code", "pk"))
        cumulative = budget_round.ballot_type == BudgetRound.BallotType.CUMULATIVE
        choices: dict[int, int] = {}
        for item in (part.strip() for part in text.split(",")):
            if not item:
                continue
            code, _sep, points_text = item.partition(":")
            code = code.strip()
            if code not in codes:
                self.add_error(
                    "choices_text",
                    _("There is no project with the code %(code)s in this round.") % {"code": code},
                )
                continue
            points = _int(points_text.strip()) if points_text else (None if cumulative else 1)
            if points is None or points < 0:
                self.add_error(
                    "choices_text",
                    _("Give the points for %(code)s as a whole number, such as %(code)s:5.") % {"code": code},
                )
                continue
            choices[codes[code]] = points
        if self.errors:
            return cleaned
        try:
            services.ballot_check(budget_round=budget_round, choices=choices)
        except Refusal as refusal:
            # The ballot's problems are about what is marked on the paper.
            self.add_error("choices_text", refusal.message)
        cleaned["choices"] = choices
        return cleaned

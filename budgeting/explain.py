"""Plain-words explanations of a stored outcome, in the active language.

Built from the explanation data the rules return (:class:`budgeting.rules.Share` for projects
Equal Shares funded, :class:`budgeting.rules.Rejection` for the others), as stored on each
:class:`budgeting.models.OutcomeProject`. The results page shows one sentence per project and
singles out the *popular losers*: projects not funded that had more votes than a funded one,
which is exactly where greedy and Equal Shares differ and where people ask "why?".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .formatting import format_money
from .models import Outcome, OutcomeProject


def votes_text(count: int, *, points: bool) -> str:
    if points:
        return ngettext("%(n)s point", "%(n)s points", count) % {"n": f"{count:,}"}
    return ngettext("%(n)s vote", "%(n)s votes", count) % {"n": f"{count:,}"}


def supporters_text(count: int) -> str:
    return ngettext("%(n)s supporter", "%(n)s supporters", count) % {"n": f"{count:,}"}


def funded_text(line: OutcomeProject, *, currency: str, points: bool) -> str:
    """How a funded project was paid for."""
    if line.stage == "greedy":
        if line.outcome.rule == "greedy":
            return _("Funded in order of votes: it still fitted in what was left of the budget.")
        return _(
            "Funded from the money Equal Shares left over, given out in order of votes: it still fitted."
        )
    if line.full_share is None:
        return _("Funded by Equal Shares.")
    share = format_money(line.full_share, currency)
    if points:
        share_text = _("%(share)s for each point they gave it") % {"share": share}
    elif (line.paid_full_share or 0) == 1:
        share_text = share
    else:
        share_text = _("%(share)s each") % {"share": share}
    if not line.paid_all_they_had:
        return _("Paid for from its supporters' equal shares: %(supporters)s paid %(share)s.") % {
            "supporters": supporters_text(line.paid_full_share or 0),
            "share": share_text,
        }
    return _(
        "Paid for from its supporters' equal shares: %(supporters)s paid %(share)s, and "
        "%(short)s who had less left paid all they had."
    ) % {
        "supporters": supporters_text(line.paid_full_share or 0),
        "share": share_text,
        "short": f"{line.paid_all_they_had:,}",
    }


def lost_text(line: OutcomeProject, *, currency: str) -> str:
    """Why a project was not funded."""
    cost = format_money(line.project.cost, currency)
    left = format_money(line.budget_left, currency)
    money = format_money(line.supporters_money, currency) if line.supporters_money is not None else None
    if line.reason == OutcomeProject.Reason.NO_SUPPORTERS:
        return _("Nobody voted for it.")
    if line.reason == OutcomeProject.Reason.ZERO_COST:
        return _("It costs nothing, and Equal Shares weighs support in money, so it was not considered.")
    if line.reason == OutcomeProject.Reason.DID_NOT_FIT:
        if money is None:
            if not line.budget_left:
                return _(
                    "When its turn came, in order of votes, nothing was left of the budget to pay "
                    "its cost of %(cost)s."
                ) % {"cost": cost}
            return _(
                "When its turn came, in order of votes, only %(left)s of the budget was left: less "
                "than its cost of %(cost)s."
            ) % {"left": left, "cost": cost}
        if not line.budget_left:
            return _(
                "Its supporters had only %(money)s left of their equal shares, less than its cost "
                "of %(cost)s. The money left over was then given out in order of votes, and nothing "
                "was left by its turn."
            ) % {"money": money, "cost": cost}
        return _(
            "Its supporters had only %(money)s left of their equal shares, less than its cost of "
            "%(cost)s. The money left over was then given out in order of votes, and only "
            "%(left)s was left when its turn came."
        ) % {"money": money, "cost": cost, "left": left}
    if money is None:
        return _("Its supporters' equal shares were not enough to pay its cost of %(cost)s.") % {"cost": cost}
    return _(
        "When Equal Shares stopped, its supporters had only %(money)s left of their equal shares, "
        "less than its cost of %(cost)s: they had already spent their shares on other projects "
        "they voted for."
    ) % {"money": money, "cost": cost}


def share_was_raised(outcome: Outcome, *, voters: int) -> bool:
    """Whether Equal Shares ended with each voter's share above the budget divided by the voters:
    its completion (add1) ran the count again with every share raised while the result still
    fitted, and the share shown is the last run's. Then the page says why."""
    if not voters or outcome.per_voter_budget is None or outcome.completion == "none":
        return False
    equal_split = float(outcome.budget) / voters
    return outcome.per_voter_budget > equal_split * (1 + 1e-9)


def equal_split(outcome: Outcome, *, voters: int) -> Decimal | None:
    """The budget divided by the voters, to the penny: the share before any completion."""
    if not voters:
        return None
    return (outcome.budget / voters).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class PopularLoser:
    line: OutcomeProject
    beaten_by: OutcomeProject
    text: str


def popular_losers(lines: Sequence[OutcomeProject], *, currency: str, points: bool) -> list[PopularLoser]:
    """Projects not funded that had more votes than the least-voted funded project, most
    votes first, each with the funded project it out-polled and why it still lost."""
    funded = [line for line in lines if line.funded]
    if not funded:
        return []
    weakest = min(funded, key=lambda line: (line.score, line.project.code))
    losers = sorted(
        (line for line in lines if not line.funded and line.score > weakest.score),
        key=lambda line: (-line.score, line.project.code),
    )
    return [
        PopularLoser(
            line=line,
            beaten_by=weakest,
            text=_("It had %(votes)s, more than “%(winner)s” (%(winner_votes)s), which was funded. %(why)s")
            % {
                "votes": votes_text(line.score, points=points),
                "winner": weakest.project.title,
                "winner_votes": votes_text(weakest.score, points=points),
                "why": lost_text(line, currency=currency),
            },
        )
        for line in losers
    ]

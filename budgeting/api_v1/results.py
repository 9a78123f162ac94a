"""A round's published results as data: what the results page shows, from the stored count.

Every sentence comes from :mod:`budgeting.explain` (why each project was or was not funded,
the popular projects that lost, whether Equal Shares raised the voters' shares) or is one of
the results page's own sentences about the rule, so the API and the page say the same thing in
the same words and language. Nothing is recomputed: the outcome is read as the count stored it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .. import explain
from ..formatting import format_money
from ..models import BudgetRound, Outcome, OutcomeProject, Tally


def _rule_text(outcome: Outcome, budget_round: BudgetRound, *, voters: int) -> str:
    """How the rule works, as the results page puts it (``_equal_shares_explained.html``)."""
    if outcome.rule == BudgetRound.Rule.GREEDY:
        return _(
            "Greedy counting funds the projects with the most votes first, skipping any that no "
            "longer fit in what is left of the budget."
        )
    if not outcome.per_voter_budget:
        return _(
            "The Method of Equal Shares splits the budget equally between the voters. A project is "
            "funded when the people who voted for it can pay for it together from their shares."
        )
    share = format_money(outcome.per_voter_budget, budget_round.currency)
    if explain.share_was_raised(outcome, voters=voters):
        return _(
            "The Method of Equal Shares splits the budget equally between the voters. A project is "
            "funded when the people who voted for it can pay for it together from their shares, "
            "cheapest per supporter first. So a large group cannot take the whole budget: a popular "
            "project can lose when its supporters have already spent their shares on other projects "
            "they chose. In the last round of the count each voter’s share was %(share)s, more than "  # noqa: RUF001 - the page's msgid
            "the budget divided by the %(voters)s voters (%(split)s): when equal shares left money "
            "unspent, the count was run again with every voter’s share raised, for as long as the "  # noqa: RUF001
            "projects funded still fitted in the budget."
        ) % {
            "share": share,
            "voters": voters,
            "split": format_money(explain.equal_split(outcome, voters=voters), budget_round.currency),
        }
    return _(
        "The Method of Equal Shares splits the budget equally between the voters (%(share)s each, in "
        "the last round of the count). A project is funded when the people who voted for it can pay "
        "for it together from their shares, cheapest per supporter first. So a large group cannot "
        "take the whole budget: a popular project can lose when its supporters have already spent "
        "their shares on other projects they chose."
    ) % {"share": share}


def _project(line: OutcomeProject) -> dict[str, Any]:
    project = line.project
    return {"id": project.pk, "code": project.code, "title": project.title, "cost": project.cost}


def outcome_data(outcome: Outcome, budget_round: BudgetRound, *, voters: int) -> dict[str, Any]:
    """One stored outcome: its winners in selection order, every project most votes first with
    the sentence that explains its result, and the popular projects that lost."""
    points = budget_round.ballot_type == BudgetRound.BallotType.CUMULATIVE
    currency = budget_round.currency
    lines = list(outcome.lines.all())
    for line in lines:
        line.outcome = outcome  # already loaded: no query per line
    winners = sorted((line for line in lines if line.funded), key=lambda line: line.position or 0)
    by_votes = sorted(lines, key=lambda line: (-line.score, line.project.code))
    return {
        "rule": outcome.rule,
        "rule_name": outcome.get_rule_display(),
        "completion": outcome.completion,
        "how_it_works": _rule_text(outcome, budget_round, voters=voters),
        "budget": outcome.budget,
        "spent": outcome.spent,
        "left": outcome.budget - outcome.spent,
        "currency": currency,
        "per_voter_budget": outcome.per_voter_budget,
        "equal_split": explain.equal_split(outcome, voters=voters),
        "share_raised": explain.share_was_raised(outcome, voters=voters),
        "winners": [{"position": line.position, **_project(line)} for line in winners],
        "projects": [
            {
                **_project(line),
                "supporters": line.votes,
                "votes": line.score,
                "votes_text": explain.votes_text(line.score, points=points),
                "funded": line.funded,
                "position": line.position,
                "stage": line.stage,
                "reason": line.reason,
                "explanation": explain.funded_text(line, currency=currency, points=points)
                if line.funded
                else explain.lost_text(line, currency=currency),
            }
            for line in by_votes
        ],
        "popular_losers": [
            {**_project(loser.line), "beaten_by": _project(loser.beaten_by), "explanation": loser.text}
            for loser in explain.popular_losers(lines, currency=currency, points=points)
        ],
    }


def results_data(tally: Tally, budget_round: BudgetRound) -> dict[str, Any]:
    """The round's own rule's outcome and, for comparison, the other rule's on the same ballots,
    with the projects whose result differs between them."""
    outcomes = {outcome.is_primary: outcome for outcome in tally.outcomes.all()}
    primary = outcome_data(outcomes[True], budget_round, voters=tally.ballots)
    other = outcome_data(outcomes[False], budget_round, voters=tally.ballots)
    funded_there = {row["id"]: row["funded"] for row in other["projects"]}
    return {
        "round": budget_round.slug,
        "counted_at": tally.finished,
        "ballots": tally.ballots,
        "outcome": primary,
        "comparison": other,
        "differs": [
            row["code"]
            for row in primary["projects"]
            if funded_there.get(row["id"], row["funded"]) != row["funded"]
        ],
    }

"""Reads that the round's pages and the API share."""

from __future__ import annotations

from django.db.models import Prefetch

from .models import BudgetRound, Outcome, OutcomeProject, Tally


def latest_counts(budget_round: BudgetRound) -> tuple[Tally | None, Tally | None]:
    """The round's latest count of any status, and its latest finished count with both
    outcomes and their lines loaded (three queries however many projects), as the results
    page reads them."""
    tallies = budget_round.tallies.order_by("-created")
    latest = tallies.first()
    done = (
        tallies.filter(status=Tally.Status.DONE)
        .prefetch_related(
            Prefetch(
                "outcomes",
                queryset=Outcome.objects.prefetch_related(
                    Prefetch(
                        "lines",
                        queryset=OutcomeProject.objects.select_related("project").order_by("project__code"),
                    )
                ),
            )
        )
        .first()
    )
    return latest, done

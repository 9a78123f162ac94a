"""Background work for participatory budgeting: counting votes and receipt emails."""

from __future__ import annotations

from celery import shared_task

from . import services
from .models import BudgetRound


@shared_task(name="budgeting.tasks.tally_round")
def tally_round(tally_id: int) -> dict[str, object]:
    """Count one queued tally (queued by ``services.tally_request``)."""
    tally = services.tally_run(tally_id=tally_id)
    return {"tally": tally.pk, "status": tally.status, "ballots": tally.ballots, "ms": tally.duration_ms}


@shared_task(name="budgeting.tasks.tally_closed_rounds")
def tally_closed_rounds() -> list[int]:
    """The periodic run (beat): queue a count for every round whose voting has closed and that
    has not been counted since, so results follow the close without anyone pressing a button."""
    queued = []
    for budget_round in BudgetRound.objects.awaiting_count().order_by("pk"):
        queued.append(services.tally_request(budget_round=budget_round).pk)
    return queued


@shared_task(name="budgeting.tasks.send_ballot_receipt")
def send_ballot_receipt(ballot_id: int, base_url: str = "") -> bool:
    return services.ballot_send_receipt(ballot_id=ballot_id, base_url=base_url)

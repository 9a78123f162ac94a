"""Open data: a budget round's published results as CSV and JSON, under the Open Government
Licence, at stable URLs (``/budgets/<slug>/open-data/results.csv`` and ``.json``), beside the
anonymised ballots (``ballots.pb``).

The rows are the stored result of the latest finished count (the round's own rule, the one
the results page leads with): each project with its cost, supporters, votes (or points),
whether it was selected and in which place. Nothing personal. Only once the results are
published (``permissions.can_view_results``), and only for a public conversation that is not
a draft; anything else is a 404. Project titles are typed by people, so CSV cells are defused
against spreadsheet formulas (``vocaleyes.csv_cells.safe_cell``).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET

from conversations.models import Conversation
from conversations.open_data import LICENCE, LICENCE_LINK
from vocaleyes.csv_cells import safe_cell

from . import permissions
from .models import BudgetRound, Outcome, OutcomeProject, Tally

HEADER = [
    "project_code",
    "title_en",
    "title_cy",
    "cost",
    "currency",
    "supporters",
    "votes",
    "selected",
    "funded_in_place",
    "rule",
]


def _published_outcome(
    request: HttpRequest, slug: str
) -> tuple[BudgetRound, Tally, Outcome, list[OutcomeProject]]:
    """The round's latest finished count and its own rule's outcome, or 404."""
    budget_round = get_object_or_404(
        BudgetRound.objects.select_related("conversation__organisation").filter(
            conversation__in=Conversation.objects.listed()
        ),
        slug=slug,
    )
    if not permissions.can_view_results(request.user, budget_round):
        raise Http404
    tally = budget_round.tallies.filter(status=Tally.Status.DONE).order_by("-created").first()
    if tally is None:
        raise Http404
    outcome = get_object_or_404(Outcome, tally=tally, is_primary=True)
    lines = list(outcome.lines.select_related("project").order_by("-score", "project__code"))
    return budget_round, tally, outcome, lines


def _row(budget_round: BudgetRound, outcome: Outcome, line: OutcomeProject) -> list[Any]:
    project = line.project
    return [
        project.code,
        project.title_en,
        project.title_cy,
        str(project.cost),
        budget_round.currency,
        line.votes,
        line.score,
        "yes" if line.funded else "no",
        line.position,
        outcome.rule,
    ]


@require_GET
def results_csv(request: HttpRequest, slug: str) -> HttpResponse:
    budget_round, _tally, outcome, lines = _published_outcome(request, slug)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # a byte-order mark: spreadsheets read UTF-8
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for line in lines:
        row = _row(budget_round, outcome, line)
        writer.writerow([safe_cell(cell) if isinstance(cell, str) else cell for cell in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{budget_round.slug}-results.csv"'
    response["Link"] = LICENCE_LINK
    return response


@require_GET
def results_json(request: HttpRequest, slug: str) -> HttpResponse:
    budget_round, tally, outcome, lines = _published_outcome(request, slug)
    data = {
        "licence": LICENCE,
        "round": {
            "slug": budget_round.slug,
            "conversation": budget_round.conversation.slug,
            "url": request.build_absolute_uri(budget_round.get_absolute_url()),
            "budget": str(outcome.budget),
            "spent": str(outcome.spent),
            "currency": budget_round.currency,
            "rule": outcome.rule,
            "ballots": tally.ballots,
            "counted_at": tally.finished.isoformat() if tally.finished else None,
        },
        "generated_at": timezone.now().isoformat(),
        "projects": [
            {**dict(zip(HEADER, _row(budget_round, outcome, line), strict=True)), "selected": line.funded}
            for line in lines
        ],
    }
    response = HttpResponse(json.dumps(data), content_type="application/json")
    response["Link"] = LICENCE_LINK
    return response

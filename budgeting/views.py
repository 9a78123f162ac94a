"""Pages for a budget round: the projects, the voter's basket, review and receipt, results.

Every page works without JavaScript; htmx only updates the basket's running total in place and
polls a running count. A round the person may not see is a 404, and so is anyone else's ballot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from conversations.permissions import check_can_see
from vocaleyes.errors import Refusal
from vocaleyes.http import HtmxHttpRequest
from vocaleyes.models import User
from vocaleyes.throttle import throttle

from . import explain, permissions, services
from .exports import round_pb_text
from .forms import BallotForm, make_basket
from .models import Ballot, BudgetProject, BudgetRound, Outcome, Proposal, Tally
from .selectors import latest_counts

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _get_round_for_user(request: HttpRequest, slug: str) -> BudgetRound:
    """The round, as visible as its conversation (``check_can_see``): 404 for anyone who may not
    see it, so drafts do not leak; outsiders to an invitation-only conversation get the page
    saying how to join, as on the conversation's own pages."""
    budget_round = get_object_or_404(
        BudgetRound.objects.select_related("conversation__organisation"), slug=slug
    )
    check_can_see(request.user, budget_round.conversation)
    return budget_round


def _get_ballot_for_user(request: HttpRequest, budget_round: BudgetRound, pk: int) -> Ballot:
    """The signed-in voter's own ballot, or 404: nobody reaches another person's ballot."""
    return get_object_or_404(
        Ballot.objects.select_related("round"), pk=pk, round=budget_round, voter=request.user
    )


def _signed_in(request: HttpRequest) -> User:
    """The signed-in person, in a view only they reach (``login_required``, or a permission
    that needs an account)."""
    assert isinstance(request.user, User)
    return request.user


def _projects(budget_round: BudgetRound) -> list[BudgetProject]:
    return list(budget_round.projects.select_related("idea__conversation").order_by("code"))


def _draft_key(budget_round: BudgetRound) -> str:
    return f"budgeting-draft-{budget_round.pk}"


def _own_choices(request: HttpRequest, budget_round: BudgetRound) -> dict[int, int]:
    if not request.user.is_authenticated:
        return {}
    return dict(
        budget_round.ballots.filter(voter=request.user)
        .values_list("votes__project_id", "votes__points")
        .exclude(votes__project_id=None)
    )


def round_list(request: HttpRequest) -> HttpResponse:
    rounds = BudgetRound.objects.listed().select_related("conversation").order_by("-voting_opens")
    return render(request, "budgeting/round_list.html", {"rounds": rounds, "now": timezone.now()})


def round_detail(request: HttpRequest, slug: str) -> HttpResponse:
    budget_round = _get_round_for_user(request, slug)
    projects = _projects(budget_round)
    own = None
    if request.user.is_authenticated:
        own = budget_round.ballots.filter(voter=request.user).first()
    context = {
        "round": budget_round,
        "phase": budget_round.phase,
        "projects": projects,
        "own_ballot": own,
        "can_vote": permissions.can_vote(request.user, budget_round),
        "can_view_results": permissions.can_view_results(request.user, budget_round),
        "can_manage": permissions.can_manage(request.user, budget_round),
        "can_propose": permissions.can_propose(request.user, budget_round),
        # The person's own proposals, with the decision and its reason: for their eyes only.
        "own_proposals": list(
            Proposal.objects.visible()
            .filter(round=budget_round, proposer_id=request.user.pk)
            .select_related("project")
        )
        if request.user.is_authenticated
        else [],
    }
    return render(request, "budgeting/round_detail.html", context)


def _ballot_context(
    budget_round: BudgetRound, form: BallotForm, projects: list[BudgetProject], chosen: dict[int, int]
) -> dict[str, Any]:
    is_cumulative = budget_round.ballot_type == BudgetRound.BallotType.CUMULATIVE
    first = next((p for p in projects if p.eligible), None)
    return {
        "round": budget_round,
        "form": form,
        "rows": [{"project": p, "points": chosen.get(p.pk, 0)} for p in projects],
        "basket": make_basket(budget_round, projects, chosen),
        "is_cumulative": is_cumulative,
        "first_input_id": (f"points-{first.pk}" if is_cumulative else f"project-{first.pk}") if first else "",
    }


@login_required
@require_http_methods(["GET", "POST"])
def ballot_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Build the basket. "Update total" re-renders with the running total (no JavaScript
    needed); "Review my choices" checks the ballot and moves on to the review page."""
    budget_round = _get_round_for_user(request, slug)
    if not permissions.can_vote(request.user, budget_round):
        return _voting_not_open(request, budget_round)
    projects = _projects(budget_round)
    if request.method == "POST":
        form = BallotForm(request.POST, budget_round=budget_round, projects=projects)
        chosen = form.raw_choices()
        if request.POST.get("action") == "review":
            if form.is_valid():
                request.session[_draft_key(budget_round)] = {
                    str(k): v for k, v in form.cleaned_data["choices"].items()
                }
                return redirect("budgeting:ballot_review", slug=budget_round.slug)
        else:
            form = BallotForm(budget_round=budget_round, projects=projects)  # just the total: no errors yet
        return render(
            request, "budgeting/ballot_form.html", _ballot_context(budget_round, form, projects, chosen)
        )
    draft = request.session.get(_draft_key(budget_round))
    chosen = {int(k): int(v) for k, v in draft.items()} if draft else _own_choices(request, budget_round)
    form = BallotForm(budget_round=budget_round, projects=projects)
    return render(
        request, "budgeting/ballot_form.html", _ballot_context(budget_round, form, projects, chosen)
    )


@login_required
@require_POST
def ballot_total(request: HttpRequest, slug: str) -> HttpResponse:
    """The running total alone, for htmx to swap in while the voter ticks boxes."""
    budget_round = _get_round_for_user(request, slug)
    projects = _projects(budget_round)
    form = BallotForm(request.POST, budget_round=budget_round, projects=projects)
    return render(request, "budgeting/_basket_total.html", {"basket": form.basket(), "round": budget_round})


def _voting_not_open(request: HttpRequest, budget_round: BudgetRound) -> HttpResponse:
    """Why this person cannot vote here now, in the service's words when it has a reason."""
    message: StrOrPromise
    try:
        services.voter_check(budget_round=budget_round, voter=_signed_in(request))
        message = gettext_lazy("You cannot vote in this round.")
    except Refusal as refusal:
        message = refusal.message  # already in the language of this request
    if request.method == "POST":
        messages.error(request, message)
        return redirect(budget_round)
    return render(request, "budgeting/voting_closed.html", {"round": budget_round, "message": message})


@login_required
@require_http_methods(["GET", "POST"])
@throttle("ballot")  # each saved ballot emails a receipt
def ballot_review(request: HttpRequest, slug: str) -> HttpResponse:
    budget_round = _get_round_for_user(request, slug)
    if not permissions.can_vote(request.user, budget_round):
        request.session.pop(_draft_key(budget_round), None)
        return _voting_not_open(request, budget_round)
    draft = request.session.get(_draft_key(budget_round))
    if not draft:
        return redirect("budgeting:ballot", slug=budget_round.slug)
    choices = {int(k): int(v) for k, v in draft.items()}
    projects = _projects(budget_round)
    errors: list[str] = []
    if request.method == "POST":
        try:
            ballot = services.ballot_submit(
                budget_round=budget_round,
                voter=_signed_in(request),
                choices=choices,
                base_url=request.build_absolute_uri("/"),
            )
        except Refusal as refusal:
            errors = [refusal.message]
        else:
            request.session.pop(_draft_key(budget_round), None)
            messages.success(
                request, gettext_lazy("Your ballot has been saved. We have emailed you a receipt.")
            )
            return redirect(ballot)
    existing = budget_round.ballots.filter(voter_id=request.user.pk).exists()
    context = {
        "round": budget_round,
        "basket": make_basket(budget_round, projects, choices),
        "errors": errors,
        "existing": existing,
        "is_cumulative": budget_round.ballot_type == BudgetRound.BallotType.CUMULATIVE,
    }
    return render(request, "budgeting/ballot_review.html", context, status=400 if errors else 200)


@login_required
@require_GET
def ballot_receipt(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    budget_round = _get_round_for_user(request, slug)
    ballot = _get_ballot_for_user(request, budget_round, pk)
    votes = list(ballot.votes.select_related("project").order_by("project__code"))
    chosen = {v.project_id: v.points for v in votes}
    context = {
        "round": budget_round,
        "ballot": ballot,
        "basket": make_basket(budget_round, [v.project for v in votes], chosen),
        "can_change": permissions.can_vote(request.user, budget_round),
        "is_cumulative": budget_round.ballot_type == BudgetRound.BallotType.CUMULATIVE,
    }
    return render(request, "budgeting/ballot_receipt.html", context)


def _results_context(request: HttpRequest, budget_round: BudgetRound) -> dict[str, Any]:
    # A new count can only start when none is live, so a live count is always the latest.
    latest, done = latest_counts(budget_round)
    return {
        "round": budget_round,
        "live": latest if latest is not None and latest.is_live else None,
        "failed": latest if latest is not None and latest.status == Tally.Status.FAILED else None,
        "tally": done,
        "can_request_tally": permissions.can_request_tally(request.user, budget_round),
    }


def _outcome_view(outcome: Outcome, budget_round: BudgetRound, *, voters: int) -> dict[str, Any]:
    points = budget_round.ballot_type == BudgetRound.BallotType.CUMULATIVE
    lines = list(outcome.lines.all())
    for line in lines:
        line.outcome = outcome  # already loaded: no query per line
    winners = sorted((line for line in lines if line.funded), key=lambda line: line.position or 0)
    by_votes = sorted(lines, key=lambda line: (-line.score, line.project.code))
    rows = [
        {
            "line": line,
            "votes": explain.votes_text(line.score, points=points),
            "text": explain.funded_text(line, currency=budget_round.currency, points=points)
            if line.funded
            else explain.lost_text(line, currency=budget_round.currency),
        }
        for line in by_votes
    ]
    return {
        "outcome": outcome,
        "winners": winners,
        "rows": rows,
        "left": outcome.budget - outcome.spent,
        "losers": explain.popular_losers(lines, currency=budget_round.currency, points=points),
        "by_project": {line.project_id: line for line in lines},
        "share_raised": explain.share_was_raised(outcome, voters=voters),
        "equal_split": explain.equal_split(outcome, voters=voters),
        "voters": voters,
    }


@require_GET
def results(request: HttpRequest, slug: str) -> HttpResponse:
    budget_round = _get_round_for_user(request, slug)
    if not permissions.can_view_results(request.user, budget_round):
        return render(request, "budgeting/results_pending.html", {"round": budget_round})
    context = _results_context(request, budget_round)
    tally = context["tally"]
    if tally is not None:
        outcomes = {o.is_primary: o for o in tally.outcomes.all()}
        primary = _outcome_view(outcomes[True], budget_round, voters=tally.ballots)
        other = _outcome_view(outcomes[False], budget_round, voters=tally.ballots)
        comparison = [
            {
                "project": row["line"].project,
                "here": row["line"],
                "there": other["by_project"].get(row["line"].project_id),
            }
            for row in primary["rows"]
        ]
        context.update(
            primary=primary,
            other=other,
            comparison=comparison,
            points=budget_round.ballot_type == BudgetRound.BallotType.CUMULATIVE,
            differs=[c for c in comparison if c["there"] and c["here"].funded != c["there"].funded],
        )
    return render(request, "budgeting/results.html", context)


@require_GET
def tally_status(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The count's progress, polled by htmx; when it is over, the whole page reloads."""
    budget_round = _get_round_for_user(request, slug)
    if not permissions.can_view_results(request.user, budget_round):
        raise Http404
    context = _results_context(request, budget_round)
    if request.htmx and context["live"] is None:
        return HttpResponseClientRefresh()
    return render(request, "budgeting/_tally_status.html", context)


@require_POST
def tally_start(request: HttpRequest, slug: str) -> HttpResponse:
    budget_round = _get_round_for_user(request, slug)
    if not permissions.can_manage(request.user, budget_round):
        raise Http404
    try:  # the service refuses before voting closes, and a suspended manager
        services.tally_request(budget_round=budget_round, requested_by=_signed_in(request))
    except Refusal as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, gettext_lazy("The count has started. This page shows its progress."))
    return HttpResponseRedirect(reverse("budgeting:results", kwargs={"slug": budget_round.slug}))


@require_GET
def ballots_download(request: HttpRequest, slug: str) -> HttpResponse:
    budget_round = _get_round_for_user(request, slug)
    if not permissions.can_download_ballots(request.user, budget_round):
        raise Http404
    response = HttpResponse(round_pb_text(budget_round), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{budget_round.slug}.pb"'
    return response

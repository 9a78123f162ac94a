"""Residents propose projects during a round's proposals phase; facilitators review them.

The proposal form is for anyone who may see the round, signed in, while proposals are open
(``permissions.can_propose``); otherwise the page says why (not open yet, closed, suspended).
The review is a facilitator page (``permissions.can_manage``, 404 for everyone else). Hidden
proposals appear nowhere: both read ``Proposal.objects.visible()``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.views.decorators.http import require_http_methods

from vocaleyes.errors import Refusal
from vocaleyes.models import User

from . import permissions, services
from .manage_views import _get_round_to_manage, _manage_url, _suspension
from .models import Proposal
from .proposal_forms import ProposalForm, ReviewForm
from .views import _get_round_for_user


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # behind login_required
    return request.user


@login_required
@require_http_methods(["GET", "POST"])
def proposal_new(request: HttpRequest, slug: str) -> HttpResponse:
    budget_round = _get_round_for_user(request, slug)
    user = _user(request)
    refusal = services.proposal_submit_refusal(budget_round=budget_round, proposer=user)
    if refusal is not None:
        context = {"round": budget_round, "message": refusal.message}
        return render(request, "budgeting/proposal_closed.html", context, status=403)
    if request.method == "POST":
        form = ProposalForm(request.POST)
        if form.is_valid():
            try:
                services.proposal_submit(budget_round=budget_round, proposer=user, **form.cleaned_data)
            except Refusal as problem:
                problem.add_to(form)
            else:
                messages.success(
                    request,
                    gettext_lazy(
                        "Thank you: your proposal has been sent. Facilitators will check it, and you "
                        "will see their decision here."
                    ),
                )
                return redirect(budget_round)
        status = 400
    else:
        language = "cy" if (get_language() or "").startswith("cy") else "en"
        form = ProposalForm(initial={"language": language})
        status = 200
    return render(
        request, "budgeting/proposal_form.html", {"round": budget_round, "form": form}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_review(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    budget_round = _get_round_to_manage(request, slug)
    proposal = get_object_or_404(
        Proposal.objects.visible().select_related("proposer", "project"), pk=pk, round=budget_round
    )
    suspension = _suspension(request)
    if request.method == "POST" and suspension is None:
        form = ReviewForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.proposal_review(
                    proposal=proposal,
                    reviewer=_user(request),
                    feasible=data["decision"] == "feasible",
                    reason=data["reason"],
                    cost=data["cost"],
                )
            except Refusal as problem:
                problem.add_to(form)
            else:
                messages.success(
                    request, gettext_lazy("The decision has been saved. The proposer can see it.")
                )
                return redirect(_manage_url(budget_round))
        status = 400
    else:
        initial = {
            "decision": {"feasible": "feasible", "not_feasible": "not_feasible"}.get(proposal.decision),
            "cost": proposal.project.cost if proposal.project else proposal.estimated_cost,
            "reason": proposal.reason,
        }
        form = ReviewForm(initial=initial)
        status = 200
    context = {
        "round": budget_round,
        "proposal": proposal,
        "form": form,
        "suspension": suspension,
        "fixed": services.outcome_fixed_refusal(budget_round),
        "can_change": permissions.can_change_round(request.user, budget_round),
    }
    return render(request, "budgeting/manage/proposal_review.html", context, status=status)

"""Facilitator pages for budget rounds: start a round in a conversation, change its settings,
add, change and remove its projects (and, in ``proposal_views``, review residents' proposals).

For the facilitators of the conversation's organisation and officers
(``permissions.can_manage``); everyone else gets a 404, as for a page that does not exist. A
suspended facilitator reads but the forms are replaced by why (``can_change_round``). What may
change once voting has started is the services' rule: they refuse, and the page says why.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from conversations.models import Conversation
from conversations.permissions import can_facilitate
from vocaleyes.errors import Refusal
from vocaleyes.models import User
from vocaleyes.permissions import is_suspended, suspension_message

from . import permissions, services
from .manage_forms import ProjectForm, RoundForm
from .models import BudgetProject, BudgetRound, Proposal
from .services.rounds import OUTCOME_FIELDS, PROJECT_OUTCOME_FIELDS, PROJECT_TEXT_FIELDS, TEXT_FIELDS

ROUND_FIELDS = TEXT_FIELDS + [name for name in OUTCOME_FIELDS if name != "currency"]
PROJECT_FIELDS = PROJECT_TEXT_FIELDS + PROJECT_OUTCOME_FIELDS
DATE_FIELDS = ["proposals_open", "review_opens", "voting_opens", "voting_closes"]


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # behind login_required
    return request.user


def _get_round_to_manage(request: HttpRequest, slug: str) -> BudgetRound:
    """The round, or 404 for anyone who may not manage it."""
    budget_round = get_object_or_404(
        BudgetRound.objects.select_related("conversation__organisation"), slug=slug
    )
    if not permissions.can_manage(request.user, budget_round):
        raise Http404
    return budget_round


def _manage_url(budget_round: BudgetRound) -> str:
    return reverse("budgeting:round_manage", kwargs={"slug": budget_round.slug})


def _suspension(request: HttpRequest) -> str | None:
    user = _user(request)
    return suspension_message(user) if is_suspended(user) else None


@login_required
@require_http_methods(["GET", "POST"])
def round_new(request: HttpRequest, conversation: str) -> HttpResponse:
    the_conversation = get_object_or_404(
        Conversation.objects.select_related("organisation"), slug=conversation
    )
    if not can_facilitate(request.user, the_conversation):
        raise Http404
    suspension = _suspension(request)
    if request.method == "POST" and suspension is None:
        form = RoundForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                budget_round = services.round_create(
                    conversation=the_conversation,
                    slug=services.round_slug_for(data["title_en"] or data["title_cy"]),
                    **{name: data[name] for name in ROUND_FIELDS},
                )
            except Refusal as refusal:
                refusal.add_to(form)
            else:
                messages.success(
                    request, gettext_lazy("The budget round has been created. Now add its projects.")
                )
                return redirect(_manage_url(budget_round))
        status = 400
    else:
        form = RoundForm(
            initial={
                "ballot_type": BudgetRound.BallotType.APPROVAL,
                "rule": BudgetRound.Rule.EQUAL_SHARES,
                "completion": BudgetRound.Completion.ADD1_GREEDY,
            }
        )
        status = 200
    context = {"form": form, "round": None, "conversation": the_conversation, "suspension": suspension}
    return render(request, "budgeting/manage/round_form.html", context, status=status)


@login_required
def round_manage(request: HttpRequest, slug: str) -> HttpResponse:
    budget_round = _get_round_to_manage(request, slug)
    context: dict[str, Any] = {
        "round": budget_round,
        "phase": budget_round.phase,
        "projects": list(budget_round.projects.order_by("code")),
        "fixed": services.outcome_fixed_refusal(budget_round),
        "can_change": permissions.can_change_round(request.user, budget_round),
        "suspension": _suspension(request),
    }
    context.update(_proposals_context(request, budget_round))
    return render(request, "budgeting/manage/round_manage.html", context)


def _proposals_context(request: HttpRequest, budget_round: BudgetRound) -> dict[str, Any]:
    """Residents' proposals for the review (hidden ones never appear), waiting ones first."""
    proposals = list(
        Proposal.objects.visible().filter(round=budget_round).select_related("proposer", "project")
    )
    proposals.sort(key=lambda p: (p.decision != Proposal.Decision.PENDING, p.created))
    return {"proposals": proposals}


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request: HttpRequest, slug: str) -> HttpResponse:
    budget_round = _get_round_to_manage(request, slug)
    suspension = _suspension(request)
    if request.method == "POST" and suspension is None:
        form = RoundForm(request.POST)
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in ROUND_FIELDS}
            for name in DATE_FIELDS:
                # The form shows times to the minute: a time sent back unchanged is not a change,
                # even when the stored one has seconds (rounds made in the admin or imported).
                stored = getattr(budget_round, name)
                if values[name] == stored.replace(second=0, microsecond=0):
                    values[name] = stored
            try:
                services.round_edit(budget_round=budget_round, **values)
            except Refusal as refusal:
                refusal.add_to(form)
            else:
                messages.success(request, gettext_lazy("The round's settings have been saved."))
                return redirect(_manage_url(budget_round))
        status = 400
    else:
        form = RoundForm(initial={name: getattr(budget_round, name) for name in ROUND_FIELDS})
        status = 200
    context = {
        "form": form,
        "round": budget_round,
        "conversation": budget_round.conversation,
        "suspension": suspension,
        "fixed": services.outcome_fixed_refusal(budget_round),
    }
    return render(request, "budgeting/manage/round_form.html", context, status=status)


def _get_project(budget_round: BudgetRound, pk: int) -> BudgetProject:
    return get_object_or_404(BudgetProject, pk=pk, round=budget_round)


@login_required
@require_http_methods(["GET", "POST"])
def project_new(request: HttpRequest, slug: str) -> HttpResponse:
    return _project_form(request, _get_round_to_manage(request, slug), None)


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    budget_round = _get_round_to_manage(request, slug)
    return _project_form(request, budget_round, _get_project(budget_round, pk))


def _project_form(
    request: HttpRequest, budget_round: BudgetRound, project: BudgetProject | None
) -> HttpResponse:
    suspension = _suspension(request)
    if request.method == "POST" and suspension is None:
        form = ProjectForm(request.POST)
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in PROJECT_FIELDS}
            try:
                if project is None:
                    services.project_add(budget_round=budget_round, **values)
                else:
                    services.project_edit(project=project, **values)
            except Refusal as refusal:
                refusal.add_to(form)
            else:
                messages.success(
                    request,
                    gettext_lazy("The project has been added.")
                    if project is None
                    else gettext_lazy("The project has been saved."),
                )
                return redirect(_manage_url(budget_round))
        status = 400
    else:
        initial = {name: getattr(project, name) for name in PROJECT_FIELDS} if project else {"eligible": True}
        form = ProjectForm(initial=initial)
        status = 200
    context = {
        "form": form,
        "round": budget_round,
        "project": project,
        "suspension": suspension,
        "fixed": services.outcome_fixed_refusal(budget_round),
    }
    return render(request, "budgeting/manage/project_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def project_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    budget_round = _get_round_to_manage(request, slug)
    project = _get_project(budget_round, pk)
    suspension = _suspension(request)
    error = None
    if request.method == "POST" and suspension is None:
        try:
            services.project_remove(project=project)
        except Refusal as refusal:
            error = refusal.message
        else:
            messages.success(request, gettext_lazy("The project has been removed."))
            return redirect(_manage_url(budget_round))
    context = {
        "round": budget_round,
        "project": project,
        "suspension": suspension,
        "errors": [error] if error else [],
        "fixed": services.outcome_fixed_refusal(budget_round),
    }
    return render(request, "budgeting/manage/project_remove.html", context, status=400 if error else 200)

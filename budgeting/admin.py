"""Council admin for budget rounds, projects and their eligibility, paper ballots and counts.

Paper ballots are typed in through :func:`budgeting.services.paper_ballot_enter` (and corrected
through ``paper_ballot_change``), never a raw save, so they meet the same rules as online
ballots. Online ballots are secret: the admin lists neither them nor who chose what.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from vocaleyes.errors import Refusal
from vocaleyes.models import User

from . import permissions, services
from .forms import PaperBallotForm
from .models import Ballot, BudgetProject, BudgetRound, PaperBallot, Proposal, Tally


def _officer(request: HttpRequest) -> User:
    """The signed-in officer (the admin lets in no one else)."""
    assert isinstance(request.user, User)
    return request.user


class BudgetProjectInline(admin.TabularInline):
    model = BudgetProject
    extra = 0
    fields = [
        "code",
        "title_en",
        "title_cy",
        "cost",
        "eligible",
        "ineligible_reason_en",
        "ineligible_reason_cy",
    ]
    show_change_link = True


@admin.register(BudgetRound)
class BudgetRoundAdmin(admin.ModelAdmin):
    list_display = [
        "title_en",
        "title_cy",
        "conversation",
        "budget",
        "currency",
        "ballot_type",
        "rule",
        "voting_opens",
        "voting_closes",
        "phase_display",
    ]
    list_filter = ["ballot_type", "rule", "conversation__organisation"]
    list_select_related = ["conversation"]
    search_fields = ["title_en", "title_cy", "slug"]
    prepopulated_fields = {"slug": ["title_en"]}
    autocomplete_fields = ["conversation"]
    inlines = [BudgetProjectInline]
    actions = ["count_votes"]
    fieldsets = [
        (None, {"fields": ["conversation", "slug", "budget", "currency"]}),
        (_("English"), {"fields": ["title_en", "description_en"]}),
        (_("Welsh"), {"fields": ["title_cy", "description_cy"]}),
        (_("Phases"), {"fields": ["proposals_open", "review_opens", "voting_opens", "voting_closes"]}),
        (_("Ballot and count"), {"fields": ["ballot_type", "max_projects", "points", "rule", "completion"]}),
    ]

    @admin.display(description=_("phase"))
    def phase_display(self, obj: BudgetRound) -> str:
        return str(obj.phase.label)

    @admin.action(description=_("Count the votes of the selected rounds"))
    def count_votes(self, request: HttpRequest, queryset: QuerySet[BudgetRound]) -> None:
        started = 0
        for budget_round in queryset.select_related("conversation"):
            if not permissions.can_manage(request.user, budget_round):
                raise PermissionDenied
            try:
                services.tally_request(budget_round=budget_round, requested_by=_officer(request))
            except Refusal as refusal:
                self.message_user(
                    request,
                    _("%(round)s: %(reason)s") % {"round": budget_round, "reason": refusal.message},
                    messages.ERROR,
                )
                continue
            started += 1
        if started:
            self.message_user(
                request,
                ngettext(
                    "The count of %(n)d round has started.",
                    "The counts of %(n)d rounds have started.",
                    started,
                )
                % {"n": started},
                messages.SUCCESS,
            )


@admin.register(BudgetProject)
class BudgetProjectAdmin(admin.ModelAdmin):
    list_display = ["code", "title_en", "title_cy", "round", "cost", "eligible", "vote_count"]
    list_display_links = ["code", "title_en"]
    list_filter = ["eligible", "round"]
    list_select_related = ["round"]
    search_fields = ["code", "title_en", "title_cy", "category_en", "category_cy"]
    autocomplete_fields = ["round", "idea"]
    fieldsets = [
        (None, {"fields": ["round", "code", "cost", "idea"]}),
        (_("English"), {"fields": ["title_en", "description_en", "category_en"]}),
        (_("Welsh"), {"fields": ["title_cy", "description_cy", "category_cy"]}),
        (_("Eligibility"), {"fields": ["eligible", "ineligible_reason_en", "ineligible_reason_cy"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[BudgetProject]:
        return super().get_queryset(request).annotate(vote_count=Count("votes"))

    @admin.display(description=_("votes"), ordering="vote_count")
    def vote_count(self, obj: BudgetProject) -> int:
        return obj.vote_count  # type: ignore[attr-defined]


@admin.register(PaperBallot)
class PaperBallotAdmin(admin.ModelAdmin):
    form = PaperBallotForm
    list_display = ["paper_reference", "round", "entered_by", "created", "updated"]
    list_filter = ["round"]
    list_select_related = ["round", "entered_by"]
    search_fields = ["paper_reference"]
    fields = ["round", "paper_reference", "choices_text"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Ballot]:
        return super().get_queryset(request).filter(kind=Ballot.Kind.PAPER)

    def has_delete_permission(self, request: HttpRequest, obj: Ballot | None = None) -> bool:
        return False  # a counted paper is corrected, not removed

    def save_model(self, request: HttpRequest, obj: Ballot, form: ModelForm, change: bool) -> None:
        choices = form.cleaned_data["choices"]
        if change:
            saved = services.paper_ballot_change(ballot=obj, officer=_officer(request), choices=choices)
        else:
            saved = services.paper_ballot_enter(
                budget_round=form.cleaned_data["round"],
                officer=_officer(request),
                paper_reference=form.cleaned_data["paper_reference"],
                choices=choices,
            )
        obj.pk = saved.pk
        obj._state.adding = False
        obj.kind = saved.kind


@admin.register(Tally)
class TallyAdmin(admin.ModelAdmin):
    list_display = ["round", "status", "progress", "ballots", "votes", "duration_ms", "created", "finished"]
    list_filter = ["status", "round"]
    list_select_related = ["round"]
    readonly_fields = [
        "round",
        "status",
        "progress",
        "requested_by",
        "created",
        "started",
        "finished",
        "ballots",
        "votes",
        "duration_ms",
        "error",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # counts start from the round (admin action or results page)

    def has_change_permission(self, request: HttpRequest, obj: Tally | None = None) -> bool:
        return False


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    """Residents' proposals, for moderation: an officer hides one (it then appears nowhere) or
    restores it. Decisions on feasibility are the facilitators', on their own pages."""

    list_display = ["title", "round", "proposer", "decision", "moderation", "created"]
    list_filter = ["moderation", "decision", "round"]
    list_select_related = ["round", "proposer"]
    search_fields = ["title", "description"]
    fields = [
        "round",
        "proposer",
        "language",
        "title",
        "description",
        "estimated_cost",
        "decision",
        "reason",
        "project",
        "moderation",
    ]
    readonly_fields = [
        "round",
        "proposer",
        "language",
        "title",
        "description",
        "estimated_cost",
        "decision",
        "reason",
        "project",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

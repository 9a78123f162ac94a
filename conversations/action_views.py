"""Action group pages: the site-wide "Get involved" list, a group's public page, starting one
from an idea, editing it (with its coordinators) and posting an update on its timeline.

A group is as visible as its conversation (``permissions.check_can_see``: 404 for drafts,
the "how to join" page for invitation-only ones). Its coordinators, the organisation's
facilitators and officers run it (``permissions.can_coordinate``); everyone else gets a 404 for
those pages, as for pages that do not exist, and a suspended person is told why. Every write
is a service in ``conversations.services.action``. Each page runs a fixed number of queries
however many groups, ideas or updates there are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F, Func, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from budgeting.models import BudgetProject
from vocaleyes.errors import Refusal
from vocaleyes.flash import lazy_message
from vocaleyes.permissions import is_suspended, suspension_notice

from . import permissions, services
from .action_forms import (
    ActionGroupCreateForm,
    ActionGroupEditForm,
    ActionGroupUpdateForm,
    CoordinatorAddForm,
)
from .models import ActionGroup, ActionGroupCoordinator, ActionGroupUpdate, Conversation, Idea, Pledge
from .pledge_panel import panel
from .views import _get_idea_for_user

if TYPE_CHECKING:
    from vocaleyes.models import User

GROUPS_PER_PAGE = 20
UPDATES_PER_PAGE = 20
# The other ideas offered as checkboxes when starting a group: the conversation's top ones.
IDEAS_TO_CHOOSE = 30


def group_url(group: ActionGroup) -> str:
    return reverse("conversations:action_group", kwargs={"pk": group.pk})


def _count(queryset: Any, field: str = "pk", *, distinct: bool = False) -> Coalesce:
    """A count per group as a subquery (``COUNT`` without grouping), so several counts do not
    multiply each other's rows as joins would."""
    template = "%(function)s(DISTINCT %(expressions)s)" if distinct else "%(function)s(%(expressions)s)"
    counted = queryset.order_by().annotate(n=Func(F(field), function="COUNT", template=template)).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_counts(groups: Any) -> Any:
    """Each group with how many shown ideas it acts on, how many people have pledged (bound or
    waiting for others) and how many updates it has posted. The pages and the API list groups
    with these counts."""
    pledges = Pledge.objects.filter(
        group_id=OuterRef("pk"), status__in=[Pledge.Status.BOUND, Pledge.Status.OPEN]
    )
    return groups.annotate(
        idea_count=_count(Idea.objects.visible().filter(action_groups=OuterRef("pk"))),
        pledger_count=_count(pledges, "person_id", distinct=True),
        update_count=_count(ActionGroupUpdate.objects.filter(group_id=OuterRef("pk"))),
    )


def get_involved(request: HttpRequest) -> HttpResponse:
    """Every forming or active group of the listed conversations, newest first."""
    groups = with_counts(
        ActionGroup.objects.filter(
            status__in=[ActionGroup.Status.FORMING, ActionGroup.Status.ACTIVE],
            conversation__in=Conversation.objects.listed(),
        )
        .select_related("conversation__organisation")
        .order_by("-created", "-pk")
    )
    page = Paginator(groups, GROUPS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "conversations/action/get_involved.html", {"page": page})


def _get_group_for_user(request: HttpRequest, pk: int) -> ActionGroup:
    group = get_object_or_404(
        ActionGroup.objects.select_related("conversation__organisation", "budget_project"), pk=pk
    )
    permissions.check_can_see(request.user, group.conversation)
    return group


def _get_group_to_coordinate(request: HttpRequest, pk: int) -> ActionGroup | None:
    """The group, if this person may run it; None (after saying why) for a suspended person;
    404 for everyone else."""
    group = _get_group_for_user(request, pk)
    user = request.user
    if user.is_authenticated and is_suspended(user):
        messages.error(request, suspension_notice(user))
        return None
    if not permissions.can_coordinate(user, group):
        raise Http404
    return group


def _hours_url(group: ActionGroup) -> str:
    """The coordinators' hours page, once the pledges part provides it ("" until then)."""
    try:
        return reverse("conversations:hours_confirm", kwargs={"pk": group.pk})
    except NoReverseMatch:
        return ""


def action_group(request: HttpRequest, pk: int) -> HttpResponse:
    """A group's public page: what it is for, the ideas it acts on, who coordinates it, its
    pledges (``pledge_panel``) and its timeline of updates."""
    group = _get_group_for_user(request, pk)
    conversation = group.conversation
    ideas = list(group.ideas.visible().only("pk", "title", "language").order_by("pk"))
    coordinators = [
        role.user.public_name
        for role in ActionGroupCoordinator.objects.filter(group=group)
        .select_related("user")
        .only("user__display_name", "user__deleted_at")  # public_name reads both
        .order_by("added", "pk")
    ]
    updates = Paginator(
        ActionGroupUpdate.objects.filter(group=group).select_related("author"), UPDATES_PER_PAGE
    ).get_page(request.GET.get("page"))
    can_coordinate = permissions.can_coordinate(request.user, group)
    idea_url_prefix = reverse("conversations:idea", kwargs={"slug": conversation.slug, "pk": 0}).removesuffix(
        "0/"
    )
    return render(
        request,
        "conversations/action/group_detail.html",
        {
            "group": group,
            "conversation": conversation,
            "ideas": ideas,
            "idea_url_prefix": idea_url_prefix,
            "coordinators": coordinators,
            "updates": updates,
            "can_coordinate": can_coordinate,
            "hours_url": _hours_url(group) if can_coordinate else "",
            **panel(group, request.user),
        },
    )


def _idea_choices(idea: Idea) -> list[tuple[int, str]]:
    """The conversation's other shown ideas to choose from, top first (a fixed number)."""
    others = (
        Idea.objects.visible()
        .filter(conversation_id=idea.conversation_id)
        .exclude(pk=idea.pk)
        .in_priority_order()
        .values_list("pk", "title")[:IDEAS_TO_CHOOSE]
    )
    return list(others)


@login_required
def action_group_new(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Start an action group from an idea, pre-filled with its title; other ideas of the
    conversation may join it."""
    idea = _get_idea_for_user(request, slug, pk)
    user: User = request.user  # type: ignore[assignment]
    if is_suspended(user):
        messages.error(request, suspension_notice(user))
        return redirect(idea)
    if not permissions.can_start_action_group(user, idea):
        raise Http404
    choices = _idea_choices(idea)
    if request.method == "POST":
        form = ActionGroupCreateForm(request.POST, choices=choices)
        if form.is_valid():
            chosen = [idea, *Idea.objects.filter(pk__in=form.cleaned_data["ideas"]).only("pk")]
            try:
                group = services.action_group_create(
                    by=user,
                    ideas=chosen,
                    name_en=form.cleaned_data["name_en"],
                    name_cy=form.cleaned_data["name_cy"],
                    purpose_en=form.cleaned_data["purpose_en"],
                    purpose_cy=form.cleaned_data["purpose_cy"],
                )
            except Refusal as refusal:
                refusal.add_to(form)
            else:
                messages.success(
                    request,
                    gettext_lazy(
                        "The action group has been started. You coordinate it: post updates here as it goes."
                    ),
                )
                return redirect(group_url(group))
        status = 400
    else:
        form = ActionGroupCreateForm(initial={f"name_{idea.language}": idea.title}, choices=choices)
        status = 200
    return render(
        request,
        "conversations/action/group_form.html",
        {
            "form": form,
            "mode": "create",
            "idea": idea,
            "conversation": idea.conversation,
            "text_fields": [form[name] for name in ("name_en", "name_cy", "purpose_en", "purpose_cy")],
        },
        status=status,
    )


def _projects(group: ActionGroup) -> Any:
    """The budget projects of the organisation that runs the group's conversation."""
    return (
        BudgetProject.objects.filter(round__conversation__organisation_id=group.conversation.organisation_id)
        .select_related("round")
        .order_by("-round__voting_opens", "title_en", "pk")
    )


def _coordinator_people(group: ActionGroup) -> list[User]:
    return [
        role.user
        for role in ActionGroupCoordinator.objects.filter(group=group)
        .select_related("user")
        .order_by("added")
    ]


def _edit_page(
    request: HttpRequest,
    group: ActionGroup,
    form: ActionGroupEditForm,
    *,
    coordinator_form: CoordinatorAddForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_manage = permissions.can_manage_coordinators(request.user, group)
    return render(
        request,
        "conversations/action/group_form.html",
        {
            "form": form,
            "mode": "edit",
            "group": group,
            "conversation": group.conversation,
            "text_fields": [form[name] for name in ("name_en", "name_cy", "purpose_en", "purpose_cy")],
            "can_manage_coordinators": can_manage,
            "coordinator_people": _coordinator_people(group) if can_manage else [],
            "coordinator_form": coordinator_form or CoordinatorAddForm(),
        },
        status=status,
    )


@login_required
def action_group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the group's name, purpose, status and budget project."""
    group = _get_group_to_coordinate(request, pk)
    if group is None:
        return redirect(reverse("conversations:action_group", args=[pk]))
    user: User = request.user  # type: ignore[assignment]
    projects = _projects(group)
    if request.method != "POST":
        initial = {
            "name_en": group.name_en,
            "name_cy": group.name_cy,
            "purpose_en": group.purpose_en,
            "purpose_cy": group.purpose_cy,
            "status": group.status,
            "budget_project": group.budget_project_id,
        }
        return _edit_page(request, group, ActionGroupEditForm(initial=initial, projects=projects))
    form = ActionGroupEditForm(request.POST, projects=projects)
    if form.is_valid():
        try:
            with transaction.atomic():
                services.action_group_edit(
                    by=user,
                    group=group,
                    name_en=form.cleaned_data["name_en"],
                    name_cy=form.cleaned_data["name_cy"],
                    purpose_en=form.cleaned_data["purpose_en"],
                    purpose_cy=form.cleaned_data["purpose_cy"],
                    budget_project=form.cleaned_data["budget_project"],
                )
                services.action_group_set_status(by=user, group=group, status=form.cleaned_data["status"])
        except Refusal as refusal:
            refusal.add_to(form)
        else:
            messages.success(request, gettext_lazy("The action group has been changed."))
            return redirect(group_url(group))
    return _edit_page(request, group, form, status=400)


@login_required
@require_POST
def action_group_coordinators(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a coordinator by email address, or remove one (``remove=<user id>``)."""
    group = _get_group_to_coordinate(request, pk)
    if group is None:
        return redirect(reverse("conversations:action_group", args=[pk]))
    user: User = request.user  # type: ignore[assignment]
    if not permissions.can_manage_coordinators(user, group):
        raise Http404
    edit_url = reverse("conversations:action_group_edit", args=[pk])
    remove = request.POST.get("remove", "")
    people = get_user_model()._default_manager
    if remove:
        person = people.filter(pk=int(remove)).first() if remove.isdigit() else None
        if person is None:
            raise Http404
        try:
            services.action_group_remove_coordinator(by=user, group=group, person=person)
        except Refusal as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request,
                lazy_message(
                    gettext_lazy("%(name)s no longer coordinates the group."), name=person.public_name
                ),
            )
        return redirect(f"{edit_url}#coordinators")
    coordinator_form = CoordinatorAddForm(request.POST)
    if coordinator_form.is_valid():
        person = people.filter(email__iexact=coordinator_form.cleaned_data["email"]).first()
        if person is None:
            coordinator_form.add_error(
                "email", _("Nobody has an account with that email address. Ask them to create one first.")
            )
        else:
            try:
                services.action_group_add_coordinator(by=user, group=group, person=person)
            except Refusal as refusal:
                coordinator_form.add_error("email", refusal.message)
            else:
                messages.success(
                    request,
                    lazy_message(
                        gettext_lazy("%(name)s now coordinates the group."), name=person.public_name
                    ),
                )
                return redirect(f"{edit_url}#coordinators")
    initial = {
        "name_en": group.name_en,
        "name_cy": group.name_cy,
        "purpose_en": group.purpose_en,
        "purpose_cy": group.purpose_cy,
        "status": group.status,
        "budget_project": group.budget_project_id,
    }
    form = ActionGroupEditForm(initial=initial, projects=_projects(group))
    return _edit_page(request, group, form, coordinator_form=coordinator_form, status=400)


@login_required
def action_group_update_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Post an update on the group's timeline."""
    group = _get_group_to_coordinate(request, pk)
    if group is None:
        return redirect(reverse("conversations:action_group", args=[pk]))
    user: User = request.user  # type: ignore[assignment]
    if request.method == "POST":
        form = ActionGroupUpdateForm(request.POST)
        if form.is_valid():
            try:
                services.action_group_post_update(
                    by=user,
                    group=group,
                    body=form.cleaned_data["body"],
                    language=form.cleaned_data["language"],
                )
            except Refusal as refusal:
                refusal.add_to(form)
            else:
                messages.success(
                    request, gettext_lazy("Your update has been posted. Followers will be told about it.")
                )
                return redirect(f"{group_url(group)}#updates")
        status = 400
    else:
        form = ActionGroupUpdateForm(initial={"language": request.LANGUAGE_CODE[:2]})
        status = 200
    return render(
        request,
        "conversations/action/update_form.html",
        {"form": form, "group": group, "conversation": group.conversation},
        status=status,
    )

"""Seeding one idea into several conversations, and comparing its copies' ratings side by side.

For facilitators (of any organisation) and council officers; everyone else signed in gets a
404, as for a page that does not exist, and visitors the sign-in page. A seed is seen by its
organisation's facilitators and officers (``permissions.can_see_seed``). The seeding itself is
``services.seed_across``; the comparison is ``seed_comparison.seed_comparison``.
"""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import ngettext_lazy

from vocaleyes.errors import Refusal
from vocaleyes.flash import lazy_message
from vocaleyes.models import TargetGroup
from vocaleyes.permissions import (
    facilitator_roles,
    is_facilitator,
    is_officer,
    is_suspended,
    suspension_message,
)

from . import permissions, services
from .forms import SeedAcrossForm
from .models import ContentStatus, Conversation, ConversationQuerySet, SharedSeed
from .seed_comparison import MINIMUM_COUNT, seed_comparison

if TYPE_CHECKING:
    from vocaleyes.models import User

SEEDS_PER_PAGE = 20


def _facilitator(request: HttpRequest) -> User:
    """The signed-in person, if they facilitate somewhere or are an officer; 404 otherwise."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied  # the views are behind login_required
    if not (is_officer(user) or facilitator_roles(user.pk).exists()):
        raise Http404
    return user


def _seedable(user: User) -> ConversationQuerySet:
    """The open conversations taking ideas that this person may seed into, by organisation."""
    conversations = Conversation.objects.open().filter(posting_open=True).select_related("organisation")
    if not is_officer(user):
        conversations = conversations.filter(
            organisation_id__in=facilitator_roles(user.pk).values("organisation_id")
        )
    return conversations.order_by("organisation__name_en", "organisation_id", "title_en", "pk")


def _group_for(request: HttpRequest, user: User) -> TargetGroup | None:
    """The target group named by ``?group=``, when this person may see its organisation's."""
    raw = request.GET.get("group", "")
    if not raw.isdigit():
        return None
    group = TargetGroup.objects.select_related("organisation").filter(pk=int(raw)).first()
    if group is None or not (is_officer(user) or is_facilitator(user, group.organisation_id)):
        return None
    return group


def _for_group(conversations: ConversationQuerySet, group: TargetGroup) -> list[int]:
    """The conversations whose target groups include ``group`` (``audience.groups_of``: those
    naming it, and its organisation's conversations that name no group)."""
    named = Q(target_groups=group)
    whole_organisation = Q(target_groups__isnull=True, organisation_id=group.organisation_id)
    return list(conversations.filter(named | whole_organisation).values_list("pk", flat=True).distinct())


@login_required
def seed_new(request: HttpRequest) -> HttpResponse:
    user = _facilitator(request)
    conversations = _seedable(user)
    group = _group_for(request, user)
    suspension = suspension_message(user) if is_suspended(user) else ""
    if request.method == "POST" and not suspension:
        form = SeedAcrossForm(request.POST, conversations=conversations)
        if form.is_valid():
            chosen = list(form.cleaned_data["conversations"])
            try:
                seed = services.seed_across(
                    user=user,
                    conversations=chosen,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    source_note=form.cleaned_data["source_note"],
                    language=form.cleaned_data["language"],
                )
            except Refusal as refusal:
                refusal.add_to(form)
            else:
                messages.success(
                    request,
                    lazy_message(
                        ngettext_lazy(
                            "The idea has been seeded into %(count)d conversation.",
                            "The idea has been seeded into %(count)d conversations.",
                            "count",
                        ),
                        count=len(chosen),
                    ),
                )
                return redirect(seed)
        status = 400
    else:
        initial: dict[str, Any] = {"language": request.LANGUAGE_CODE[:2]}
        if group is not None:
            initial["conversations"] = _for_group(conversations, group)
        form = SeedAcrossForm(initial=initial, conversations=conversations)
        status = 200
    # The checkboxes grouped by organisation, in the order of the choices (so the first one's
    # id is the one the error summary links to).
    choices = list(form["conversations"])
    by_organisation = [
        (organisation, list(boxes))
        for organisation, boxes in groupby(choices, key=lambda box: box.data["value"].instance.organisation)
    ]
    return render(
        request,
        "conversations/seed_form.html",
        {
            "form": form,
            "by_organisation": by_organisation,
            "group": group,
            "suspension": suspension,
            "idea_fields": [form[name] for name in ("title", "body", "language", "source_note")],
        },
        status=status,
    )


@login_required
def seed_list(request: HttpRequest) -> HttpResponse:
    user = _facilitator(request)
    seeds = SharedSeed.objects.select_related("organisation").annotate(
        copies=Count("ideas", filter=Q(ideas__status=ContentStatus.PUBLISHED))
    )
    if not is_officer(user):
        seeds = seeds.filter(organisation_id__in=facilitator_roles(user.pk).values("organisation_id"))
    page = Paginator(seeds.order_by("-created", "-pk"), SEEDS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "conversations/seed_list.html", {"page": page})


@login_required
def seed_detail(request: HttpRequest, pk: int) -> HttpResponse:
    seed = get_object_or_404(SharedSeed.objects.select_related("organisation"), pk=pk)
    if not permissions.can_see_seed(request.user, seed):
        raise Http404
    return render(
        request,
        "conversations/seed_detail.html",
        {"seed": seed, "comparison": seed_comparison(seed), "minimum": MINIMUM_COUNT},
    )

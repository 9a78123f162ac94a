"""The facilitator page "Taking part by group" (``…/facilitate/groups/``): participants per target
group against the group's size, the representativeness score per kind of group, and who is
missing, each with an invitation link and a way to seed ideas for them. The figures are
``conversations.participation``'s; facilitators of the organisation and officers only (404 for
everyone else, as the other facilitator pages)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from vocaleyes import services

from . import permissions
from .facilitator_views import _get_conversation_to_facilitate
from .models import Conversation
from .participation import group_participation


def seed_url(conversation: Conversation, group_id: int, *, can_seed_here: bool) -> str:
    """Where to seed ideas for a group: the seeding page for a group (``seed_new``, which decides
    who may seed where) when there is one, otherwise this conversation's own seeding page when
    this person may seed here now; "" when neither."""
    try:
        return reverse("conversations:seed_new") + f"?group={group_id}"
    except NoReverseMatch:
        if not can_seed_here:
            return ""
        return reverse("conversations:idea_seed", kwargs={"slug": conversation.slug})


@login_required
def participation_groups(request: HttpRequest, slug: str) -> HttpResponse:
    conversation = _get_conversation_to_facilitate(request, slug)
    report = group_participation(conversation)
    links = {
        item.row.group.pk: request.build_absolute_uri(
            reverse("join", kwargs={"token": services.invitation_token(item.row.invitation)})
        )
        for item in report.missing
        if item.row.invitation is not None
    }
    can_seed_here = permissions.can_seed_idea(request.user, conversation)
    missing = [
        {
            "item": item,
            "link": links.get(item.row.group.pk, ""),
            "seed_url": seed_url(conversation, item.row.group.pk, can_seed_here=can_seed_here),
        }
        for item in report.missing
    ]
    return render(
        request,
        "conversations/participation_groups.html",
        {
            "conversation": conversation,
            "report": report,
            "missing": missing,
        },
    )

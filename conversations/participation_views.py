"""The facilitator page "Taking part by group" (``…/facilitate/groups/``): participants per target
group against the group's size, the representativeness score per kind of group, and who is
missing, each with an invitation link and a way to seed ideas for them. The figures are
``conversations.participation``'s; facilitators of the organisation and officers only (404 for
everyone else, as the other facilitator pages)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from vocaleyes import services

from .facilitator_views import _get_conversation_to_facilitate
from .participation import group_participation


def seed_url(group_id: int) -> str:
    """The page for seeding ideas into the conversations that target a group (``seed_new``,
    which decides who may seed where)."""
    return reverse("conversations:seed_new") + f"?group={group_id}"


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
    missing = [
        {
            "item": item,
            "link": links.get(item.row.group.pk, ""),
            "seed_url": seed_url(item.row.group.pk),
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

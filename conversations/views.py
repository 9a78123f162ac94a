from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Conversation


def _get_conversation_for_user(request: HttpRequest, slug: str) -> Conversation:
    """The conversation, or 404 for anyone who may not see it.

    Drafts and invitation-only conversations are visible to staff and the organisation's
    facilitators only (invitations arrive with target groups); a 404 rather than 403 so that
    their existence does not leak.
    """
    queryset = Conversation.objects.select_related("organisation")
    user = request.user
    if not user.is_authenticated:
        return get_object_or_404(queryset.listed(), slug=slug)
    if user.is_staff:
        return get_object_or_404(queryset, slug=slug)
    return get_object_or_404(
        queryset.filter(
            Q(pk__in=Conversation.objects.listed().values("pk")) | Q(organisation__roles__user=user)
        ).distinct(),
        slug=slug,
    )


def conversation_list(request: HttpRequest) -> HttpResponse:
    conversations = (
        Conversation.objects.listed().select_related("organisation").order_by("-status", "-created")
    )  # open before closed
    page = Paginator(conversations, 20).get_page(request.GET.get("page"))
    return render(request, "conversations/conversation_list.html", {"page": page})


def conversation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    conversation = _get_conversation_for_user(request, slug)
    return render(request, "conversations/conversation_detail.html", {"conversation": conversation})

"""What authors see of their own ideas and comments that moderation holds back, and how they
ask for a review (issue 13).

Held content stays hidden from everyone else: the idea page answers 404 to them as before. Its
author, signed in, gets a page saying it is hidden (or waiting for review), the reason the
officer gave, and the "Ask for a review" form (``services.review_request_create``); the request
joins the officers' review queue in the admin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from vocaleyes.errors import Refusal

from . import permissions, services
from .models import Comment, ContentStatus, Idea, ModerationDecision, ReviewRequest
from .review_forms import ReviewRequestForm

if TYPE_CHECKING:
    from vocaleyes.models import User


def _last_hiding(item: Idea | Comment) -> ModerationDecision | None:
    """The decision that hid it (the latest, should it have been hidden again)."""
    return (
        item.moderation_decisions.filter(action=ModerationDecision.Action.HIDE)
        .order_by("-created", "-pk")
        .first()
    )


def own_held_idea_page(
    request: HttpRequest, slug: str, pk: int, *, form: ReviewRequestForm | None = None, status: int = 200
) -> HttpResponse | None:
    """The page its author sees of their own idea held back by moderation; None for anyone
    else, or when the idea is shown (the caller then answers as it would have)."""
    user = request.user
    if not user.is_authenticated:
        return None
    idea = (
        Idea.objects.with_conversation()
        .exclude(status=ContentStatus.PUBLISHED)
        .filter(conversation__slug=slug, pk=pk, author=user)
        .first()
    )
    if idea is None:
        return None
    permissions.check_can_see(user, idea.conversation)
    hidden = idea.status == ContentStatus.HIDDEN
    review = ReviewRequest.objects.filter(author=user, idea=idea).select_related("decision").first()
    context = {
        "idea": idea,
        "conversation": idea.conversation,
        "hidden": hidden,
        "decision": _last_hiding(idea) if hidden else None,
        "review": review,
        "refusal": services.review_request_refusal(item=idea, author=user)
        if hidden and review is None
        else None,
        "form": form or ReviewRequestForm(),
    }
    return render(request, "conversations/idea_held.html", context, status=status)


def _ask(request: HttpRequest, item: Idea | Comment, form: ReviewRequestForm, back: str) -> HttpResponse:
    person: User = request.user  # type: ignore[assignment]
    try:
        services.review_request_create(item=item, author=person, message=form.cleaned_data["message"])
    except Refusal as refusal:
        # Asked already (said as information), or not theirs to ask about any more.
        (messages.error if refusal.forbidden else messages.info)(request, str(refusal))
        return redirect(back)
    messages.success(
        request,
        gettext_lazy(
            "Thank you: a council officer will look at it again. "
            "What they decide will show here and in Your activity."
        ),
    )
    return redirect(back)


@login_required
@require_POST
def idea_review_request(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Ask for a review of one's own hidden idea; anyone else gets a 404."""
    idea = get_object_or_404(
        Idea.objects.select_related("conversation"), conversation__slug=slug, pk=pk, author=request.user
    )
    form = ReviewRequestForm(request.POST)
    if not form.is_valid():
        page = own_held_idea_page(request, slug, pk, form=form, status=400)
        return page if page is not None else redirect(idea)
    return _ask(request, idea, form, idea.get_absolute_url())


@login_required
@require_POST
def comment_review_request(request: HttpRequest, slug: str, pk: int, comment_pk: int) -> HttpResponse:
    """Ask for a review of one's own hidden comment (from "Your activity"); others get a 404."""
    comment = get_object_or_404(
        Comment.objects.select_related("idea__conversation"),
        idea__conversation__slug=slug,
        idea_id=pk,
        pk=comment_pk,
        author=request.user,
    )
    back = reverse("activity") + "#comments"
    form = ReviewRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors["message"]))
        return redirect(back)
    return _ask(request, comment, form, back)

"""You said, we did: the facilitator's response form, following and unfollowing, the one-click
unsubscribe link of the digest, and a closed conversation's outcome page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from vocaleyes.errors import Refusal

from . import permissions, services
from .models import ActionGroup, Conversation, Idea, IdeaResponse
from .response_forms import ResponseForm
from .views import OUTCOME_TOP_IDEAS, _get_conversation_for_user, _get_idea_for_user


def _respond_page(request: HttpRequest, idea: Idea, form: ResponseForm, *, status: int = 200) -> HttpResponse:
    return render(
        request,
        "conversations/respond_form.html",
        {"conversation": idea.conversation, "idea": idea, "form": form},
        status=status,
    )


def idea_respond(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The official response to an idea: its status, text in English and Welsh, and what takes
    it forward. For the organisation's facilitators and officers; a 404 for everyone else."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    idea = _get_idea_for_user(request, slug, pk)
    if not permissions.can_respond(request.user, idea):
        raise Http404
    response = IdeaResponse.objects.filter(idea=idea).first()
    if request.method != "POST":
        initial = {}
        if response is not None:
            initial = {
                "status": response.status,
                "text_en": response.text_en,
                "text_cy": response.text_cy,
                "action_group": response.action_group_id,
                "budget_project": response.budget_project_id,
            }
        return _respond_page(request, idea, ResponseForm(initial=initial, idea=idea))
    form = ResponseForm(request.POST, idea=idea)
    if not form.is_valid():
        return _respond_page(request, idea, form, status=400)
    try:
        services.idea_respond(
            idea=idea,
            by=request.user,
            status=form.cleaned_data["status"],
            text_en=form.cleaned_data["text_en"],
            text_cy=form.cleaned_data["text_cy"],
            action_group=form.cleaned_data.get("action_group"),
            budget_project=form.cleaned_data.get("budget_project"),
        )
    except Refusal as refusal:
        if refusal.forbidden or not refusal.field:
            messages.error(request, str(refusal))
            return redirect(idea)
        refusal.add_to(form)
        return _respond_page(request, idea, form, status=400)
    messages.success(
        request, gettext_lazy("The response has been saved. The idea's author and followers will be told.")
    )
    return redirect(f"{idea.get_absolute_url()}#response")


def _back(request: HttpRequest, fallback: str) -> str:
    """Where to go after following: the page the button was on, if it is ours."""
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, {request.get_host()}, require_https=request.is_secure()
    ):
        return back
    return fallback


@require_POST
def follow(request: HttpRequest) -> HttpResponse:
    """Follow or stop following an idea (``idea``) or an action group (``group``)."""
    idea_id, group_id = request.POST.get("idea", ""), request.POST.get("group", "")
    if not (idea_id.isdigit() or group_id.isdigit()):
        raise Http404
    idea = group = None
    if idea_id.isdigit():
        idea = get_object_or_404(Idea.objects.visible().with_conversation(), pk=int(idea_id))
        conversation, fallback = idea.conversation, idea.get_absolute_url()
    else:
        group = get_object_or_404(
            ActionGroup.objects.select_related("conversation__organisation"), pk=int(group_id)
        )
        conversation, fallback = group.conversation, group.conversation.get_absolute_url()
    back = _back(request, fallback)
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    permissions.check_can_see(request.user, conversation)
    if request.POST.get("action") == "unfollow":
        services.unfollow(person=request.user, idea=idea, group=group)
        messages.success(request, gettext_lazy("You no longer follow this."))
        return redirect(back)
    try:
        services.follow(person=request.user, idea=idea, group=group)
    except Refusal as refusal:
        messages.error(request, str(refusal))
        return redirect(back)
    messages.success(
        request,
        gettext_lazy("You are following this. We will email you at most once a day when something happens."),
    )
    return redirect(back)


@csrf_exempt  # one-click unsubscribe (RFC 8058): the mail client posts without a form
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The digest's link: removes every follow of the person it was sent to, no sign-in needed."""
    removed = services.unsubscribe(token=token)
    if removed is None:
        raise Http404
    return render(request, "conversations/unsubscribed.html", {"removed": removed})


def outcome(request: HttpRequest, slug: str) -> HttpResponse:
    """What a closed conversation decided: its top ideas by priority with the organisation's
    response to each, and the action groups it started."""
    conversation = _get_conversation_for_user(request, slug)
    if conversation.status != Conversation.Status.CLOSED:
        raise Http404
    ideas = list(
        Idea.objects.visible()
        .filter(conversation=conversation)
        .select_related("ranking", "response__action_group", "response__budget_project")
        .prefetch_related(Prefetch("action_groups", queryset=ActionGroup.objects.order_by("created", "pk")))
        .in_priority_order()[:OUTCOME_TOP_IDEAS]
    )
    groups = list(ActionGroup.objects.filter(conversation=conversation).order_by("created", "pk"))
    responded = sum(1 for idea in ideas if getattr(idea, "response", None) is not None)
    return render(
        request,
        "conversations/outcome.html",
        {
            "conversation": conversation,
            "ideas": ideas,
            "groups": groups,
            "responded": responded,
        },
    )

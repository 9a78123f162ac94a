"""The page an invitation link opens (``/join/<token>/``, ``/cy/join/<token>/``).

Anyone sees which group and organisation the link is for; people who are not signed in are sent
to sign in or create an account and come back here (``next=``); signed-in people join with a
button (a POST: following a link alone never changes anything). The outcome is a confirmation
panel with links onward, or a page that says why the link does not work. The rules are
``vocaleyes.services.invitation_accept``.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from conversations.models import Conversation

from . import services
from .models import TargetGroup


def _refused(request: HttpRequest, refusal: services.InvitationRefusal) -> HttpResponse:
    invitation = refusal.invitation
    context = {"message": str(refusal), "group": invitation.group if invitation else None}
    # A link that is not one of ours is not found; a real one that no longer works is refused.
    return render(request, "invitations/refused.html", context, status=403 if invitation else 404)


def _conversations_of(group: TargetGroup) -> list[Conversation]:
    return list(
        Conversation.objects.filter(target_groups=group)
        .exclude(status=Conversation.Status.DRAFT)
        .select_related("organisation")
        .order_by("-status", "-created")
    )


def join(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_from_token(token)
    except services.InvitationRefusal as refusal:
        return _refused(request, refusal)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.path)
        try:
            joined = services.invitation_accept(token=token, user=request.user)
        except services.InvitationRefusal as refusal:
            return _refused(request, refusal)
        context = {
            "group": joined.group,
            "already_member": joined.already_member,
            "conversations": _conversations_of(joined.group),
        }
        return render(request, "invitations/joined.html", context)
    problem = services.invitation_problem(invitation)
    if problem:
        return _refused(request, services.InvitationRefusal(problem, invitation=invitation))
    return render(request, "invitations/join.html", {"group": invitation.group})

"""Hours given by someone without an account yet: the coordinators' form (on the hours page)
and the page the emailed link opens (``/conversations/action/claim/<token>/``).

Anyone with the link sees which action group and how much time it is for; people who are not
signed in are sent to sign in or create an account and come back (``next=``); signed-in people
claim with a button (a POST: following a link alone changes nothing). The rules are
``services.claims``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from timecredits.amounts import format_minutes, format_minutes_lazy
from vocaleyes.errors import Refusal
from vocaleyes.flash import lazy_message
from vocaleyes.models import User

from . import services
from .claim_forms import HoursClaimForm
from .models import ActionGroup, HoursClaim
from .permissions import can_coordinate
from .pledge_views import _get_group
from .services.pledges import group_url


def hours_page_context(group: ActionGroup, form: HoursClaimForm | None = None) -> dict[str, Any]:
    """The hours page's part for people without an account: the form and the group's claims."""
    now = timezone.now()
    claims = [
        {
            "claim": claim,
            "time": format_minutes(claim.minutes),
            "status": services.hours_claim_status(claim, now=now),
            "state": "claimed" if claim.claimed_at else ("expired" if claim.expires_at <= now else "waiting"),
        }
        for claim in HoursClaim.objects.filter(group=group).order_by("-created", "-pk")
    ]
    return {"claim_form": form or HoursClaimForm(prefix="claim"), "claims": claims}


@login_required
@require_POST
def hours_claim_new(request: HttpRequest, pk: int) -> HttpResponse:
    group = _get_group(request, pk)
    if not can_coordinate(request.user, group):
        raise PermissionDenied
    user = request.user
    assert isinstance(user, User)
    form = HoursClaimForm(request.POST, prefix="claim")
    if form.is_valid():
        data = form.cleaned_data
        try:
            claim = services.hours_claim_create(
                group=group,
                email=data["email"],
                name=data.get("name") or "",
                language=data["language"],
                minutes=form.duration(),
                given_on=data["given_on"],
                by=user,
            )
        except Refusal as refusal:
            if refusal.forbidden:
                raise PermissionDenied(str(refusal)) from refusal
            refusal.add_to(form)
        else:
            messages.success(
                request,
                lazy_message(
                    gettext_lazy(
                        "%(time)s recorded for %(email)s. "
                        "We have emailed them a link to claim the time credits."
                    ),
                    time=format_minutes_lazy(claim.minutes),
                    email=claim.email,
                ),
            )
            return redirect("conversations:hours_confirm", pk=group.pk)
    context = {"group": group, "back": group_url(group), **hours_page_context(group, form)}
    return render(request, "conversations/action/hours_claim_form.html", context, status=400)


def _refused(request: HttpRequest, refusal: services.ClaimRefusal) -> HttpResponse:
    claim = refusal.claim
    context = {"message": str(refusal), "claim": claim}
    # A link that is not one of ours is not found; a real one that no longer works is refused.
    return render(
        request, "conversations/action/hours_claim_refused.html", context, status=403 if claim else 404
    )


@require_http_methods(["GET", "POST"])
def hours_claim(request: HttpRequest, token: str) -> HttpResponse:
    try:
        claim = services.hours_claim_from_token(token)
    except services.ClaimRefusal as refusal:
        return _refused(request, refusal)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.path)
        assert isinstance(request.user, User)
        try:
            claim = services.hours_claim_accept(token=token, user=request.user)
        except services.ClaimRefusal as refusal:
            return _refused(request, refusal)
        except Refusal as refusal:  # from the ledger: no issuing account, a closed account
            return _refused(request, services.ClaimRefusal(str(refusal), claim=claim))
        context = {"claim": claim, "time": format_minutes(claim.minutes)}
        return render(request, "conversations/action/hours_claimed.html", context)
    if problem := services.hours_claim_problem(claim):
        return _refused(request, services.ClaimRefusal(problem, claim=claim))
    context = {"claim": claim, "time": format_minutes(claim.minutes)}
    return render(request, "conversations/action/hours_claim.html", context)

"""Pledges to an action group, withdrawing them, and the coordinators' page for hours given.

Who may pledge and withdraw is ``services.pledge_create_refusal`` / ``pledge_withdraw_refusal``;
who may confirm hours is ``permissions.can_coordinate``. The forms check input and the
services decide; a refusal is shown as it is.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from timecredits.amounts import format_minutes, format_minutes_lazy
from vocaleyes.errors import Refusal
from vocaleyes.flash import lazy_message
from vocaleyes.models import User
from vocaleyes.throttle import throttle

from . import permissions, services
from .models import ActionGroup, Pledge
from .permissions import can_coordinate
from .pledge_forms import HoursGivenForm, PledgeForm
from .services.pledges import group_url


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # the views are login_required
    return user


def _get_group(request: HttpRequest, pk: int) -> ActionGroup:
    """An action group this person may see: in a conversation they may see, acting on at least
    one idea that is shown; 404 otherwise."""
    group: ActionGroup = get_object_or_404(
        ActionGroup.objects.select_related("conversation__organisation"), pk=pk
    )
    permissions.check_can_see(request.user, group.conversation)
    if not group.ideas.visible().exists():
        raise Http404
    return group


@login_required
@require_http_methods(["GET", "POST"])
@throttle("pledge")
def pledge_new(request: HttpRequest, pk: int) -> HttpResponse:
    group = _get_group(request, pk)
    back = group_url(group)
    if refusal := services.pledge_create_refusal(person=request.user, group=group):
        messages.error(request, str(refusal))
        return redirect(back)
    form = PledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pledge = services.pledge_create(person=_user(request), group=group, **form.pledge_values())
        except Refusal as refusal:
            if refusal.forbidden:
                messages.error(request, str(refusal))
                return redirect(back)
            refusal.add_to(form)
        else:
            if pledge.status == Pledge.Status.OPEN:
                thanks = gettext_lazy(
                    "Thank you. Your pledge is waiting for others: we will email you when it binds or lapses."
                )
            else:
                thanks = gettext_lazy("Thank you. Your pledge is recorded and the group is counting on it.")
            messages.success(request, thanks)
            return redirect(back)
    return render(
        request,
        "conversations/action/pledge_form.html",
        {"group": group, "form": form, "back": back},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def pledge_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = get_object_or_404(
        Pledge.objects.select_related("group__conversation__organisation"), pk=pk, person_id=request.user.pk
    )
    group = pledge.group
    back = group_url(group)
    if refusal := services.pledge_withdraw_refusal(pledge=pledge, by=request.user):
        messages.error(request, str(refusal))
        return redirect(back)
    if request.method == "POST":
        try:
            services.pledge_withdraw(pledge=pledge, by=_user(request))
        except Refusal as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, gettext_lazy("Your pledge has been withdrawn."))
        return redirect(back)
    time = format_minutes(pledge.minutes) if pledge.minutes else ""
    return render(
        request,
        "conversations/action/pledge_withdraw.html",
        {"group": group, "pledge": pledge, "time": time, "back": back},
    )


@login_required
@require_http_methods(["GET", "POST"])
def hours_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The group's bound pledges of time, each with a form: how long and when."""
    group = _get_group(request, pk)
    if not can_coordinate(request.user, group):
        raise PermissionDenied
    pledges = list(
        Pledge.objects.filter(group=group, kind=Pledge.Kind.HOURS, status=Pledge.Status.BOUND)
        .select_related("person")
        .annotate(given=Sum("hours__minutes"))
        .order_by("person__display_name", "created", "pk")
    )
    posted = None
    if request.method == "POST":
        try:
            posted = int(request.POST.get("pledge", ""))
        except ValueError:
            posted = None
        if posted not in {pledge.pk for pledge in pledges}:
            messages.error(
                request, gettext_lazy("That pledge is not counted on any more. Please check and try again.")
            )
            return redirect("conversations:hours_confirm", pk=group.pk)
    rows = []
    failed = False
    for pledge in pledges:
        prefix = f"p{pledge.pk}"
        if pledge.pk == posted:
            form = HoursGivenForm(request.POST, prefix=prefix)
            if form.is_valid():
                try:
                    hours = services.pledge_hours_confirm(
                        pledge=pledge,
                        minutes=form.duration(),
                        given_on=form.cleaned_data["given_on"],
                        by=_user(request),
                        idempotency_key=form.key_for("pledge-hours", _user(request)),
                    )
                except Refusal as refusal:
                    refusal.add_to(form)
                else:
                    messages.success(
                        request,
                        lazy_message(
                            gettext_lazy("%(time)s confirmed for %(name)s. They earn the time credits."),
                            time=format_minutes_lazy(hours.minutes),
                            name=pledge.person.public_name,
                        ),
                    )
                    return redirect("conversations:hours_confirm", pk=group.pk)
            failed = True
        else:
            form = HoursGivenForm(prefix=prefix)
        rows.append(
            {
                "pledge": pledge,
                "form": form,
                "pledged": format_minutes(pledge.minutes),
                "given": format_minutes(pledge.given or 0),
            }
        )
    from . import claim_views  # it imports this module

    return render(
        request,
        "conversations/action/hours_confirm.html",
        {
            "group": group,
            "rows": rows,
            "back": group_url(group),
            "failed": failed,
            **claim_views.hours_page_context(group),
        },
        status=400 if failed else 200,
    )

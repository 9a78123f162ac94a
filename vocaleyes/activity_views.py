"""The "Your activity" page (issue 13): what a person has done here and what became of it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from conversations.review_forms import ReviewRequestForm

from . import activity

if TYPE_CHECKING:
    from .models import User


@login_required
def activity_page(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own activity, and nobody else's: there is no way to name another
    person. Suspended people read it like anyone else."""
    person: User = request.user  # type: ignore[assignment]
    context = {
        "ideas": activity.ideas(person),
        "comments": activity.comments(person),
        "ratings": activity.ratings(person),
        "ballots": activity.ballots(person),
        "proposals": activity.proposals(person),
        "pledges": activity.pledges(person),
        "limit": activity.LIMIT,
        "review_form": ReviewRequestForm(),
    }
    return render(request, "account/activity.html", context)

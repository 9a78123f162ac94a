"""Reporting an idea or a comment: a form with the reason, then back to the idea.

Who may report what is ``services.report_create_refusal``: the form page shows its refusal as
it is, and ``services.report_create`` raises the same one should things change meanwhile.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy

from vocaleyes.errors import Refusal
from vocaleyes.throttle import throttle

from . import services
from .forms import ReportForm
from .models import Comment, Idea
from .views import _get_idea_for_user


def _report_page(
    request: HttpRequest, item: Idea | Comment, idea: Idea, form: ReportForm, *, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "conversations/report_form.html",
        {
            "conversation": idea.conversation,
            "idea": idea,
            "comment": item if isinstance(item, Comment) else None,
            "form": form,
        },
        status=status,
    )


def _report(request: HttpRequest, item: Idea | Comment, idea: Idea) -> HttpResponse:
    """Report an idea or a comment: a form with the reason, then back to the idea."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    back = idea.get_absolute_url() + (f"#comment-{item.pk}" if isinstance(item, Comment) else "")
    if refusal := services.report_create_refusal(item=item, reporter=request.user):
        messages.error(request, str(refusal))
        return redirect(back)
    if request.method != "POST":
        return _report_page(request, item, idea, ReportForm())
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            services.report_create(
                item=item,
                reporter=request.user,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
            )
        except Refusal as refusal:
            if refusal.field:
                refusal.add_to(form)
                return _report_page(request, item, idea, form, status=400)
            # Refused for who is asking, or already reported (said as information, not an error).
            (messages.error if refusal.forbidden else messages.info)(request, str(refusal))
            return redirect(back)
        messages.success(
            request, gettext_lazy("Thank you for telling us. A council officer will look at it.")
        )
        return redirect(back)
    return _report_page(request, item, idea, form, status=400)


@throttle("report")
def idea_report(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    idea = _get_idea_for_user(request, slug, pk)
    return _report(request, idea, idea)


@throttle("report")
def comment_report(request: HttpRequest, slug: str, pk: int, comment_pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    idea = _get_idea_for_user(request, slug, pk)
    comment = get_object_or_404(Comment.objects.visible().select_related("author"), idea=idea, pk=comment_pk)
    comment.idea = idea
    return _report(request, comment, idea)

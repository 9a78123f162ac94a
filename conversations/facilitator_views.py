"""Facilitator pages: a conversation's dashboard, pausing posting and rating, and the export of
the prioritised action list (CSV, XLSX, a printable page).

For the organisation's facilitators and for council officers (``permissions.can_facilitate``);
everyone else gets a 404, as for a page that does not exist. Everything counted here is what the
public may see (``visible()``): ideas, comments and ratings held back by moderation are left out
of the figures, the chart and the exports alike; only the moderation figures count them.

Small exports (up to ``EXPORT_SYNC_LIMIT`` ideas) stream straight into the response; larger CSV
and XLSX files are made by a Celery task (``ExportJob``) whose progress page polls with htmx,
or is refreshed by hand without JavaScript, and offers the download when it is done.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, Count, When
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from vocaleyes.errors import Refusal
from vocaleyes.flash import lazy_message
from vocaleyes.http import HtmxHttpRequest
from vocaleyes.permissions import facilitates_any, suspension_refusal

from . import charts, export_jobs, exports, permissions, services
from .forms import ExportForm, ParticipationForm
from .models import Comment, ContentStatus, Conversation, ExportJob, Idea, Rating

if TYPE_CHECKING:
    from vocaleyes.models import User

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _person(request: HttpRequest) -> User:
    """The signed-in person (every view here is behind ``login_required``)."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    return request.user


def _get_conversation_to_facilitate(request: HttpRequest, slug: str) -> Conversation:
    """The conversation, or 404 for anyone who may not facilitate it."""
    conversation = get_object_or_404(Conversation.objects.select_related("organisation"), slug=slug)
    if not permissions.can_facilitate(request.user, conversation):
        raise Http404
    return conversation


def _activity(conversation: Conversation) -> dict[str, Any]:
    """Participants, ideas, ratings and comments per week (or month), for the chart and table."""
    ideas = Idea.objects.visible().filter(conversation=conversation)
    ratings = Rating.objects.of_visible_ideas(conversation)
    comments = Comment.objects.shown_in(conversation)
    per_day = {
        "ideas": ideas.per_day(),
        "ratings": ratings.per_day(),
        "comments": comments.per_day(),
    }
    # A participant is someone who posted, rated or commented; counted in the period of their
    # first contribution, so the bars add up to the number of people who took part.
    first_seen: dict[int, Any] = {}
    for seen in (
        ideas.first_by_person("author_id"),
        ratings.first_by_person("user_id"),
        comments.first_by_person("author_id"),
    ):
        for person, moment in seen.items():
            if person not in first_seen or moment < first_seen[person]:
                first_seen[person] = moment
    per_day["participants"] = dict(Counter(timezone.localdate(moment) for moment in first_seen.values()))

    days = [day for counts in per_day.values() for day in counts]
    start = min([timezone.localdate(conversation.created), *days])
    periods = charts.periods_between(start, max([timezone.localdate(), *days]))
    weekly = periods.unit == "week"
    titles = {
        "participants": _("New participants per week") if weekly else _("New participants per month"),
        "ideas": _("Ideas per week") if weekly else _("Ideas per month"),
        "ratings": _("Ratings per week") if weekly else _("Ratings per month"),
        "comments": _("Comments per week") if weekly else _("Comments per month"),
    }
    keys = ["participants", "ideas", "ratings", "comments"]
    series = {key: charts.bucket(per_day[key], periods) for key in keys}
    return {
        "totals": {key: sum(series[key]) for key in keys},
        "charts": [
            (
                titles[key],
                charts.bar_chart_svg(
                    chart_id=f"chart-{key}", title=titles[key], periods=periods, values=series[key]
                ),
            )
            for key in keys
        ],
        "table": [
            (periods.label(start_day), *(series[key][index] for key in keys))
            for index, start_day in enumerate(periods.starts)
        ],
        "weekly": weekly,
    }


CONVERSATIONS_PER_PAGE = 20


@login_required
def facilitating(request: HttpRequest) -> HttpResponse:
    """The "Your conversations" page: the conversations whose facilitator pages this person may open,
    open ones first, with what waits for review; everyone else gets a 404."""
    person = _person(request)
    if not facilitates_any(person):
        raise Http404
    conversations = (
        Conversation.objects.facilitated_by(person)
        .with_moderation_counts()
        .select_related("organisation")
        .annotate(open_first=Case(When(status=Conversation.Status.OPEN, then=0), default=1))
        .order_by("open_first", "-created", "-pk")
    )
    page = Paginator(conversations, CONVERSATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "conversations/facilitating.html",
        {"page": page, "is_moderator": permissions.can_moderate(person)},
    )


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    conversation = _get_conversation_to_facilitate(request, slug)
    held = _status_counts(conversation)
    return render(
        request,
        "conversations/facilitator_dashboard.html",
        {
            "conversation": conversation,
            "activity": _activity(conversation),
            "pending": held.get(ContentStatus.PENDING, 0),
            "hidden": held.get(ContentStatus.HIDDEN, 0),
            "participation_form": ParticipationForm(
                initial={"posting_open": conversation.posting_open, "rating_open": conversation.rating_open}
            ),
            "can_seed": permissions.can_seed_idea(request.user, conversation),
            "is_moderator": permissions.can_moderate(request.user),
            "suspension": suspension_refusal(request.user),
        },
    )


def _status_counts(conversation: Conversation) -> dict[str, int]:
    """How many of the conversation's ideas moderation holds back, by status."""
    rows = (
        Idea.objects.filter(conversation=conversation)
        .exclude(status=ContentStatus.PUBLISHED)
        .order_by()
        .values("status")
        .annotate(n=Count("*"))
        .values_list("status", "n")
    )
    return dict(rows)


@login_required
@require_http_methods(["GET", "POST"])
def participation(request: HttpRequest, slug: str) -> HttpResponse:
    """Open or pause new ideas and comments, and rating (the form is on the dashboard: someone
    who opens this address goes there, rather than to a blank "method not allowed")."""
    conversation = _get_conversation_to_facilitate(request, slug)
    if request.method == "GET":
        return redirect(
            reverse("conversations:facilitate", kwargs={"slug": conversation.slug}) + "#taking-part-heading"
        )
    form = ParticipationForm(request.POST)
    form.is_valid()  # two optional ticks: always valid
    try:
        services.conversation_set_participation(
            conversation=conversation,
            user=_person(request),
            posting_open=form.cleaned_data["posting_open"],
            rating_open=form.cleaned_data["rating_open"],
        )
    except Refusal as refusal:
        messages.error(request, str(refusal))
        return redirect("conversations:facilitate", slug=conversation.slug)
    posting = (
        gettext_lazy("Saved. The conversation is taking new ideas and comments.")
        if conversation.posting_open
        else gettext_lazy("Saved. The conversation is not taking new ideas or comments.")
    )
    rating = (
        gettext_lazy("It is taking ratings.")
        if conversation.rating_open
        else gettext_lazy("It is not taking ratings.")
    )
    messages.success(request, format_lazy("{} {}", posting, rating))
    return redirect("conversations:facilitate", slug=conversation.slug)


# --- Exports -------------------------------------------------------------------------------


def _export_page(
    request: HttpRequest, conversation: Conversation, form: ExportForm, *, status: int = 200
) -> HttpResponse:
    count = exports.action_list_count(conversation)
    jobs = ExportJob.objects.filter(conversation=conversation, requested_by=_person(request))[:10]
    return render(
        request,
        "conversations/export.html",
        {
            "conversation": conversation,
            "row_count": count,
            "in_background": count > settings.EXPORT_SYNC_LIMIT,
            "sync_limit": settings.EXPORT_SYNC_LIMIT,
            "form": form,
            "jobs": jobs,
            "refusal": export_jobs.export_refusal(conversation=conversation, user=_person(request)),
        },
        status=status,
    )


def _export_refused(request: HttpRequest, conversation: Conversation) -> HttpResponse | None:
    """None when this person may export the conversation now; otherwise back to the export page
    with why (a suspended facilitator reads the page, without its links)."""
    try:
        export_jobs.export_check(conversation=conversation, user=_person(request))
    except Refusal as refusal:
        messages.error(request, refusal.message)
        return redirect("conversations:export", slug=conversation.slug)
    return None


@login_required
def export_page(request: HttpRequest, slug: str) -> HttpResponse:
    """What can be exported, and (for large conversations) a form to prepare a file."""
    conversation = _get_conversation_to_facilitate(request, slug)
    if request.method != "POST":
        return _export_page(request, conversation, ExportForm())
    form = ExportForm(request.POST)
    if not form.is_valid():
        return _export_page(request, conversation, form, status=400)
    try:
        job = export_jobs.export_job_create(
            conversation=conversation,
            user=_person(request),
            file_format=form.cleaned_data["format"],
            language=request.LANGUAGE_CODE,
        )
    except Refusal as refusal:
        messages.error(request, refusal.message)
        return redirect("conversations:export", slug=conversation.slug)
    return redirect("conversations:export_job", slug=conversation.slug, job_id=job.pk)


@login_required
def export_download(request: HttpRequest, slug: str, file_format: str) -> HttpResponseBase:
    """The action list as CSV (streamed) or XLSX, straight away, for conversations up to the
    export limit; larger ones are sent to the export page to prepare the file in the background."""
    conversation = _get_conversation_to_facilitate(request, slug)
    if file_format not in CONTENT_TYPES:
        raise Http404
    if refused := _export_refused(request, conversation):
        return refused
    count = exports.action_list_count(conversation)
    if count > settings.EXPORT_SYNC_LIMIT:
        messages.info(
            request,
            lazy_message(
                gettext_lazy(
                    "This conversation has %(count)s ideas: more than can be exported straight away. "
                    "Prepare the file below; it is made in the background."
                ),
                count=f"{count:,}",
            ),
        )
        return redirect("conversations:export", slug=conversation.slug)
    name = exports.filename(conversation, file_format, stamp=timezone.now())
    if file_format == "csv":
        response = StreamingHttpResponse(exports.iter_csv(conversation), content_type=CONTENT_TYPES["csv"])
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    scratch = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    exports.write_xlsx(conversation, scratch)
    scratch.seek(0)
    return FileResponse(scratch, as_attachment=True, filename=name, content_type=CONTENT_TYPES["xlsx"])


@login_required
def export_print(request: HttpRequest, slug: str) -> HttpResponseBase:
    """The action list as a printable page, streamed row by row."""
    conversation = _get_conversation_to_facilitate(request, slug)
    if refused := _export_refused(request, conversation):
        return refused
    return StreamingHttpResponse(
        exports.iter_html(conversation, request),
        content_type="text/html; charset=utf-8",
    )


def _get_job_for_user(request: HttpRequest, conversation: Conversation, job_id: int) -> ExportJob:
    job = get_object_or_404(
        ExportJob.objects.select_related("conversation"), pk=job_id, conversation=conversation
    )
    if not permissions.can_download_export(request.user, job):
        raise Http404
    return job


@login_required
def export_job(request: HtmxHttpRequest, slug: str, job_id: int) -> HttpResponse:
    """A background export's progress; htmx polls the progress part until it is done."""
    conversation = _get_conversation_to_facilitate(request, slug)
    if refused := _export_refused(request, conversation):
        return refused
    job = _get_job_for_user(request, conversation, job_id)
    template = "conversations/_export_progress.html" if request.htmx else "conversations/export_job.html"
    return render(request, template, {"conversation": conversation, "job": job})


@login_required
def export_job_download(request: HttpRequest, slug: str, job_id: int) -> HttpResponseBase:
    conversation = _get_conversation_to_facilitate(request, slug)
    if refused := _export_refused(request, conversation):
        return refused
    job = _get_job_for_user(request, conversation, job_id)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=PurePosixPath(job.file.name).name,
        content_type=CONTENT_TYPES[job.format],
    )

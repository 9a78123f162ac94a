"""Resident pages: conversations, their ideas, comments and ratings.

Every page runs a fixed number of queries whatever the conversation's size (the tests count
them): rankings are read from the stored snapshot, joins are ``select_related``, and per-person
figures (my ratings) come in one extra query per page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from vocaleyes.db import CompiledQuery
from vocaleyes.errors import Refusal
from vocaleyes.flash import lazy_message
from vocaleyes.http import HtmxHttpRequest
from vocaleyes.i18n import content_language, in_language
from vocaleyes.models import TargetGroup
from vocaleyes.permissions import (
    facilitates_as_subquery,
    facilitator_roles,
    is_suspended,
    remember_facilitator,
    suspension_message,
)
from vocaleyes.throttle import throttle

from . import audience, listing, page_cache, permissions, ranking_runs, services
from .forms import SORTS, CommentForm, IdeaFilterForm, IdeaForm, RatingForm, SeedIdeaForm
from .models import (
    Comment,
    ContentStatus,
    Conversation,
    Idea,
    IdeaQuerySet,
    RankingSummary,
    Rating,
    RatingValue,
)
from .review_views import own_held_idea_page

IDEAS_PER_PAGE = 20
COMMENTS_PER_PAGE = 25
# A closed conversation's outcome: its top ideas by priority (the outcome page lists them all
# with their responses; the conversation's page shows the first few).
OUTCOME_TOP_IDEAS = 20
CLOSED_PAGE_TOP_IDEAS = 5


def _get_conversation_for_user(request: HttpRequest, slug: str, *, with_ranking: bool = True) -> Conversation:
    """The conversation, or 404 for anyone who may not see it (``check_can_see``): a 404 rather
    than a 403, so that drafts do not leak; invitation-only ones say how to join (403). With
    its ranking's summary unless ``with_ranking`` is False."""
    conversations = (
        Conversation.objects.with_ranking()
        if with_ranking
        else Conversation.objects.select_related("organisation")
    )
    user = request.user
    if user.is_authenticated:
        # Whether the viewer facilitates here, and anywhere (the header's "Your conversations"),
        # comes in the same query (permissions remembers it).
        conversations = conversations.annotate(
            viewer_facilitates=Exists(
                facilitator_roles(user.pk).filter(organisation_id=OuterRef("organisation_id"))
            ),
            viewer_facilitates_anywhere=Exists(facilitator_roles(user.pk)),
        )
    conversation = get_object_or_404(conversations, slug=slug)
    if user.is_authenticated:
        remember_facilitator(
            user,
            conversation.organisation_id,
            conversation.viewer_facilitates,  # type: ignore[attr-defined]
            anywhere=conversation.viewer_facilitates_anywhere,  # type: ignore[attr-defined]
        )
    permissions.check_can_see(request.user, conversation)
    return conversation


def _get_idea_for_user(
    request: HttpRequest, slug: str, pk: int, queryset: IdeaQuerySet | None = None
) -> Idea:
    """A visible idea in a conversation this person may see, with its conversation, in one
    query (two for an unlisted conversation); 404 otherwise."""
    if queryset is None:
        queryset = Idea.objects.with_conversation()
    idea: Idea = get_object_or_404(queryset.visible(), conversation__slug=slug, pk=pk)
    permissions.check_can_see(request.user, idea.conversation)
    return idea


def _suspension(request: HttpRequest) -> str:
    """What a suspended person is told in place of the forms they may not use ("" otherwise)."""
    user = request.user
    return suspension_message(user) if user.is_authenticated and is_suspended(user) else ""


def _ranking_summary(conversation: Conversation) -> RankingSummary | None:
    try:
        return conversation.ranking
    except RankingSummary.DoesNotExist:
        return None


def conversation_list(request: HttpRequest) -> HttpResponse:
    conversations = (
        Conversation.objects.listed().select_related("organisation").order_by("-status", "-created")
    )  # open before closed
    page = Paginator(conversations, 20).get_page(request.GET.get("page"))
    return render(request, "conversations/conversation_list.html", {"page": page})


def _order_summary(
    conversation: Conversation, order: str, group: TargetGroup | None
) -> RankingSummary | None:
    """The stored ranking of the order shown (the conversation's own, a fair order's, or a
    group's), in one query whichever it is, so every order costs the page the same."""
    rankings = RankingSummary.objects.defer("ranked_ideas").select_related("queue")
    if group is not None:
        return rankings.filter(variant_of=conversation, target_group=group).first()
    if order in ("representative", "consensus"):
        return rankings.filter(variant_of=conversation, order=order).first()
    return rankings.filter(conversation=conversation).first()


def _in_language(names: dict[str, Any]) -> str:
    """A group's name as a fair order's details store it, in the page's language."""
    return in_language(names.get("en"), names.get("cy"), content_language())


@page_cache.anonymous_page
def conversation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The conversation and its ideas: sorted, searched and paged.

    The orders: priority (everyone's ratings), representative and consensus (the fair orders,
    ``conversations.group_ranking``), newest, most discussed, and not yet rated by me. A
    facilitator may also choose a target group (``?group=<id>``): the priority order among its
    members. Anonymous readers' pages come from ``page_cache`` while nothing on them changed.
    """
    conversation = _get_conversation_for_user(request, slug, with_ranking=False)
    if conversation.status == Conversation.Status.CLOSED:
        return _closed_conversation_page(request, conversation)
    user = request.user
    filters = IdeaFilterForm(request.GET)
    filters.is_valid()  # all fields are optional; anything invalid is simply ignored
    query = filters.cleaned_data.get("q", "").strip()
    sort = filters.cleaned_data.get("sort") or "priority"
    if sort == "unrated" and not user.is_authenticated:
        sort = "priority"
    can_facilitate = permissions.can_facilitate(user, conversation)
    groups = audience.groups_of(conversation) if can_facilitate else []
    group = next((g for g in groups if g.pk == filters.cleaned_data.get("group")), None)
    if group is not None:
        sort = "priority"  # the group's priority order

    summary = _order_summary(conversation, sort, group)
    order = "group" if group is not None else sort
    details = summary.details if summary is not None else {}
    window = listing.idea_window(conversation, summary, sort=order, query=query, viewer=user)
    page: Page[Idea] = Paginator(window, IDEAS_PER_PAGE).get_page(request.GET.get("page"))
    count = window.count()

    # Idea URLs for the cards, built from one reversal rather than one per card.
    idea_url_prefix = reverse("conversations:idea", kwargs={"slug": conversation.slug, "pk": 0}).removesuffix(
        "0/"
    )
    chosen = (("q", query), ("sort", sort), ("group", group.pk if group else ""))
    query_string = urlencode({key: value for key, value in chosen if value})
    return render(
        request,
        "conversations/conversation_detail.html",
        {
            "conversation": conversation,
            "ranking_summary": summary,
            "page": page,
            "idea_count": count,
            "filters": filters,
            "query": query,
            "sort": sort,
            "order": order,
            "group": group,
            "groups": groups,
            "order_details": {
                **details,
                "group_names": [_in_language(names) for names in details.get("groups", [])],
                "missing_names": [_in_language(names) for names in details.get("missing_groups", [])],
            },
            "sorts": [
                (key, label) for key, label in SORTS.items() if key != "unrated" or user.is_authenticated
            ],
            "query_string": query_string,
            "idea_url_prefix": idea_url_prefix,
            "can_post": permissions.can_post_idea(user, conversation),
            "can_seed": permissions.can_seed_idea(user, conversation),
            "can_facilitate": can_facilitate,
            "suspension": _suspension(request),
        },
    )


def _closed_conversation_page(request: HttpRequest, conversation: Conversation) -> HttpResponse:
    """A closed conversation: what it was about, when it ran, what came of it (a summary of the
    outcome page, "you said, we did") and its top ideas, read only. No search, sort or ranking
    explainer over ideas nobody can add to or rate any more."""
    ideas = list(
        Idea.objects.visible()
        .filter(conversation=conversation)
        .with_listing()
        .with_rating_by(request.user)
        .in_priority_order()[:OUTCOME_TOP_IDEAS]
    )
    return render(
        request,
        "conversations/conversation_closed.html",
        {
            "conversation": conversation,
            "top_ideas": ideas[:CLOSED_PAGE_TOP_IDEAS],
            "outcome_count": len(ideas),
            "responded": sum(1 for idea in ideas if getattr(idea, "response", None) is not None),
            "idea_url_prefix": reverse(
                "conversations:idea", kwargs={"slug": conversation.slug, "pk": 0}
            ).removesuffix("0/"),
            "can_facilitate": permissions.can_facilitate(request.user, conversation),
        },
    )


# --- Ideas ---------------------------------------------------------------------------------


def _idea_page(
    request: HttpRequest,
    slug: str,
    pk: int,
    *,
    rating_form: RatingForm | None = None,
    comment_form: CommentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    queryset = Idea.objects.with_listing().with_rating_by(user, when=True).with_conversation()
    if user.is_authenticated:
        # Whether the author may still change it (nobody has rated it), in the same query.
        queryset = queryset.annotate(has_ratings=Exists(Rating.objects.filter(idea_id=OuterRef("pk"))))
    idea = _get_idea_for_user(request, slug, pk, queryset)
    conversation = idea.conversation
    my_rating = getattr(idea, "my_rating", None)
    summary = _ranking_summary(conversation)
    # Whether the figures beside the rating form already count this person's rating: the
    # ranking is recomputed in the background, so a rating just given may not be in them yet.
    counted = summary is not None and summary.counts_rating_at(getattr(idea, "my_rating_at", None))

    # Whether each comment's author facilitates here (their badge), in the comments' own query.
    facilitates = facilitates_as_subquery("author_id", conversation.organisation_id)
    top_level = (
        Comment.objects.visible()
        .filter(idea=idea, parent__isnull=True)
        .select_related("author")
        .annotate(author_facilitates=facilitates)
    )
    comments = Paginator(top_level, COMMENTS_PER_PAGE).get_page(request.GET.get("page"))
    replies: dict[int, list[Comment]] = {}
    parent_ids = [comment.pk for comment in comments.object_list]
    if parent_ids:
        for reply in (
            Comment.objects.visible()
            .filter(parent_id__in=parent_ids)
            .select_related("author")
            .annotate(author_facilitates=facilitates)
        ):
            replies.setdefault(reply.parent_id or 0, []).append(reply)
    threads = [(comment, replies.get(comment.pk, [])) for comment in comments.object_list]

    # One reply form at a time, under the comment whose "Reply" link was followed (or whose
    # reply came back with an error), rather than a form under every comment.
    reply_to = request.GET.get("reply")
    if comment_form is not None and comment_form.is_bound:
        reply_to = comment_form.data.get("parent") or None
    replying = comment_form is not None and bool(reply_to)
    return render(
        request,
        "conversations/idea_detail.html",
        {
            "conversation": conversation,
            "ranking_summary": summary,
            "idea": idea,
            "snapshot": idea.ranking,
            "threads": threads,
            "comments": comments,
            **_rating_control(idea, chosen=my_rating, form=rating_form, just_saved=False, counted=counted),
            "rating_form": rating_form,
            "comment_form": comment_form if comment_form is not None and not replying else CommentForm(),
            "reply_form": comment_form if replying else CommentForm(),
            "reply_to": int(reply_to) if reply_to and str(reply_to).isdigit() else None,
            "can_rate": permissions.can_rate(user, idea),
            "can_comment": permissions.can_comment(user, idea),
            "can_edit": permissions.can_edit_idea(user, idea, has_ratings=getattr(idea, "has_ratings", True)),
            "can_report": permissions.can_report(user, idea),
            "can_respond": permissions.can_respond(user, idea),
            # Copies of a shared seed link facilitators to the side-by-side comparison.
            "can_compare_seed": idea.seed_id is not None and permissions.can_facilitate(user, conversation),
            # Comment "Report" links: for people signed in and not suspended.
            "report_prefix": reverse(
                "conversations:comment_report",
                kwargs={"slug": conversation.slug, "pk": idea.pk, "comment_pk": 0},
            ).removesuffix("0/report/")
            if user.is_authenticated and not is_suspended(user)
            else "",
            "is_author": user.is_authenticated and idea.author_id == user.pk,
            "suspension": _suspension(request),
        },
        status=status,
    )


def _rating_control(
    idea: Idea, *, chosen: int | None, form: RatingForm | None, just_saved: bool, counted: bool
) -> dict[str, Any]:
    """What the rating control (``conversations/_rating_control.html``) shows, and the note
    beside the priority figures on whether they count the person's rating yet
    (``_rating_counted.html``): ``counted`` says they do."""
    rating_action = reverse("conversations:idea_rate", kwargs={"slug": idea.conversation.slug, "pk": idea.pk})
    return {
        "rating_action": rating_action,
        "idea_url": rating_action.removesuffix("rate/"),
        "rating_counted": counted,
        "seconds_until_counted": ranking_runs.seconds_until_counted(),
        "rating_errors": form["value"].errors if form is not None and form.is_bound else [],
        # Numbers as text: the template then shows them without localising each one.
        "rating_choices": [
            (str(index), str(value), label, value == chosen)
            for index, (value, label) in enumerate(RatingValue.choices)
        ],
        "my_rating": chosen,
        "my_rating_label": RatingValue(chosen).label if chosen else "",
        "just_saved": just_saved,
    }


def idea_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    try:
        return _idea_page(request, slug, pk)
    except Http404:
        # Not shown: its author still learns what happened to it (review_views); nobody else.
        if (held := own_held_idea_page(request, slug, pk)) is not None:
            return held
        raise


def _idea_form_page(
    request: HttpRequest,
    conversation: Conversation,
    form: IdeaForm,
    *,
    mode: str,
    idea: Idea | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "conversations/idea_form.html",
        {"conversation": conversation, "form": form, "mode": mode, "idea": idea},
        status=status,
    )


def _post_idea(request: HttpRequest, slug: str, *, seeding: bool) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    conversation = _get_conversation_for_user(request, slug)
    if seeding and not permissions.can_seed_idea(request.user, conversation):
        raise Http404  # facilitators' pages are not for others to find
    if refusal := services.idea_create_refusal(conversation=conversation, author=request.user):
        messages.error(request, str(refusal))
        return redirect(conversation)
    form_class = SeedIdeaForm if seeding else IdeaForm
    mode = "seed" if seeding else "create"
    if request.method != "POST":
        form = form_class(initial={"language": request.LANGUAGE_CODE[:2]})
        return _idea_form_page(request, conversation, form, mode=mode)
    form = form_class(request.POST)
    if not form.is_valid():
        return _idea_form_page(request, conversation, form, mode=mode, status=400)
    try:
        idea = services.idea_create(
            conversation=conversation,
            author=request.user,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            language=form.cleaned_data["language"],
            source_note=form.cleaned_data.get("source_note", ""),
        )
    except Refusal as refusal:  # the conversation closed (or they were suspended) meanwhile
        messages.error(request, str(refusal))
        return redirect(conversation)
    if idea.status == ContentStatus.PENDING:
        messages.success(
            request,
            gettext_lazy(
                "Thank you: your idea has been sent for review. It will appear here once a council "
                "officer has approved it."
            ),
        )
        return redirect(conversation)
    messages.success(
        request, gettext_lazy("Your idea has been posted. Other people can now rate it and comment.")
    )
    return redirect(idea)


@throttle("idea")
def idea_create(request: HttpRequest, slug: str) -> HttpResponse:
    return _post_idea(request, slug, seeding=False)


@throttle("idea")
def idea_seed(request: HttpRequest, slug: str) -> HttpResponse:
    return _post_idea(request, slug, seeding=True)


def idea_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    idea = _get_idea_for_user(request, slug, pk)
    if idea.author_id != request.user.pk:
        raise Http404  # other people's ideas are not theirs to edit, nor to know about editing
    conversation = idea.conversation
    has_ratings = Rating.objects.filter(conversation_id=conversation.pk, idea_id=idea.pk).exists()
    if refusal := services.idea_update_refusal(idea=idea, editor=request.user, has_ratings=has_ratings):
        messages.error(request, str(refusal))
        return redirect(idea)
    if request.method != "POST":
        form = IdeaForm(initial={"title": idea.title, "body": idea.body, "language": idea.language})
        return _idea_form_page(request, conversation, form, mode="edit", idea=idea)
    form = IdeaForm(request.POST)
    if not form.is_valid():
        return _idea_form_page(request, conversation, form, mode="edit", idea=idea, status=400)
    try:
        services.idea_update(
            idea=idea,
            editor=request.user,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            language=form.cleaned_data["language"],
        )
    except Refusal as refusal:
        messages.error(request, str(refusal))
        return redirect(idea)
    messages.success(request, gettext_lazy("Your idea has been changed."))
    return redirect(idea)


# --- Ratings and comments ------------------------------------------------------------------


def _login_to(slug: str, pk: int) -> HttpResponse:
    """Anonymous posts go to sign in, and come back to the idea (not to the POST-only URL)."""
    return redirect_to_login(reverse("conversations:idea", kwargs={"slug": slug, "pk": pk}))


# Only what rating needs, in one query compiled once (``vocaleyes.db``, which says why): who
# wrote the idea, whether it is visible, and whether its conversation is open to the person.
_IDEA_TO_RATE = CompiledQuery(
    lambda pk, slug: (
        Idea.objects.visible()
        .select_related("conversation")
        .only(
            "author_id",
            "status",
            "conversation__slug",
            "conversation__status",
            "conversation__posting_open",
            "conversation__rating_open",
            "conversation__visibility",
            "conversation__organisation_id",
        )
        .filter(pk=pk, conversation__slug=slug)
    ),
    int,
    str,
)


@require_POST
@throttle("rating")
def idea_rate(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Save a rating. A plain form post redirects back to the idea; an htmx post gets the
    rating control back, updated, to swap in place."""
    if not request.user.is_authenticated:
        return _login_to(slug, pk)
    idea = _IDEA_TO_RATE.first(pk, slug)
    if idea is None:
        raise Http404
    permissions.check_can_see(request.user, idea.conversation)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.rating_set(idea=idea, user=request.user, value=form.cleaned_data["value"])
        except Refusal as refusal:
            # The control has one field: every refusal is shown beside it.
            form.add_error("value", str(refusal))
    if request.htmx:
        value = None if form.errors else form.cleaned_data["value"]
        # The control alone, without the page-wide context processors: the busiest response.
        # The figures beside the control were rendered before this rating: its note says so.
        control = _rating_control(idea, chosen=value, form=form, just_saved=value is not None, counted=False)
        return HttpResponse(
            render_to_string(
                "conversations/_rating_control.html",
                {**control, "csrf_token": get_token(request), "oob": True, "rating_form": form},
            )
        )
    if form.errors:
        return _idea_page(request, slug, pk, rating_form=form, status=400)
    messages.success(
        request,
        lazy_message(
            gettext_lazy("Your rating has been saved: %(label)s."),
            label=RatingValue(form.cleaned_data["value"]).label,
        ),
    )
    return redirect(f"{idea.get_absolute_url()}#rating")


@require_POST
@throttle("comment")
def comment_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login_to(slug, pk)
    idea = _get_idea_for_user(request, slug, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        parent = None
        if form.cleaned_data["parent"]:
            parent = Comment.objects.visible().filter(idea=idea, pk=form.cleaned_data["parent"]).first()
            if parent is None:
                raise Http404
        try:
            services.comment_create(
                idea=idea,
                author=request.user,
                body=form.cleaned_data["body"],
                parent=parent,
                # Comments have no language question: people write in the page's language.
                language=content_language(),
            )
        except Refusal as refusal:
            if refusal.forbidden:  # not something the comment's words can put right
                messages.error(request, str(refusal))
                return redirect(idea)
            refusal.add_to(form)
        else:
            messages.success(request, gettext_lazy("Your comment has been added."))
            return redirect(f"{idea.get_absolute_url()}#comments")
    return _idea_page(request, slug, pk, comment_form=form, status=400)

"""The anonymous conversation page cache: the one speed trick on the conversation page.

Why. Issue 14's load test (finding 3): a conversation page cost about 16 ms of Django CPU and
2.5 ms of Postgres, so the box served about 110 pages a second, 5 % of what it serves of a
trivial view; and most of the traffic is people reading without signing in, who all get the
same page. So an anonymous ``GET`` of a listed conversation's page is kept in the cache
(Redis in production) and served from there for one query.

The key. The page's address (language prefix, sort, search and page number are all in it) and
the language, with the *version* of the conversation: one query, made on every anonymous
request, reads

* ``Conversation.updated`` (``auto_now``): any edit of the conversation, its status or its
  visibility (and through ``listed()``, a conversation that is no longer listed is not served
  from here at all, but by the view, which refuses it);
* the ``computed_at`` of its ranking and of its fair orders (``ranking_store.swap`` sets it on
  every run): new ratings, new ideas and moderation decisions all queue a run, and the
  periodic run renews it every ``RANKING_BEAT_SECONDS``;
* its latest ``ModerationDecision``: an idea or comment hidden, held, restored or approved
  writes one in the same transaction as the change (``services.moderation._decide``), so a
  hidden idea leaves the cached pages at once, not at the next run;
* the latest change of its ideas' official responses and of its action groups (``updated``,
  ``auto_now``): what facilitators publish on the cards and beside them shows at once.

Anything else the page shows that changes without touching these (a comment's count before
the next run, an author's edit of an unrated idea, a changed name, an action group's status,
the budget panel) is at most ``TIMEOUT_SECONDS`` old.

What is never cached. Signed-in people (their page has their ratings and forms), requests with
flash messages waiting, htmx requests, query parameters other than ``q``, ``sort`` and
``page``, and any response that is not a plain 200, sets a cookie or used the CSRF token: an
anonymous page from the cache carries no one else's token or messages (the anonymous page has
no POST form; if one is added, its pages simply stop being stored).

The figures that justify it (``bench/load/run.sh``, design scale, 16 connections, gunicorn
with 4 workers and a Celery worker on this 2-core machine, shared with another helper's test
suite; 8 December 2026): the anonymous conversation page at 241.6 pages/s from the cache
against 34.3 pages/s rendered every time (p50 58 / 440 ms, p99 190 / 690 ms), the trivial
view at 905-1,265 requests/s. Compiling the version query once (below): 177.9 against
102.6 pages/s with the queryset built and compiled on every request (back-to-back 30 s runs, the
ceilings 760 and 781/s). The target, 30 % of the ceiling, is missed: 22-23 %.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from .models import ActionGroup, Conversation, IdeaResponse, ModerationDecision, RankingSummary

# How old an anonymous page may be in what the version does not cover (see above).
TIMEOUT_SECONDS = 30
# The query parameters of an anonymous page; any other one skips the cache.
PARAMETERS = frozenset({"q", "sort", "page"})

View = Callable[[HttpRequest, str], HttpResponse]


def _latest(queryset: Any, by: str, field: str) -> Subquery:
    """The greatest ``field`` of ``queryset``'s rows for the outer conversation (``by``)."""
    rows = queryset.filter(**{by: OuterRef("pk")}).order_by().values(by).annotate(latest=Max(field))
    return Subquery(rows.values("latest"))


def versions(slug: str) -> QuerySet[Any, Any]:
    """The version query: the conversation's id and the values above, one row; none when it
    is not listed (a draft, invitation-only, or no such conversation)."""
    return (
        Conversation.objects.listed()
        .filter(slug=slug)
        .order_by()  # one row at most (the slug is unique): nothing to sort
        .values_list(
            "pk",
            "updated",
            "ranking__computed_at",
            _latest(RankingSummary.objects, "variant_of", "computed_at"),
            _latest(ModerationDecision.objects, "conversation", "pk"),
            _latest(IdeaResponse.objects, "idea__conversation", "updated"),
            _latest(ActionGroup.objects, "conversation", "updated"),
        )[:1]
    )


# The version query's SQL, its parameters and where the slug goes in them, per database: built
# and compiled once per process (``_compile``), because on a cached page's request building
# and compiling this queryset with its five subqueries cost about 4 of its 5 ms of CPU
# (in-process, bench/load's data, 7 December 2026); running the SQL costs about 0.1 ms of
# Postgres.
_compiled: dict[str, tuple[str, list[Any], int]] = {}
_SLUG_MARKER = "\x00slug"  # no real slug: Postgres text cannot even hold a NUL


def _compile(alias: str) -> tuple[str, list[Any], int]:
    sql, params = versions(_SLUG_MARKER).query.get_compiler(alias).as_sql()
    if list(params).count(_SLUG_MARKER) != 1:
        raise ValueError("The version query must take the slug as one parameter.")
    return sql, list(params), list(params).index(_SLUG_MARKER)


def version(slug: str, *, using: str = DEFAULT_DB_ALIAS) -> tuple[Any, ...] | None:
    """What changes whenever the conversation's page must (``versions``), in one query; None
    when it is not listed. The values are the database's own, unconverted: they only go into
    the key."""
    if using not in _compiled:
        _compiled[using] = _compile(using)
    sql, params, slot = _compiled[using]
    bound = [*params[:slot], slug, *params[slot + 1 :]]
    with connections[using].cursor() as cursor:
        cursor.execute(sql, bound)
        row = cursor.fetchone()
    return None if row is None else tuple(row)


def _is_cacheable(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and not request.user.is_authenticated
        and "HX-Request" not in request.headers
        and PARAMETERS.issuperset(request.GET)
        # len() looks without using them up, so the view still shows any there are.
        and not len(messages.get_messages(request))
    )


def key(request: HttpRequest, slug: str) -> str | None:
    """The cache key of this request's page, or None when it is not to be cached."""
    if not _is_cacheable(request):
        return None
    current = version(slug)
    if current is None:
        return None
    parts = (*current, get_language(), request.get_host(), request.get_full_path())
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"conversation-page:{current[0]}:{digest}"


def _is_storable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_USED")
    )


def anonymous_page(view: View) -> View:
    """Serve ``view`` (a conversation page, ``(request, slug)``) from the cache for anonymous
    readers, and store what it renders for them."""

    @functools.wraps(view)
    def cached_view(request: HttpRequest, slug: str) -> HttpResponse:
        page_key = key(request, slug)
        if page_key is None:
            return view(request, slug)
        stored = cache.get(page_key)
        if stored is not None:
            content_type, content = stored
            return HttpResponse(content, content_type=content_type)
        response = view(request, slug)
        if _is_storable(request, response):
            cache.set(page_key, (response["Content-Type"], response.content), TIMEOUT_SECONDS)
        return response

    return cached_view

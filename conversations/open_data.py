"""Open data: a public conversation's ranked ideas as CSV and JSON, under the Open Government
Licence, at stable URLs (``/conversations/<slug>/open-data/ideas.csv`` and ``.json``).

The rows come from the stored ranking, in the order the conversation page shows (``Idea.objects
.visible().in_priority_order()``: rank in the last run, then ideas posted since, oldest first),
with each idea's stored figures. Nothing personal is written: no author, no rater, only counts.
Only visible ideas of a public conversation that is not a draft are published; anything else is
a 404, so drafts and invitation-only conversations do not leak. The rows are read with one
query through ``.iterator()`` and streamed, so memory stays bounded at 50,000 ideas. In CSV,
titles are defused against spreadsheet formulas by the database (``exports._defused``).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from .exports import _defused
from .models import Conversation, Idea

LICENCE_NAME = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
LICENCE = {"name": LICENCE_NAME, "url": LICENCE_URL}
LICENCE_LINK = f'<{LICENCE_URL}>; rel="license"'

HEADER = [
    "rank",
    "idea_id",
    "title",
    "language",
    "priority_score",
    "ratings",
    "average_rating",
    "ratings_1",
    "ratings_2",
    "ratings_3",
    "ratings_4",
    "ratings_5",
    "created",
    "url",
]
FIELDS = (
    "ranking__rank",
    "pk",
    "title",
    "language",
    "ranking__score",
    "ranking__rating_count",
    "ranking__rating_mean",
    "ranking__count_1",
    "ranking__count_2",
    "ranking__count_3",
    "ranking__count_4",
    "ranking__count_5",
    "created",
)


class _Echo:
    def write(self, value: str) -> str:
        return value


def public_conversation(slug: str) -> Conversation:
    """The conversation if its data is open (public, open or closed), else 404."""
    return get_object_or_404(Conversation.objects.listed(), slug=slug)


def idea_rows(conversation: Conversation, *, for_csv: bool = False) -> Iterator[tuple[Any, ...]]:
    """The visible ideas' figures in priority order, one query read in chunks."""
    ideas = Idea.objects.visible().filter(conversation=conversation).in_priority_order()
    fields: tuple[str, ...] = FIELDS
    if for_csv:
        ideas = ideas.annotate(defused_title=_defused("title"))
        fields = tuple("defused_title" if field == "title" else field for field in FIELDS)
    return ideas.values_list(*fields).iterator(chunk_size=settings.EXPORT_CHUNK_SIZE)


def _idea_url_prefix(request: HttpRequest, conversation: Conversation) -> str:
    """Ideas' URLs from one reversal rather than one per row."""
    url = reverse("conversations:idea", kwargs={"slug": conversation.slug, "pk": 0})
    return request.build_absolute_uri(url.removesuffix("0/"))


def _json_value(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


@require_GET
def ideas_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    conversation = public_conversation(slug)
    prefix = _idea_url_prefix(request, conversation)
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(HEADER)  # a byte-order mark: spreadsheets read UTF-8
        for row in idea_rows(conversation, for_csv=True):
            yield writer.writerow([*row[:-1], row[-1].isoformat(), f"{prefix}{row[1]}/"])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{conversation.slug}-ideas.csv"'
    response["Link"] = LICENCE_LINK
    return response


@require_GET
def ideas_json(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    conversation = public_conversation(slug)
    prefix = _idea_url_prefix(request, conversation)
    head = {
        "licence": LICENCE,
        "conversation": {
            "slug": conversation.slug,
            "title": conversation.title,
            "status": conversation.status,
            "url": request.build_absolute_uri(conversation.get_absolute_url()),
        },
        "generated_at": timezone.now().isoformat(),
    }

    def chunks() -> Iterator[str]:
        # The object written a piece at a time: its head, then each idea, then the closing.
        yield json.dumps(head)[:-1] + ', "ideas": ['
        for number, row in enumerate(idea_rows(conversation)):
            idea = dict(zip(HEADER, (*map(_json_value, row), f"{prefix}{row[1]}/"), strict=True))
            yield ("," if number else "") + json.dumps(idea)
        yield "]}"

    response = StreamingHttpResponse(chunks(), content_type="application/json")
    response["Link"] = LICENCE_LINK
    return response

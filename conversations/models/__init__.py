"""Conversations, and the ideas, comments and ratings inside them.

An ``Organisation`` (``vocaleyes.models``: every app builds on it) owns ``Conversation``s:
continuous, not one-off consultations. Titles and descriptions are stored in English and Welsh;
``Bilingual`` shows the active language and falls back to the other when one is empty.

Inside a conversation residents post ``Idea``s (or facilitators *seed* them, with a note of where
the idea comes from; one idea seeded into several conversations at once is a ``SharedSeed``,
whose copies are ideas like any other), discuss them in ``Comment``s (one level of replies) and
give each idea one ``Rating`` from 1 to 5 on an importance scale. Ideas and comments are plain
text written in one language, kept exactly as typed and made safe when shown
(``conversations.text``). Every public surface reads them through ``visible()``, the one place
moderation decides what may be shown.

The priority ranking is a stored snapshot, never computed by a page: ``IdeaRanking`` holds each
idea's tally and score, ``RankingSummary`` the ranking-wide figures and the order, and
``RankingQueue`` whether a recompute is queued; each ranking counts one *scope* (today a
conversation). Only ``conversations.ranking_store`` reads and writes their storage, fed by
``ranking_runs.ranking_recompute`` from one SQL aggregation over ``Rating`` and the pure maths in
``conversations.ranking``. The snapshot is a table of its own so that rewriting 50,000 scores
touches narrow rows, not the wide, well-indexed idea rows people are reading and editing.

History matters here, so ideas, comments and ratings hold their conversation and authors with
``PROTECT``; the snapshot rows are derived data and go with their idea.

Moderation. Residents ``Report`` an idea or a comment (one report per person per item, held by
unique constraints; an item is either an idea or a comment, never both, held by a check). A
report is *open* until a moderation decision deals with it. When a conversation's
``report_threshold`` of people have open reports on a published item, it is held for review
(status pending) automatically. Conversations with ``premoderation`` hold every new idea from a
resident for review. Council officers (staff) approve, hide or restore items, and suspend
people, in the admin; each of those, and each automatic hold, is one ``ModerationDecision``: the
audit log, written only by ``conversations.services`` and never changed afterwards. Plain foreign
keys to the idea, the comment or the person, not a generic relation, so the database keeps the
log's references intact (``PROTECT``).

Facilitators switch a conversation's ``posting_open`` (new ideas and comments) and
``rating_open`` independently of its status; both only matter while it is open. They export the
prioritised action list; a large export runs in the background as an ``ExportJob`` whose file is
kept under ``MEDIA_ROOT`` (never served directly: a view checks who may download it).

From priority to action (``conversations.models.action``): ``ActionGroup``s act on ideas,
people ``Pledge`` time, skills or resources to them (conditionally, PledgeBank style), the
``HoursGiven`` are credited through the time-credit ledger, the organisation gives an idea an
``IdeaResponse``, and people ``Follow`` ideas and groups for a daily digest.
"""

from .action import (
    ActionGroup,
    ActionGroupCoordinator,
    ActionGroupUpdate,
    DigestSent,
    Follow,
    FollowEvent,
    HoursClaim,
    HoursGiven,
    IdeaResponse,
    Pledge,
)
from .conversations import Conversation, ConversationQuerySet
from .exports import ExportJob
from .ideas import (
    ActivityQuerySet,
    Comment,
    CommentQuerySet,
    ContentStatus,
    Idea,
    IdeaQuerySet,
    Rating,
    RatingQuerySet,
    RatingValue,
)
from .moderation import CommentToReview, IdeaToReview, ModerationDecision, Report, ReviewRequest
from .rankings import IdeaRanking, RankingQueue, RankingSummary
from .seeds import SharedSeed

__all__ = [
    "ActionGroup",
    "ActionGroupCoordinator",
    "ActionGroupUpdate",
    "ActivityQuerySet",
    "Comment",
    "CommentQuerySet",
    "CommentToReview",
    "ContentStatus",
    "Conversation",
    "ConversationQuerySet",
    "DigestSent",
    "ExportJob",
    "Follow",
    "FollowEvent",
    "HoursClaim",
    "HoursGiven",
    "Idea",
    "IdeaQuerySet",
    "IdeaRanking",
    "IdeaResponse",
    "IdeaToReview",
    "ModerationDecision",
    "Pledge",
    "RankingQueue",
    "RankingSummary",
    "Rating",
    "RatingQuerySet",
    "RatingValue",
    "Report",
    "ReviewRequest",
    "SharedSeed",
]

"""Every write to ideas, comments, ratings, rankings, moderation and exports goes through one
function here.

Functions are keyword-only, typed, atomic and return what they made. They check the rules that
must hold whoever calls them (a closed conversation takes no ratings, replies go one level
deep, an idea is not edited after it has been rated) and raise ``vocaleyes.errors.Refusal`` with
a message for the person. Where a page must know before the form is shown whether a write will
be refused (posting, editing, reporting), the same check is a ``*_refusal`` function here that
returns the refusal (or None): the view shows it, the service raises it, neither restates it.
Whether someone may *see* a conversation is the caller's business
(``views._get_conversation_for_user``).
"""

from __future__ import annotations

import itertools
import logging
import math
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vocaleyes.errors import Refusal
from vocaleyes.permissions import is_suspended

from . import permissions, ranking
from .models import (
    Comment,
    ContentStatus,
    Conversation,
    ConversationRanking,
    ExportJob,
    Idea,
    IdeaRanking,
    ModerationDecision,
    Rating,
    RatingValue,
    Report,
)

if TYPE_CHECKING:
    from vocaleyes.models import User

logger = logging.getLogger(__name__)


# --- Ideas ---------------------------------------------------------------------------------


def idea_create_refusal(*, conversation: Conversation, author: User) -> Refusal | None:
    """Why ``author`` may not post an idea here (None when they may)."""
    if permissions.can_post_idea(author, conversation):
        return None
    return Refusal(permissions.refusal_message(author, conversation, "post"), forbidden=True)


def idea_create(
    *,
    conversation: Conversation,
    author: User,
    title: str,
    body: str,
    language: str,
    source_note: str = "",
) -> Idea:
    """Post an idea (or, with a ``source_note``, seed one: only facilitators may).

    In a conversation with pre-moderation, a resident's idea waits for an officer's approval
    (status pending); facilitators' and officers' ideas are published at once.
    """
    if refusal := idea_create_refusal(conversation=conversation, author=author):
        raise refusal
    source_note = source_note.strip()
    # Whether the author facilitates here costs a query: asked only when it matters.
    facilitating = (source_note or conversation.premoderation) and permissions.can_facilitate(
        author, conversation
    )
    if source_note and not facilitating:
        raise Refusal(_("Only the conversation's facilitators can seed ideas."), forbidden=True)
    held = conversation.premoderation and not facilitating
    with transaction.atomic():
        idea = Idea.objects.create(
            conversation=conversation,
            author=author,
            title=title.strip(),
            body=body.strip(),
            language=language,
            is_seeded=bool(source_note),
            source_note=source_note,
            status=ContentStatus.PENDING if held else ContentStatus.PUBLISHED,
        )
        # The snapshot row exists from the start (unranked), so the idea is listed at once, and
        # the next ranking run gives it its place.
        IdeaRanking.objects.create(idea=idea, conversation=conversation)
        ConversationRanking.objects.get_or_create(conversation=conversation)
        transaction.on_commit(partial(ranking_schedule, conversation_id=conversation.pk))
    return idea


def idea_update_refusal(*, idea: Idea, editor: User, has_ratings: bool) -> Refusal | None:
    """Why ``editor`` may not change this idea (None when they may)."""
    if permissions.can_edit_idea(editor, idea, has_ratings=has_ratings):
        return None
    if idea.author_id == editor.pk and not permissions.can_post_idea(editor, idea.conversation):
        message = permissions.refusal_message(editor, idea.conversation, "post")
    elif has_ratings:
        message = _("This idea has been rated, so it can no longer be changed.")
    else:
        message = _("You can only change your own ideas while the conversation is open.")
    return Refusal(message, forbidden=True)


def idea_update(*, idea: Idea, editor: User, title: str, body: str, language: str) -> Idea:
    """Change an idea's words; only its author, and only while nobody has rated it."""
    with transaction.atomic():
        # FOR UPDATE (not NO KEY UPDATE) conflicts with the FOR KEY SHARE lock that inserting a
        # rating takes on its idea, so an edit and a first rating cannot both get through: the
        # one that comes second waits, then sees the other.
        locked = Idea.objects.select_for_update().select_related("conversation").get(pk=idea.pk)
        has_ratings = Rating.objects.filter(
            conversation_id=locked.conversation_id, idea_id=locked.pk
        ).exists()
        if refusal := idea_update_refusal(idea=locked, editor=editor, has_ratings=has_ratings):
            raise refusal
        locked.title = title.strip()
        locked.body = body.strip()
        locked.language = language
        locked.save(update_fields=["title", "body", "language", "updated"])
    return locked


# --- Comments ------------------------------------------------------------------------------


def comment_create(*, idea: Idea, author: User, body: str, parent: Comment | None = None) -> Comment:
    """Comment on an idea, or reply to one of its top-level comments (one level of replies)."""
    if not permissions.can_comment(author, idea):
        raise Refusal(permissions.refusal_message(author, idea.conversation, "comment"), forbidden=True)
    if parent is not None and (
        parent.idea_id != idea.pk or parent.parent_id is not None or parent.status != ContentStatus.PUBLISHED
    ):
        raise Refusal(_("You can only reply to a comment on this idea, not to a reply."), field="body")
    with transaction.atomic():
        comment = Comment.objects.create(idea=idea, author=author, parent=parent, body=body.strip())
        # F() makes the increment one UPDATE in the database, so concurrent comments all count.
        Idea.objects.filter(pk=idea.pk).update(comment_count=F("comment_count") + 1)
    return comment


# --- Ratings -------------------------------------------------------------------------------


def rating_set(*, idea: Idea, user: User, value: int) -> Rating:
    """Give or change a person's rating of an idea, then queue the conversation's ranking.

    One rating per person per idea is the ``one_rating_per_person_per_idea`` constraint; the
    write is an upsert against it (INSERT … ON CONFLICT DO UPDATE), so two requests racing for
    the same person and idea both succeed and leave one row holding the later value, where a
    read-then-write would let one of them fail on the constraint.
    """
    if value not in RatingValue.values:
        raise Refusal(_("Choose how important this idea is, from 1 to 5."), field="value")
    if not permissions.can_rate(user, idea):
        if idea.author_id == user.pk:
            raise Refusal(_("You cannot rate your own idea."), forbidden=True)
        raise Refusal(permissions.refusal_message(user, idea.conversation, "rate"), forbidden=True)
    now = timezone.now()
    # One statement, atomic on its own, written out because this is the busiest write there is:
    # no BEGIN/COMMIT round trips around it (bulk_create would add them) and no ORM machinery.
    # Outside a transaction on_commit runs at once; inside a caller's, after that commits.
    table = Rating._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (idea_id, user_id, conversation_id, value, created, updated) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (user_id, idea_id) "
            "DO UPDATE SET value = excluded.value, updated = excluded.updated RETURNING id, created",
            [idea.pk, user.pk, idea.conversation_id, value, now, now],
        )
        rating_id, created = cursor.fetchone()
    if not isinstance(created, datetime):  # SQLite hands back text; Postgres a datetime
        created = parse_datetime(str(created))
        created = (
            created if created is None or timezone.is_aware(created) else timezone.make_aware(created, UTC)
        )
    transaction.on_commit(partial(ranking_schedule, conversation_id=idea.conversation_id))
    return Rating(
        id=rating_id,
        idea=idea,
        user=user,
        conversation_id=idea.conversation_id,
        value=value,
        created=created,
        updated=now,
    )


# --- Rankings ------------------------------------------------------------------------------


def ranking_schedule(*, conversation_id: int) -> bool:
    """Queue a ranking recompute for the conversation unless one is queued already.

    Called after a rating commits. The conditional UPDATE is the coalescing: of a burst of
    ratings only the first finds the marker clear (or stale, if a worker died holding it) and
    queues the task; the rest find it set and do nothing. Returns whether it queued.
    """
    from .tasks import recompute_ranking

    now = timezone.now()
    stale = now - timedelta(seconds=settings.RANKING_QUEUE_STALE_SECONDS)
    # Written out: it runs after every rating, and the ORM's compile costs more than the UPDATE.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {ConversationRanking._meta.db_table} SET queued_at = %s "  # noqa: S608 - our name
            "WHERE conversation_id = %s AND (queued_at IS NULL OR queued_at < %s)",
            [now, conversation_id, stale],
        )
        claimed = cursor.rowcount
    if not claimed:
        return False
    recompute_ranking.apply_async((conversation_id,), countdown=settings.RANKING_DELAY_SECONDS)
    return True


def _fetch(queryset: Any) -> list[tuple[Any, ...]]:
    """Run a values_list queryset as plain rows: the ORM writes the SQL (so ``visible()`` and
    friends apply), the cursor skips building 100,000s of Python row objects twice."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _int_array(rows: list[tuple[Any, ...]], width: int) -> npt.NDArray[np.int64]:
    flat = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64, count=len(rows) * width)
    return flat.reshape(len(rows), width)


def _fetch_ints(queryset: Any, width: int) -> npt.NDArray[np.int64]:
    """A values_list queryset of ``width`` non-null integer columns as an (n, width) array.

    On Postgres the rows come back packed into one value, each column as eight big-endian bytes
    (``int8send``), which numpy reads as it is: a 170,000-row tally otherwise becomes a Python
    tuple per row (and COPY sends a message per row). Elsewhere, rows as usual.
    """
    if connection.vendor != "postgresql":
        return _int_array(_fetch(queryset), width)
    sql, params = queryset.query.sql_with_params()
    names = ", ".join(f"c{index}" for index in range(width))
    packed = " || ".join(f"int8send(c{index}::int8)" for index in range(width))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT string_agg({packed}, ''::bytea) FROM ({sql}) AS rows ({names})",  # noqa: S608
            params,
        )
        blob = cursor.fetchone()[0]
    if blob is None:  # no rows
        return np.zeros((0, width), dtype=np.int64)
    return np.frombuffer(blob, dtype=">i8").reshape(-1, width).astype(np.int64)


def ranking_tallies(*, conversation_id: int) -> npt.NDArray[np.int64]:
    """The one SQL aggregation: how many ratings of each value each idea has.

    Rows of (idea id, value, count), grouped in the order of ``rating_tally_idx``
    (conversation, idea, value), so Postgres answers from the index alone, in one pass.
    """
    queryset = (
        Rating.objects.filter(conversation_id=conversation_id)
        .order_by()
        .values("idea_id", "value")
        .annotate(n=Count("*"))
        .values_list("idea_id", "value", "n")
    )
    return _fetch_ints(queryset, 3)


def ranking_recompute(*, conversation_id: int) -> ConversationRanking:
    """Recompute and store a conversation's priority ranking (the snapshot pages read).

    Visible ideas are ranked; ideas that are not visible lose their rank and their ratings are
    left out. Only snapshot rows whose figures changed are written.
    """
    # Clear the queue marker *before* reading, so any rating committed from now on queues the
    # next run: no rating can miss both this run and the next.
    ConversationRanking.objects.filter(pk=conversation_id).update(queued_at=None)
    started = time.perf_counter()
    with transaction.atomic():
        ConversationRanking.objects.get_or_create(conversation_id=conversation_id)
        # One run per conversation at a time: a second run waits here, then reads what the first
        # wrote plus anything newer, instead of interleaving its writes with the first's.
        summary = ConversationRanking.objects.select_for_update().get(pk=conversation_id)
        previously_ranked = ConversationRanking.unpack_array(summary.ranked_ideas)
        if connection.vendor == "postgresql":
            # The snapshot is derived data, recomputed every few minutes at worst: no need to
            # wait for its commit to reach the disk.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")

        visible = Idea.objects.visible().filter(conversation_id=conversation_id).order_by().values_list("pk")
        visible_ids = np.sort(_fetch_ints(visible, 1)[:, 0])

        counts = np.zeros((len(visible_ids), len(ranking.VALUES)), dtype=np.int64)
        tallies = ranking_tallies(conversation_id=conversation_id)
        if len(tallies) and len(visible_ids):
            rows = np.minimum(np.searchsorted(visible_ids, tallies[:, 0]), len(visible_ids) - 1)
            shown = visible_ids[rows] == tallies[:, 0]  # ratings of ideas no longer visible drop out
            counts[rows[shown], tallies[shown, 1] - 1] = tallies[shown, 2]

        result = ranking.rank_arrays(visible_ids, counts)
        computed_at = timezone.now()
        _store_snapshot(
            conversation_id=conversation_id,
            result=result,
            computed_at=computed_at,
            dropped_ids=np.setdiff1d(previously_ranked, visible_ids, assume_unique=True),
            checked_up_to=summary.last_idea_id,
        )
        summary.ranked_ideas = ConversationRanking.pack(result.idea_ids[result.order])
        summary.last_idea_id = int(visible_ids[-1]) if len(visible_ids) else 0
        summary.computed_at = computed_at
        summary.idea_count = len(result)
        summary.rating_count = int(result.rating_count.sum())
        summary.prior_mean = result.prior.mean
        summary.duration_ms = round((time.perf_counter() - started) * 1000)
        summary.save(
            update_fields=[
                "ranked_ideas",
                "last_idea_id",
                "computed_at",
                "idea_count",
                "rating_count",
                "prior_mean",
                "duration_ms",
            ]
        )
    return summary


# Scores are stored to 6 decimals: far finer than anything shown or any real difference
# between ideas, and coarse enough that a tiny shift of the conversation's average does not
# rewrite every row.
_SCORE_DECIMALS = 6
_FIGURES = (
    "rating_count",
    "rating_mean",
    "count_1",
    "count_2",
    "count_3",
    "count_4",
    "count_5",
    "score",
    "rank",
)
_COLUMNS = ("idea_id", "conversation_id", *_FIGURES)

# Big-endian numpy types of the temporary table's columns (idea_id, then _FIGURES), for COPY.
_COPY_TYPES = (">i8", ">i4", ">f8", ">i4", ">i4", ">i4", ">i4", ">i4", ">f8", ">i4")


def _snapshot_columns(result: ranking.Ranking) -> list[npt.NDArray[Any]]:
    """The temporary table's columns (idea_id, then _FIGURES) for the ranked ideas."""
    return [
        result.idea_ids,
        result.rating_count,
        np.round(result.rating_mean, _SCORE_DECIMALS),  # NaN when unrated
        *(result.counts[:, k] for k in range(len(ranking.VALUES))),
        np.round(result.score, _SCORE_DECIMALS),
        result.ranks,
    ]


def _binary_copy(columns: list[npt.NDArray[Any]]) -> bytes:
    """Postgres' binary COPY format for rows of fixed-width, never-NULL values, built by numpy
    in one go rather than row by row: each row is a 16-bit field count, then per field a 32-bit
    length and the big-endian value."""
    layout: list[tuple[str, str]] = [("fields", ">i2")]
    for number, kind in enumerate(_COPY_TYPES):
        layout += [(f"length{number}", ">i4"), (f"value{number}", kind)]
    rows = np.empty(len(columns[0]), dtype=np.dtype(layout))
    rows["fields"] = len(columns)
    for number, (column, kind) in enumerate(zip(columns, _COPY_TYPES, strict=True)):
        rows[f"length{number}"] = np.dtype(kind).itemsize
        rows[f"value{number}"] = column
    header = b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8  # signature, flags, no header extension
    return header + rows.tobytes() + b"\xff\xff"


_UNRANKED = {"score": None, "rank": None}


def _snapshot_rows(conversation_id: int, result: ranking.Ranking) -> Iterator[tuple[Any, ...]]:
    """Rows of ``_COLUMNS``, one per ranked idea."""
    means = np.round(result.rating_mean, _SCORE_DECIMALS).tolist()
    columns = [
        result.idea_ids.tolist(),
        itertools.repeat(conversation_id),
        result.rating_count.tolist(),
        [None if math.isnan(mean) else mean for mean in means],
        *(result.counts[:, k].tolist() for k in range(len(ranking.VALUES))),
        np.round(result.score, _SCORE_DECIMALS).tolist(),
        result.ranks.tolist(),
    ]
    return zip(*columns, strict=False)


def _store_snapshot(
    *,
    conversation_id: int,
    result: ranking.Ranking,
    computed_at: datetime,
    dropped_ids: npt.NDArray[np.int64],
    checked_up_to: int,
) -> None:
    """Write the ranked ideas' snapshot rows, touching only those whose figures changed, and
    take the rank away from ``dropped_ids``, ranked last time and not visible now.

    On Postgres the rows are COPYed into a temporary table and applied with one UPDATE … FROM
    (which, unlike an upsert, leaves unchanged rows alone: no lock, no new row version), one
    INSERT for any idea posted since the last run (``checked_up_to``) without a snapshot row,
    and one UPDATE for the dropped ideas. Elsewhere (SQLite, small conversations) an
    executemany of an upsert does the same.
    """
    table = IdeaRanking._meta.db_table
    if connection.vendor != "postgresql":
        rows = _snapshot_rows(conversation_id, result)
        names = ", ".join(_COLUMNS)
        assignments = ", ".join(f"{column} = excluded.{column}" for column in _FIGURES)
        changed = " OR ".join(f"{table}.{column} IS NOT excluded.{column}" for column in _FIGURES)
        changed += f" OR {table}.computed_at IS NULL"
        placeholders = ", ".join(["%s"] * (len(_COLUMNS) + 1))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} ({names}, computed_at) VALUES ({placeholders}) "  # noqa: S608 - our names
                f"ON CONFLICT (idea_id) DO UPDATE SET {assignments}, "
                f"computed_at = excluded.computed_at WHERE {changed}",
                [(*row, computed_at) for row in rows],
            )
        (
            IdeaRanking.objects.filter(conversation_id=conversation_id, rank__isnull=False)
            .exclude(idea__in=Idea.objects.visible().filter(conversation_id=conversation_id))
            .update(**_UNRANKED, computed_at=computed_at)
        )
        return

    # A row never computed is always written, so a first run stamps every row. The mean
    # travels as NaN for "no ratings" (binary COPY below has fixed-width rows) and becomes NULL.
    incoming = {column: f"new.{column}" for column in _FIGURES}
    incoming["rating_mean"] = "NULLIF(new.rating_mean, 'NaN')"
    assignments = ", ".join(f"{column} = {value}" for column, value in incoming.items())
    changed = " OR ".join(f"old.{column} IS DISTINCT FROM {value}" for column, value in incoming.items())
    changed += " OR old.computed_at IS NULL"
    figures = ", ".join(_FIGURES)
    with connection.cursor() as cursor:
        # Dropped first too, for a second run inside one outer transaction (tests do that).
        cursor.execute("DROP TABLE IF EXISTS pg_temp.ranking_new")
        cursor.execute(
            f"CREATE TEMPORARY TABLE ranking_new ON COMMIT DROP AS "  # noqa: S608
            f"SELECT idea_id, {figures} FROM {table} WITH NO DATA"
        )
        with cursor.copy(f"COPY ranking_new (idea_id, {figures}) FROM STDIN WITH (FORMAT BINARY)") as copy:
            copy.write(_binary_copy(_snapshot_columns(result)))
        cursor.execute(
            f"UPDATE {table} AS old SET {assignments}, computed_at = %s FROM ranking_new AS new "  # noqa: S608
            f"WHERE old.idea_id = new.idea_id AND ({changed})",
            [computed_at],
        )
        # Every idea gets its snapshot row when it is posted; this repairs one that did not,
        # among the ideas posted since the last run (older ones were checked then). When the
        # UPDATE rewrote every incoming row, each already has its snapshot row: nothing to repair.
        if cursor.rowcount != len(result):
            values = ", ".join(incoming.values())
            cursor.execute(
                f"INSERT INTO {table} (idea_id, conversation_id, {figures}, computed_at) "  # noqa: S608
                f"SELECT new.idea_id, %s, {values}, %s FROM ranking_new AS new WHERE new.idea_id > %s "
                f"AND NOT EXISTS (SELECT 1 FROM {table} AS old WHERE old.idea_id = new.idea_id)",
                [conversation_id, computed_at, checked_up_to],
            )
        if len(dropped_ids):
            cursor.execute(
                f"UPDATE {table} SET score = NULL, rank = NULL, computed_at = %s WHERE idea_id = ANY(%s)",  # noqa: S608
                [computed_at, dropped_ids.tolist()],
            )


# --- Facilitation --------------------------------------------------------------------------


def conversation_set_participation(
    *, conversation: Conversation, user: User, posting_open: bool, rating_open: bool
) -> Conversation:
    """Open or pause new ideas and comments, and rating, while the conversation stays open."""
    if not permissions.can_facilitate(user, conversation):
        raise Refusal(_("Only the conversation's facilitators can change this."), forbidden=True)
    conversation.posting_open = posting_open
    conversation.rating_open = rating_open
    conversation.save(update_fields=["posting_open", "rating_open", "updated"])
    return conversation


# --- Moderation ----------------------------------------------------------------------------

Item = Idea | Comment


def _item_filter(item: Item) -> dict[str, Item]:
    """The keyword that points a report or decision at this item."""
    return {"idea": item} if isinstance(item, Idea) else {"comment": item}


def _lock_item(item: Item) -> Item:
    """The item again, locked for the rest of the transaction, with its conversation."""
    if isinstance(item, Idea):
        return Idea.objects.select_for_update().select_related("conversation").get(pk=item.pk)
    return Comment.objects.select_for_update().select_related("idea__conversation").get(pk=item.pk)


def _conversation_of(item: Item) -> Conversation:
    return item.conversation if isinstance(item, Idea) else item.idea.conversation


def _recount_comments(idea_id: int) -> None:
    """The idea's comment count after a comment was hidden or shown again: its published
    comments whose thread is shown (replies under a hidden comment are not)."""
    shown = (
        Comment.objects.visible()
        .filter(idea_id=idea_id)
        .filter(Q(parent__isnull=True) | Q(parent__status=ContentStatus.PUBLISHED))
        .count()
    )
    Idea.objects.filter(pk=idea_id).update(comment_count=shown)


def _decide(
    *,
    action: str,
    item: Item,
    actor: User | None,
    reason: str,
    status_after: str,
    resolve_reports: bool = True,
) -> ModerationDecision:
    """Record a decision about a locked item, apply its new status, and close the item's open
    reports. Call inside ``transaction.atomic()`` holding the item's lock (``_lock_item``)."""
    conversation = _conversation_of(item)
    decision = ModerationDecision.objects.create(
        action=action,
        actor=actor,
        conversation=conversation,
        person_id=item.author_id,
        reason=reason,
        status_before=item.status,
        status_after=status_after,
        **_item_filter(item),
    )
    if resolve_reports:
        Report.objects.filter(decision__isnull=True, **_item_filter(item)).update(decision=decision)
    if item.status != status_after:
        item.status = status_after
        item.save(update_fields=["status", "updated"])
        if isinstance(item, Idea):
            # The ranking counts only visible ideas (and their ratings): run it again.
            transaction.on_commit(partial(ranking_schedule, conversation_id=conversation.pk))
            if status_after != ContentStatus.PUBLISHED:
                # Exports made before hold this idea: they are not handed out any more.
                transaction.on_commit(partial(export_jobs_expire, conversation_id=conversation.pk))
        else:
            _recount_comments(item.idea_id)
    transaction.on_commit(partial(_queue_notice, decision_id=decision.pk))
    return decision


def _queue_notice(*, decision_id: int) -> None:
    from .tasks import notify_moderation_decision

    notify_moderation_decision.delay(decision_id)


def _check_moderator(officer: User) -> None:
    if not permissions.can_moderate(officer):
        raise Refusal(_("Only council officers can moderate."), forbidden=True)


def _clean_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise Refusal(_("Give a reason for this decision: the person concerned is told it."), field="reason")
    return reason


def report_create_refusal(*, item: Item, reporter: User) -> Refusal | None:
    """Why ``reporter`` may not report this idea or comment (None when they may)."""
    if permissions.can_report(reporter, item):
        return None
    if item.author_id == reporter.pk:
        return Refusal(_("You cannot report your own idea or comment."), forbidden=True)
    return Refusal(permissions.refusal_message(reporter, _conversation_of(item), "report"), forbidden=True)


def report_create(*, item: Item, reporter: User, reason: str, details: str = "") -> Report:
    """Report an idea or a comment. When the conversation's ``report_threshold`` of people have
    open reports on it, a published item is held for review (pending) and its author told."""
    details = details.strip()
    if reason not in Report.Reason.values:
        raise Refusal(_("Choose why you are reporting it."), field="reason")
    if reason == Report.Reason.OTHER and not details:
        raise Refusal(_("Tell us what is wrong with it."), field="details")
    if refusal := report_create_refusal(item=item, reporter=reporter):
        raise refusal
    with transaction.atomic():
        # The item's lock puts reports of one item in a queue: of two last reports arriving
        # together, exactly one sees the threshold reached, and a double click finds the first.
        locked = _lock_item(item)
        target = _item_filter(locked)
        if Report.objects.filter(reporter=reporter, **target).exists():
            raise Refusal(_("You have already reported this. A council officer will look at it."))
        conversation = _conversation_of(locked)
        report = Report.objects.create(
            reporter=reporter, conversation=conversation, reason=reason, details=details, **target
        )
        open_reports = Report.objects.filter(decision__isnull=True, **target).count()
        if locked.status == ContentStatus.PUBLISHED and open_reports >= conversation.report_threshold:
            # The log is read by officers in either language; the automatic entry is written in
            # the site's default one, like the admin's own history.
            with translation.override(settings.LANGUAGE_CODE):
                why = ngettext(
                    "Reported by %(count)d person; the conversation holds items for review at %(threshold)d.",
                    "Reported by %(count)d people; the conversation holds items for review at %(threshold)d.",
                    open_reports,
                ) % {"count": open_reports, "threshold": conversation.report_threshold}
            _decide(
                action=ModerationDecision.Action.AUTO_HOLD,
                item=locked,
                actor=None,
                reason=why,
                status_after=ContentStatus.PENDING,
                resolve_reports=False,  # they wait for the officer's decision
            )
    return report


def content_hide(*, item: Item, officer: User, reason: str) -> ModerationDecision:
    """Hide a published or pending idea or comment; its author is told why by email."""
    _check_moderator(officer)
    reason = _clean_reason(reason)
    with transaction.atomic():
        locked = _lock_item(item)
        if locked.status == ContentStatus.HIDDEN:
            raise Refusal(_("“%(item)s” is already hidden.") % {"item": locked})
        return _decide(
            action=ModerationDecision.Action.HIDE,
            item=locked,
            actor=officer,
            reason=reason,
            status_after=ContentStatus.HIDDEN,
        )


def content_restore(*, item: Item, officer: User, reason: str) -> ModerationDecision:
    """Show a hidden idea or comment again."""
    _check_moderator(officer)
    reason = _clean_reason(reason)
    with transaction.atomic():
        locked = _lock_item(item)
        if locked.status != ContentStatus.HIDDEN:
            raise Refusal(_("“%(item)s” is not hidden, so there is nothing to restore.") % {"item": locked})
        return _decide(
            action=ModerationDecision.Action.RESTORE,
            item=locked,
            actor=officer,
            reason=reason,
            status_after=ContentStatus.PUBLISHED,
        )


def content_approve(*, item: Item, officer: User, reason: str) -> ModerationDecision:
    """Publish an item waiting for review, or keep a reported one and close its reports."""
    _check_moderator(officer)
    reason = _clean_reason(reason)
    with transaction.atomic():
        locked = _lock_item(item)
        if locked.status == ContentStatus.HIDDEN:
            raise Refusal(_("“%(item)s” is hidden: restore it instead.") % {"item": locked})
        reported = Report.objects.filter(decision__isnull=True, **_item_filter(locked)).exists()
        if locked.status == ContentStatus.PUBLISHED and not reported:
            raise Refusal(_("“%(item)s” is already shown and nobody has reported it.") % {"item": locked})
        return _decide(
            action=ModerationDecision.Action.APPROVE,
            item=locked,
            actor=officer,
            reason=reason,
            status_after=ContentStatus.PUBLISHED,
        )


def user_suspend(
    *, person: User, officer: User, reason: str, until: datetime | None = None
) -> ModerationDecision:
    """Suspend a person (until ``until``, or until lifted): they can no longer post, comment,
    rate, report or vote. A new suspension of someone already suspended replaces the old one."""
    _check_moderator(officer)
    reason = _clean_reason(reason)
    if not permissions.can_suspend(officer, person):
        raise Refusal(
            _("Officers cannot be suspended (nor suspend themselves): take away their staff status first."),
            forbidden=True,
        )
    now = timezone.now()
    if until is not None and until <= now:
        raise Refusal(_("A suspension must end in the future."), field="duration")
    with transaction.atomic():
        # Locked so that a suspension and a lifting made together end in the logged order.
        locked = type(person).objects.select_for_update().get(pk=person.pk)
        locked.suspended_at = now
        locked.suspended_until = until
        locked.suspension_reason = reason
        locked.save(update_fields=["suspended_at", "suspended_until", "suspension_reason"])
        decision = ModerationDecision.objects.create(
            action=ModerationDecision.Action.SUSPEND,
            actor=officer,
            person=locked,
            reason=reason,
            suspended_until=until,
        )
        transaction.on_commit(partial(_queue_notice, decision_id=decision.pk))
    person.suspended_at, person.suspended_until, person.suspension_reason = now, until, reason
    return decision


def user_unsuspend(*, person: User, officer: User, reason: str) -> ModerationDecision:
    """Lift a person's suspension."""
    _check_moderator(officer)
    reason = _clean_reason(reason)
    with transaction.atomic():
        locked = type(person).objects.select_for_update().get(pk=person.pk)
        if not is_suspended(locked):
            raise Refusal(_("%(person)s is not suspended.") % {"person": locked})
        locked.suspended_at = None
        locked.suspended_until = None
        locked.suspension_reason = ""
        locked.save(update_fields=["suspended_at", "suspended_until", "suspension_reason"])
        decision = ModerationDecision.objects.create(
            action=ModerationDecision.Action.UNSUSPEND, actor=officer, person=locked, reason=reason
        )
        transaction.on_commit(partial(_queue_notice, decision_id=decision.pk))
    person.suspended_at, person.suspended_until, person.suspension_reason = None, None, ""
    return decision


_NOTICES = {
    ModerationDecision.Action.HIDE: "hidden",
    ModerationDecision.Action.AUTO_HOLD: "held",
    ModerationDecision.Action.SUSPEND: "suspended",
    ModerationDecision.Action.UNSUSPEND: "unsuspended",
}


def decision_notify(*, decision_id: int) -> bool:
    """Email the person a decision is about, in their language, when it is one they are told of
    (hidden, held for review, suspended, suspension lifted). Returns whether an email went."""
    decision = ModerationDecision.objects.select_related(
        "person", "idea", "comment__idea", "conversation__organisation"
    ).get(pk=decision_id)
    notice = _NOTICES.get(ModerationDecision.Action(decision.action))
    person = decision.person
    if notice is None or not person.email or not person.is_active:
        return False
    with translation.override(person.language):
        context = {
            "person": person,
            "decision": decision,
            "item": decision.item,
            "is_idea": decision.idea_id is not None,
            "idea": decision.idea or (decision.comment.idea if decision.comment else None),
            "conversation": decision.conversation,
        }
        subject = render_to_string(f"conversations/email/{notice}_subject.txt", context)
        body = render_to_string(f"conversations/email/{notice}_message.txt", context)
    send_mail(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        body,
        settings.DEFAULT_FROM_EMAIL,
        [person.email],
    )
    return True


# --- Exports -------------------------------------------------------------------------------


def export_job_create(*, conversation: Conversation, user: User, format: str, language: str) -> ExportJob:
    """Ask for the action list as a file made in the background (for large conversations)."""
    if not permissions.can_export(user, conversation):
        raise PermissionDenied(_("Only the conversation's facilitators can export its action list."))
    if format not in ExportJob.Format.values:
        raise ValidationError(_("Choose CSV or Excel (XLSX)."))
    with transaction.atomic():
        job = ExportJob.objects.create(
            conversation=conversation, requested_by=user, format=format, language=language[:2]
        )
        transaction.on_commit(partial(_queue_export, job_id=job.pk))
    return job


def _queue_export(*, job_id: int) -> None:
    from .tasks import run_export

    run_export.delay(job_id)


EXPORT_PROGRESS_SECONDS = 0.5


def export_job_run(*, job_id: int) -> ExportJob:
    """Make an export job's file, moving its progress on as rows are written.

    Taking the job is one conditional UPDATE (queued → running), so a task delivered twice
    makes the file once. Progress is written outside any transaction, so the progress page
    sees it while the export runs.
    """
    from . import exports

    taken = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, started_at=timezone.now()
    )
    job = ExportJob.objects.select_related("conversation").get(pk=job_id)
    if not taken:
        return job
    conversation = job.conversation
    try:
        total = exports.action_list_count(conversation)
        ExportJob.objects.filter(pk=job_id).update(total_rows=total)

        last_update = time.monotonic()

        def progress(rows_done: int) -> None:
            # Twice a second is plenty for a progress bar; a committed UPDATE per chunk waited
            # on the disk more than the export itself took.
            nonlocal last_update
            if time.monotonic() - last_update >= EXPORT_PROGRESS_SECONDS:
                ExportJob.objects.filter(pk=job_id).update(rows_done=rows_done)
                last_update = time.monotonic()

        with translation.override(job.language), tempfile.TemporaryFile() as scratch:
            if job.format == ExportJob.Format.CSV:
                written = exports.write_csv(conversation, scratch, progress=progress)
            else:
                written = exports.write_xlsx(conversation, scratch, progress=progress)
            scratch.seek(0)
            name = exports.filename(conversation, job.format, stamp=timezone.now())
            job.file.save(name, File(scratch), save=False)
        ExportJob.objects.filter(pk=job_id).update(
            file=job.file.name,
            rows_done=written,
            total_rows=written,
            status=ExportJob.Status.DONE,
            finished_at=timezone.now(),
        )
    except Exception as error:
        logger.exception("Export %s failed", job_id)
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportJob.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
    job.refresh_from_db()
    return job


def export_jobs_expire(*, conversation_id: int | None = None, older_than: datetime | None = None) -> int:
    """Delete the files of finished exports (of one conversation, or made before ``older_than``)
    and mark them out of date. Returns how many."""
    jobs = ExportJob.objects.filter(status=ExportJob.Status.DONE)
    if conversation_id is not None:
        jobs = jobs.filter(conversation_id=conversation_id)
    if older_than is not None:
        jobs = jobs.filter(finished_at__lt=older_than)
    expired = 0
    for job in jobs.only("pk", "file"):
        # The row first: once it says expired, nobody is handed the file, whatever happens next.
        if ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.DONE).update(
            status=ExportJob.Status.EXPIRED, file=""
        ):
            job.file.delete(save=False)
            expired += 1
    return expired

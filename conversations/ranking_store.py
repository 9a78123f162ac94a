"""The ranking store: the one module that reads and writes stored rankings.

Three tables hold them (``conversations.models.rankings``): ``RankingSummary`` (a ranking's
figures and its order), ``IdeaRanking`` (each idea's figures in it) and ``RankingQueue``
(whether a recompute is queued). Their storage (the packed order, the COPY layout, the
temporary table, the queue marker, the run lock) is known here and nowhere else;
``ranking_runs.ranking_recompute`` is the maths between ``counts`` and ``swap``.

Scopes. A ranking ranks a ``Scope``'s ideas by its ratings. Today there is one kind, a
conversation's (its visible ideas, rated by anyone), whose rows are the ones ``idea.ranking``
and the pages read. A target group's ranking or an organisation's roll-up is another ``kind``
with its own ``ideas()`` and ``ratings()`` and its own column on ``RankingSummary``
(``_summary_key``): summaries are unique per scope and idea rows per ranking
(``idea_ranked_once_per_ranking``), so the same code stores them.

Why a rating never waits for a recompute. Before this module a run held ``SELECT … FOR
UPDATE`` on the conversation's ranking row for its whole half second, and every rating's
"queue a recompute" UPDATE of that row waited on it (``bench/ideas.py`` under gunicorn with a
real worker: ``Lock:tuple`` waits in ``pg_stat_activity``, four web workers at once). Now the
queue marker is a row of its own that nothing holds longer than one autocommitted UPDATE (a
rating sets it, a run clears it before it reads); runs of one ranking take turns on an
advisory lock that ratings and pages never take (``running``); a run reads and computes
holding no lock (``counts``), then swaps its snapshot in one short transaction (``swap``), so
readers see the old snapshot or the new one, never a mix. A rating committed after a run
cleared the marker queues the next run, which waits for this one and then reads everything.

Speed, and why the SQL is written out. At national size (50,000 ideas, 1,000,000 ratings) a run
must stay within twice the bare SQL aggregation over the ratings. On Postgres the tally comes
back as one packed value numpy reads as it is (a Python tuple per row for 170,000 rows cost
more than the aggregation), the new figures go to a temporary table by binary COPY built by
numpy in one piece, and one ``UPDATE … FROM`` rewrites only the rows whose figures changed;
with no index on rank or score and a fillfactor of 60 those are in-place ("HOT") updates.
``bench/ideas.py`` (2026-12-07, 2-core machine shared with other work, five runs): a first run
1.68 to 1.87 times the bare aggregation, a run after nothing changed 1.37 to 1.44 times. On
SQLite the ORM writes the same rows (``_write_rows_through_the_orm``).
"""

from __future__ import annotations

import itertools
import logging
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Q, QuerySet, Subquery
from django.db.models.functions import Substr
from django.utils import timezone

from vocaleyes.models import GroupMembership, TargetGroup

from . import group_ranking, ranking
from .models import Conversation, Idea, IdeaQuerySet, IdeaRanking, RankingQueue, RankingSummary, Rating

logger = logging.getLogger(__name__)


ScopeKind = Literal["conversation", "group", "representative", "consensus", "organisation"]
# The kinds that are another order of one conversation's ideas (``RankingSummary.variant_of``).
VARIANTS: tuple[ScopeKind, ...] = ("group", "representative", "consensus")


@dataclass(frozen=True)
class Scope:
    """Which ideas a stored ranking ranks and which ratings it counts.

    ``pk`` is the conversation's id, or for an organisation's roll-up the organisation's;
    ``group`` is the target group of a ``"group"`` scope."""

    kind: ScopeKind
    pk: int
    group: int | None = None

    @classmethod
    def of_conversation(cls, conversation_id: int) -> Scope:
        return cls("conversation", conversation_id)

    @classmethod
    def of_group(cls, conversation_id: int, group_id: int) -> Scope:
        """The priority ranking among one target group's members."""
        return cls("group", conversation_id, group_id)

    @classmethod
    def representative(cls, conversation_id: int) -> Scope:
        return cls("representative", conversation_id)

    @classmethod
    def consensus(cls, conversation_id: int) -> Scope:
        return cls("consensus", conversation_id)

    @classmethod
    def of_organisation(cls, organisation_id: int) -> Scope:
        """The roll-up: the open public conversations of the organisation and its members."""
        return cls("organisation", organisation_id)

    @property
    def _summary_key(self) -> dict[str, Any]:
        """The ``RankingSummary`` columns naming this scope, and their values."""
        if self.kind == "conversation":
            return {"conversation_id": self.pk}
        if self.kind == "organisation":
            return {"organisation_id": self.pk}
        return {"variant_of_id": self.pk, "order": self.kind, "target_group_id": self.group}

    @property
    def is_home(self) -> bool:
        """Whether its idea rows are the ideas' own (``idea.ranking``): a conversation's are."""
        return self.kind == "conversation"

    def conversations(self) -> QuerySet[Conversation]:
        """The conversations whose ideas it ranks."""
        if self.kind != "organisation":
            return Conversation.objects.filter(pk=self.pk)
        from vocaleyes.models import Organisation

        members = Organisation(pk=self.pk).with_members_ids()
        return Conversation.objects.open().filter(
            organisation_id__in=members, visibility=Conversation.Visibility.PUBLIC
        )

    def ideas(self) -> IdeaQuerySet:
        """The ideas it ranks: those shown (``visible()``), ratings of the rest drop out."""
        if self.kind == "organisation":
            return Idea.objects.visible().filter(conversation__in=self.conversations())
        return Idea.objects.visible().filter(conversation_id=self.pk)

    def ratings(self) -> QuerySet[Rating]:
        if self.kind == "organisation":
            return Rating.objects.filter(conversation__in=self.conversations())
        return Rating.objects.filter(conversation_id=self.pk)


# --- The summary and the queue -------------------------------------------------------------


def summary(scope: Scope) -> RankingSummary:
    """The scope's summary (made, with its queue row, the first time it is asked for)."""
    found, created = RankingSummary.objects.get_or_create(**scope._summary_key)
    if created:
        RankingQueue.objects.create(ranking=found)
    return found


def fair_summary(scope: Scope) -> RankingSummary:
    """A fair order's summary for a run to swap into, without reading the order and figures it
    replaces (1.2 MB each at 50,000 ideas, twelve per run with ten groups)."""
    found = (
        RankingSummary.objects.defer("ranked_ideas", "ranked_figures").filter(**scope._summary_key).first()
    )
    return found if found is not None else summary(scope)


def add_idea(idea: Idea) -> None:
    """Give a new idea its row, unranked, in its conversation's ranking, so that it is listed
    at once and the next run gives it its place. Call in the transaction creating the idea."""
    ranking = summary(Scope.of_conversation(idea.conversation_id))
    IdeaRanking.objects.create(ranking=ranking, idea=idea, home_of=idea)


def mark_queued(scope: Scope) -> bool:
    """Set the scope's queue marker unless it is set already; returns whether this call set it
    (and should queue the recompute). A marker older than ``RANKING_QUEUE_STALE_SECONDS`` is a
    lost one (a worker died holding it) and is taken again.

    One autocommitted UPDATE of a row that only this and ``take_queued`` write: it never waits
    for a run in progress. The conditions apply to the row the UPDATE locks, so Postgres checks
    them again after waiting for another rating's UPDATE of it: of two racing ratings one takes
    the marker. Written out because every rating runs it: 297 µs against 1,159 µs through the
    ORM (``bench/ideas.py``, 2026-12-07, the marker already set, load about 5), where the whole
    rating request costs about 6.4 ms.
    """
    now = timezone.now()
    stale = now - timedelta(seconds=settings.RANKING_QUEUE_STALE_SECONDS)
    key = scope._summary_key
    named = " AND ".join(f"{column} = %s" for column in key)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {RankingQueue._meta.db_table} SET queued_at = %s "  # noqa: S608 - our names
            f"WHERE ranking_id = (SELECT id FROM {RankingSummary._meta.db_table} WHERE {named}) "
            "AND (queued_at IS NULL OR queued_at < %s)",
            [now, *key.values(), stale],
        )
        return bool(cursor.rowcount)


def take_queued(scope: Scope) -> None:
    """Clear the marker: called by a run before it reads, so that any rating committed from
    then on queues the next run."""
    RankingQueue.objects.filter(**_queue_key(scope)).update(queued_at=None)


def queued_at(scope: Scope) -> datetime | None:
    return RankingQueue.objects.filter(**_queue_key(scope)).values_list("queued_at", flat=True).first()


def _queue_key(scope: Scope) -> dict[str, Any]:
    """The scope's queue row, named by its own column (a join would make Django's UPDATE filter
    inside a subquery, on the row as the statement first saw it)."""
    return {"ranking_id": Subquery(RankingSummary.objects.filter(**scope._summary_key).values("pk")[:1])}


def scopes_due() -> list[Scope]:
    """What the periodic run recomputes: every open conversation, and any other with a run
    still queued; then the roll-up of every organisation with members."""
    ids = (
        Conversation.objects.filter(
            Q(status=Conversation.Status.OPEN) | Q(ranking__queue__queued_at__isnull=False)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    from vocaleyes.models import Organisation

    roll_ups = (
        Organisation.objects.filter(members__isnull=False)
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return [Scope.of_conversation(pk) for pk in ids] + [Scope.of_organisation(pk) for pk in roll_ups]


def drop_variants(conversation_id: int, *, keep_groups: list[int]) -> None:
    """Delete the conversation's stored fair orders: those of groups no longer among
    ``keep_groups``, and with no groups at all the representative and consensus orders too."""
    stale = RankingSummary.objects.filter(variant_of_id=conversation_id).exclude(
        target_group_id__in=keep_groups
    )
    if keep_groups:
        stale = stale.filter(order=RankingSummary.Order.GROUP)
    stale.delete()


# Advisory lock keys are two 32-bit numbers: this one says "a ranking run", the other is the
# summary's id.
_RUN_LOCK = 0x52414E4B  # "RANK"


@contextmanager
def running(scope: Scope) -> Iterator[RankingSummary]:
    """Hold the scope's run lock: one run per ranking at a time, so runs swap their snapshots in
    the order they read. A session-level advisory lock on Postgres, which only another run of
    the same ranking ever waits for (the server drops it if the worker's connection dies).
    SQLite has one writer at a time and runs tasks in-process: nothing to take there."""
    held = summary(scope)
    RankingQueue.objects.get_or_create(ranking=held)  # so ratings can queue the next run
    if connection.vendor != "postgresql":
        yield held
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [_RUN_LOCK, held.pk])
    try:
        held.refresh_from_db()  # what the previous run stored, now that it has finished
        yield held
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_RUN_LOCK, held.pk])
        except DatabaseError:  # the connection is gone, and the lock with it
            logger.warning("Could not release the run lock of ranking %s", held.pk, exc_info=True)


# --- Reading the ratings -------------------------------------------------------------------


def _fetch_ints(queryset: QuerySet[Any, Any], width: int) -> npt.NDArray[np.int64]:
    """A values_list queryset of ``width`` non-null integer columns as an (n, width) array.

    On Postgres the rows come back packed into one value, each column as eight big-endian bytes
    (``int8send``), which numpy reads as it is: a 170,000-row tally otherwise becomes a Python
    tuple per row. Elsewhere, rows as usual. The ORM writes the SQL either way, so
    ``visible()`` and friends apply.
    """
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            flat = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64, count=len(rows) * width)
            return flat.reshape(len(rows), width)
        names = ", ".join(f"c{index}" for index in range(width))
        packed = " || ".join(f"int8send(c{index}::int8)" for index in range(width))
        cursor.execute(
            f"SELECT string_agg({packed}, ''::bytea) FROM ({sql}) AS rows ({names})",  # noqa: S608
            params,
        )
        blob = cursor.fetchone()[0]
    if blob is None:  # no rows
        return np.zeros((0, width), dtype=np.int64)
    return np.frombuffer(blob, dtype=">i8").reshape(-1, width).astype(np.int64)


def tallies(scope: Scope) -> npt.NDArray[np.int64]:
    """The one SQL aggregation: rows of (idea id, value, how many ratings of that value).

    Grouped in the order of ``rating_tally_idx`` (conversation, idea, value), so Postgres
    answers from the index alone, in one pass.
    """
    queryset = (
        scope.ratings()
        .order_by()
        .values("idea_id", "value")
        .annotate(n=Count("*"))
        .values_list("idea_id", "value", "n")
    )
    return _fetch_ints(queryset, 3)


def counts(scope: Scope) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The scope's ranked ideas' ids (ascending) and how many ratings of each value each has
    (one row per idea, one column per value): what ``ranking.rank_arrays`` takes. Read in
    autocommit, holding no lock."""
    idea_ids = np.sort(_fetch_ints(scope.ideas().order_by().values_list("pk"), 1)[:, 0])
    matrix = np.zeros((len(idea_ids), len(ranking.VALUES)), dtype=np.int64)
    rows = tallies(scope)
    if len(rows) and len(idea_ids):
        where = np.minimum(np.searchsorted(idea_ids, rows[:, 0]), len(idea_ids) - 1)
        shown = idea_ids[where] == rows[:, 0]  # ratings of ideas no longer shown drop out
        matrix[where[shown], rows[shown, 1] - 1] = rows[shown, 2]
    return idea_ids, matrix


def person_ratings(scope: Scope) -> tuple[group_ranking.Ratings, npt.NDArray[np.int64]]:
    """The scope's ratings one by one, who rated which shown idea how, for the fair orders; and
    the people's ids, ascending (person p of the ratings is ``person_ids[p]``). Read in
    autocommit, holding no lock. Ratings of ideas no longer shown drop out, as in ``counts``.

    A million ratings come back as two packed columns, the idea and the value in one number
    (``idea << 3 | value``) and the person in the other: 0.34 s against 0.52 s for three
    packed columns (``bench/fair_rankings.py``'s data, 2026-12-07), where the scan itself
    takes 0.14 s.
    """
    idea_ids = np.sort(_fetch_ints(scope.ideas().order_by().values_list("pk"), 1)[:, 0])
    sql, params = (
        scope.ratings().order_by().values_list("idea_id", "user_id", "value").query.sql_with_params()
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT string_agg(int8send((idea::int8 << 3) | value::int8), ''::bytea), "  # noqa: S608
                f"string_agg(int8send(person::int8), ''::bytea) FROM ({sql}) AS rows (idea, person, value)",
                params,
            )
            packed_ideas, packed_people = cursor.fetchone()
        idea_and_value = np.frombuffer(packed_ideas or b"", dtype=">i8").astype(np.int64)
        rated, value = idea_and_value >> 3, idea_and_value & 7
        people = np.frombuffer(packed_people or b"", dtype=">i8").astype(np.int64)
    else:
        rows = _fetch_ints(scope.ratings().order_by().values_list("idea_id", "user_id", "value"), 3)
        rated, people, value = rows[:, 0], rows[:, 1], rows[:, 2]
    if len(idea_ids):
        where = np.minimum(np.searchsorted(idea_ids, rated), len(idea_ids) - 1)
        shown = idea_ids[where] == rated
    else:
        where, shown = np.zeros(len(rated), dtype=np.int64), np.zeros(len(rated), dtype=bool)
    person_ids, person = np.unique(people[shown], return_inverse=True)
    ratings = group_ranking.Ratings(
        idea_ids=idea_ids,
        idea=where[shown].astype(np.int64),
        person=person.astype(np.int64),
        value=value[shown],
        people=len(person_ids),
    )
    return ratings, person_ids


def memberships(groups: list[TargetGroup]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Every membership of these groups, as parallel arrays (person id, group id), packed like
    the ratings: 180,000 memberships in 0.05 s against 0.2 s as Python tuples."""
    rows = _fetch_ints(
        GroupMembership.objects.filter(group__in=[group.pk for group in groups])
        .order_by()
        .values_list("user_id", "group_id"),
        2,
    )
    return rows[:, 0], rows[:, 1]


# --- The stored order ----------------------------------------------------------------------

# Idea ids as big-endian 64-bit integers, best first: ranks r to s are bytes 8(r-1) to 8s.
_PACKED = np.dtype(">i8")


def _pack(idea_ids: npt.NDArray[np.int64]) -> bytes:
    return np.asarray(idea_ids, dtype=_PACKED).tobytes()


def _unpack(packed: bytes | memoryview | None) -> npt.NDArray[np.int64]:
    return np.frombuffer(bytes(packed or b""), dtype=_PACKED).astype(np.int64)


def ranked_ids(ranking: RankingSummary, first: int, last: int) -> list[int]:
    """Idea ids at ranks ``first`` to ``last`` (from 1), read as one slice of the stored order:
    page 100 of a 50,000-idea conversation reads 160 bytes, not the list."""
    size = _PACKED.itemsize
    packed = (
        RankingSummary.objects.filter(pk=ranking.pk)
        .annotate(part=Substr("ranked_ideas", (first - 1) * size + 1, (last - first + 1) * size))
        .values_list("part", flat=True)
        .first()
    )
    return _unpack(packed).tolist()


def order_of(summary: RankingSummary) -> list[int]:
    """A stored ranking's whole order, best first."""
    packed = RankingSummary.objects.filter(pk=summary.pk).values_list("ranked_ideas", flat=True).first()
    return _unpack(packed).tolist()


def order(scope: Scope) -> list[int]:
    """The whole stored order, best first."""
    packed = (
        RankingSummary.objects.filter(**scope._summary_key).values_list("ranked_ideas", flat=True).first()
    )
    return _unpack(packed).tolist()


def ranks_of(ranking: RankingSummary, *idea_ids: QuerySet[Any, Any]) -> list[tuple[int, int | None]]:
    """(idea id, rank) in this ranking of the ideas the querysets list (each of ids, as
    ``values("pk")``): one index lookup per queryset, joined by UNION (an OR across them would
    scan every row of the ranking)."""
    first, *others = (
        IdeaRanking.objects.filter(ranking=ranking, idea_id__in=ids).values_list("idea_id", "rank")
        for ids in idea_ids
    )
    return list(first.union(*others))


# --- A fair order's figures ----------------------------------------------------------------

# Per idea, in the stored order (best first): what the pages and the export show of a fair
# order. Four-byte numbers: far finer than anything shown.
_FIGURES_DTYPE = np.dtype(
    [("rating_count", ">i4"), ("rating_mean", ">f4"), ("effective_size", ">f4"), ("score", ">f4")]
)


@dataclass(frozen=True)
class Figures:
    """A fair order's figures, as arrays by idea id (ascending), for looking ideas up."""

    idea_ids: npt.NDArray[np.int64]
    rank: npt.NDArray[np.int64]
    rating_count: npt.NDArray[np.int64]
    rating_mean: npt.NDArray[np.float64]  # NaN when unrated
    effective_size: npt.NDArray[np.float64]  # NaN outside the representative order
    score: npt.NDArray[np.float64]

    def positions(self, idea_ids: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Where each of ``idea_ids`` is in these arrays, or -1 when it is not ranked here."""
        if not len(self.idea_ids):
            return np.full(len(idea_ids), -1, dtype=np.int64)
        where = np.minimum(np.searchsorted(self.idea_ids, idea_ids), len(self.idea_ids) - 1)
        return np.where(self.idea_ids[where] == idea_ids, where, -1).astype(np.int64)


def _pack_figures(result: ranking.Ranking, effective_size: npt.NDArray[np.float64] | None) -> bytes:
    records = np.empty(len(result), dtype=_FIGURES_DTYPE)
    order = result.order
    records["rating_count"] = result.rating_count[order]
    records["rating_mean"] = result.rating_mean[order]
    records["effective_size"] = np.nan if effective_size is None else effective_size[order]
    records["score"] = result.score[order]
    return records.tobytes()


def figures(summary: RankingSummary) -> Figures:
    """A fair order's whole figures (read in one query: about 1.2 MB at 50,000 ideas)."""
    order_bytes, figure_bytes = (
        RankingSummary.objects.filter(pk=summary.pk).values_list("ranked_ideas", "ranked_figures").get()
    )
    ids = _unpack(order_bytes)
    records = np.frombuffer(bytes(figure_bytes or b""), dtype=_FIGURES_DTYPE)
    if len(records) != len(ids):  # not computed since the figures were added: none to show
        records = np.zeros(len(ids), dtype=_FIGURES_DTYPE)
    by_id = np.argsort(ids, kind="stable")
    return Figures(
        idea_ids=ids[by_id],
        rank=by_id + 1,
        rating_count=records["rating_count"][by_id].astype(np.int64),
        rating_mean=records["rating_mean"][by_id].astype(np.float64),
        effective_size=records["effective_size"][by_id].astype(np.float64),
        score=records["score"][by_id].astype(np.float64),
    )


# --- Swapping in a new snapshot ------------------------------------------------------------


def swap(
    scope: Scope,
    result: ranking.Ranking,
    *,
    held: RankingSummary,
    started: float,
    effective_size: npt.NDArray[np.float64] | None = None,
    details: dict[str, Any] | None = None,
) -> RankingSummary:
    """Store a run's result (computed while holding ``running(scope)``, which gave ``held``) in
    one short transaction: the idea rows whose figures changed, the rank taken away from ideas
    ranked last time and not now, and the summary with the new order. ``started`` is when the
    run began (``time.perf_counter()``), for its duration. ``details`` (what the page says
    beside the order) is stored with it. A fair order (``VARIANTS``) keeps its figures packed
    in the summary (``figures``) instead of idea rows; ``effective_size`` is the representative
    order's, per idea.

    ``computed_at`` is when the run began reading (``started`` on the wall clock), not when it
    finished: every rating committed before it is counted, so a page can tell a person whether
    their rating is in the figures it shows (``RankingSummary.counts_rating_at``)."""
    computed_at = timezone.now() - timedelta(seconds=time.perf_counter() - started)
    variant = scope.kind in VARIANTS
    # A fair order has no idea rows to take a rank from (and its summary may come without its
    # stored order: ``fair_summary``).
    dropped = (
        np.zeros(0, np.int64)
        if variant
        else np.setdiff1d(_unpack(held.ranked_ideas), result.idea_ids, assume_unique=True)
    )
    checked_up_to = held.last_idea_id  # ideas up to here were checked for a row by earlier runs
    held.ranked_ideas = _pack(result.idea_ids[result.order])
    held.last_idea_id = int(result.idea_ids.max()) if len(result) else 0
    held.computed_at = computed_at
    held.idea_count = len(result)
    held.rating_count = int(result.rating_count.sum())
    held.prior_mean = result.prior.mean
    held.details = details or {}
    if variant:
        held.ranked_figures = _pack_figures(result, effective_size)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The snapshot is derived data, recomputed every few minutes at worst: no need to
            # wait for its commit to reach the disk.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        if not variant:
            _write_rows(scope, held.pk, _columns(result), computed_at, dropped, checked_up_to)
        held.duration_ms = round((time.perf_counter() - started) * 1000)
        held.save(update_fields=_SUMMARY_FIELDS)
    return held


_SUMMARY_FIELDS = ["ranked_ideas", "last_idea_id", "computed_at", "idea_count", "rating_count"]
_SUMMARY_FIELDS += ["prior_mean", "duration_ms", "details", "ranked_figures"]


# Scores are stored to 6 decimals: far finer than anything shown or any real difference
# between ideas, and coarse enough that a tiny shift of the conversation's average does not
# rewrite every row.
_SCORE_DECIMALS = 6
# The temporary table's columns for COPY, by name, with their big-endian numpy types: the
# idea, then its figures.
_COPY_COLUMNS = (
    ("idea_id", ">i8"),
    ("rating_count", ">i4"),
    ("rating_mean", ">f8"),
    ("count_1", ">i4"),
    ("count_2", ">i4"),
    ("count_3", ">i4"),
    ("count_4", ">i4"),
    ("count_5", ">i4"),
    ("score", ">f8"),
    ("rank", ">i4"),
)
_FIGURES = tuple(name for name, _ in _COPY_COLUMNS[1:])


def _columns(result: ranking.Ranking) -> dict[str, npt.NDArray[Any]]:
    """The ranked ideas' figures, by column (the mean is NaN when an idea has no ratings)."""
    return {
        "idea_id": result.idea_ids,
        "rating_count": result.rating_count,
        "rating_mean": np.round(result.rating_mean, _SCORE_DECIMALS),
        **{f"count_{value}": result.counts[:, value - 1] for value in ranking.VALUES},
        "score": np.round(result.score, _SCORE_DECIMALS),
        "rank": result.ranks,
    }


def _binary_copy(columns: dict[str, npt.NDArray[Any]]) -> bytes:
    """Postgres' binary COPY format for rows of fixed-width, never-NULL values, built by numpy
    in one go rather than row by row: each row is a 16-bit field count, then per field a 32-bit
    length and the big-endian value."""
    layout: list[tuple[str, str]] = [("fields", ">i2")]
    for name, kind in _COPY_COLUMNS:
        layout += [(f"length_{name}", ">i4"), (name, kind)]
    rows = np.empty(len(columns["idea_id"]), dtype=np.dtype(layout))
    rows["fields"] = len(_COPY_COLUMNS)
    for name, kind in _COPY_COLUMNS:
        rows[f"length_{name}"] = np.dtype(kind).itemsize
        rows[name] = columns[name]
    header = b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8  # signature, flags, no header extension
    return header + rows.tobytes() + b"\xff\xff"


def _write_rows(
    scope: Scope,
    ranking_id: int,
    columns: dict[str, npt.NDArray[Any]],
    computed_at: datetime,
    dropped: npt.NDArray[np.int64],
    checked_up_to: int,
) -> None:
    """Write the ranked ideas' rows, touching only those whose figures changed, and take the
    rank away from the ``dropped`` ideas. Inside ``swap``'s transaction."""
    table = IdeaRanking._meta.db_table
    if connection.vendor != "postgresql":
        _write_rows_through_the_orm(scope, ranking_id, columns, computed_at)
        return

    # A row never computed is always written, so a first run stamps every row. The mean
    # travels as NaN for "no ratings" (binary COPY has fixed-width rows) and becomes NULL.
    incoming = {column: f"new.{column}" for column in _FIGURES}
    incoming["rating_mean"] = "NULLIF(new.rating_mean, 'NaN')"
    assignments = ", ".join(f"{column} = {value}" for column, value in incoming.items())
    changed = " OR ".join(f"old.{column} IS DISTINCT FROM {value}" for column, value in incoming.items())
    names = ", ".join(name for name, _ in _COPY_COLUMNS)
    with connection.cursor() as cursor:
        # Dropped first too, for a second run inside one outer transaction (tests do that).
        cursor.execute("DROP TABLE IF EXISTS pg_temp.ranking_new")
        cursor.execute(
            f"CREATE TEMPORARY TABLE ranking_new ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {names} FROM {table} WITH NO DATA"
        )
        with cursor.copy(f"COPY ranking_new ({names}) FROM STDIN WITH (FORMAT BINARY)") as copy:
            copy.write(_binary_copy(columns))
        cursor.execute(
            f"UPDATE {table} AS old SET {assignments}, computed_at = %s FROM ranking_new AS new "  # noqa: S608
            f"WHERE old.ranking_id = %s AND old.idea_id = new.idea_id "
            f"AND ({changed} OR old.computed_at IS NULL)",
            [computed_at, ranking_id],
        )
        # Every idea gets its row when it is posted; this repairs one that did not, among the
        # ideas posted since the last run (older ones were checked then). When the UPDATE
        # rewrote every incoming row, each has its row already: nothing to repair.
        if cursor.rowcount != len(columns["idea_id"]):
            figures = ", ".join(_FIGURES)
            cursor.execute(
                f"INSERT INTO {table} (ranking_id, idea_id, home_of_id, {figures}, computed_at) "  # noqa: S608
                f"SELECT %s, new.idea_id, CASE WHEN %s THEN new.idea_id END, "
                f"{', '.join(incoming.values())}, %s FROM ranking_new AS new WHERE new.idea_id > %s "
                f"AND NOT EXISTS (SELECT 1 FROM {table} AS old "
                f"WHERE old.ranking_id = %s AND old.idea_id = new.idea_id) "
                f"ON CONFLICT DO NOTHING",
                [ranking_id, scope.is_home, computed_at, checked_up_to, ranking_id],
            )
        if len(dropped):
            cursor.execute(
                f"UPDATE {table} SET score = NULL, rank = NULL, computed_at = %s "  # noqa: S608
                f"WHERE ranking_id = %s AND idea_id = ANY(%s)",
                [computed_at, ranking_id, dropped.tolist()],
            )


def _write_rows_through_the_orm(
    scope: Scope, ranking_id: int, columns: dict[str, npt.NDArray[Any]], computed_at: datetime
) -> None:
    """The same elsewhere (SQLite: development and the tests), through the ORM: rows whose
    figures changed (or never computed) updated, missing ones made, and the rank taken away
    from the rows of ideas not ranked now."""
    existing = {row.idea_id: row for row in IdeaRanking.objects.filter(ranking_id=ranking_id)}
    changed, missing = [], []
    for idea_id, *values in zip(*(columns[name].tolist() for name, _ in _COPY_COLUMNS), strict=True):
        figures = dict(zip(_FIGURES, values, strict=True))
        if math.isnan(figures["rating_mean"]):
            figures["rating_mean"] = None
        row = existing.get(idea_id)
        if row is None:
            home_of = idea_id if scope.is_home else None
            missing.append(
                IdeaRanking(
                    ranking_id=ranking_id,
                    idea_id=idea_id,
                    home_of_id=home_of,
                    computed_at=computed_at,
                    **figures,
                )
            )
        elif row.computed_at is None or any(getattr(row, name) != value for name, value in figures.items()):
            for name, value in figures.items():
                setattr(row, name, value)
            row.computed_at = computed_at
            changed.append(row)
    IdeaRanking.objects.bulk_update(changed, [*_FIGURES, "computed_at"], batch_size=500)
    IdeaRanking.objects.bulk_create(missing, batch_size=500)
    (
        IdeaRanking.objects.filter(ranking_id=ranking_id, rank__isnull=False)
        .exclude(idea__in=scope.ideas())
        .update(score=None, rank=None, computed_at=computed_at)
    )

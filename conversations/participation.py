"""Who is taking part, by target group, for the facilitators' "taking part by group" page.

A *participant* is someone who posted a visible idea, rated a visible idea or wrote a visible
comment in the conversation (``visible()``: nothing moderation holds back counts). For each of
the conversation's groups (``audience.groups_of``) the page shows how many participants are
members, against the group's size in the population; per kind of group, the representativeness
score (``group_weights.representativeness_from_counts``); and "who is missing": the groups
whose share of the participants is below their share of the population, largest gap first, and
the groups nobody from has taken part yet.

Privacy: only counts, never names. A count of 1 or 2 is *suppressed* (shown as "fewer than 3",
its rate and share not shown) so nobody is singled out; the score and the shortfalls are worked
out from the true numbers, and a suppressed group's shortfall is shown as "at least" the figure
for 2 participants, which holds for 1 or 2 alike.

A person who declared two groups of a one-of kind (two age bands) counts in neither there, as in
the fair rankings (``audience.dimensions``). Everything is counted in the database in a fixed
number of queries, whatever the number of groups and people.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import groupby

from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from vocaleyes.models import GroupInvitation, GroupMembership, TargetGroup

from . import charts
from .audience import ONE_OF_KINDS, groups_of
from .group_weights import GroupParticipation, Representativeness, representativeness_from_counts
from .models import Comment, Conversation, Idea, Rating

# Counts from 1 up to (not including) this are not shown.
SMALL_COUNT = 3


def taking_part(conversation: Conversation, person_field: str) -> Q:
    """People (``person_field`` holds their id) who posted, rated or commented, visibly."""
    ideas = Idea.objects.visible().filter(conversation=conversation).values("author_id")
    ratings = Rating.objects.of_visible_ideas(conversation).values("user_id")
    comments = Comment.objects.shown_in(conversation).values("author_id")
    return (
        Q(**{f"{person_field}__in": ideas})
        | Q(**{f"{person_field}__in": ratings})
        | Q(**{f"{person_field}__in": comments})
    )


def count_participants(conversation: Conversation) -> int:
    """How many people took part (one query: the union drops people counted twice)."""
    ideas = Idea.objects.visible().filter(conversation=conversation).order_by().values_list("author_id")
    ratings = Rating.objects.of_visible_ideas(conversation).order_by().values_list("user_id")
    comments = Comment.objects.shown_in(conversation).order_by().values_list("author_id")
    return ideas.union(ratings, comments).count()


def participants_per_group(conversation: Conversation, groups: list[TargetGroup]) -> dict[int, int]:
    """Per group id, how many participants are members (one query). In one-of kinds, a person
    who declared two groups of the kind counts in neither (a clause per one-of kind, at most
    three, each an uncorrelated subquery the database works out once)."""
    two_answers = Q(pk__in=[])
    for kind in ONE_OF_KINDS:
        ids = [group.pk for group in groups if group.kind == kind]
        if len(ids) < 2:
            continue
        twice = (
            GroupMembership.objects.filter(group_id__in=ids)
            .order_by()
            .values("user_id")
            .annotate(n=Count("*"))
            .filter(n__gt=1)
            .values("user_id")
        )
        two_answers |= Q(group_id__in=ids, user_id__in=twice)
    rows = (
        GroupMembership.objects.filter(group_id__in=[group.pk for group in groups])
        .filter(taking_part(conversation, "user_id"))
        .exclude(two_answers)
        .order_by()
        .values("group_id")
        .annotate(n=Count("*"))
        .values_list("group_id", "n")
    )
    return dict(rows)


def newest_usable_invitations(groups: list[TargetGroup]) -> dict[int, GroupInvitation]:
    """Per group id, its newest invitation that still lets people join (one query)."""
    usable = GroupInvitation.objects.filter(
        group_id__in=[group.pk for group in groups],
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
        uses__lt=F("max_uses"),
    ).order_by("group_id", "-created", "-pk")
    return {group_id: next(rows) for group_id, rows in groupby(usable, key=lambda row: row.group_id)}


def _sensible(value: float) -> str:
    """A figure to a sensible precision: whole above 100, one decimal above 1, else two
    significant figures."""
    if value == 0:
        return "0"
    if value >= 100:
        return number_format(round(value), force_grouping=True)
    if value >= 1:
        return number_format(value, decimal_pos=1)
    digits = 1 - math.floor(math.log10(value))
    return number_format(round(value, digits), decimal_pos=digits)


def per_thousand(rate: float) -> str:
    """A participation rate as people per 1,000."""
    return _sensible(rate * 1000)


def percent(share: float) -> str:
    return f"{_sensible(share * 100)}%"


@dataclass(frozen=True)
class GroupRow:
    group: TargetGroup
    participants: int
    maths: GroupParticipation | None  # None: size unknown
    invitation: GroupInvitation | None  # newest usable one

    @property
    def suppressed(self) -> bool:
        return 0 < self.participants < SMALL_COUNT

    @property
    def per_thousand(self) -> str:
        """Share reached, or "" when not shown (size unknown, or a suppressed count)."""
        if self.maths is None or self.suppressed:
            return ""
        return per_thousand(self.maths.rate)

    @property
    def shortfall(self) -> int | None:
        """More participants that would bring the group to its kind's overall rate; for a
        suppressed count, the figure for the largest count it may be (so "at least"), and at
        least 1 while anyone is needed."""
        if self.maths is None:
            return None
        if self.suppressed and self.maths.shortfall > 0:
            return max(1, self.maths.shortfall - (SMALL_COUNT - 1 - self.participants))
        return self.maths.shortfall


@dataclass(frozen=True)
class KindSection:
    kind: str
    label: str
    rows: list[GroupRow]
    result: Representativeness
    chart: SafeString

    @property
    def known_sizes(self) -> int:
        return len(self.result.groups)


@dataclass(frozen=True)
class Missing:
    row: GroupRow
    kind_label: str
    gap: float | None  # population share - participant share; None: size unknown

    @property
    def nobody(self) -> bool:
        return self.row.participants == 0

    @property
    def population_percent(self) -> str:
        return percent(self.row.maths.population_share) if self.row.maths else ""

    @property
    def participant_percent(self) -> str:
        return percent(self.row.maths.participant_share) if self.row.maths else ""


@dataclass(frozen=True)
class GroupParticipationReport:
    groups: list[TargetGroup]
    participants: int
    sections: list[KindSection]
    missing: list[Missing]


def group_participation(conversation: Conversation) -> GroupParticipationReport:
    """Everything the page shows, in at most five queries whatever the number of groups and people."""
    groups = groups_of(conversation)
    total = count_participants(conversation)
    if not groups:
        return GroupParticipationReport(groups=[], participants=total, sections=[], missing=[])
    counts = participants_per_group(conversation, groups)
    invitations = newest_usable_invitations(groups)
    sections: list[KindSection] = []
    missing: list[Missing] = []
    for kind, kind_groups in groupby(groups, key=lambda group: group.kind):
        members = list(kind_groups)
        label = str(TargetGroup.Kind(kind).label) if kind in TargetGroup.Kind.values else kind
        result = representativeness_from_counts(
            kind,
            {group.pk: group.population_size for group in members},
            {group.pk: counts.get(group.pk, 0) for group in members},
        )
        maths = {row.group: row for row in result.groups}
        rows = [
            GroupRow(
                group=group,
                participants=counts.get(group.pk, 0),
                maths=maths.get(group.pk),
                invitation=invitations.get(group.pk),
            )
            for group in members
        ]
        by_id = {row.group.pk: row for row in rows}
        sections.append(
            KindSection(
                kind=kind,
                label=label,
                rows=rows,
                result=result,
                chart=group_chart_svg(
                    chart_id=f"chart-{kind}",
                    title=_("%(kind)s: people per 1,000 reached") % {"kind": label},
                    rows=rows,
                ),
            )
        )
        missing += [Missing(by_id[under.group], label, under.gap) for under in result.under_represented]
        missing += [Missing(row, label, None) for row in rows if row.maths is None and row.participants == 0]
    # Largest gap first over all kinds; groups of unknown size (nobody yet) after them.
    missing.sort(key=lambda item: (item.gap is None, -(item.gap or 0.0)))
    return GroupParticipationReport(groups=groups, participants=total, sections=sections, missing=missing)


# --- The chart ------------------------------------------------------------------------------

ROW_HEIGHT = 40
LABEL_CHARACTERS = 44
PLOT_LEFT, PLOT_RIGHT = 4, 250


def _short(name: str) -> str:
    return name if len(name) <= LABEL_CHARACTERS else name[: LABEL_CHARACTERS - 1] + "…"


def group_chart_svg(*, chart_id: str, title: str, rows: list[GroupRow]) -> SafeString:
    """Horizontal bars of each group's share reached, as accessible inline SVG (the look of
    ``charts.bar_chart_svg``); the page's table has the same figures. Suppressed counts and
    groups of unknown size get no bar, only words."""
    shown = [row for row in rows if row.per_thousand]
    top = max((row.maths.rate for row in shown if row.maths), default=0.0)
    bars = []
    for index, row in enumerate(rows):
        y = index * ROW_HEIGHT
        if row.suppressed:
            value = _("fewer than 3 people")
            width = 0.0
        elif row.maths is None:
            value = _("size not known")
            width = 0.0
        else:
            value = row.per_thousand
            width = (PLOT_RIGHT - PLOT_LEFT) * row.maths.rate / top if top else 0.0
        bars.append(
            {
                "name": _short(str(row.group.name)),
                "name_y": f"{y + 14}",
                "bar_y": f"{y + 19}",
                "value_y": f"{y + 31}",
                "width": f"{width:.1f}",
                "value_x": f"{PLOT_LEFT + width + 4:.1f}",
                "value": value,
            }
        )
    if shown:
        best = max(shown, key=lambda row: row.maths.rate if row.maths else 0.0)
        worst = min(shown, key=lambda row: row.maths.rate if row.maths else 0.0)
        desc = _(
            "Highest: %(best)s, %(best_rate)s per 1,000. Lowest: %(worst)s, %(worst_rate)s per 1,000."
        ) % {
            "best": best.group.name,
            "best_rate": best.per_thousand,
            "worst": worst.group.name,
            "worst_rate": worst.per_thousand,
        }
    else:
        desc = _("No group has a share that can be shown.")
    return render_to_string(
        "conversations/_group_chart.html",
        {
            "id": chart_id,
            "title": title,
            "desc": f"{title}: {desc}",
            "width": "320",
            "height": str(max(1, len(rows)) * ROW_HEIGHT + 4),
            "left": str(PLOT_LEFT),
            "ink": charts.INK,
            "colour": charts.BAR_COLOUR,
            "bars": bars,
        },
    )

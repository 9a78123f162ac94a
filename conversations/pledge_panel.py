"""The pledge panel on an action group's page: progress to each condition, what has been
pledged and given, who has pledged (public names only), and the viewer's own pledges.

``panel(group, viewer)`` returns the context of ``conversations/action/_pledge_panel.html``,
merged into the page's. Four queries (five for a coordinator's link, none of them per pledge).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Sum
from django.utils import timezone

from timecredits.amounts import format_minutes

from . import permissions
from .models import ActionGroup, HoursGiven, Pledge
from .permissions import can_coordinate
from .services.pledges import COUNTING

if TYPE_CHECKING:
    from vocaleyes.permissions import Person


@dataclass
class Condition:
    """One waiting pledge's progress: ``others`` of ``threshold`` other people so far."""

    pledge: Pledge
    threshold: int
    others: int
    deadline: datetime

    @property
    def time(self) -> str:
        return format_minutes(self.pledge.minutes) if self.pledge.minutes else ""

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.others / self.threshold)) if self.threshold else 100


@dataclass
class Mine:
    pledge: Pledge
    can_withdraw: bool

    @property
    def time(self) -> str:
        return format_minutes(self.pledge.minutes) if self.pledge.minutes else ""


def panel(group: ActionGroup, viewer: Person) -> dict[str, Any]:
    now = timezone.now()
    pledges = list(
        Pledge.objects.filter(group=group)
        .exclude(status=Pledge.Status.WITHDRAWN)
        .select_related("person")
        .order_by("created", "pk")
    )
    counting = [pledge for pledge in pledges if pledge.status in COUNTING]
    pledgers = {pledge.person_id for pledge in counting}
    names = sorted({pledge.person.public_name for pledge in counting}, key=str.casefold)
    conditions = [
        Condition(
            pledge=pledge,
            threshold=pledge.threshold or 0,
            others=len(pledgers - {pledge.person_id}),
            deadline=pledge.deadline,
        )
        for pledge in counting
        if pledge.status == Pledge.Status.OPEN and pledge.deadline is not None and pledge.deadline > now
    ]
    given = HoursGiven.objects.filter(pledge__group=group).aggregate(total=Sum("minutes"))["total"] or 0
    mine = []
    if viewer.is_authenticated:
        with_hours = set(
            HoursGiven.objects.filter(pledge__group=group, pledge__person_id=viewer.pk).values_list(
                "pledge_id", flat=True
            )
        )
        mine = [
            Mine(
                pledge=pledge,
                can_withdraw=pledge.status == Pledge.Status.OPEN
                or (
                    pledge.status == Pledge.Status.BOUND
                    and not pledge.is_conditional
                    and pledge.pk not in with_hours
                ),
            )
            for pledge in pledges
            if pledge.person_id == viewer.pk and pledge.status != Pledge.Status.WITHDRAWN
        ]
    return {
        "pledges_shown": True,
        "pledge_conditions": conditions,
        "pledge_members": names,
        "pledges_bound": sum(1 for pledge in counting if pledge.status == Pledge.Status.BOUND),
        "pledges_waiting": sum(1 for pledge in counting if pledge.status == Pledge.Status.OPEN),
        "time_pledged": format_minutes(sum(p.minutes for p in counting if p.kind == Pledge.Kind.HOURS)),
        "time_given": format_minutes(given),
        "my_pledges": mine,
        "can_pledge": permissions.can_pledge(viewer, group),
        "can_confirm_hours": can_coordinate(viewer, group),
    }

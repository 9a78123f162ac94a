"""Activity over time for the facilitator dashboard: periods, and bar charts as inline SVG.

Pure functions, no ORM: the views count activity per day and hand the counts here. A chart is
drawn on the server as SVG (no JavaScript, no images to fetch) by the template
``conversations/_bar_chart.html``, with ``role="img"``, a title and a description that sums it
up in words; the dashboard shows the same figures in a table beside it, which is what screen
readers read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

# Weekly bars up to this many weeks; monthly bars beyond.
MAX_WEEKS = 26
WIDTH, HEIGHT = 320, 170
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 36, 312, 12, 140
MAX_BAR_WIDTH = 40
BAR_COLOUR = "#1d70b8"  # GOV.UK blue: 5.2:1 against white
INK = "#0b0c0c"


@dataclass(frozen=True)
class Periods:
    unit: str  # "week" or "month"
    starts: list[date]

    def label(self, start: date) -> str:
        if self.unit == "week":
            return date_format(start, "j M Y")
        return date_format(start, "F Y")

    def index(self, day: date) -> int:
        """Which period a day falls in (days before the first go in the first)."""
        key = _week_start(day) if self.unit == "week" else day.replace(day=1)
        low, high = 0, len(self.starts) - 1
        if key <= self.starts[0]:
            return 0
        while low < high:  # the last start not after key
            middle = (low + high + 1) // 2
            if self.starts[middle] <= key:
                low = middle
            else:
                high = middle - 1
        return low


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def periods_between(first: date, last: date) -> Periods:
    """Weeks (starting on Monday) from ``first`` to ``last``, or months when that is more than
    ``MAX_WEEKS`` weeks."""
    last = max(first, last)
    start = _week_start(first)
    if (last - start).days < MAX_WEEKS * 7:
        count = (last - start).days // 7 + 1
        return Periods("week", [start + timedelta(weeks=n) for n in range(count)])
    month = first.replace(day=1)
    starts = []
    while month <= last:
        starts.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return Periods("month", starts)


def bucket(per_day: Mapping[date, int], periods: Periods) -> list[int]:
    """Sum counts per day into the periods."""
    totals = [0] * len(periods.starts)
    for day, count in per_day.items():
        totals[periods.index(day)] += count
    return totals


def _nice_ceiling(value: int) -> int:
    """The axis top: 1, 2 or 5 times a power of ten, at least ``value``."""
    if value <= 1:
        return 1
    magnitude = 1
    while True:
        for step in (1, 2, 5):
            if step * magnitude >= value:
                return step * magnitude
        magnitude *= 10


def describe(title: str, periods: Periods, values: Sequence[int]) -> str:
    """The chart in a sentence: span, total and the busiest period."""
    total = sum(values)
    first, last = periods.label(periods.starts[0]), periods.label(periods.starts[-1])
    text = _("%(total)s in total, from %(first)s to %(last)s.") % {
        "total": total,
        "first": first,
        "last": last,
    }
    if total:
        busiest = max(range(len(values)), key=lambda index: (values[index], -index))
        text += " " + _("Most in the period starting %(period)s: %(count)s.") % {
            "period": periods.label(periods.starts[busiest]),
            "count": values[busiest],
        }
    return f"{title}: {text}"


def bar_chart_svg(*, chart_id: str, title: str, periods: Periods, values: Sequence[int]) -> SafeString:
    """A bar chart of ``values`` per period, as accessible inline SVG."""
    top = _nice_ceiling(max(values, default=0))
    count = max(1, len(values))
    slot = (PLOT_RIGHT - PLOT_LEFT) / count
    gap = min(2.0, slot * 0.2)
    # A few periods make a few narrow bars, not slabs the width of the chart.
    width = min(slot - gap, MAX_BAR_WIDTH)
    plot_height = PLOT_BOTTOM - PLOT_TOP
    bars = []
    for index, value in enumerate(values):
        height = plot_height * value / top
        bars.append(
            (
                f"{PLOT_LEFT + index * slot + (slot - width) / 2:.1f}",
                f"{PLOT_BOTTOM - height:.1f}",
                f"{max(width, 0.5):.1f}",
                f"{height:.1f}",
            )
        )
    first, last = periods.label(periods.starts[0]), periods.label(periods.starts[-1])
    if len(periods.starts) == 1:
        last = ""  # one period: one label
    # Numbers as text, so that the template writes them as they are (never localised).
    figures = {
        "width": WIDTH,
        "height": HEIGHT,
        "label_x": PLOT_LEFT - 4,
        "top_y": PLOT_TOP + 4,
        "zero_y": PLOT_BOTTOM + 4,
        "top": top,
        "left": PLOT_LEFT,
        "right": PLOT_RIGHT,
        "date_y": PLOT_BOTTOM + 22,
        "bottom": PLOT_BOTTOM,
        "plot_top": PLOT_TOP,
    }
    return render_to_string(
        "conversations/_bar_chart.html",
        {
            **{key: str(value) for key, value in figures.items()},
            "id": chart_id,
            "title": title,
            "desc": describe(title, periods, values),
            "ink": INK,
            "first": first,
            "last": last,
            "colour": BAR_COLOUR,
            "bars": bars,
        },
    )

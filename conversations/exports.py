"""The prioritised action list, for facilitators: CSV, XLSX and a printable page.

One query gives every row: the conversation's *visible* ideas (``Idea.objects.visible()``, so
nothing moderation holds back is ever exported) with their author and ranking snapshot, in
priority order (ideas not ranked yet follow, oldest first). It is read with
``.iterator(chunk_size=EXPORT_CHUNK_SIZE)`` as plain tuples (a server-side cursor on Postgres),
and each format writes a chunk at a time: memory stays bounded whatever the conversation's size
(``bench/export.py`` measures it at 50,000 ideas). Headers and labels are in the active language;
callers activate the facilitator's.

What a column shows is a ``Column``: a key, a translated header and the field it shows; labels
such as "Seeded: …" are worked out by the database (``_author_label``), so each row's cells are
picked in one C call. ``action_list_columns`` lists them in order. Later parts of the platform
extend the list in two places and nowhere else: they annotate what they need in
``action_list_queryset`` and append their ``Column``s (each naming its field) in
``action_list_columns``, beside the comment that names it. The fair orders are there (the
representative and consensus ranks and scores, and per target group its members' ratings,
average and rank: ``_fair_columns``, filled in from their stored figures), and "you said, we
did" (``_action_columns``: the official response's status and text, the action group the idea
became (the first one started from it), its status, its pledges and the hours pledged and
given, worked out by the database); planned: the idea's participatory-budgeting status.
A target group's figures are counts and averages only, never who rated, and a group's average
is left out where fewer than ``GROUP_MEAN_FROM`` of its members rated the idea.

Text a person typed is written as text and never as a formula: XLSX cells holding it are typed
as strings, and in CSV a value that a spreadsheet would read as a formula (starting ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) is prefixed with an apostrophe by the query
(``_defused``), as OWASP advises against CSV injection. Spreadsheets set to a semicolon list
separator (common in Welsh and European locales) split a cell at ``;``, so a formula character
after a semicolon would start a cell of its own: such a value is prefixed too, and an apostrophe
goes after each of those semicolons.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import IO, Any

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, NullIf, Replace
from django.http import HttpRequest
from django.template.loader import get_template, render_to_string
from django.utils.text import slugify
from django.utils.timezone import localtime
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from . import ranking_store
from .models import Conversation, Idea, RankingSummary, RatingValue

Row = tuple[Any, ...]
Progress = Callable[[int], None]

# Marks where the printable page's rows go (see ``iter_html``).
ROWS_MARKER = "<!-- action list rows -->"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# After a semicolon, which a semicolon-separated spreadsheet reads as the start of a new cell.
FORMULA_AFTER_SEMICOLON = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Column:
    """One column: its header, and the field of the row it shows (a model field path or an
    annotation of ``action_list_queryset``). Every column is a plain field, worked out by the
    database, so a writer picks a row's cells with one ``itemgetter`` call: that is what lets a
    50,000-idea export run at the speed of the CSV module."""

    key: str
    header: str
    field: str
    # Typed by a person: written as text, never as a formula.
    text: bool = False
    # Width in the spreadsheet, in characters.
    width: int = 12
    numeric: bool = True
    # Decimal places on the printable page (files keep the stored precision: six places).
    digits: int | None = None
    # For a column of a fair order: that ranking's id and which of its figures (a
    # ``ranking_store.Figures`` field, or "group_mean"); filled in by ``_with_fair_figures``.
    fair: tuple[int, str] | None = None


def _author_label() -> Case:
    """ "Seeded: {where from}" for seeded ideas, else the author's public name, in the active
    language: worked out by the database for every row."""
    seeded = Concat(Value(_("Seeded") + ": "), F("source_note"), output_field=CharField())
    name = Coalesce(NullIf(F("author__display_name"), Value("")), Value(_("Anonymous resident")))
    return Case(When(is_seeded=True, then=seeded), default=name, output_field=CharField())


def action_list_columns(conversation: Conversation) -> list[Column]:
    """The columns, in order, with headers in the active language."""
    columns = [
        Column("rank", _("Rank"), "ranking__rank", width=8),
        Column("title", _("Title"), "title", text=True, width=50, numeric=False),
        Column("author", _("Author or seeded"), "author_label", text=True, width=30, numeric=False),
        Column("score", _("Priority score"), "ranking__score", width=14, digits=2),
        Column("rating_count", _("Ratings"), "ranking__rating_count", width=10),
        Column("rating_mean", _("Average rating"), "ranking__rating_mean", width=14, digits=1),
    ]
    # The distribution: how many people gave each value.
    columns += [
        Column(
            f"rated_{value}",
            _("Rated %(value)d: %(label)s") % {"value": value, "label": label},
            f"ranking__count_{value}",
            width=14,
        )
        for value, label in RatingValue.choices
    ]
    columns.append(Column("comment_count", _("Comments"), "comment_count", width=11))
    # The fair orders (representative, consensus) and support per target group.
    columns += _fair_columns(conversation)
    # You said, we did: the response, the action group the idea became, its pledges and hours.
    columns += _action_columns()
    # Budget status: the idea's participatory-budgeting project and its outcome, appended here.
    return columns


def _action_columns() -> list[Column]:
    """The official response and what became of the idea (annotated by ``_action_annotations``)."""
    return [
        Column("response_status", _("Response status"), "response_status", width=20, numeric=False),
        Column("response_text", _("Response"), "response_text", text=True, width=50, numeric=False),
        Column("action_group", _("Action group"), "action_group_name", text=True, width=30, numeric=False),
        Column(
            "action_group_status", _("Action group status"), "action_group_status", width=16, numeric=False
        ),
        Column("pledges", _("Pledges"), "action_pledges", width=10),
        Column("hours_pledged", _("Hours pledged"), "action_hours_pledged", width=12, digits=1),
        Column("hours_given", _("Hours given"), "action_hours_given", width=12, digits=1),
    ]


def _in_language_of(prefix: str, path: str = "") -> Coalesce:
    """A bilingual field in the active language, else in the other one."""
    language = (get_language() or "en")[:2]
    first, second = ("cy", "en") if language == "cy" else ("en", "cy")
    return Coalesce(
        NullIf(F(f"{path}{prefix}_{first}"), Value("")),
        F(f"{path}{prefix}_{second}"),
        Value(""),
        output_field=CharField(),
    )


def _labels(field: str, choices: Iterable[tuple[str, Any]]) -> Case:
    """A choice field's label in the active language, by the database ("" when there is none)."""
    return Case(
        *(When(**{field: value}, then=Value(str(label))) for value, label in choices),
        default=Value(""),
        output_field=CharField(),
    )


def _action_annotations() -> dict[str, Any]:
    """What ``_action_columns`` show, in the active language. An idea's action group is the
    first one started from it; pledges count those open or bound (not lapsed or withdrawn)."""
    from .models import ActionGroup, HoursGiven, IdeaResponse, Pledge

    groups = ActionGroup.objects.filter(ideas=OuterRef("pk")).order_by("created", "pk")
    counting = Pledge.objects.filter(
        group_id=OuterRef("action_group_ref"), status__in=[Pledge.Status.OPEN, Pledge.Status.BOUND]
    ).order_by()

    def per_group(queryset: QuerySet[Any], total: Any, output: Any) -> Case:
        # One figure per group (grouped by it), 0 where it has nothing yet, empty with no group.
        figure = Subquery(
            queryset.values("group_id" if queryset.model is Pledge else "pledge__group_id")
            .annotate(figure=total)
            .values("figure")[:1]
        )
        return Case(
            When(action_group_ref__isnull=True, then=Value(None)),
            default=Coalesce(figure, Value(0), output_field=output),
            output_field=output,
        )

    return {
        "response_status": _labels("response__status", IdeaResponse.Status.choices),
        "response_text": _in_language_of("text", "response__"),
        "action_group_ref": Subquery(groups.values("pk")[:1]),
        "action_group_name": Subquery(groups.annotate(shown=_in_language_of("name")).values("shown")[:1]),
        "action_group_code": Subquery(groups.values("status")[:1]),
        "action_group_status": _labels("action_group_code", ActionGroup.Status.choices),
        "action_pledges": per_group(counting, Count("pk"), IntegerField()),
        "action_hours_pledged": per_group(
            counting.filter(kind=Pledge.Kind.HOURS),
            Cast(Sum("minutes"), FloatField()) / Value(60.0),
            FloatField(),
        ),
        "action_hours_given": per_group(
            HoursGiven.objects.filter(pledge__group_id=OuterRef("action_group_ref")).order_by(),
            Cast(Sum("minutes"), FloatField()) / Value(60.0),
            FloatField(),
        ),
    }


# A group's average is left out where fewer of its members rated the idea, so that no one's
# rating can be read off the file.
GROUP_MEAN_FROM = 3


def _fair_columns(conversation: Conversation) -> list[Column]:
    """Columns from the conversation's fair orders (``conversations.group_ranking``), where the
    background run has stored them: the representative order's rank, score, weighted average
    and effective number of ratings; the consensus order's rank and score; and per target
    group, its members' ratings, their average (from ``GROUP_MEAN_FROM`` ratings) and the
    idea's rank among them. A fair order keeps its figures packed in its summary
    (``ranking_store.figures``), so these columns are filled in from there, not by the query."""
    rankings = (
        RankingSummary.objects.filter(variant_of=conversation, computed_at__isnull=False)
        .select_related("target_group")
        .defer("ranked_ideas", "ranked_figures")
        .order_by("order", "target_group__kind", "target_group__name_en", "pk")
    )
    columns: list[Column] = []
    for summary in rankings:

        def fair(
            key: str, header: str, figure: str, digits: int | None = None, pk: int = summary.pk
        ) -> Column:
            return Column(key, header, "", width=14, digits=digits, fair=(pk, figure))

        if summary.order == RankingSummary.Order.REPRESENTATIVE:
            columns += [
                fair("representative_rank", _("Representative rank"), "rank"),
                fair("representative_score", _("Representative score"), "score", 2),
                fair("representative_mean", _("Weighted average rating"), "rating_mean", 1),
                fair("representative_size", _("Effective number of ratings"), "effective_size", 1),
            ]
        elif summary.order == RankingSummary.Order.CONSENSUS:
            columns += [
                fair("consensus_rank", _("Consensus rank"), "rank"),
                fair("consensus_score", _("Consensus score"), "score", 2),
            ]
        elif summary.target_group is not None:
            name = {"group": summary.target_group.name}
            key = f"group_{summary.target_group_id}"
            columns += [
                fair(f"{key}_ratings", _("Ratings from %(group)s") % name, "rating_count"),
                fair(f"{key}_mean", _("Average from %(group)s") % name, "group_mean", 1),
                fair(f"{key}_rank", _("Rank among %(group)s") % name, "rank"),
            ]
    return columns


def _fair_values(figures: ranking_store.Figures, figure: str, at: npt.NDArray[np.int64]) -> list[Any]:
    """One fair column's cells for ideas at positions ``at`` of ``figures`` (-1: not ranked
    there yet, an empty cell)."""
    found = at >= 0
    if figure == "group_mean":
        found &= figures.rating_count[at] >= GROUP_MEAN_FROM
        figure = "rating_mean"
    values = getattr(figures, figure)[at]
    if values.dtype.kind == "f":
        found &= ~np.isnan(values)
        values = np.round(values, 4)
    return [value if keep else None for value, keep in zip(values.tolist(), found.tolist(), strict=True)]


def _with_fair_figures(columns: list[Column], batches: Iterator[list[Row]]) -> Iterator[list[Row]]:
    """Rows from the query (the other columns, then the idea's id, then any extra fields)
    with the fair columns' cells put in their places. The fair columns come as one block."""
    fair = [index for index, column in enumerate(columns) if column.fair is not None]
    if not fair:
        yield from batches
        return
    wanted = [figure for figure in (columns[index].fair for index in fair) if figure is not None]
    first, count = fair[0], len(fair)
    figures = {pk: ranking_store.figures(RankingSummary(pk=pk)) for pk in {pk for pk, _figure in wanted}}
    others = len(columns) - count
    for batch in batches:
        ids = np.fromiter((row[others] for row in batch), dtype=np.int64, count=len(batch))
        at = {pk: found.positions(ids) for pk, found in figures.items()}
        cells = [_fair_values(figures[pk], figure, at[pk]) for pk, figure in wanted]
        yield [
            (*row[:first], *fair_cells, *row[first:others], *row[others + 1 :])
            for row, fair_cells in zip(batch, zip(*cells, strict=True), strict=True)
        ]


# Read with every row besides the columns: the idea's language (the printable page marks a
# title written in the other language).
EXTRA_FIELDS = ("language",)


def _defused(field: str) -> Case:
    """The field's text, with an apostrophe before it when a spreadsheet would read it as a
    formula: worked out by the database, so CSV rows need no Python per cell."""
    looks_like_formula = Q()
    for start in FORMULA_STARTS:
        looks_like_formula |= Q(**{f"{field}__startswith": start})
    text: Any = F(field)
    for start in FORMULA_AFTER_SEMICOLON:
        looks_like_formula |= Q(**{f"{field}__contains": f";{start}"})
        text = Replace(text, Value(f";{start}"), Value(f";'{start}"), output_field=CharField())
    return Case(
        When(looks_like_formula, then=Concat(Value("'"), text, output_field=CharField())),
        default=F(field),
        output_field=CharField(),
    )


def action_list_queryset(
    conversation: Conversation, columns: list[Column] | None = None, *, for_csv: bool = False
) -> QuerySet[Idea, Row]:
    """The rows of the action list, in priority order (ideas not ranked yet last, oldest first),
    as tuples of the columns' fields, followed by ``EXTRA_FIELDS`` except ``for_csv``, where
    text a spreadsheet would run as a formula is defused. Build it in the language the labels
    should be in."""
    columns = action_list_columns(conversation) if columns is None else columns
    # The fair orders' columns are filled in afterwards from the idea's id (``_with_fair_figures``).
    queried = [column for column in columns if column.fair is None]
    idea_id = ("pk",) if len(queried) < len(columns) else ()
    queryset = (
        Idea.objects.visible()
        .filter(conversation=conversation)
        .annotate(author_label=_author_label())
        .annotate(**_action_annotations())
        .in_priority_order()
    )
    if not for_csv:
        return queryset.values_list(*(column.field for column in queried), *idea_id, *EXTRA_FIELDS)
    defused = {f"defused_{column.key}": _defused(column.field) for column in queried if column.text}
    return queryset.annotate(**defused).values_list(
        *(f"defused_{column.key}" if column.text else column.field for column in queried), *idea_id
    )


def action_list_count(conversation: Conversation) -> int:
    """How many rows the action list has (one COUNT from the ideas' own index)."""
    return Idea.objects.visible().filter(conversation=conversation).count()


def _batches(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _rows(
    conversation: Conversation, columns: list[Column], progress: Progress | None, *, for_csv: bool = False
) -> Iterator[list[Row]]:
    """The rows in chunks, reporting how many have been read after each."""
    size = settings.EXPORT_CHUNK_SIZE
    done = 0
    rows = action_list_queryset(conversation, columns, for_csv=for_csv).iterator(chunk_size=size)
    for batch in _with_fair_figures(columns, _batches(rows, size)):
        yield batch
        done += len(batch)
        if progress is not None:
            progress(done)


def _cells(columns: list[Column]) -> Callable[[Row], Row]:
    """A row's cells in column order, picked in one C call."""
    getter = itemgetter(*range(len(columns)))
    return getter if len(columns) > 1 else lambda row: (getter(row),)


def iter_csv(conversation: Conversation, *, progress: Progress | None = None) -> Iterator[str]:
    """The action list as CSV text, a chunk of rows at a time (for a streaming response).

    Headers and labels are translated now, in the active language, not when the chunks are
    consumed.
    """
    columns = action_list_columns(conversation)
    header = [column.header for column in columns]
    # Rows arrive exactly as the file's: the csv module writes each chunk in C.
    rows = _rows(conversation, columns, progress, for_csv=True)

    def generate() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        # A byte-order mark, so that spreadsheets open the file as UTF-8 (ŵ and ŷ intact).
        buffer.write("\ufeff")
        writer.writerow(header)
        for batch in rows:
            writer.writerows(batch)
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        if buffer.tell():
            yield buffer.getvalue()

    return generate()


def write_csv(conversation: Conversation, out: IO[bytes], *, progress: Progress | None = None) -> int:
    """Write the action list as UTF-8 CSV to a binary file; returns the number of rows."""
    rows = 0

    def counted(done: int) -> None:
        nonlocal rows
        rows = done
        if progress is not None:
            progress(done)

    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    for chunk in iter_csv(conversation, progress=counted):
        text.write(chunk)
    text.flush()
    text.detach()  # leave ``out`` open for the caller
    return rows


def _sheet_text(value: Any) -> Any:
    """openpyxl refuses control characters a person may have typed; drop them."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def write_xlsx(conversation: Conversation, out: IO[bytes], *, progress: Progress | None = None) -> int:
    """Write the action list as an XLSX workbook to a binary file; returns the number of rows.

    openpyxl's write-only mode streams rows into the sheet's XML as they are appended, so the
    workbook is never held in memory.
    """
    columns = action_list_columns(conversation)
    cells = _cells(columns)
    text_at = [index for index, column in enumerate(columns) if column.text]
    workbook = Workbook(write_only=True)
    # Sheet names: at most 31 characters, none of []:*?/\
    sheet = workbook.create_sheet(title=_("Action list")[:31])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns):
        sheet.column_dimensions[_column_letter(index)].width = column.width
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    rows = 0
    for batch in _rows(conversation, columns, progress):
        for row in batch:
            values: list[Any] = list(cells(row))
            for index in text_at:
                text = WriteOnlyCell(sheet, value=_sheet_text(values[index]))
                text.data_type = "s"  # never a formula, whatever it starts with
                values[index] = text
            sheet.append(values)
        rows += len(batch)
    workbook.save(out)
    return rows


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def iter_html(
    conversation: Conversation, request: HttpRequest, context: dict[str, Any] | None = None
) -> Iterator[str]:
    """The printable page, streamed: the page around the table is rendered once (in the active
    language), then the table's rows follow a chunk at a time."""
    columns = action_list_columns(conversation)
    page = render_to_string(
        "conversations/action_list_print.html",
        {
            "conversation": conversation,
            "columns": columns,
            "rows_marker": ROWS_MARKER,
            "generated": localtime(),
            "row_count": action_list_count(conversation),
            **(context or {}),
        },
        request=request,
    )
    head, tail = page.split(ROWS_MARKER, 1)
    title_index = next(index for index, column in enumerate(columns) if column.key == "title")
    page_language, language_at = (get_language() or "en")[:2], len(columns)
    shown = [
        (f"{{:.{column.digits}f}}".format if column.digits is not None else str, column.numeric)
        for column in columns
    ]
    rows = _rows(conversation, columns, None)

    rows_template = get_template("conversations/_action_list_rows.html")
    cell_class = [
        f"govuk-table__cell{' govuk-table__cell--numeric' if numeric else ''}" for _, numeric in shown
    ]

    def row_cells(row: Row) -> dict[str, Any]:
        """A row for the partial, which escapes: the cells before the title (each with its
        class), the title (and its language when it is not the page's), the cells after it."""
        cells = [
            ("" if value is None else show(value), css)
            # The row ends with the idea's language, which has no column of its own.
            for value, (show, _), css in zip(row, shown, cell_class, strict=False)
        ]
        language = row[language_at]
        return {
            "before": cells[:title_index],
            "title": cells[title_index][0],
            # A title written in the other language says so, for screen readers.
            "lang": language if language != page_language else "",
            "after": cells[title_index + 1 :],
        }

    def generate() -> Iterator[str]:
        yield head
        for batch in rows:
            yield rows_template.render({"rows": map(row_cells, batch)})
        yield tail

    return generate()


def filename(conversation: Conversation, extension: str, *, stamp: datetime) -> str:
    """``{slug}-action-list-{YYYYmmdd-HHMM}.{ext}``, the middle part in the active language."""
    # Outside the f-string, where makemessages finds it.
    name = slugify(_("action list"))
    return f"{conversation.slug}-{name}-{localtime(stamp):%Y%m%d-%H%M}.{extension}"

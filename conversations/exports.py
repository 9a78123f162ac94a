"""The prioritised action list, for facilitators: CSV, XLSX and a printable page.

One query gives every row: the conversation's *visible* ideas (``Idea.objects.visible()``, so
nothing moderation holds back is ever exported) with their author and ranking snapshot, in
priority order (ideas not ranked yet follow, oldest first). It is read with
``.iterator(chunk_size=EXPORT_CHUNK_SIZE)`` as plain tuples (a server-side cursor on Postgres),
and each format writes a chunk at a time: memory stays bounded whatever the conversation's size
(``bench/export.py`` measures it at 50,000 ideas). Headers and labels are in the active language;
callers activate the facilitator's.

What a column shows is a ``Column``: a key, a translated header and a function of the row.
``action_list_columns`` lists them in order. Later parts of the platform extend the list in two
places and nowhere else: they add the fields they need to ``ROW_FIELDS`` (or an annotation in
``action_list_queryset``) and append their ``Column``s in ``action_list_columns``, each beside
the comment that names it. Planned there: support per target group (one column per group of
the conversation), pledges (hours and people pledged), the action group an idea became, and its
participatory-budgeting status.

Text a person typed is written as text and never as a formula: XLSX cells holding it are typed
as strings, and in CSV a value that a spreadsheet would read as a formula (starting ``=``,
``+``, ``-``, ``@``) is prefixed with an apostrophe, as OWASP advises against CSV injection.
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

from django.conf import settings
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.timezone import localtime
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from .models import Conversation, Idea, RatingValue

Row = tuple[Any, ...]
Progress = Callable[[int], None]

# The fields each row is read with, in this order (``Column.value`` picks from them).
ROW_FIELDS = (
    "pk",
    "ranking__rank",
    "title",
    "is_seeded",
    "source_note",
    "author__display_name",
    "ranking__score",
    "ranking__rating_count",
    "ranking__rating_mean",
    "ranking__count_1",
    "ranking__count_2",
    "ranking__count_3",
    "ranking__count_4",
    "ranking__count_5",
    "comment_count",
    "language",
)
_AT = {name: index for index, name in enumerate(ROW_FIELDS)}

# Marks where the printable page's rows go (see ``iter_html``).
ROWS_MARKER = "<!-- action list rows -->"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    value: Callable[[Row], Any]
    # Typed by a person: written as text, never as a formula.
    text: bool = False
    # Width in the spreadsheet, in characters.
    width: int = 12
    numeric: bool = True


def action_list_queryset(conversation: Conversation) -> QuerySet[Idea, Row]:
    """The rows of the action list, in priority order, as tuples of ``ROW_FIELDS``."""
    return (
        Idea.objects.visible()
        .filter(conversation=conversation)
        .order_by(F("ranking__rank").asc(nulls_last=True), "pk")
        .values_list(*ROW_FIELDS)
    )


def action_list_count(conversation: Conversation) -> int:
    """How many rows the action list has (one COUNT from the ideas' own index)."""
    return Idea.objects.visible().filter(conversation=conversation).count()


def _rounded(index: int, digits: int) -> Callable[[Row], float | None]:
    def value(row: Row) -> float | None:
        number = row[index]
        return None if number is None else round(number, digits)

    return value


def action_list_columns() -> list[Column]:
    """The columns, in order, with headers in the active language."""
    seeded = _("Seeded")
    anonymous = _("Anonymous resident")
    is_seeded, source, name = _AT["is_seeded"], _AT["source_note"], _AT["author__display_name"]

    def author(row: Row) -> str:
        if row[is_seeded]:
            return f"{seeded}: {row[source]}"
        return str(row[name] or anonymous)

    columns = [
        Column("rank", _("Rank"), itemgetter(_AT["ranking__rank"]), width=8),
        Column("title", _("Title"), itemgetter(_AT["title"]), text=True, width=50, numeric=False),
        Column("author", _("Author or seeded"), author, text=True, width=30, numeric=False),
        Column("score", _("Priority score"), _rounded(_AT["ranking__score"], 3), width=14),
        Column("rating_count", _("Ratings"), itemgetter(_AT["ranking__rating_count"]), width=10),
        Column("rating_mean", _("Average rating"), _rounded(_AT["ranking__rating_mean"], 2), width=14),
    ]
    # The distribution: how many people gave each value.
    columns += [
        Column(
            f"rated_{value}",
            _("Rated %(value)d: %(label)s") % {"value": value, "label": label},
            itemgetter(_AT[f"ranking__count_{value}"]),
            width=14,
        )
        for value, label in RatingValue.choices
    ]
    columns.append(Column("comment_count", _("Comments"), itemgetter(_AT["comment_count"]), width=11))
    # Support per target group: one column per target group of the conversation, appended here.
    # Pledges: hours and people pledged to the idea, appended here.
    # Action group: the action group the idea became, appended here.
    # Budget status: the idea's participatory-budgeting project and its outcome, appended here.
    return columns


def _batches(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _rows(conversation: Conversation, progress: Progress | None) -> Iterator[list[Row]]:
    """The rows in chunks, reporting how many have been read after each."""
    size = settings.EXPORT_CHUNK_SIZE
    done = 0
    for batch in _batches(action_list_queryset(conversation).iterator(chunk_size=size), size):
        yield batch
        done += len(batch)
        if progress is not None:
            progress(done)


def _safe_text(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def iter_csv(conversation: Conversation, *, progress: Progress | None = None) -> Iterator[str]:
    """The action list as CSV text, a chunk of rows at a time (for a streaming response).

    Headers are translated now, in the active language, not when the chunks are consumed.
    """
    columns = action_list_columns()
    values = [(column.value, column.text) for column in columns]
    header = [column.header for column in columns]

    def generate() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        # A byte-order mark, so that spreadsheets open the file as UTF-8 (ŵ and ŷ intact).
        buffer.write("\ufeff")
        writer.writerow(header)
        for batch in _rows(conversation, progress):
            writer.writerows(
                [_safe_text(value(row)) if text else value(row) for value, text in values] for row in batch
            )
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
    columns = action_list_columns()
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
    for batch in _rows(conversation, progress):
        for row in batch:
            cells: list[Any] = []
            for column in columns:
                value = column.value(row)
                if column.text:
                    cell = WriteOnlyCell(sheet, value=_sheet_text(value))
                    cell.data_type = "s"  # never a formula, whatever it starts with
                    cells.append(cell)
                else:
                    cells.append(value)
            sheet.append(cells)
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
    columns = action_list_columns()
    page = render_to_string(
        "conversations/action_list_print.html",
        {
            "conversation": conversation,
            "columns": columns,
            "rows_marker": ROWS_MARKER,
            "generated": localtime(),
            **(context or {}),
        },
        request=request,
    )
    head, tail = page.split(ROWS_MARKER, 1)
    title_index = next(index for index, column in enumerate(columns) if column.key == "title")
    page_language, language_at = (get_language() or "en")[:2], _AT["language"]

    def cell(index: int, column: Column, row: Row) -> str:
        value = column.value(row)
        text = "" if value is None else escape(str(value))
        if index == title_index:
            # A title written in the other language says so, for screen readers.
            lang = f' lang="{row[language_at]}"' if row[language_at] != page_language else ""
            return f'<th scope="row" class="govuk-table__header"{lang}>{text}</th>'
        numeric = " govuk-table__cell--numeric" if column.numeric else ""
        return f'<td class="govuk-table__cell{numeric}">{text}</td>'

    def generate() -> Iterator[str]:
        yield head
        for batch in _rows(conversation, None):
            yield "".join(
                '<tr class="govuk-table__row">'
                + "".join(cell(index, column, row) for index, column in enumerate(columns))
                + "</tr>\n"
                for row in batch
            )
        yield tail

    return generate()


def filename(conversation: Conversation, extension: str, *, stamp: datetime) -> str:
    """``<slug>-action-list-<YYYYmmdd-HHMM>.<ext>``, the middle part in the active language."""
    # Outside the f-string, where makemessages finds it.
    name = slugify(_("action list"))
    return f"{conversation.slug}-{name}-{localtime(stamp):%Y%m%d-%H%M}.{extension}"

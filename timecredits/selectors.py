"""Reads of the ledger: statements (pages and CSV) and the reconciliation report.

A statement page costs a fixed number of queries whatever the account's length: the page of
entries (keyset pagination on the entry's line number ``seq``, newest first, on the unique
(account, seq) index), one look for a line in the other direction, and one query for the other legs
of the page's transfers (who the credits came from or went to) that also reads the few columns of
the transfers a line shows (plain values, no model instances). The running balance is stored on
each entry (``balance_after``, checked by the database when written), so no page sums history.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from vocaleyes.i18n import content_language, in_language
from vocaleyes.models import Organisation, OrganisationRole, User
from vocaleyes.permissions import is_officer

from .amounts import format_minutes
from .models import Account, Entry, Transfer

PAGE_SIZE = 25
CSV_CHUNK = 2000


@dataclass(frozen=True)
class StatementFilters:
    kind: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    def apply(self, entries: QuerySet[Entry]) -> QuerySet[Entry]:
        if self.kind:
            entries = entries.filter(kind=self.kind)
        if self.date_from:
            entries = entries.filter(created__gte=_start_of(self.date_from))
        if self.date_to:
            entries = entries.filter(created__lt=_start_of(self.date_to + datetime.timedelta(days=1)))
        return entries


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass(frozen=True)
class TransferSummary:
    """What a statement line says about its transfer, read with the other legs in one query."""

    kind: str
    memo: str
    memo_language: str  # "" when not known
    reference: str | None
    offer_title: str  # in the page's language, else the other
    reverses_created: datetime.datetime | None
    reverses_kind: str | None


@dataclass
class StatementLine:
    entry: Entry
    transfer: TransferSummary
    counterparties: list[str] = field(default_factory=list)  # the other accounts' owners

    @property
    def counterparty_name(self) -> str:
        return ", ".join(self.counterparties)

    @property
    def description(self) -> str:
        return describe(self)

    @property
    def note(self) -> str:
        """The memo, gift message or reversal reason, as the person who wrote it wrote it."""
        return self.transfer.memo


def describe(line: StatementLine) -> str:
    """One statement line in words, from the point of view of the line's account."""
    entry, transfer, other = line.entry, line.transfer, line.counterparty_name
    paid_in = entry.amount > 0
    if transfer.kind == Transfer.Kind.EARN:
        if paid_in:
            return _("Volunteering confirmed by %(name)s") % {"name": other}
        return _("Credits issued to %(name)s") % {"name": other}
    if transfer.kind == Transfer.Kind.GIFT:
        if paid_in:
            return _("From %(name)s") % {"name": other}  # beside the "Gift" tag: not "Gift Gift from"
        return _("To %(name)s") % {"name": other}
    if transfer.kind == Transfer.Kind.SPEND:
        if paid_in:
            return _("%(offer)s, bought by %(name)s (reference %(reference)s)") % {
                "offer": transfer.offer_title,
                "name": other,
                "reference": transfer.reference,
            }
        return _("%(offer)s at %(name)s (reference %(reference)s)") % {
            "offer": transfer.offer_title,
            "name": other,
            "reference": transfer.reference,
        }
    assert transfer.reverses_created is not None and transfer.reverses_kind is not None
    return _("Reversal of a transfer of %(date)s (%(kind)s)") % {
        "date": date_format(timezone.localtime(transfer.reverses_created), "j F Y"),
        "kind": str(Transfer.Kind(transfer.reverses_kind).label).lower(),
    }


def _lines(account: Account, entries: list[Entry]) -> list[StatementLine]:
    """Statement lines for ``entries``: their transfers and the names of the other legs' owners in
    one query per call, reading just the columns a line shows (no model instances: this runs for
    every page, and building a transfer, its offer and the transfer it reverses for each of 25
    lines cost more than the rest of the page's queries together)."""
    if not entries:
        return []
    transfers: dict[object, TransferSummary] = {}
    others: dict[object, list[str]] = defaultdict(list)
    legs = (
        Entry.objects.filter(transfer_id__in=[entry.transfer_id for entry in entries])
        .exclude(account=account)
        .order_by("id")
        .values_list(
            "transfer_id",
            "transfer__kind",
            "transfer__memo",
            "transfer__memo_language",
            "transfer__reference",
            "transfer__offer__title_en",
            "transfer__offer__title_cy",
            "transfer__reverses__created",
            "transfer__reverses__kind",
            "account__user_id",
            "account__user__display_name",
            "account__organisation__name_en",
            "account__organisation__name_cy",
        )
    )
    language = content_language()
    for (
        transfer_id,
        kind,
        memo,
        memo_language,
        reference,
        title_en,
        title_cy,
        reverses_created,
        reverses_kind,
        user_id,
        display_name,
        name_en,
        name_cy,
    ) in legs:
        if transfer_id not in transfers:
            transfers[transfer_id] = TransferSummary(
                kind=kind,
                memo=memo,
                memo_language=memo_language,
                reference=reference,
                offer_title=in_language(title_en, title_cy, language),
                reverses_created=reverses_created,
                reverses_kind=reverses_kind,
            )
        if user_id is not None:  # as User.public_name: never the email address
            name = display_name or _("Anonymous resident")
        else:
            name = in_language(name_en, name_cy, language)
        others[transfer_id].append(name)
    return [
        StatementLine(
            entry=entry, transfer=transfers[entry.transfer_id], counterparties=others[entry.transfer_id]
        )
        for entry in entries
    ]


def _any(entries: QuerySet[Entry], *, newest_first: bool) -> bool:
    """Whether ``entries`` has a row, asked in line order so the (account, seq) index answers it: a
    bare EXISTS lets Postgres pick a sequential scan when it misjudges where an account's rows lie."""
    ordered = entries.order_by("-seq" if newest_first else "seq")
    return ordered.values_list("seq", flat=True).first() is not None


@dataclass(frozen=True)
class StatementRow:
    """A statement line as the page shows it: plain text, worked out once (a page of 25 rows in
    a template costs several times more when each cell is looked up and formatted there)."""

    date: str
    time: str
    kind: str
    colour: str
    description: str
    note: str
    note_lang: str  # the note's language when it is not the page's (its lang attribute), else ""
    paid_in: str
    paid_out: str
    balance: str


TAG_COLOURS = {"earn": "green", "gift": "purple", "spend": "turquoise", "reversal": "grey"}


def statement_rows(lines: Iterable[StatementLine]) -> list[StatementRow]:
    kinds = {value: str(label) for value, label in Transfer.Kind.choices}
    language = content_language()
    dates: dict[datetime.date, str] = {}  # a page's lines share a few days; formatting one is slow
    rows = []
    for line in lines:
        entry = line.entry
        created = timezone.localtime(entry.created)
        day = created.date()
        date = dates.get(day)
        if date is None:
            date = dates[day] = date_format(created, "j M Y")
        rows.append(
            StatementRow(
                date=date,
                time=f"{created.hour:02d}:{created.minute:02d}",  # "H:i"
                kind=kinds[entry.kind],
                colour=TAG_COLOURS[entry.kind],
                description=line.description,
                note=line.note,
                note_lang=line.transfer.memo_language if line.transfer.memo_language != language else "",
                paid_in=format_minutes(entry.paid_in) if entry.paid_in else "",
                paid_out=format_minutes(entry.paid_out) if entry.paid_out else "",
                balance=format_minutes(entry.balance_after),
            )
        )
    return rows


@dataclass
class StatementPage:
    lines: list[StatementLine]
    newer_cursor: int | None  # link: ?after={seq}
    older_cursor: int | None  # link: ?before={seq}
    is_latest: bool

    @property
    def rows(self) -> list[StatementRow]:
        return statement_rows(self.lines)


def statement_page(
    account: Account,
    *,
    filters: StatementFilters | None = None,
    before: int | None = None,
    after: int | None = None,
    size: int = PAGE_SIZE,
) -> StatementPage:
    """One page of the statement, newest first. ``before``/``after`` are line numbers (keyset)."""
    filters = filters or StatementFilters()
    entries = filters.apply(Entry.objects.for_statement(account))
    if after is not None:
        chunk = list(entries.filter(seq__gt=after).order_by("seq")[: size + 1])
        has_newer = len(chunk) > size
        rows = list(reversed(chunk[:size]))
        has_older = bool(rows) and _any(entries.filter(seq__lt=rows[-1].seq), newest_first=True)
    else:
        if before is not None:
            entries = entries.filter(seq__lt=before)
        chunk = list(entries[: size + 1])
        has_older = len(chunk) > size
        rows = chunk[:size]
        has_newer = (
            before is not None
            and bool(rows)
            and _any(
                filters.apply(Entry.objects.filter(account=account, seq__gt=rows[0].seq)), newest_first=False
            )
        )
    return StatementPage(
        lines=_lines(account, rows),
        newer_cursor=rows[0].seq if rows and has_newer else None,
        older_cursor=rows[-1].seq if rows and has_older else None,
        is_latest=not has_newer,
    )


def statement_lines(account: Account, *, filters: StatementFilters | None = None) -> Iterator[StatementLine]:
    """Every line of a statement, oldest first, in bounded memory (chunks keyed on the line number)."""
    filters = filters or StatementFilters()
    base = filters.apply(Entry.objects.for_statement(account)).order_by("seq")
    last_seq = 0
    while True:
        chunk = list(base.filter(seq__gt=last_seq)[:CSV_CHUNK])
        if not chunk:
            return
        yield from _lines(account, chunk)
        last_seq = chunk[-1].seq


# --- who can record hours for which organisation ---------------------------------------------------


def organisations_issuing_for(user: User) -> QuerySet[Organisation]:
    """Organisations ``user`` may confirm hours for: those with an issuing account that they
    facilitate (all of them for officers)."""
    issuing = Organisation.objects.filter(credit_accounts__kind=Account.Kind.ISSUING)
    if not is_officer(user):  # the queryset form of permissions.is_organiser
        issuing = issuing.filter(roles__user=user, roles__role=OrganisationRole.Role.FACILITATOR)
    return issuing.distinct().order_by("name_en", "name_cy")


def accounts_organised_by(user: User) -> QuerySet[Account]:
    """Organisation accounts whose statements ``user`` may read."""
    accounts = Account.objects.exclude(kind=Account.Kind.PERSON).select_related("organisation")
    if not is_officer(user):
        accounts = accounts.filter(
            organisation__roles__user=user, organisation__roles__role=OrganisationRole.Role.FACILITATOR
        )
    return accounts.distinct().order_by("organisation__name_en", "kind")


# --- reconciliation --------------------------------------------------------------------------------


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class Reconciliation:
    checks: list[Check]
    issued: int  # minutes issued by organisations and not returned
    held_by_people: int
    held_by_partners: int
    transfers_by_kind: dict[str, int]
    entry_count: int

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)


def _ids(values: Iterable[object]) -> str:
    shown = [str(value) for value in values]
    return ", ".join(shown) if shown else "—"


def ledger_reconcile() -> Reconciliation:
    """Check every invariant of the ledger against the whole database (one query per check)."""
    accounts = Account.objects.all()
    balances = accounts.aggregate(
        total=Coalesce(Sum("balance"), 0),
        issued=Coalesce(Sum("balance", filter=Q(kind=Account.Kind.ISSUING)), 0),
        people=Coalesce(Sum("balance", filter=Q(kind=Account.Kind.PERSON)), 0),
        partners=Coalesce(Sum("balance", filter=Q(kind=Account.Kind.RECEIVING)), 0),
    )
    entries = Entry.objects.aggregate(total=Coalesce(Sum("amount"), 0), count=Count("id"))
    drifted = list(
        accounts.annotate(from_entries=Coalesce(Sum("entries__amount"), 0), lines=Count("entries"))
        .filter(~Q(balance=F("from_entries")) | ~Q(entry_count=F("lines")))
        .values_list("number", flat=True)[:20]
    )
    negative = list(
        accounts.exclude(kind=Account.Kind.ISSUING)
        .filter(balance__lt=0)
        .values_list("number", flat=True)[:20]
    )
    running = Entry.objects.annotate(
        running=Window(Sum("amount"), partition_by=[F("account_id")], order_by=F("seq").asc()),
        line=Window(RowNumber(), partition_by=[F("account_id")], order_by=F("seq").asc()),
    )
    broken_running = list(
        running.filter(~Q(running=F("balance_after")) | ~Q(line=F("seq"))).values_list("id", flat=True)[:20]
    )
    unbalanced = list(
        Transfer.objects.annotate(
            legs=Count("entries"),
            total=Coalesce(Sum("entries__amount"), 0),
            moved=Coalesce(Sum("entries__amount", filter=Q(entries__amount__gt=0)), 0),
        )
        .filter(Q(legs__lt=2) | ~Q(total=0) | ~Q(moved=F("amount")))
        .values_list("id", flat=True)[:20]
    )
    mismatched_reversals = list(
        Transfer.objects.filter(kind=Transfer.Kind.REVERSAL)
        .exclude(amount=F("reverses__amount"))
        .values_list("id", flat=True)[:20]
    )
    by_kind = dict(Transfer.objects.values_list("kind").annotate(count=Count("id")).order_by("kind"))
    checks = [
        Check(_("All balances add up to zero"), balances["total"] == 0, str(balances["total"])),
        Check(_("All entries add up to zero"), entries["total"] == 0, str(entries["total"])),
        Check(
            _("Every account's balance and count equal the sum and number of its entries"),
            not drifted,
            _ids(drifted),
        ),
        Check(
            _("Every stored running balance and line number follows from the entries before it"),
            not broken_running,
            _ids(broken_running),
        ),
        Check(_("No person or partner is below zero"), not negative, _ids(negative)),
        Check(_("Every transfer has balanced entries moving its amount"), not unbalanced, _ids(unbalanced)),
        Check(
            _("Every reversal moves what its original moved"),
            not mismatched_reversals,
            _ids(mismatched_reversals),
        ),
    ]
    return Reconciliation(
        checks=checks,
        issued=-balances["issued"],
        held_by_people=balances["people"],
        held_by_partners=balances["partners"],
        transfers_by_kind=by_kind,
        entry_count=entries["count"],
    )

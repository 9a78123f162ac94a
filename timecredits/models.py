"""Time credits: accounts, an append-only double-entry ledger, and partner offers.

One time credit is one hour of volunteering; amounts are stored as whole minutes (see
``amounts.py`` for why).

``Account`` — one per person (``kind=person``) and up to two per organisation: an *issuing*
account, the only kind allowed to go below zero (its negative balance is every credit the
organisation has ever issued and not had back: that is where credits come from), and a
*receiving* account for partners that accept credits for their activities. ``balance`` is a
cached total kept by database triggers, never by Python: each new entry must state the running
balance it leads to (``Entry.balance_after``) and its line number in the account (``Entry.seq``,
1, 2, 3... like ``entry_count``); a trigger checks that both follow from the account, then moves
them on. A check constraint keeps non-issuing balances at or above zero.

``Transfer`` — one movement of time (earn, spend, gift, reversal) with a unique idempotency key.
Its ``Entry`` rows (legs, one per account) sum to zero and their positive legs to the transfer's
amount. The database enforces it: on Postgres with deferred constraint triggers checked at
commit, on SQLite by writing the entries before their transfer and checking them when the
transfer row arrives (see migration 0002). Transfers and entries are append-only (triggers refuse
UPDATE and DELETE): a mistake is corrected by a reversal transfer that points at the original,
and ``reverses`` being one-to-one means a transfer is reversed at most once.

Entries carry the transfer's ``kind`` and ``created`` as well (checked equal by the same trigger),
so a statement is read and filtered from one table with one index, whatever its length.

``PartnerOffer`` — an activity a partner organisation accepts credits for (a swim, a cinema
ticket, a course), with a price in minutes and optional limited places. Spending on an offer gives
the person a ``Transfer.reference`` to show at the door.

Writes go through ``timecredits.services`` (the ledger rows through ``journal.py``); nothing else
saves these models.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conversations.models import Conversation
from vocaleyes.i18n import Bilingual
from vocaleyes.models import Organisation

from .amounts import format_minutes


class AccountQuerySet(models.QuerySet["Account"]):
    def people(self) -> AccountQuerySet:
        return self.filter(kind=Account.Kind.PERSON)

    def with_owner(self) -> AccountQuerySet:
        return self.select_related("user", "organisation")


class Account(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ISSUING = "issuing", _("Issuing (organisation that gives credits)")
        RECEIVING = "receiving", _("Receiving (partner that accepts credits)")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_account",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_accounts",
        verbose_name=_("organisation"),
    )
    # What people tell each other to receive a gift: short, unambiguous, not an email address.
    number = models.CharField(_("account number"), max_length=12, unique=True, editable=False)
    balance = models.BigIntegerField(
        _("balance (minutes)"),
        default=0,
        editable=False,
        help_text=_("Kept by the database from the entries."),
    )
    entry_count = models.BigIntegerField(
        _("entries"),
        default=0,
        editable=False,
        help_text=_("Kept by the database from the entries."),
    )
    created = models.DateTimeField(_("opened"), auto_now_add=True)

    objects: ClassVar[AccountQuerySet] = AccountQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="person", user__isnull=False, organisation__isnull=True)
                    | Q(kind__in=["issuing", "receiving"], user__isnull=True, organisation__isnull=False)
                ),
                name="timecredits_account_owner_matches_kind",
                violation_error_message=_(
                    "A person's account belongs to a person; other accounts to an organisation."
                ),
            ),
            models.UniqueConstraint(
                fields=["organisation", "kind"],
                condition=Q(organisation__isnull=False),
                name="timecredits_one_account_per_organisation_and_kind",
                violation_error_message=_("The organisation already has an account of this kind."),
            ),
            models.CheckConstraint(
                condition=Q(kind="issuing") | Q(balance__gte=0),
                name="timecredits_only_issuing_accounts_go_negative",
                violation_error_message=_("Only an issuing account may go below zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner_name} ({self.get_kind_display()}, {self.number})"

    def get_absolute_url(self) -> str:
        if self.kind == self.Kind.PERSON:
            return reverse("timecredits:statement")
        return reverse("timecredits:account_statement", kwargs={"number": self.number})

    @property
    def owner_name(self) -> str:
        if self.user_id is not None:
            assert self.user is not None
            return self.user.public_name
        assert self.organisation is not None
        return str(self.organisation.name)

    @staticmethod
    def kind_may_go_negative(kind: str) -> bool:
        """Only an issuing account goes below zero: its negative balance is what it has issued."""
        return kind == Account.Kind.ISSUING

    @property
    def may_go_negative(self) -> bool:
        return self.kind_may_go_negative(self.kind)

    @property
    def balance_display(self) -> str:
        return format_minutes(self.balance)


class PartnerOfferQuerySet(models.QuerySet["PartnerOffer"]):
    def listed(self) -> PartnerOfferQuerySet:
        """Offers people can browse: switched on, from a partner that can receive credits."""
        receiving = Account.objects.filter(organisation=OuterRef("organisation"), kind=Account.Kind.RECEIVING)
        return self.filter(Exists(receiving), is_listed=True)


class PartnerOffer(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="credit_offers", verbose_name=_("partner")
    )
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_cy = models.CharField(_("title (Welsh)"), max_length=200, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_cy = models.TextField(_("description (Welsh)"), blank=True)
    availability_en = models.CharField(
        _("when and where (English)"),
        max_length=300,
        blank=True,
        help_text=_("For example: weekdays 9am to 4pm."),
    )
    availability_cy = models.CharField(_("when and where (Welsh)"), max_length=300, blank=True)
    price = models.PositiveIntegerField(_("price (minutes)"), help_text=_("60 minutes is one time credit."))
    places_left = models.PositiveIntegerField(
        _("places left"), null=True, blank=True, help_text=_("Leave empty when places are not limited.")
    )
    is_listed = models.BooleanField(
        _("listed"), default=True, help_text=_("Untick to stop people spending on it.")
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    title = Bilingual("title")
    description = Bilingual("description")
    availability = Bilingual("availability")

    objects: ClassVar[PartnerOfferQuerySet] = PartnerOfferQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("partner offer")
        verbose_name_plural = _("partner offers")
        ordering = ["price", "title_en"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(title_en="") | ~Q(title_cy=""),
                name="timecredits_offer_has_a_title",
                violation_error_message=_("Give the offer a title in English or Welsh."),
            ),
            models.CheckConstraint(
                condition=Q(price__gt=0),
                name="timecredits_offer_price_positive",
                violation_error_message=_("An offer costs at least one minute."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.title)

    def get_absolute_url(self) -> str:
        return reverse("timecredits:offer_detail", kwargs={"pk": self.pk})

    @property
    def price_display(self) -> str:
        return format_minutes(self.price)

    @property
    def is_sold_out(self) -> bool:
        return self.places_left is not None and self.places_left <= 0


class Transfer(models.Model):
    class Kind(models.TextChoices):
        EARN = "earn", _("Earned")
        SPEND = "spend", _("Spent")
        GIFT = "gift", _("Gift")
        REVERSAL = "reversal", _("Reversal")

    # A UUID chosen by the service before anything is written, so the entries can be written
    # first and checked when the transfer row arrives (the SQLite half of the balance rule).
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    idempotency_key = models.CharField(_("idempotency key"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount = models.PositiveIntegerField(_("amount (minutes)"))
    memo = models.TextField(_("memo"), blank=True)
    # The language the memo was written in, so pages in the other language mark it (lang, WCAG
    # 3.1.2). A gift's is the page language its giver wrote it in; "" when not known (transfers
    # recorded before it was kept, earns, reversals).
    memo_language = models.CharField(
        _("language of the memo"), max_length=2, choices=settings.LANGUAGES, blank=True, default=""
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)
    # What the transfer was for: concrete links, not a generic relation.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
        help_text=_("Who issued the credits (earn) or accepted them (spend)."),
    )
    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("conversation"),
    )
    offer = models.ForeignKey(
        PartnerOffer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfers",
        verbose_name=_("offer"),
    )
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
        verbose_name=_("reverses"),
    )
    reference = models.CharField(_("reference"), max_length=16, null=True, blank=True, unique=True)

    # Set by the services on a transfer returned for a repeated idempotency key (not stored).
    replayed = False

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="timecredits_transfer_amount_positive"),
            models.CheckConstraint(
                condition=Q(kind="reversal", reverses__isnull=False)
                | (~Q(kind="reversal") & Q(reverses__isnull=True)),
                name="timecredits_reversal_references_original",
            ),
            models.CheckConstraint(
                condition=~Q(kind="spend") | Q(offer__isnull=False, reference__isnull=False),
                name="timecredits_spend_has_offer_and_reference",
            ),
            models.CheckConstraint(
                condition=~Q(kind="earn") | Q(organisation__isnull=False),
                name="timecredits_earn_has_issuer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {format_minutes(self.amount)} ({self.created:%Y-%m-%d %H:%M})"

    @property
    def amount_display(self) -> str:
        return format_minutes(self.amount)


class EntryQuerySet(models.QuerySet["Entry"]):
    def for_statement(self, account: Account) -> EntryQuerySet:
        """An account's entries, newest first (``selectors`` reads their transfers in one more query
        per page, just the columns a line shows)."""
        return self.filter(account=account).order_by("-seq")


class Entry(models.Model):
    transfer = models.ForeignKey(
        Transfer, on_delete=models.PROTECT, related_name="entries", db_index=False, verbose_name=_("transfer")
    )
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="entries", db_index=False, verbose_name=_("account")
    )
    # The entry's line number in its account's statement: 1, 2, 3... without gaps, checked by the
    # database like the running balance. Statements page on (account, seq), an index nothing
    # else can stand in for, so the plan does not depend on where an account's rows lie.
    seq = models.BigIntegerField(_("line"))
    amount = models.BigIntegerField(
        _("amount (minutes)"), help_text=_("Positive: paid in. Negative: paid out.")
    )
    balance_after = models.BigIntegerField(_("balance after (minutes)"))
    kind = models.CharField(_("kind"), max_length=10, choices=Transfer.Kind.choices)
    created = models.DateTimeField(_("recorded"))

    objects: ClassVar[EntryQuerySet] = EntryQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["account", "seq"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="timecredits_entry_amount_not_zero"),
            models.CheckConstraint(condition=Q(seq__gt=0), name="timecredits_entry_seq_positive"),
            # One leg per account per transfer; also the index for "the entries of a transfer".
            models.UniqueConstraint(fields=["transfer", "account"], name="timecredits_one_leg_per_account"),
            # Statements: newest first by keyset on the line number (a backward index scan).
            models.UniqueConstraint(fields=["account", "seq"], name="timecredits_entry_statement"),
        ]
        indexes = [
            models.Index(fields=["account", "kind", "seq"], name="timecredits_entry_by_kind"),
            models.Index(fields=["account", "created"], name="timecredits_entry_by_date"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id}#{self.seq}: {self.amount:+d} → {self.balance_after}"

    @property
    def paid_in(self) -> int:
        return self.amount if self.amount > 0 else 0

    @property
    def paid_out(self) -> int:
        return -self.amount if self.amount < 0 else 0

    @property
    def paid_in_display(self) -> str:
        return format_minutes(self.paid_in)

    @property
    def paid_out_display(self) -> str:
        return format_minutes(self.paid_out)

    @property
    def balance_after_display(self) -> str:
        return format_minutes(self.balance_after)

"""Time-credit pages: statements (and CSV), giving, offers and spending, recording hours, checking
a reference at a partner's door. Thin adapters: forms check input, services write, selectors read."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from timecredits.amounts import format_minutes_lazy
from vocaleyes.csv_cells import safe_cell
from vocaleyes.errors import Refusal
from vocaleyes.flash import lazy_bilingual, lazy_message
from vocaleyes.i18n import content_language
from vocaleyes.models import User
from vocaleyes.permissions import suspension_refusal
from vocaleyes.throttle import throttle

from . import pending, permissions, selectors, services
from .amounts import format_clock, format_minutes
from .forms import (
    BaseVolunteerFormSet,
    GiftConfirmForm,
    GiftForm,
    RecordHoursForm,
    ReferenceCheckForm,
    SpendForm,
    StatementFilterForm,
    VolunteerFormSet,
)
from .models import Account, Entry, PartnerOffer, Transfer

MAX_ROWS = 50


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _get_account_for_user(request: HttpRequest, number: str) -> Account:
    """The account, or 404 for anyone who may not read it (its existence does not leak)."""
    account = Account.objects.with_owner().filter(number=number).first()
    if account is None or not permissions.can_view_account(request.user, account):
        raise Http404
    return account


def _cursor(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _filters(request: HttpRequest) -> tuple[StatementFilterForm, selectors.StatementFilters, str]:
    form = StatementFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.StatementFilters(
            kind=data["kind"] or "", date_from=data["date_from"], date_to=data["date_to"]
        )
        query = urlencode(
            {
                key: value
                for key, value in (
                    ("kind", filters.kind),
                    ("date_from", filters.date_from.isoformat() if filters.date_from else ""),
                    ("date_to", filters.date_to.isoformat() if filters.date_to else ""),
                )
                if value
            }
        )
        return form, filters, query
    return form, selectors.StatementFilters(), ""


def _statement(request: HttpRequest, account: Account) -> HttpResponse:
    form, filters, query = _filters(request)
    page = selectors.statement_page(
        account,
        filters=filters,
        before=_cursor(request.GET.get("before")),
        after=_cursor(request.GET.get("after")),
    )
    is_own = account.user_id == request.user.pk
    organised = list(selectors.accounts_organised_by(_user(request))) if is_own else []
    suspension = suspension_refusal(request.user) if is_own else None  # reads, moves nothing
    return render(
        request,
        "timecredits/account_statement.html",
        {
            "account": account,
            "is_own": is_own,
            "page": page,
            "filter_form": form,
            "filter_query": query,
            "is_filtered": bool(query),
            "organised_accounts": organised,
            "can_record_hours": suspension is None and any(a.kind == Account.Kind.ISSUING for a in organised),
            "suspension": suspension,
            "can_check_references": any(a.kind == Account.Kind.RECEIVING for a in organised),
        },
    )


@login_required
def statement(request: HttpRequest) -> HttpResponse:
    account = services.account_for_person(user=_user(request))
    return _statement(request, account)


@login_required
def account_statement(request: HttpRequest, number: str) -> HttpResponse:
    account = _get_account_for_user(request, number)
    if account.user_id == request.user.pk:
        return redirect("timecredits:statement")
    return _statement(request, account)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(request: HttpRequest, account: Account) -> StreamingHttpResponse:
    _form, filters, _query = _filters(request)
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        yield writer.writerow(
            [
                _("Date"),
                _("Type"),
                _("Description"),
                _("Note"),
                _("Paid in (minutes)"),
                _("Paid out (minutes)"),
                _("Balance (minutes)"),
                _("Balance (hours:minutes)"),
                _("Transfer"),
            ]
        )
        for line in selectors.statement_lines(account, filters=filters):
            entry = line.entry
            yield writer.writerow(
                [
                    timezone.localtime(entry.created).strftime("%Y-%m-%d %H:%M"),
                    entry.get_kind_display(),
                    safe_cell(line.description),
                    safe_cell(line.note),
                    entry.paid_in or "",
                    entry.paid_out or "",
                    entry.balance_after,
                    format_clock(entry.balance_after),
                    str(entry.transfer_id),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="time-credits-{account.number}.csv"'
    return response


@login_required
def statement_csv(request: HttpRequest) -> StreamingHttpResponse:
    return _csv(request, services.account_for_person(user=_user(request)))


@login_required
def account_statement_csv(request: HttpRequest, number: str) -> StreamingHttpResponse:
    return _csv(request, _get_account_for_user(request, number))


@login_required
@require_http_methods(["GET", "POST"])
def gift(request: HttpRequest) -> HttpResponse:
    """The give form. Nothing moves here: valid answers wait in the session for the check page."""
    user = _user(request)
    account = services.account_for_person(user=user)
    waiting = pending.load(request.session)
    if request.method == "POST":
        form = GiftForm(request.POST, sender=user)
    elif "change" in request.GET and waiting is not None:
        form = GiftForm(initial=waiting.form_initial(), sender=user)
    else:
        form = GiftForm(sender=user)
    if request.method == "POST" and form.is_valid():
        recipient = form.cleaned_data["recipient"]
        try:
            services.credits_gift_check(
                sender=user,
                recipient=recipient.user,
                minutes=form.duration(),
                message=form.cleaned_data["message"],
            )
        except Refusal as refusal:
            refusal.add_to(form)
        else:
            pending.save(
                request.session,
                pending.PendingGift(
                    form_key=form.cleaned_data["idempotency_key"],
                    recipient_number=recipient.number,
                    hours=form.cleaned_data["hours"] or 0,
                    minutes=form.cleaned_data["minutes"] or 0,
                    message=form.cleaned_data["message"].strip(),
                    language=content_language(),
                ),
            )
            return redirect("timecredits:gift_check")
    return render(request, "timecredits/gift_form.html", {"form": form, "account": account})


@login_required
@require_http_methods(["GET", "POST"])
@throttle("gift")
def gift_check(request: HttpRequest) -> HttpResponse:
    """Check your answers: the recipient's name before anything moves; the confirm button gives.

    The confirm form names the waiting gift (its key) and the balance the page showed: a key that
    is no longer the waiting gift's is a repeat (answered with the gift it gave) or a stale page
    (refused); a balance that has changed since is refused by the service.
    """
    user = _user(request)
    waiting = pending.load(request.session)
    form = GiftConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        key = pending.transfer_key(user.pk, form.cleaned_data["key"])
        if waiting is None or waiting.key != form.cleaned_data["key"]:
            given = Transfer.objects.filter(idempotency_key=key, recorded_by=user).first()
            if given is not None:
                messages.info(
                    request, gettext_lazy("This gift was already given. Nothing more has been taken.")
                )
                return redirect("timecredits:gift_receipt", pk=given.pk)
            messages.error(
                request,
                gettext_lazy(
                    "The gift you were checking has changed or was not given. "
                    "Check it again before giving it."
                ),
            )
            return redirect("timecredits:gift_check" if waiting is not None else "timecredits:gift")
    if waiting is None:
        return redirect("timecredits:gift")
    account = services.account_for_person(user=user)
    recipient = (
        Account.objects.people().select_related("user").filter(number=waiting.recipient_number).first()
    )
    if recipient is None or recipient.user is None:
        pending.clear(request.session)
        return redirect("timecredits:gift")
    refusal_field = None
    if request.method == "POST" and form.is_valid():
        try:
            transfer = services.credits_gift(
                sender=user,
                recipient=recipient.user,
                minutes=waiting.amount,
                message=waiting.message,
                idempotency_key=pending.transfer_key(user.pk, waiting.key),
                expected_balance=form.cleaned_data["balance"],
                message_language=waiting.language,
            )
        except Refusal as refusal:
            form.add_error(None, refusal.message)
            refusal_field = refusal.field
            account.refresh_from_db(fields=["balance"])
        else:
            pending.clear(request.session)
            if transfer.replayed:
                messages.info(
                    request, gettext_lazy("This gift was already given. Nothing more has been taken.")
                )
            return redirect("timecredits:gift_receipt", pk=transfer.pk)
    confirm = GiftConfirmForm(initial={"key": waiting.key, "balance": account.balance})
    return render(
        request,
        "timecredits/gift_check.html",
        {
            "gift": waiting,
            "recipient": recipient,
            "account": account,
            "amount": format_minutes(waiting.amount),
            "balance_after": format_minutes(account.balance - waiting.amount),
            "form": form,
            "confirm": confirm,
            # The error summary links to the Change link of the answer at fault.
            "error_anchor": {"recipient": "change-recipient", "message": "change-message"}.get(
                refusal_field or "", "change-amount"
            ),
        },
    )


@login_required
def gift_receipt(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """What the giver sees once a gift has gone: to whom, how much, their balance after it."""
    user = _user(request)
    transfer = get_object_or_404(Transfer, pk=pk, kind=Transfer.Kind.GIFT, recorded_by=user)
    legs = list(Entry.objects.filter(transfer=transfer).select_related("account__user"))
    given = next(leg for leg in legs if leg.amount < 0)
    received = next(leg for leg in legs if leg.amount > 0)
    return render(
        request,
        "timecredits/gift_receipt.html",
        {"transfer": transfer, "recipient": received.account, "balance_after": given.balance_after_display},
    )


@login_required
def offer_list(request: HttpRequest) -> HttpResponse:
    offers = PartnerOffer.objects.listed().select_related("organisation").order_by("price", "title_en", "pk")
    page = Paginator(offers, 20).get_page(request.GET.get("page"))
    account = services.account_for_person(user=_user(request))
    return render(request, "timecredits/offer_list.html", {"page": page, "account": account})


@login_required
@require_http_methods(["GET", "POST"])
@throttle("gift")
def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(PartnerOffer.objects.listed().select_related("organisation"), pk=pk)
    user = _user(request)
    account = services.account_for_person(user=user)
    form = SpendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            transfer = services.credits_spend(
                person=user, offer=offer, idempotency_key=form.key_for("spend", user)
            )
        except Refusal as refusal:
            refusal.add_to(form)
            account.refresh_from_db(fields=["balance"])
        else:
            return redirect("timecredits:receipt", reference=transfer.reference)
    return render(
        request,
        "timecredits/offer_detail.html",
        {
            "offer": offer,
            "account": account,
            "form": form,
            "can_afford": account.balance >= offer.price,
            "shortfall": format_minutes(max(0, offer.price - account.balance)),
        },
    )


@login_required
def receipt(request: HttpRequest, reference: str) -> HttpResponse:
    """What the person shows at the door. Only they (and the partner's organisers) can open it."""
    transfer = get_object_or_404(
        Transfer.objects.select_related("offer", "organisation", "recorded_by"),
        reference=reference,
        kind=Transfer.Kind.SPEND,
    )
    assert transfer.organisation is not None
    if transfer.recorded_by_id != request.user.pk and not permissions.is_organiser(
        request.user, transfer.organisation
    ):
        raise Http404
    reversal = Transfer.objects.filter(reverses=transfer).first()
    return render(request, "timecredits/transfer_receipt.html", {"transfer": transfer, "reversal": reversal})


@login_required
@require_http_methods(["GET", "POST"])
def record_hours(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    organisations = selectors.organisations_issuing_for(user)
    if not organisations.exists():
        raise Http404
    try:
        rows = min(max(int(request.GET.get("rows", 5)), 1), MAX_ROWS)
    except ValueError:
        rows = 5
    data = request.POST if request.method == "POST" else None
    form = RecordHoursForm(data, organisations=organisations)
    formset = VolunteerFormSet(data, initial=[{}] * rows)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        organisation = form.cleaned_data["organisation"]
        assert isinstance(formset, BaseVolunteerFormSet)
        volunteers = formset.volunteers()
        try:
            transfers = services.credits_earn_many(
                organisation=organisation,
                volunteers=volunteers,
                recorded_by=user,
                memo=form.cleaned_data["memo"],
                idempotency_key=form.key_for("earn", user),
            )
        except Refusal as refusal:
            refusal.add_to(form)
        else:
            total = sum(transfer.amount for transfer in transfers)
            messages.success(
                request,
                lazy_message(
                    gettext_lazy("Recorded %(amount)s for %(people)s, from %(organisation)s."),
                    amount=format_minutes_lazy(total),
                    people=", ".join(person.public_name for person, _minutes in volunteers),
                    organisation=lazy_bilingual(organisation, "name"),
                ),
            )
            return redirect("timecredits:record_hours")
    has_errors = bool(form.errors or any(formset.errors) or formset.non_form_errors())
    return render(
        request,
        "timecredits/hours_record.html",
        {"form": form, "formset": formset, "has_errors": has_errors, "more_rows": min(rows + 5, MAX_ROWS)},
    )


@login_required
def check_reference(request: HttpRequest) -> HttpResponse:
    """A partner's organiser checks a reference shown at the door."""
    user = _user(request)
    organised = selectors.accounts_organised_by(user).filter(kind=Account.Kind.RECEIVING)
    if not organised.exists():
        # Said, not a bare 404: a facilitator who is not a partner's staff may well try it.
        raise PermissionDenied(
            _(
                "Only staff of a partner organisation that takes time credits can check a reference "
                "shown at the door. If you work for one, ask a council officer to add you as its organiser."
            )
        )
    form = ReferenceCheckForm(request.GET or None)
    transfer = reversal = None
    searched = False
    if form.is_bound and form.is_valid():
        searched = True
        transfer = (
            Transfer.objects.select_related("offer", "organisation", "recorded_by")
            .filter(
                Q(organisation__in=organised.values("organisation")),
                reference=form.cleaned_data["reference"],
                kind=Transfer.Kind.SPEND,
            )
            .first()
        )
        if transfer is not None:
            reversal = Transfer.objects.filter(reverses=transfer).first()
    return render(
        request,
        "timecredits/reference_check.html",
        {"form": form, "transfer": transfer, "reversal": reversal, "searched": searched},
    )

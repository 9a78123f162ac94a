"""Council admin for time credits.

Accounts: organisation accounts are opened here (through the service); balances are read-only.
Transfers and their entries are read-only: the only change an officer can make is a reversal,
through ``transfer_reverse``. The reconciliation page checks every invariant of the ledger.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vocaleyes.errors import Refusal
from vocaleyes.models import User

from . import permissions, selectors, services
from .amounts import format_minutes
from .forms import ReverseForm
from .models import Account, Entry, PartnerOffer, Transfer


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["number", "owner", "kind", "balance_shown", "created"]
    list_filter = ["kind"]
    search_fields = [
        "number",
        "user__email",
        "user__display_name",
        "organisation__name_en",
        "organisation__name_cy",
    ]
    list_select_related = ["user", "organisation"]
    readonly_fields = ["number", "balance_shown", "created"]
    autocomplete_fields = ["organisation"]

    @admin.display(description=gettext_lazy("owner"))
    def owner(self, obj: Account) -> str:
        return obj.owner_name

    @admin.display(description=gettext_lazy("balance"), ordering="balance")
    def balance_shown(self, obj: Account) -> str:
        return format_minutes(obj.balance)

    def get_fields(self, request: HttpRequest, obj: Account | None = None) -> Any:
        if obj is None:  # adding: officers open organisation accounts; people's open on first use
            return ["organisation", "kind"]
        return ["number", "kind", "user", "organisation", "balance_shown", "created"]

    def get_form(
        self, request: HttpRequest, obj: Account | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None and "organisation" in form.base_fields:
            # The model allows no organisation (a person's account has none), but an account an
            # officer opens here is always an organisation's: say so on the form, not with a 500.
            field = form.base_fields["organisation"]
            field.required = True
            field.error_messages["required"] = gettext_lazy("Choose the organisation the account is for.")
        return form

    def get_readonly_fields(self, request: HttpRequest, obj: Account | None = None) -> Any:
        if obj is None:
            return []
        return ["number", "kind", "user", "organisation", "balance_shown", "created"]

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "kind":
            kwargs["choices"] = [
                (Account.Kind.ISSUING.value, Account.Kind.ISSUING.label),
                (Account.Kind.RECEIVING.value, Account.Kind.RECEIVING.label),
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Account, form: Any, change: bool) -> None:
        if change:  # nothing on an account is editable; the balance comes from its entries
            raise PermissionDenied
        assert obj.organisation is not None
        opened = services.account_open_for_organisation(organisation=obj.organisation, kind=obj.kind)
        obj.pk, obj.number, obj.created = opened.pk, opened.number, opened.created
        obj._state.adding = False

    def has_delete_permission(self, request: HttpRequest, obj: Account | None = None) -> bool:
        return False


class EntryInline(admin.TabularInline):
    model = Entry
    fields = readonly_fields = ("account", "amount_shown", "balance_after_shown")
    extra = 0
    can_delete = False

    @admin.display(description=gettext_lazy("amount"))
    def amount_shown(self, obj: Entry) -> str:
        return format_minutes(obj.amount)

    @admin.display(description=gettext_lazy("balance after"))
    def balance_after_shown(self, obj: Entry) -> str:
        return format_minutes(obj.balance_after)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Entry]:
        return super().get_queryset(request).select_related("account__user", "account__organisation")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Transfer)
class TransferAdmin(admin.ModelAdmin):
    list_display = [
        "created",
        "kind",
        "amount_shown",
        "memo",
        "recorded_by",
        "organisation",
        "reference",
        "reversal_link",
    ]
    list_filter = ["kind", "created", "organisation"]
    search_fields = [
        "id",
        "idempotency_key",
        "reference",
        "memo",
        "recorded_by__email",
        "recorded_by__display_name",
    ]
    list_select_related = ["recorded_by", "organisation", "reversal"]
    date_hierarchy = "created"
    inlines = [EntryInline]
    change_form_template = "admin/timecredits/transfer/change_form.html"
    change_list_template = "admin/timecredits/transfer/change_list.html"
    fields = readonly_fields = (
        "id",
        "kind",
        "amount_shown",
        "memo",
        "recorded_by",
        "created",
        "organisation",
        "conversation",
        "offer",
        "reference",
        "reverses",
        "reversal_link",
        "idempotency_key",
    )

    @admin.display(description=gettext_lazy("amount"), ordering="amount")
    def amount_shown(self, obj: Transfer) -> str:
        return format_minutes(obj.amount)

    @admin.display(description=gettext_lazy("reversed by"))
    def reversal_link(self, obj: Transfer) -> str:
        reversal = getattr(obj, "reversal", None)
        if reversal is None:
            return "—"
        return render_to_string("admin/timecredits/transfer/_link.html", {"transfer": reversal})

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "reconciliation/",
                self.admin_site.admin_view(self.reconciliation_view),
                name="timecredits_transfer_reconciliation",
            ),
            path(
                "<uuid:pk>/reverse/",
                self.admin_site.admin_view(self.reverse_view),
                name="timecredits_transfer_reverse",
            ),
        ]
        return own + super().get_urls()

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        transfer = self.get_object(request, object_id)
        reversible = (
            transfer is not None
            and permissions.can_reverse(request.user)
            and transfer.kind != Transfer.Kind.REVERSAL
            and not Transfer.objects.filter(reverses=transfer).exists()
        )
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), "reversible": reversible}
        )

    def reconciliation_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_staff:
            raise PermissionDenied
        report = selectors.ledger_reconcile()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Time credits: reconciliation"),
            "report": report,
            "issued": format_minutes(report.issued),
            "held_by_people": format_minutes(report.held_by_people),
            "held_by_partners": format_minutes(report.held_by_partners),
            "kinds": [(Transfer.Kind(kind).label, count) for kind, count in report.transfers_by_kind.items()],
        }
        return TemplateResponse(request, "admin/timecredits/reconciliation.html", context)

    def reverse_view(self, request: HttpRequest, pk: str) -> HttpResponse:
        if not permissions.can_reverse(request.user):
            raise PermissionDenied
        transfer = get_object_or_404(
            Transfer.objects.select_related("recorded_by", "organisation", "offer"), pk=pk
        )
        form = ReverseForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            officer = request.user
            assert isinstance(officer, User)  # can_reverse: signed in
            try:
                reversal = services.transfer_reverse(
                    transfer=transfer,
                    reversed_by=officer,
                    reason=form.cleaned_data["reason"],
                    idempotency_key=form.key_for("reverse", officer),
                )
            except Refusal as refusal:
                refusal.add_to(form)
            else:
                messages.success(request, _("The transfer has been reversed."))
                return HttpResponseRedirect(reverse("admin:timecredits_transfer_change", args=[reversal.pk]))
        entries = Entry.objects.filter(transfer=transfer).select_related(
            "account__user", "account__organisation"
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Reverse a transfer"),
            "transfer": transfer,
            "entries": entries,
            "form": form,
        }
        return TemplateResponse(request, "admin/timecredits/transfer_reverse.html", context)


@admin.register(PartnerOffer)
class PartnerOfferAdmin(admin.ModelAdmin):
    list_display = [
        "title_en",
        "title_cy",
        "organisation",
        "price_shown",
        "places_left",
        "is_listed",
        "updated",
    ]
    list_filter = ["is_listed", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["title_en", "title_cy", "organisation__name_en", "organisation__name_cy"]
    autocomplete_fields = ["organisation"]
    fieldsets = [
        (None, {"fields": ["organisation", "price", "places_left", "is_listed"]}),
        (gettext_lazy("English"), {"fields": ["title_en", "description_en", "availability_en"]}),
        (gettext_lazy("Welsh"), {"fields": ["title_cy", "description_cy", "availability_cy"]}),
    ]

    @admin.display(description=gettext_lazy("price"), ordering="price")
    def price_shown(self, obj: PartnerOffer) -> str:
        return format_minutes(obj.price)

"""Admin for pledges and hours given (imported by ``conversations.admin``).

Both are read-only here: pledges change through ``services.pledges`` (the pledger withdraws, the
beat task lapses, thresholds bind), and hours given are credited through the ledger once, so
an edit in the admin would leave the ledger behind. Officers filter and look things up.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from timecredits.amounts import format_minutes
from vocaleyes.permissions import is_officer

from . import services
from .models import HoursClaim, HoursGiven, Pledge


class _ReadOnly(admin.ModelAdmin):
    """Officers see these, without model permissions handed out one by one; nobody edits them."""

    def has_view_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return is_officer(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_officer(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False


class HoursGivenInline(admin.TabularInline):
    model = HoursGiven
    fields = ("given_on", "minutes", "confirmed_by", "confirmed_at", "transfer")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False


@admin.register(Pledge)
class PledgeAdmin(_ReadOnly):
    list_display = ("person", "group", "kind", "time", "status", "threshold", "deadline", "created")
    list_filter = ("status", "kind", "group")
    list_select_related = ("person", "group")
    search_fields = ("person__display_name", "person__email", "group__name_en", "group__name_cy")
    date_hierarchy = "created"
    inlines = (HoursGivenInline,)

    @admin.display(description=_("time pledged"), ordering="minutes")
    def time(self, obj: Pledge) -> str:
        return format_minutes(obj.minutes) if obj.minutes else "—"


@admin.register(HoursGiven)
class HoursGivenAdmin(_ReadOnly):
    list_display = ("pledge", "time", "given_on", "confirmed_by", "confirmed_at", "credited")
    list_filter = ("pledge__group",)
    list_select_related = ("pledge__person", "pledge__group", "confirmed_by", "transfer")
    search_fields = ("pledge__person__display_name", "pledge__person__email", "idempotency_key")
    date_hierarchy = "given_on"
    readonly_fields = ("credited",)

    @admin.display(description=_("time given"), ordering="minutes")
    def time(self, obj: HoursGiven) -> str:
        return format_minutes(obj.minutes)

    @admin.display(description=_("credited by"))
    def credited(self, obj: HoursGiven) -> str:
        if obj.transfer_id is None:
            return "—"
        return render_to_string("admin/timecredits/transfer/_link.html", {"transfer": obj.transfer})


@admin.register(HoursClaim)
class HoursClaimAdmin(_ReadOnly):
    """Hours recorded for someone without an account: claimed through their link, never here."""

    list_display = ("email", "group", "time", "given_on", "recorded_by", "created", "state", "claimed_by")
    list_filter = ("group",)
    list_select_related = ("group", "recorded_by", "claimed_by")
    search_fields = ("email", "name", "claimed_by__display_name", "claimed_by__email")
    date_hierarchy = "given_on"
    exclude = ("secret",)

    @admin.display(description=_("time given"), ordering="minutes")
    def time(self, obj: HoursClaim) -> str:
        return format_minutes(obj.minutes)

    @admin.display(description=_("status"))
    def state(self, obj: HoursClaim) -> str:
        return services.hours_claim_status(obj)

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, SetUnusablePasswordMixin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Suspensions are moderation decisions: the conversations app's services record them in its
# moderation log, and its admin helper asks the officer for the reason.
from conversations import services as moderation
from conversations.admin_actions import ReasonForm, SuspensionForm, confirm_with_reason

from . import invitation_admin as invitation_admin  # registers GroupInvitationAdmin
from . import services
from .admin_site import SettingsAdmin
from .errors import Refusal
from .forms import TargetGroupImportForm
from .models import GroupMembership, Heartbeat, Organisation, OrganisationRole, TargetGroup, User
from .permission_names import TranslatedPermissionsMixin
from .permissions import is_officer, is_suspended


class PasswordChangeForm(AdminPasswordChangeForm):
    """Django 5.2 glues its help text to an English warning at import time (lazy string + str),
    so the admin's "set password" page stayed in English; this keeps both parts translatable."""

    usable_password_help_text = lazy(  # rendered in the language of each request
        lambda: render_to_string(
            "admin/auth/user/_usable_password_help.html",
            {
                "help_text": SetUnusablePasswordMixin.usable_password_help_text,
                "warning": _("If disabled, the current password for this user will be lost."),
            },
        ),
        str,
    )()


class SuspendedFilter(admin.SimpleListFilter):
    title = _("suspended")
    parameter_name = "suspended"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Suspended now")), ("no", _("Not suspended"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> QuerySet[User]:
        now = Q(suspended_at__isnull=False) & (
            Q(suspended_until__isnull=True) | Q(suspended_until__gt=timezone.now())
        )
        if self.value() == "yes":
            return queryset.filter(now)
        if self.value() == "no":
            return queryset.exclude(now)
        return queryset


@admin.register(User)
class UserAdmin(TranslatedPermissionsMixin, DjangoUserAdmin):
    change_password_form = PasswordChangeForm
    ordering = ["email"]
    list_display = [
        "email",
        "display_name",
        "language",
        "is_staff",
        "is_active",
        "suspension",
        "date_joined",
        "last_login",
    ]
    list_filter = ["is_staff", "is_superuser", "is_active", SuspendedFilter, "language", "groups"]
    readonly_fields = ["suspended_at", "suspended_until", "suspension_reason"]
    actions = ["suspend_selected", "unsuspend_selected"]
    search_fields = ["email", "display_name", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("display_name", "language", "first_name", "last_name")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
        (
            _("Suspension"),
            {
                "fields": ("suspended_at", "suspended_until", "suspension_reason"),
                "description": _(
                    "Suspend a person, or lift a suspension, with the actions on the list of users."
                ),
            },
        ),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "display_name", "language", "password1", "password2"),
            },
        ),
    )

    @admin.display(description=_("suspended"))
    def suspension(self, obj: User) -> str:
        if not is_suspended(obj):
            return "-"
        if obj.suspended_until is None:
            return gettext("Until lifted")
        return gettext("Until %(date)s") % {
            "date": date_format(timezone.localtime(obj.suspended_until), "j M Y")
        }

    @admin.action(description=_("Suspend: they can no longer post, comment, rate, report or vote"))
    def suspend_selected(self, request: HttpRequest, queryset: QuerySet[User]) -> TemplateResponse | None:
        return confirm_with_reason(
            self,
            request,
            queryset,
            action="suspend_selected",
            title=gettext("Suspend"),
            button=gettext("Suspend"),
            apply=lambda person, form: moderation.user_suspend(
                person=person,
                officer=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"],
                until=form.until(),  # type: ignore[attr-defined]
            ),
            form_class=SuspensionForm,
        )

    @admin.action(description=_("Lift the suspension"))
    def unsuspend_selected(self, request: HttpRequest, queryset: QuerySet[User]) -> TemplateResponse | None:
        return confirm_with_reason(
            self,
            request,
            queryset,
            action="unsuspend_selected",
            title=gettext("Lift the suspension"),
            button=gettext("Lift the suspension"),
            apply=lambda person, form: moderation.user_unsuspend(
                person=person,
                officer=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"],
            ),
            form_class=ReasonForm,
        )


# Django's GroupAdmin, with permission names in the page's language.
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(SettingsAdmin, TranslatedPermissionsMixin, DjangoGroupAdmin):
    pass


@admin.register(Heartbeat)
class HeartbeatAdmin(SettingsAdmin, admin.ModelAdmin):
    list_display = ["name", "beat_at"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class OrganisationRoleInline(admin.TabularInline):
    model = OrganisationRole
    extra = 0
    autocomplete_fields = ["user"]


PARENT_HELP = _(
    "For roll-up rankings: the regional or national organisation this one is part of, one level up "
    "or more (a local organisation in a regional or national one, a regional one in a national one). "
    "Its open, public conversations' ideas are then ranked together on that organisation's page. "
    "Leave empty for a national organisation."
)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_cy", "kind", "level", "parent", "conversation_count", "created"]
    list_filter = ["level", "kind"]
    list_select_related = ["parent"]
    search_fields = ["name_en", "name_cy", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    fields = [
        "name_en",
        "name_cy",
        "slug",
        "kind",
        "level",
        "parent",
        "contact_email",
        "contact_phone",
        "contact_url",
        "member_list",
    ]
    readonly_fields = ["member_list"]
    inlines = [OrganisationRoleInline]
    # A contact page typed without its scheme is on https, as every council's site is.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organisation]:
        return super().get_queryset(request).annotate(conversation_count=Count("conversations"))

    @admin.display(description=_("Member organisations"))
    def member_list(self, obj: Organisation) -> str:
        """The organisations that are part of this one, read-only: a member joins by choosing
        its parent on its own page, where the level rule is checked."""
        members = obj.members.order_by("name_en", "name_cy", "pk") if obj.pk else []
        return render_to_string("admin/vocaleyes/organisation/_members.html", {"members": members})

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        """Only regional and national organisations can hold others (``Organisation.clean``
        still checks that the parent is above this one's level)."""
        if db_field.name == "parent":
            kwargs["queryset"] = Organisation.objects.exclude(level=Organisation.Level.LOCAL)
            kwargs["help_text"] = PARENT_HELP
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("conversations"), ordering="conversation_count")
    def conversation_count(self, obj: Organisation) -> int:
        return obj.conversation_count  # type: ignore[attr-defined]


@admin.register(OrganisationRole)
class OrganisationRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created"]
    list_filter = ["role", "organisation"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__email", "user__display_name", "organisation__name_en", "organisation__name_cy"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(TargetGroup)
class TargetGroupAdmin(admin.ModelAdmin):
    """Target groups, with how many people belong to each. Memberships themselves are private:
    the admin never lists who belongs to which group, only counts."""

    list_display = [
        "name_en",
        "name_cy",
        "organisation",
        "kind",
        "population_size",
        "population_source",
        "self_declarable",
        "self_declared_count",
        "invited_count",
    ]
    list_filter = ["organisation", "kind", "self_declarable"]
    list_select_related = ["organisation"]
    search_fields = ["name_en", "name_cy"]
    readonly_fields = ["self_declared_count", "invited_count", "created"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[TargetGroup]:
        how = GroupMembership.How
        return (
            super()
            .get_queryset(request)
            .annotate(
                self_declared_count=Count("memberships", filter=Q(memberships__how=how.SELF_DECLARED)),
                invited_count=Count("memberships", filter=Q(memberships__how=how.INVITATION)),
            )
        )

    @admin.display(description=_("self-declared members"), ordering="self_declared_count")
    def self_declared_count(self, obj: TargetGroup) -> int:
        return obj.self_declared_count  # type: ignore[attr-defined]

    @admin.display(description=_("members through an invitation"), ordering="invited_count")
    def invited_count(self, obj: TargetGroup) -> int:
        return obj.invited_count  # type: ignore[attr-defined]

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="vocaleyes_targetgroup_import",
            ),
        ]
        return own + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Import an organisation's groups and their sizes from a CSV file: all rows or none."""
        if not (is_officer(request.user) and self.has_add_permission(request)):
            raise PermissionDenied
        form = TargetGroupImportForm(request.POST or None, request.FILES or None)
        problems: list[str] = []
        if request.method == "POST" and form.is_valid():
            try:
                result = services.target_groups_import_csv(
                    organisation=form.cleaned_data["organisation"],
                    file=form.cleaned_data["file"],
                    officer=request.user,  # type: ignore[arg-type]
                )
            except services.ImportRefusal as refusal:
                refusal.add_to(form)
                problems = refusal.problems
            except Refusal as refusal:
                refusal.add_to(form)
            else:
                self.message_user(
                    request,
                    gettext("Imported: %(created)s new groups, %(updated)s sizes updated.")
                    % {"created": result.created, "updated": result.updated},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:vocaleyes_targetgroup_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Import groups from CSV"),
            "form": form,
            "problems": problems,
        }
        return TemplateResponse(request, "admin/vocaleyes/targetgroup/import.html", context)

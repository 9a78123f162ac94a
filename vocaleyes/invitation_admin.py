"""Invitation links in the admin (officers): create one for a group, copy its full link, see its
uses, expiry and status, and revoke it. The rules are ``vocaleyes.services``' invitation
functions; the link is built for the request's site and language."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import services
from .errors import Refusal
from .models import GroupInvitation, User

# The request being answered, for links to the site it came to (set at each admin entry point).
_request: ContextVar[HttpRequest | None] = ContextVar("invitation_admin_request", default=None)


class GroupInvitationForm(forms.ModelForm):
    class Meta:
        model = GroupInvitation
        fields = ["group", "expires_at", "max_uses"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        expires_at, max_uses = cleaned.get("expires_at"), cleaned.get("max_uses")
        if expires_at is not None and max_uses is not None:
            try:
                services.invitation_check_terms(expires_at=expires_at, max_uses=max_uses)
            except Refusal as refusal:
                refusal.add_to(self)
        return cleaned


@admin.register(GroupInvitation)
class GroupInvitationAdmin(admin.ModelAdmin):
    form = GroupInvitationForm
    list_filter = ["group__organisation"]
    list_select_related = ["group__organisation", "created_by"]
    actions = ["revoke"]

    def get_list_display(self, request: HttpRequest) -> list[str]:  # type: ignore[override]
        _request.set(request)
        return ["group", "status", "uses_of_max", "expires_at", "created_by", "link"]

    def get_readonly_fields(self, request: HttpRequest, obj: GroupInvitation | None = None) -> list[str]:
        _request.set(request)
        if obj is None:
            return []
        return [
            "group",
            "expires_at",
            "max_uses",
            "uses",
            "status",
            "link",
            "created_by",
            "created",
            "revoked_at",
            "revoked_by",
        ]

    @admin.display(description=_("link to copy"))
    def link(self, invitation: GroupInvitation) -> str:
        request = _request.get()
        path = reverse("join", kwargs={"token": services.invitation_token(invitation)})
        url = request.build_absolute_uri(path) if request is not None else path
        return render_to_string("admin/vocaleyes/groupinvitation/_link.html", {"url": url})

    @admin.display(description=_("status"))
    def status(self, invitation: GroupInvitation) -> str:
        return services.invitation_status(invitation)

    @admin.display(description=_("uses"))
    def uses_of_max(self, invitation: GroupInvitation) -> str:
        return f"{invitation.uses} / {invitation.max_uses}"

    def save_model(self, request: HttpRequest, obj: GroupInvitation, form: Any, change: bool) -> None:
        if change:  # an invitation is not edited: revoke it and make a new one
            return
        user: User = request.user  # type: ignore[assignment]
        created = services.invitation_create(
            group=obj.group, by=user, expires_at=obj.expires_at, max_uses=obj.max_uses
        )
        obj.pk = created.pk
        obj.refresh_from_db()

    @admin.action(description=_("Revoke the selected invitations"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[GroupInvitation]) -> None:
        user: User = request.user  # type: ignore[assignment]
        count = 0
        for invitation in queryset.select_related("group"):
            try:
                services.invitation_revoke(invitation=invitation, by=user)
            except Refusal as refusal:
                self.message_user(request, refusal.message, messages.ERROR)
                return
            count += 1
        self.message_user(request, gettext("Revoked invitations: %(count)s.") % {"count": count})

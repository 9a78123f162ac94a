"""The officers' admin site: what waits for review first, plumbing out of the way (issue 13).

The index opens with a *To review* group: every registered ``ModelAdmin`` that is a
``ReviewQueue`` (ideas and comments to review, open reports, and any queue added later), with how
many items are waiting and a link to its list filtered to them. The models in it are taken out of
their own apps' groups, so each appears once, in the sidebar too.

Plumbing (``SettingsAdmin``: heartbeats, permission groups, ranking runs, export files) is not
shown to officers at all; superusers find it in a *Settings* group at the end. A group rather than
"by URL only" because superusers do manage permission groups there, and a link they can find is
better than an address they must remember.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _


class ReviewQueue:
    """A list of things waiting for an officer's decision, for a ``ModelAdmin`` to mix in.

    ``review_filter`` is the list's query string that shows only what waits ("" when the list
    is the queue); ``review_waiting(request)`` counts it; ``review_order`` places it in the
    group (lowest first)."""

    review_filter = ""
    review_order = 100

    def review_waiting(self, request: HttpRequest) -> int:
        raise NotImplementedError


class SettingsAdmin:
    """Plumbing for a ``ModelAdmin`` to mix in: hidden from officers, in *Settings* for superusers."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)


class VocalEyesAdminSite(admin.AdminSite):
    site_header = "VocalEyes"
    site_title = "VocalEyes"

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict[str, Any]]:
        app_list = super().get_app_list(request, app_label)
        if app_label is not None:
            return app_list  # an app's own page lists all its models
        review: list[dict[str, Any]] = []
        settings: list[dict[str, Any]] = []
        for app in app_list:
            kept = []
            for model in app["models"]:
                model_admin = self._registry.get(model["model"])
                if isinstance(model_admin, ReviewQueue):
                    review.append(model)
                elif isinstance(model_admin, SettingsAdmin):
                    settings.append(model)
                else:
                    kept.append(model)
            app["models"] = kept
        app_list = [app for app in app_list if app["models"]]
        if review:
            review.sort(key=lambda model: self._registry[model["model"]].review_order)  # type: ignore[attr-defined]
            app_list.insert(0, self._group(_("To review"), "review", review))
        if settings:
            settings.sort(key=lambda model: str(model["name"]))
            app_list.append(self._group(_("Settings"), "settings", settings))
        return app_list

    @staticmethod
    def _group(name: Any, label: str, models: list[dict[str, Any]]) -> dict[str, Any]:
        # No app_url: the group is ours, not an app's, so it has no page of its own.
        return {"name": name, "app_label": label, "app_url": "", "has_module_perms": True, "models": models}

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        """The index, with how many items wait in each review queue and links to just those."""
        app_list = self.get_app_list(request)
        for app in app_list:
            if app["app_label"] != "review":
                continue
            for model in app["models"]:
                model_admin = self._registry[model["model"]]
                assert isinstance(model_admin, ReviewQueue)
                model["waiting"] = model_admin.review_waiting(request)
                query = model_admin.review_filter
                model["review_url"] = f"{model['admin_url']}?{query}" if query else model["admin_url"]
        return super().index(request, {"app_list": app_list, **(extra_context or {})})


class VocalEyesAdminConfig(AdminConfig):
    """``django.contrib.admin`` with our site as ``admin.site`` (INSTALLED_APPS)."""

    default_site = "vocaleyes.admin_site.VocalEyesAdminSite"

    def ready(self) -> None:
        super().ready()
        from . import admin_boolean_icons

        admin_boolean_icons.install()

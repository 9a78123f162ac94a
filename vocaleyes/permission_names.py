"""Permission names in the reader's language.

Django stores ``Permission.name`` in English when it creates the permissions ("Can add idea"),
so the admin's permission pickers were English on Welsh pages. The four default permissions
are rebuilt at display time from the codename's action and the model's translated
``verbose_name``; any other permission falls back to its stored name, translated when a
catalogue has it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_name(permission: Permission) -> str:
    """The permission's name, such as "Can add idea" or "Gall ychwanegu syniad"."""
    model = permission.content_type.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    if model is not None and action in ACTIONS and model_name == model._meta.model_name:
        return str(ACTIONS[action]) % {"model": model._meta.verbose_name}
    return gettext(permission.name)


def permission_label(permission: Permission) -> str:
    """What the admin's pickers show: app | model | permission, all translated."""
    model = permission.content_type.model_class()
    if model is None:
        return permission_name(permission)
    meta = model._meta
    return f"{meta.app_config.verbose_name} | {meta.verbose_name} | {permission_name(permission)}"


class TranslatedPermissionsMixin:
    """For a ModelAdmin: label the permission pickers in the page's language."""

    def formfield_for_manytomany(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
        if field is not None and db_field.remote_field.model is Permission:
            field.label_from_instance = permission_label
        return field

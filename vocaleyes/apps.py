from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VocalEyesConfig(AppConfig):
    name = "vocaleyes"
    verbose_name = _("Accounts and site")
    default_auto_field = "django.db.models.BigAutoField"

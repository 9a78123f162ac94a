from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TimecreditsConfig(AppConfig):
    verbose_name = _("Time credits")
    name = "timecredits"
    default_auto_field = "django.db.models.BigAutoField"

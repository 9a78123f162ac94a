from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetingConfig(AppConfig):
    verbose_name = _("Participatory budgeting")
    name = "budgeting"
    default_auto_field = "django.db.models.BigAutoField"

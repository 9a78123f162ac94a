"""The Celery application.

Tasks are autodiscovered in every installed app's ``tasks.py``. Without ``REDIS_URL`` the settings
make every task run eagerly in the calling process (the embedded default).
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vocaleyes.settings")

app = Celery("vocaleyes")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

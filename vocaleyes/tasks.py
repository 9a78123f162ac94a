"""Site-wide background tasks."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .models import Heartbeat


@shared_task(name="vocaleyes.tasks.heartbeat")
def heartbeat(name: str = "worker") -> str:
    """Record that a worker ran a task just now; /healthz reports its age."""
    now = timezone.now()
    Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": now})
    return now.isoformat()

"""Site-wide background tasks."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .deletion import accounts_delete_inactive
from .models import Heartbeat


@shared_task(name="vocaleyes.tasks.heartbeat")
def heartbeat(name: str = "worker") -> str:
    """Record that a worker ran a task just now; /healthz reports its age."""
    now = timezone.now()
    Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": now})
    return now.isoformat()


@shared_task(name="vocaleyes.tasks.delete_inactive_accounts")
def delete_inactive_accounts() -> dict[str, int]:
    """Beat, daily: delete accounts nobody has signed in to for ACCOUNT_RETENTION_YEARS (issue 14)."""
    run = accounts_delete_inactive()
    return {"deleted": run.deleted, "skipped": run.skipped}

"""Background work for conversations: the priority ranking, moderation emails, large exports."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import export_jobs, ranking_runs, ranking_store, services
from .services import pledges


@shared_task(name="conversations.tasks.recompute_ranking")
def recompute_ranking(conversation_id: int) -> dict[str, object]:
    """Recompute one conversation's ranking (queued by ``ranking_runs.ranking_schedule``)."""
    summary = ranking_runs.ranking_recompute(conversation_id=conversation_id)
    return {
        "conversation": conversation_id,
        "ideas": summary.idea_count,
        "ratings": summary.rating_count,
        "ms": summary.duration_ms,
    }


@shared_task(name="conversations.tasks.recompute_rankings")
def recompute_rankings() -> list[int]:
    """The periodic run (beat): every open conversation, and any other with a run still queued,
    then every organisation's roll-up. Returns the conversations' ids.

    It refreshes rankings even if a queued task was lost, and picks up changes that did not
    come through a rating (an idea hidden by moderation, say).
    """
    done = []
    for scope in ranking_store.scopes_due():
        ranking_runs.recompute(scope)
        if scope.kind == "conversation":
            done.append(scope.pk)
    return done


@shared_task(name="conversations.tasks.notify_moderation_decision")
def notify_moderation_decision(decision_id: int) -> bool:
    """Email the person a moderation decision is about (queued by the moderation services)."""
    return services.decision_notify(decision_id=decision_id)


@shared_task(name="conversations.tasks.run_export")
def run_export(job_id: int) -> dict[str, object]:
    """Make a large export's file (queued by ``export_jobs.export_job_create``)."""
    job = export_jobs.export_job_run(job_id=job_id)
    return {"job": job_id, "status": job.status, "rows": job.rows_done}


@shared_task(name="conversations.tasks.expire_exports")
def expire_exports() -> int:
    """The daily run (beat): delete export files kept longer than ``EXPORT_KEEP_DAYS``."""
    older_than = timezone.now() - timedelta(days=settings.EXPORT_KEEP_DAYS)
    return export_jobs.export_jobs_expire(older_than=older_than)


@shared_task(name="conversations.tasks.notify_idea_response")
def notify_idea_response(response_id: int) -> bool:
    """Email an idea's author its official response (queued by ``idea_respond``)."""
    return services.idea_response_notify(response_id=response_id)


@shared_task(name="conversations.tasks.send_follow_digests")
def send_follow_digests() -> int:
    """The daily run (beat): each follower's digest of what happened to what they follow."""
    return services.digests_send(now=timezone.now())


@shared_task(name="conversations.tasks.lapse_due_pledges")
def lapse_due_pledges() -> int:
    """The periodic run (beat): conditional pledges whose deadline passed first lapse."""
    return pledges.pledges_lapse_due()


@shared_task(name="conversations.tasks.send_pledge_outcome")
def send_pledge_outcome(pledge_id: int) -> bool:
    """Tell a pledger that their conditional pledge bound or lapsed (queued on commit)."""
    return pledges.pledge_outcome_send(pledge_id=pledge_id)


@shared_task(name="conversations.tasks.send_hours_claim")
def send_hours_claim(claim_id: int) -> bool:
    """Email someone without an account the link to claim their hours (queued on commit)."""
    return services.hours_claim_send(claim_id=claim_id)

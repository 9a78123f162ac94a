"""The prioritised action list made as a file in the background: the export jobs' writes.

A large conversation's action list is too big to make inside a request, so a facilitator asks
for it (``export_job_create``), a Celery task makes the file (``export_job_run``, idempotent:
the job is taken by one conditional UPDATE), and files are deleted when moderation hides an
idea they hold or after ``EXPORT_KEEP_DAYS`` (``export_jobs_expire``). The rows themselves are
``conversations.exports``'.
"""

from __future__ import annotations

import logging
import tempfile
import time
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vocaleyes.errors import Refusal
from vocaleyes.permissions import suspension_refusal

from . import permissions
from .models import Conversation, ExportJob

if TYPE_CHECKING:
    from vocaleyes.models import User

logger = logging.getLogger(__name__)


def export_refusal(*, conversation: Conversation, user: User) -> Refusal | None:
    """Why this person may not export the conversation's action list now, in whatever form
    (CSV or XLSX straight away, the printable page, or a file made in the background), or None:
    a suspended facilitator or officer is told about the suspension."""
    if refusal := suspension_refusal(user):
        return refusal
    if not permissions.can_export(user, conversation):
        return Refusal(_("Only the conversation's facilitators can export its action list."), forbidden=True)
    return None


def export_check(*, conversation: Conversation, user: User) -> None:
    """Raise ``export_refusal``, if there is one."""
    if refusal := export_refusal(conversation=conversation, user=user):
        raise refusal


def export_job_create(
    *, conversation: Conversation, user: User, file_format: str, language: str
) -> ExportJob:
    """Ask for the action list as a file made in the background (for large conversations)."""
    export_check(conversation=conversation, user=user)
    if file_format not in ExportJob.Format.values:
        raise Refusal(_("Choose CSV or Excel (XLSX)."), field="format")
    with transaction.atomic():
        job = ExportJob.objects.create(
            conversation=conversation, requested_by=user, format=file_format, language=language[:2]
        )
        transaction.on_commit(partial(_queue_export, job_id=job.pk))
    return job


def _queue_export(*, job_id: int) -> None:
    from .tasks import run_export

    run_export.delay(job_id)


EXPORT_PROGRESS_SECONDS = 0.5


def export_job_run(*, job_id: int) -> ExportJob:
    """Make an export job's file, moving its progress on as rows are written.

    Taking the job is one conditional UPDATE (queued → running), so a task delivered twice
    makes the file once. Progress is written outside any transaction, so the progress page
    sees it while the export runs.
    """
    from . import exports

    taken = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, started_at=timezone.now()
    )
    job = ExportJob.objects.select_related("conversation").get(pk=job_id)
    if not taken:
        return job
    conversation = job.conversation
    try:
        total = exports.action_list_count(conversation)
        ExportJob.objects.filter(pk=job_id).update(total_rows=total)

        last_update = time.monotonic()

        def progress(rows_done: int) -> None:
            # Twice a second is plenty for a progress bar; a committed UPDATE per chunk waited
            # on the disk more than the export itself took.
            nonlocal last_update
            if time.monotonic() - last_update >= EXPORT_PROGRESS_SECONDS:
                ExportJob.objects.filter(pk=job_id).update(rows_done=rows_done)
                last_update = time.monotonic()

        with translation.override(job.language), tempfile.TemporaryFile() as scratch:
            if job.format == ExportJob.Format.CSV:
                written = exports.write_csv(conversation, scratch, progress=progress)
            else:
                written = exports.write_xlsx(conversation, scratch, progress=progress)
            scratch.seek(0)
            name = exports.filename(conversation, job.format, stamp=timezone.now())
            job.file.save(name, File(scratch), save=False)
        ExportJob.objects.filter(pk=job_id).update(
            file=job.file.name,
            rows_done=written,
            total_rows=written,
            status=ExportJob.Status.DONE,
            finished_at=timezone.now(),
        )
    except Exception as error:
        logger.exception("Export %s failed", job_id)
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportJob.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
    job.refresh_from_db()
    return job


def export_jobs_expire(*, conversation_id: int | None = None, older_than: datetime | None = None) -> int:
    """Delete the files of finished exports (of one conversation, or made before ``older_than``)
    and mark them out of date. Returns how many."""
    jobs = ExportJob.objects.filter(status=ExportJob.Status.DONE)
    if conversation_id is not None:
        jobs = jobs.filter(conversation_id=conversation_id)
    if older_than is not None:
        jobs = jobs.filter(finished_at__lt=older_than)
    expired = 0
    for job in jobs.only("pk", "file"):
        # The row first: once it says expired, nobody is handed the file, whatever happens next.
        if ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.DONE).update(
            status=ExportJob.Status.EXPIRED, file=""
        ):
            job.file.delete(save=False)
            expired += 1
    return expired

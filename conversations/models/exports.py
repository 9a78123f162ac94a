"""Export jobs: prioritised action lists made as files in the background."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .conversations import Conversation


class ExportJob(models.Model):
    """A prioritised action list too large to make inside a request, made by a Celery task.

    The task counts the rows first (``total_rows``) and moves ``rows_done`` on as it writes, so
    the progress page can show how far it has got. The file lives under ``MEDIA_ROOT`` and is
    handed out only by the download view, to the person who asked for it and to officers. It is
    deleted (the job *expired*) when an idea of the conversation is hidden or held for review,
    so a file made earlier never hands out what moderation has since taken down, and after
    ``EXPORT_KEEP_DAYS`` in any case.
    """

    class Format(models.TextChoices):
        CSV = "csv", _("CSV")
        XLSX = "xlsx", _("Excel spreadsheet (XLSX)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        # The file was deleted: an idea in it has since been hidden, or it was kept long enough.
        EXPIRED = "expired", _("Out of date")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="export_jobs", verbose_name=_("conversation")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="export_jobs",
        verbose_name=_("requested by"),
    )
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    # The language of the headers and labels: the facilitator's when they asked.
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(_("rows to write"), default=0)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(_("what went wrong"), blank=True)
    created = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(format__in=["csv", "xlsx"]), name="export_format_valid"),
            models.CheckConstraint(condition=~Q(status="done") | ~Q(file=""), name="export_done_has_a_file"),
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id} {self.format} {self.get_status_display()}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.rows_done * 100 // self.total_rows)

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.EXPIRED)

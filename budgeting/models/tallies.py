"""Counts of a round and the outcomes they store (see the package docstring)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .rounds import BudgetProject, BudgetRound


class TallyQuerySet(models.QuerySet["Tally"]):
    def live(self) -> TallyQuerySet:
        return self.filter(status__in=[Tally.Status.QUEUED, Tally.Status.RUNNING])


class Tally(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Counting")
        DONE = "done", _("Counted")
        FAILED = "failed", _("Failed")

    round = models.ForeignKey(
        BudgetRound, on_delete=models.CASCADE, related_name="tallies", verbose_name=_("budget round")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created = models.DateTimeField(_("requested"), default=timezone.now)
    started = models.DateTimeField(_("started"), null=True, blank=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    ballots = models.PositiveIntegerField(_("ballots counted"), default=0)
    votes = models.PositiveIntegerField(_("votes counted"), default=0)
    duration_ms = models.PositiveIntegerField(_("time taken (ms)"), default=0)
    error = models.TextField(_("error"), blank=True)

    objects: ClassVar[TallyQuerySet] = TallyQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("count")
        verbose_name_plural = _("counts")
        get_latest_by = "created"
        constraints = [
            models.UniqueConstraint(
                fields=["round"],
                condition=Q(status__in=["queued", "running"]),
                name="one_live_tally_per_round",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="tally_progress_at_most_100"),
        ]
        indexes = [models.Index(fields=["round", "status", "-created"], name="tally_latest_idx")]

    def __str__(self) -> str:
        return f"{self.round} — {self.get_status_display()} ({self.created:%Y-%m-%d %H:%M})"

    @property
    def is_live(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class Outcome(models.Model):
    tally = models.ForeignKey(Tally, on_delete=models.CASCADE, related_name="outcomes")
    rule = models.CharField(_("rule"), max_length=12, choices=BudgetRound.Rule.choices)
    completion = models.CharField(_("completion"), max_length=12, choices=BudgetRound.Completion.choices)
    is_primary = models.BooleanField(_("the round's own rule"), default=True)
    budget = models.DecimalField(_("budget"), max_digits=14, decimal_places=2)
    spent = models.DecimalField(_("spent"), max_digits=14, decimal_places=2)
    per_voter_budget = models.FloatField(_("each voter's share"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("time taken (ms)"), default=0)

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        constraints = [
            models.UniqueConstraint(fields=["tally", "is_primary"], name="one_outcome_per_role_per_tally"),
            models.CheckConstraint(condition=Q(spent__lte=models.F("budget")), name="outcome_within_budget"),
        ]

    def __str__(self) -> str:
        return f"{self.tally} — {self.get_rule_display()}"


class OutcomeProject(models.Model):
    class Reason(models.TextChoices):
        NO_SUPPORTERS = "no_supporters", _("Nobody voted for it")
        SUPPORTERS_RAN_OUT = "supporters_ran_out", _("Its supporters' shares ran out")
        DID_NOT_FIT = "did_not_fit", _("It did not fit in what was left")
        ZERO_COST = "zero_cost", _("It costs nothing")

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="lines")
    project = models.ForeignKey(BudgetProject, on_delete=models.RESTRICT, related_name="+")
    votes = models.PositiveIntegerField(_("supporters"))
    score = models.PositiveIntegerField(_("votes or points"))
    position = models.PositiveIntegerField(_("funded in place"), null=True, blank=True)
    stage = models.CharField(_("funded by"), max_length=12, blank=True)
    # Equal Shares: how the cost was shared (see budgeting.rules.Share).
    rho = models.FloatField(null=True, blank=True)
    full_share = models.FloatField(null=True, blank=True)
    paid_full_share = models.PositiveIntegerField(null=True, blank=True)
    paid_all_they_had = models.PositiveIntegerField(null=True, blank=True)
    total_paid = models.FloatField(null=True, blank=True)
    # Not funded: why (see budgeting.rules.Rejection).
    reason = models.CharField(_("why it was not funded"), max_length=20, choices=Reason.choices, blank=True)
    budget_left = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    supporters_money = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("project outcome")
        verbose_name_plural = _("project outcomes")
        constraints = [
            models.UniqueConstraint(fields=["outcome", "project"], name="one_line_per_project_per_outcome"),
            models.CheckConstraint(
                condition=(Q(position__isnull=False) & Q(reason=""))
                | (Q(position__isnull=True) & ~Q(reason="")),
                name="outcome_line_funded_or_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outcome} — {self.project}"

    @property
    def funded(self) -> bool:
        return self.position is not None

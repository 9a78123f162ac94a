"""Projects residents propose during a round's proposals phase, and the facilitators' review.

A ``Proposal`` is one resident's idea for a project, written in one language (``language``),
with their estimate of its cost. Facilitators review it before voting opens: *feasible* (it
becomes a ``BudgetProject`` on the ballot, ``project``, at the cost they settle on) or *not
feasible*, which needs a ``reason``. The proposer sees the decision and the reason on the round
page; other residents see only the projects on the ballot. Moderation is the same as for ideas
(``ContentStatus``): a hidden proposal appears nowhere (``ProposalQuerySet.visible``).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from conversations.models import ContentStatus

from .rounds import BudgetProject, BudgetRound


class ProposalQuerySet(models.QuerySet["Proposal"]):
    def visible(self) -> ProposalQuerySet:
        """What anyone may be shown: moderation has not hidden it."""
        return self.exclude(moderation=ContentStatus.HIDDEN)


class Proposal(models.Model):
    class Decision(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        FEASIBLE = "feasible", _("Feasible: on the ballot")
        NOT_FEASIBLE = "not_feasible", _("Not feasible")

    round = models.ForeignKey(
        BudgetRound, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("budget round")
    )
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="budget_proposals",
        verbose_name=_("proposed by"),
    )
    language = models.CharField(
        _("language"), max_length=2, choices=[("en", _("English")), ("cy", _("Welsh"))]
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    estimated_cost = models.DecimalField(
        _("estimated cost"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    decision = models.CharField(
        _("decision"), max_length=12, choices=Decision.choices, default=Decision.PENDING
    )
    reason = models.TextField(_("reason for the decision"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed = models.DateTimeField(_("reviewed"), null=True, blank=True)
    project = models.OneToOneField(
        BudgetProject,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposal",
        verbose_name=_("project on the ballot"),
    )
    moderation = models.CharField(
        _("moderation"), max_length=10, choices=ContentStatus.choices, default=ContentStatus.PUBLISHED
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    objects: ClassVar[ProposalQuerySet] = ProposalQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("project proposal")
        verbose_name_plural = _("project proposals")
        ordering = ["round", "created", "pk"]
        indexes = [models.Index(fields=["round", "proposer"], name="proposal_round_proposer_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_cost__gte=0),
                name="proposal_cost_not_negative",
                violation_error_message=_("The cost cannot be negative."),
            ),
            models.CheckConstraint(
                condition=~Q(decision="not_feasible") | ~Q(reason=""),
                name="proposal_not_feasible_has_a_reason",
                violation_error_message=_("Say why the proposal is not feasible."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

"""Ballots (online, paper, imported) and their votes (see the package docstring)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .rounds import BudgetProject, BudgetRound


class Ballot(models.Model):
    class Kind(models.TextChoices):
        ONLINE = "online", _("Online")
        PAPER = "paper", _("Paper")
        IMPORTED = "imported", _("Imported")

    round = models.ForeignKey(
        BudgetRound, on_delete=models.CASCADE, related_name="ballots", verbose_name=_("budget round")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ONLINE)
    # A person who deletes their account takes their ballot with them; outcomes already counted
    # are stored apart and do not change.
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="budget_ballots",
        verbose_name=_("voter"),
    )
    paper_reference = models.CharField(
        _("paper reference"),
        max_length=60,
        blank=True,
        help_text=_("The number written on the paper ballot (or the voter id in an imported file)."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created = models.DateTimeField(_("cast"), auto_now_add=True)
    updated = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "voter"],
                condition=Q(voter__isnull=False),
                name="one_ballot_per_voter_per_round",
                violation_error_message=_("You already have a ballot in this round."),
            ),
            models.UniqueConstraint(
                fields=["round", "paper_reference"],
                condition=~Q(paper_reference=""),
                name="paper_reference_unique_in_round",
                violation_error_message=_("A ballot with this paper reference is already entered."),
            ),
            models.CheckConstraint(
                condition=(Q(kind="online") & Q(voter__isnull=False) & Q(paper_reference=""))
                | (Q(kind__in=["paper", "imported"]) & Q(voter__isnull=True) & ~Q(paper_reference="")),
                name="ballot_online_has_voter_paper_has_reference",
                violation_error_message=_(
                    "An online ballot has a voter; a paper or imported ballot has a reference and no voter."
                ),
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.ONLINE:
            return str(_("Online ballot %(number)s") % {"number": self.pk})
        return str(_("Paper ballot %(reference)s") % {"reference": self.paper_reference})

    def get_absolute_url(self) -> str:
        return reverse("budgeting:ballot_receipt", kwargs={"slug": self.round.slug, "pk": self.pk})


class PaperBallot(Ballot):
    """Paper ballots alone, for the admin where officers type them in."""

    class Meta:
        proxy = True
        verbose_name = _("paper ballot")
        verbose_name_plural = _("paper ballots")


class Vote(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="votes")
    # Repeats ballot.round so a round's votes come from one index scan when counting.
    round = models.ForeignKey(BudgetRound, on_delete=models.CASCADE, related_name="+")
    # RESTRICT: a project with votes cannot be deleted on its own, only with its whole round.
    project = models.ForeignKey(BudgetProject, on_delete=models.RESTRICT, related_name="votes")
    points = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "project"], name="one_vote_per_project_per_ballot"),
            models.CheckConstraint(condition=Q(points__gte=1), name="vote_points_positive"),
        ]
        indexes = [models.Index(fields=["round", "ballot"], name="vote_round_idx")]

    def __str__(self) -> str:
        return f"{self.ballot_id} → {self.project_id} ({self.points})"

"""Budget rounds, their phases, and the projects people vote for (see the package docstring)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conversations.models import ContentStatus, Conversation, Idea
from vocaleyes.i18n import Bilingual


class Phase(models.TextChoices):
    UPCOMING = "upcoming", _("Not started")
    PROPOSALS = "proposals", _("Proposals")
    REVIEW = "review", _("Review")
    VOTING = "voting", _("Voting")
    RESULTS = "results", _("Results")


class BudgetRoundQuerySet(models.QuerySet["BudgetRound"]):
    def listed(self) -> BudgetRoundQuerySet:
        """Rounds anyone may see: those of conversations anyone may see."""
        return self.filter(conversation__in=Conversation.objects.listed())

    def awaiting_count(self, now: datetime | None = None) -> BudgetRoundQuerySet:
        """Rounds whose voting has closed and that have no count started since it closed."""
        from .tallies import Tally  # tallies.py imports this module: the count is built on rounds

        now = now or timezone.now()
        counted_since_close = Tally.objects.filter(
            round=models.OuterRef("pk"), created__gte=models.OuterRef("voting_closes")
        )
        return self.filter(voting_closes__lte=now).exclude(models.Exists(counted_since_close))


class BudgetRound(models.Model):
    class BallotType(models.TextChoices):
        APPROVAL = "approval", _("Approval within the budget")
        K_APPROVAL = "k_approval", _("Choose up to a number of projects")
        CUMULATIVE = "cumulative", _("Spread points")

    class Rule(models.TextChoices):
        GREEDY = "greedy", _("Greedy: most votes first")
        EQUAL_SHARES = "equal-shares", _("Method of Equal Shares")

    class Completion(models.TextChoices):
        NONE = "none", _("None")
        ADD1 = "add1", _("Raise every voter's share while the result stays within budget")
        ADD1_GREEDY = "add1+greedy", _("Raise every voter's share, then fill what is left by votes")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.PROTECT, related_name="budget_rounds", verbose_name=_("conversation")
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_cy = models.CharField(_("title (Welsh)"), max_length=200, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_cy = models.TextField(_("description (Welsh)"), blank=True)
    budget = models.DecimalField(
        _("total budget"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    currency = models.CharField(
        _("currency"), max_length=3, default="GBP", help_text=_("Three-letter code, such as GBP or EUR.")
    )
    proposals_open = models.DateTimeField(_("proposals open"))
    review_opens = models.DateTimeField(_("review opens"))
    voting_opens = models.DateTimeField(_("voting opens"))
    voting_closes = models.DateTimeField(_("voting closes"), help_text=_("Results follow."))
    ballot_type = models.CharField(
        _("ballot type"), max_length=12, choices=BallotType.choices, default=BallotType.APPROVAL
    )
    max_projects = models.PositiveSmallIntegerField(
        _("most projects a voter may choose"),
        null=True,
        blank=True,
        help_text=_("For k-approval ballots only."),
    )
    points = models.PositiveIntegerField(
        _("points each voter spreads"), null=True, blank=True, help_text=_("For cumulative ballots only.")
    )
    rule = models.CharField(_("outcome rule"), max_length=12, choices=Rule.choices, default=Rule.EQUAL_SHARES)
    completion = models.CharField(
        _("completion"),
        max_length=12,
        choices=Completion.choices,
        default=Completion.ADD1_GREEDY,
        help_text=_("For the Method of Equal Shares only; greedy has none."),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    title = Bilingual("title")
    description = Bilingual("description")

    objects: ClassVar[BudgetRoundQuerySet] = BudgetRoundQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("budget round")
        verbose_name_plural = _("budget rounds")
        ordering = ["-voting_opens"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(title_en="") | ~Q(title_cy=""),
                name="budget_round_has_a_title",
                violation_error_message=_("Give the round a title in English or Welsh."),
            ),
            models.CheckConstraint(
                condition=Q(budget__gt=0),
                name="budget_round_budget_positive",
                violation_error_message=_("The budget must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(proposals_open__lte=models.F("review_opens"))
                & Q(review_opens__lte=models.F("voting_opens"))
                & Q(voting_opens__lt=models.F("voting_closes")),
                name="budget_round_phases_in_order",
                violation_error_message=_(
                    "The phases must follow one another: proposals, then review, then voting, which "
                    "must close after it opens."
                ),
            ),
            models.CheckConstraint(
                condition=(
                    Q(ballot_type="k_approval") & Q(max_projects__isnull=False) & Q(max_projects__gte=1)
                )
                | (~Q(ballot_type="k_approval") & Q(max_projects__isnull=True)),
                name="budget_round_k_for_k_approval",
                violation_error_message=_(
                    "Give the most projects a voter may choose for k-approval ballots, and only for them."
                ),
            ),
            models.CheckConstraint(
                condition=(Q(ballot_type="cumulative") & Q(points__isnull=False) & Q(points__gte=1))
                | (~Q(ballot_type="cumulative") & Q(points__isnull=True)),
                name="budget_round_points_for_cumulative",
                violation_error_message=_(
                    "Give the points each voter spreads for cumulative ballots, and only for them."
                ),
            ),
            models.CheckConstraint(
                condition=Q(rule="equal-shares") | Q(completion="none"),
                name="budget_round_completion_for_equal_shares",
                violation_error_message=_("Only the Method of Equal Shares has a completion."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.title)

    def get_absolute_url(self) -> str:
        return reverse("budgeting:round", kwargs={"slug": self.slug})

    def phase_at(self, when: datetime | None = None) -> Phase:
        now = when or timezone.now()
        if now < self.proposals_open:
            return Phase.UPCOMING
        if now < self.review_opens:
            return Phase.PROPOSALS
        if now < self.voting_opens:
            return Phase.REVIEW
        if now < self.voting_closes:
            return Phase.VOTING
        return Phase.RESULTS

    @property
    def phase(self) -> Phase:
        return self.phase_at()

    @property
    def comparison_rule(self) -> tuple[str, str]:
        """The other rule, shown beside the round's own for comparison: (rule, completion)."""
        if self.rule == self.Rule.GREEDY:
            return self.Rule.EQUAL_SHARES, self.Completion.ADD1_GREEDY
        return self.Rule.GREEDY, self.Completion.NONE


class BudgetProject(models.Model):
    round = models.ForeignKey(
        BudgetRound, on_delete=models.CASCADE, related_name="projects", verbose_name=_("budget round")
    )
    code = models.CharField(
        _("code"),
        max_length=40,
        help_text=_("Unique in the round; exact ties go to the lower code. Used in the open-data download."),
    )
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_cy = models.CharField(_("title (Welsh)"), max_length=200, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_cy = models.TextField(_("description (Welsh)"), blank=True)
    category_en = models.CharField(_("category (English)"), max_length=100, blank=True)
    category_cy = models.CharField(_("category (Welsh)"), max_length=100, blank=True)
    cost = models.DecimalField(
        _("cost"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    # Projects often grow out of an idea in the same conversation. The link is optional, and the
    # project (with its votes) outlives the idea.
    idea = models.ForeignKey(
        "conversations.Idea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="budget_projects",
        verbose_name=_("from the idea"),
    )
    eligible = models.BooleanField(_("eligible"), default=True)
    ineligible_reason_en = models.TextField(_("why it is not eligible (English)"), blank=True)
    ineligible_reason_cy = models.TextField(_("why it is not eligible (Welsh)"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    title = Bilingual("title")
    description = Bilingual("description")
    category = Bilingual("category")
    ineligible_reason = Bilingual("ineligible_reason")

    class Meta:
        verbose_name = _("budget project")
        verbose_name_plural = _("budget projects")
        ordering = ["round", "code"]
        constraints = [
            models.UniqueConstraint(fields=["round", "code"], name="budget_project_code_unique_in_round"),
            models.CheckConstraint(
                condition=~Q(title_en="") | ~Q(title_cy=""),
                name="budget_project_has_a_title",
                violation_error_message=_("Give the project a title in English or Welsh."),
            ),
            models.CheckConstraint(
                condition=Q(cost__gte=0),
                name="budget_project_cost_not_negative",
                violation_error_message=_("The cost cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(eligible=True) | ~Q(ineligible_reason_en="") | ~Q(ineligible_reason_cy=""),
                name="budget_project_ineligible_has_a_reason",
                violation_error_message=_("Say why the project is not eligible, in English or Welsh."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    def clean(self) -> None:
        super().clean()
        idea = self.idea if self.idea_id else None
        if idea is not None and self.round_id and idea.conversation_id != self.round.conversation_id:
            raise ValidationError({"idea": _("Choose an idea from this round's conversation.")})

    @property
    def visible_idea(self) -> Idea | None:
        """The idea it comes from, unless moderation has taken that idea off the site."""
        idea = self.idea
        return idea if idea is not None and idea.status == ContentStatus.PUBLISHED else None

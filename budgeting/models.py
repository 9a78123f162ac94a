"""Participatory budgeting: rounds, projects, ballots and counted outcomes.

A ``BudgetRound`` belongs to a conversation and runs through four phases fixed by dates
(proposals, review, voting, results: results begin when voting closes). It has a total budget in
one currency, a ballot type (approval within the budget, k-approval, or cumulative points) and
an outcome rule (greedy by votes, or the Method of Equal Shares with a completion). The rules
themselves are pure functions in :mod:`budgeting.rules`; this module only stores their inputs
and results.

``BudgetProject``s are what people vote for, optionally grown out of an idea in the same
conversation (shown while the idea is published). Each has a ``code``, unique in its round: the id
written to the pabulib export and the key the rules break exact ties by (lowest code first), so
an exported round recomputes to the same outcome. Projects made here get codes ``001``,
``002``... (creation order); imported ones keep their pabulib ids. Ineligible projects stay
visible with the reason, take no votes and are left out of the count.

A ``Ballot`` is one voter's choice in one round: online (a ``voter``, at most one per round,
changeable until voting closes), paper (typed in by an officer, no voter, a ``paper_reference``
unique in the round) or imported from a past election's ``.pb`` file. The three are counted
the same. Its ``Vote`` rows carry the points (1 for approval ballots) and repeat the round, so
the count reads a round's votes from one index without a join.

A count is a ``Tally``: queued, running (with a progress figure the results page polls), done
or failed; at most one is live per round. A finished tally stores two ``Outcome``s, the round's
own rule and the other rule for comparison, each with one ``OutcomeProject`` row per project:
its votes, its place among the winners, how Equal Shares shared its cost, or why it lost.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
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

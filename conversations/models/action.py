"""From priority to action: action groups, pledges of time, skills or resources, the hours given
against them, and what the council said about an idea ("you said, we did").

An ``ActionGroup`` acts on one or more ideas of one conversation. Its ``coordinators`` post
``ActionGroupUpdate``s (its public timeline) and confirm ``HoursGiven`` against ``Pledge``s.
A pledge may be *conditional*, PledgeBank style: "I will give 3 hours if 10 other people also
pledge", with a deadline. It binds when the threshold is met in time and lapses otherwise; its
status moves only forward (open → bound or lapsed, or withdrawn while it is open or binding
without a condition) and each change is made by ``conversations.services.action``. Confirmed
hours are credited to the person's time-credit account through the ledger once per confirmation
(``HoursGiven.transfer``, keyed by ``idempotency_key``).

An ``IdeaResponse`` is the organisation's official answer to an idea, with its status. People
``Follow`` an idea or an action group; what happens to it is a ``FollowEvent``, gathered into at
most one email digest a day per person (``DigestSent``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vocaleyes.i18n import Bilingual

if TYPE_CHECKING:
    from vocaleyes.models import User

from .conversations import Conversation
from .ideas import Idea


class ActionGroup(models.Model):
    class Status(models.TextChoices):
        FORMING = "forming", _("Forming")
        ACTIVE = "active", _("Active")
        DONE = "done", _("Done")
        STOPPED = "stopped", _("Stopped")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.PROTECT, related_name="action_groups", verbose_name=_("conversation")
    )
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_cy = models.CharField(_("name (Welsh)"), max_length=200, blank=True)
    purpose_en = models.TextField(_("purpose (English)"), blank=True)
    purpose_cy = models.TextField(_("purpose (Welsh)"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.FORMING)
    ideas = models.ManyToManyField(Idea, related_name="action_groups", verbose_name=_("ideas it acts on"))
    budget_project = models.ForeignKey(
        "budgeting.BudgetProject",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_groups",
        verbose_name=_("budget project"),
    )
    coordinators: models.ManyToManyField[User, ActionGroupCoordinator] = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="ActionGroupCoordinator",
        related_name="coordinated_action_groups",
        verbose_name=_("coordinators"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    name = Bilingual("name")
    purpose = Bilingual("purpose")

    class Meta:
        verbose_name = _("action group")
        verbose_name_plural = _("action groups")
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name_en="") | ~Q(name_cy=""),
                name="action_group_has_a_name",
                violation_error_message=_("Give the action group a name in English or Welsh."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.name)


class ActionGroupCoordinator(models.Model):
    group = models.ForeignKey(
        ActionGroup,
        on_delete=models.CASCADE,
        related_name="coordinator_roles",
        verbose_name=_("action group"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("coordinator")
    )
    added = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("coordinator")
        verbose_name_plural = _("coordinators")
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="a_coordinator_once_per_action_group"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.group})"


class ActionGroupUpdate(models.Model):
    """A coordinator's news on the action group's public timeline (plain text, one language)."""

    group = models.ForeignKey(
        ActionGroup, on_delete=models.CASCADE, related_name="updates", verbose_name=_("action group")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    body = models.TextField(_("update"))
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    created = models.DateTimeField(_("posted"), auto_now_add=True)

    class Meta:
        verbose_name = _("action group update")
        verbose_name_plural = _("action group updates")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.group}: {self.body[:40]}"


class Pledge(models.Model):
    class Kind(models.TextChoices):
        HOURS = "hours", _("Time")
        SKILL = "skill", _("A skill")
        RESOURCE = "resource", _("A resource")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for others")  # conditional, threshold not met yet
        BOUND = "bound", _("Counting on it")  # unconditional, or its threshold was met in time
        LAPSED = "lapsed", _("Lapsed")  # conditional, deadline passed first
        WITHDRAWN = "withdrawn", _("Withdrawn")

    group = models.ForeignKey(
        ActionGroup, on_delete=models.PROTECT, related_name="pledges", verbose_name=_("action group")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pledges", verbose_name=_("person")
    )
    kind = models.CharField(_("what is pledged"), max_length=10, choices=Kind.choices)
    # Time in minutes, like the ledger: three hours are 180.
    minutes = models.PositiveIntegerField(_("time pledged (minutes)"), default=0)
    description = models.TextField(_("what kind of help"), blank=True)
    # Conditional: binds when this many *other* people have pledged (bound or open) by the deadline.
    threshold = models.PositiveIntegerField(_("if this many others also pledge"), null=True, blank=True)
    deadline = models.DateTimeField(_("by"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    created = models.DateTimeField(_("pledged"), auto_now_add=True)
    bound_at = models.DateTimeField(_("bound"), null=True, blank=True)
    lapsed_at = models.DateTimeField(_("lapsed"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    # When the person was told that it bound or lapsed: once, whichever it was.
    outcome_sent_at = models.DateTimeField(_("outcome emailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["group", "status"], name="pledge_group_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold__isnull=True, deadline__isnull=True)
                | Q(threshold__gte=1, deadline__isnull=False),
                name="a_conditional_pledge_has_a_threshold_and_a_deadline",
                violation_error_message=_("A conditional pledge needs how many others and by when."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="hours") | Q(minutes__gte=1),
                name="a_pledge_of_time_has_some_time",
                violation_error_message=_("Say how much time you can give."),
            ),
            models.CheckConstraint(
                condition=Q(kind="hours") | ~Q(description=""),
                name="a_pledge_of_a_skill_or_resource_says_what",
                violation_error_message=_("Say what you can offer."),
            ),
            models.CheckConstraint(
                condition=~Q(status="open") | Q(threshold__isnull=False),
                name="only_a_conditional_pledge_waits",
            ),
            models.CheckConstraint(
                condition=Q(status="bound", bound_at__isnull=False)
                | Q(status="lapsed", lapsed_at__isnull=False)
                | Q(status="withdrawn", withdrawn_at__isnull=False)
                | Q(status="open"),
                name="a_pledge_records_when_its_status_changed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.group} ({self.get_status_display()})"

    @property
    def is_conditional(self) -> bool:
        return self.threshold is not None


class HoursGiven(models.Model):
    """Hours given against a pledge, confirmed by a coordinator and credited once."""

    pledge = models.ForeignKey(
        Pledge, on_delete=models.PROTECT, related_name="hours", verbose_name=_("pledge")
    )
    minutes = models.PositiveIntegerField(_("time given (minutes)"))
    given_on = models.DateField(_("given on"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("confirmed by")
    )
    confirmed_at = models.DateTimeField(_("confirmed"), auto_now_add=True)
    # The confirmation's own key (from the form, or the task): the same key confirms once.
    idempotency_key = models.CharField(_("idempotency key"), max_length=120, unique=True)
    transfer = models.OneToOneField(
        "timecredits.Transfer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hours_given",
        verbose_name=_("credited by"),
    )

    class Meta:
        verbose_name = _("hours given")
        verbose_name_plural = _("hours given")
        ordering = ["-given_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gte=1), name="hours_given_are_some_time"),
        ]

    def __str__(self) -> str:
        return f"{self.minutes} min on {self.given_on} ({self.pledge})"


class HoursClaim(models.Model):
    """Hours given by someone without an account yet: a coordinator records them with the
    person's email address, and the person claims them through a link (a signed token of the
    claim's id and ``secret``) once they have an account. Claiming credits their time-credit
    account through the ledger once (``transfer``)."""

    group = models.ForeignKey(
        ActionGroup, on_delete=models.PROTECT, related_name="hours_claims", verbose_name=_("action group")
    )
    email = models.EmailField(_("email address"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    minutes = models.PositiveIntegerField(_("time given (minutes)"))
    given_on = models.DateField(_("given on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created = models.DateTimeField(_("recorded"), auto_now_add=True)
    secret = models.CharField(_("secret"), max_length=64, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hours_claims",
        verbose_name=_("claimed by"),
    )
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    transfer = models.OneToOneField(
        "timecredits.Transfer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hours_claim",
        verbose_name=_("credited by"),
    )

    class Meta:
        verbose_name = _("hours to claim")
        verbose_name_plural = _("hours to claim")
        ordering = ["-created", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gte=1), name="hours_claimed_are_some_time"),
            models.CheckConstraint(
                condition=Q(claimed_by__isnull=True, claimed_at__isnull=True, transfer__isnull=True)
                | Q(claimed_by__isnull=False, claimed_at__isnull=False, transfer__isnull=False),
                name="an_hours_claim_is_claimed_all_at_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.minutes} min on {self.given_on} for {self.email} ({self.group})"


class IdeaResponse(models.Model):
    """The organisation's official answer to an idea ("you said, we did")."""

    class Status(models.TextChoices):
        CONSIDERING = "considering", _("Under consideration")
        ACCEPTED = "accepted", _("Accepted")
        NOT_TAKEN = "not_taken", _("Not taken forward")
        DONE = "done", _("Done")

    idea = models.OneToOneField(
        Idea, on_delete=models.CASCADE, related_name="response", verbose_name=_("idea")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    text_en = models.TextField(_("response (English)"), blank=True)
    text_cy = models.TextField(_("response (Welsh)"), blank=True)
    action_group = models.ForeignKey(
        ActionGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name=_("taken forward by the action group"),
    )
    budget_project = models.ForeignKey(
        "budgeting.BudgetProject",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name=_("taken forward as the budget project"),
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("responded by")
    )
    created = models.DateTimeField(_("first responded"), auto_now_add=True)
    updated = models.DateTimeField(_("last changed"), auto_now=True)

    text = Bilingual("text")

    class Meta:
        verbose_name = _("response to an idea")
        verbose_name_plural = _("responses to ideas")
        constraints = [
            models.CheckConstraint(
                condition=~Q(text_en="") | ~Q(text_cy=""),
                name="a_response_says_something",
                violation_error_message=_("Write the response in English or Welsh."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.idea}: {self.get_status_display()}"


class Follow(models.Model):
    """A person follows an idea or an action group (one of the two)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows", verbose_name=_("person")
    )
    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, null=True, blank=True, related_name="follows", verbose_name=_("idea")
    )
    group = models.ForeignKey(
        ActionGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follows",
        verbose_name=_("action group"),
    )
    created = models.DateTimeField(_("followed"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=Q(idea__isnull=False, group__isnull=True)
                | Q(idea__isnull=True, group__isnull=False),
                name="a_follow_is_of_an_idea_or_an_action_group",
            ),
            models.UniqueConstraint(
                fields=["person", "idea"], condition=Q(idea__isnull=False), name="an_idea_is_followed_once"
            ),
            models.UniqueConstraint(
                fields=["person", "group"], condition=Q(group__isnull=False), name="a_group_is_followed_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} follows {self.idea or self.group}"


class FollowEvent(models.Model):
    """Something followers are told about in their next digest."""

    class Kind(models.TextChoices):
        RESPONSE = "response", _("An official response")
        STATUS = "status", _("A change of status")
        UPDATE = "update", _("News from the action group")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    group = models.ForeignKey(ActionGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created = models.DateTimeField(_("happened"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("event for followers")
        verbose_name_plural = _("events for followers")
        constraints = [
            models.CheckConstraint(
                condition=Q(idea__isnull=False, group__isnull=True)
                | Q(idea__isnull=True, group__isnull=False),
                name="an_event_is_about_an_idea_or_an_action_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.idea or self.group}"


class DigestSent(models.Model):
    """One digest email per person per day at most: the row for the day is taken before sending."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    day = models.DateField(_("day"))
    up_to = models.DateTimeField(_("events up to"))
    events = models.PositiveIntegerField(_("events"), default=0)

    class Meta:
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        constraints = [
            models.UniqueConstraint(fields=["person", "day"], name="one_digest_per_person_per_day"),
            models.CheckConstraint(
                condition=Q(events__gte=0) & Q(up_to__isnull=False), name="digest_has_a_cutoff"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.day}"


__all__ = [
    "ActionGroup",
    "ActionGroupCoordinator",
    "ActionGroupUpdate",
    "DigestSent",
    "Follow",
    "FollowEvent",
    "HoursGiven",
    "IdeaResponse",
    "Pledge",
]

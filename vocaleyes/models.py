"""Accounts and site-wide records.

``User`` signs in with an email address (no username): residents know their email, not a
handle. ``display_name`` is what other people see; the email is never shown publicly.
``language`` is the person's preferred language: the pages they land on when they sign in
(``adapters.AccountAdapter.post_login``) and the email they receive.

A council officer may *suspend* a person (``suspended_at``, with a reason, either until
``suspended_until`` or, when that is empty, until lifted): a suspended person can still read and
sign in, but cannot post, comment, rate, report or vote. Whether someone is suspended is
``vocaleyes.permissions.is_suspended``; the suspension is set and lifted only through
``conversations.services.user_suspend`` / ``user_unsuspend``, which record the decision in the
moderation audit log.

``Organisation`` (council, third-sector body, community group) at local, regional or national
level is the ground floor every app builds on: it owns conversations (and through them budget
rounds), holds time-credit accounts and offers. ``OrganisationRole`` gives a person a role within
one organisation (facilitator). Council officers who moderate are Django staff: a platform role,
not an organisation one. Who holds which role is asked only through ``vocaleyes.permissions``.
Both tables kept the names they had when these models lived in ``conversations``.

``TargetGroup`` is a group an organisation wants to hear (a place, an age band, people with a
lived experience, the users of a service, Welsh speakers), with its size in the population when
known. ``GroupMembership`` says a person belongs to one: declared by themselves on their profile
(with consent recorded) or through an invitation. Demographic answers are private: nobody else
sees them, facilitators see only counts, and withdrawing consent (``DemographicConsent``)
deletes every self-declared answer. They change only through ``vocaleyes.services``.

A person may delete their account (``vocaleyes.deletion.account_delete``, issue 14): the row
stays, as a *tombstone* (``deleted_at`` set, no name, email or password, inactive), so that their
ratings, ballots, pledges and ledger lines keep counting, attributed to nobody. ``public_name``
then reads "Former resident".

``ApiToken`` is a person's key to the REST API (issue 14): named by its owner, stored as a
prefix and a SHA-256 digest (the full text is shown once, when made), revoked rather than deleted
so the profile page can say when. ``vocaleyes.api.authentication`` reads it; it is made and
revoked only through ``vocaleyes.services``.

``Heartbeat`` is a one-row-per-name record that periodic tasks touch, so /healthz can tell
whether the background worker and beat are alive.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .i18n import Bilingual
from .validators import validate_no_role_words, validate_visible_characters


class UserManager(DjangoUserManager["User"]):
    """Creates users keyed by email; Django's manager assumes a username."""

    use_in_migrations = True

    def _create_user_by_email(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user_by_email(email, password, **extra)

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user_by_email(email, password, **extra)


class User(AbstractUser):
    username = None  # type: ignore[assignment]  # sign-in is by email
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        help_text=_("The name other people see next to your ideas and comments."),
        validators=[validate_visible_characters, validate_no_role_words],
    )
    language = models.CharField(
        _("preferred language"),
        max_length=5,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The language of the emails we send you."),
    )
    suspended_at = models.DateTimeField(_("suspended on"), null=True, blank=True, editable=False)
    suspended_until = models.DateTimeField(
        _("suspended until"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Empty while suspended means until an officer lifts the suspension."),
    )
    # db_default too, so rows loaded in bulk without the column (bench/ideas.py COPYs people) pass.
    suspension_reason = models.TextField(
        _("reason for the suspension"), blank=True, editable=False, default="", db_default=""
    )
    deleted_at = models.DateTimeField(_("account deleted on"), null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["display_name"]

    objects: ClassVar[UserManager] = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["display_name", "email"]
        constraints = [
            # A suspension always has a start and a reason; an end alone means nothing.
            models.CheckConstraint(
                condition=(
                    Q(suspended_at__isnull=True) & Q(suspended_until__isnull=True) & Q(suspension_reason="")
                )
                | (Q(suspended_at__isnull=False) & ~Q(suspension_reason="")),
                name="user_suspension_has_start_and_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email

    # Django's permission names for writes in the admin (``add_idea``, ``change_comment``, ...).
    WRITE_PERMISSIONS = ("add_", "change_", "delete_")

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        """As Django's, except that a suspended person holds no permission to add, change or
        delete (issue 14: suspension is read-only everywhere, staff included). The admin then
        shows a suspended officer every page they could see, read-only, with no save or delete
        buttons, and refuses a POST to them."""
        from .permissions import is_suspended

        if is_suspended(self) and perm.partition(".")[2].startswith(self.WRITE_PERMISSIONS):
            return False
        return super().has_perm(perm, obj)

    @property
    def public_name(self) -> str:
        """The name shown to other people: never the email address."""
        if self.deleted_at is not None:
            return str(_("Former resident"))
        return self.display_name or str(_("Anonymous resident"))


class Organisation(models.Model):
    class Kind(models.TextChoices):
        LOCAL_AUTHORITY = "local_authority", _("Local authority")
        THIRD_SECTOR = "third_sector", _("Third-sector organisation")
        COMMUNITY_GROUP = "community_group", _("Community group")

    class Level(models.TextChoices):
        LOCAL = "local", _("Local")
        REGIONAL = "regional", _("Regional")
        NATIONAL = "national", _("National")

    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_cy = models.CharField(_("name (Welsh)"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.LOCAL)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("part of"),
        help_text=_("The regional or national organisation this one belongs to, for roll-up rankings."),
    )
    # How residents reach the organisation (a moderation email tells them where to write);
    # without any, ``contact`` falls back to the service's own CONTACT_EMAIL.
    contact_email = models.EmailField(_("contact email address"), blank=True)
    contact_phone = models.CharField(_("contact telephone number"), max_length=30, blank=True)
    contact_url = models.URLField(
        _("contact web page"),
        blank=True,
        help_text=_("A page of the organisation's website with a contact form."),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    name = Bilingual("name")

    class Meta:
        # The table kept its name when the model moved here from conversations.
        db_table = "conversations_organisation"
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_en"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name_en="") | ~Q(name_cy=""),
                name="organisation_has_a_name",
                violation_error_message=_("Give the organisation a name in English or Welsh."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="organisation_is_not_its_own_parent",
                violation_error_message=_("An organisation cannot be part of itself."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.name)

    @property
    def contact(self) -> list[str]:
        """Where residents can reach the organisation: its email, phone and web page, as given;
        an empty list when it has given none (callers then offer ``settings.CONTACT_EMAIL``)."""
        return [value for value in (self.contact_email, self.contact_phone, self.contact_url) if value]

    _LEVELS: ClassVar[tuple[str, ...]] = (Level.LOCAL, Level.REGIONAL, Level.NATIONAL)

    def clean(self) -> None:
        """A parent is one level up or more (local, then regional, then national): so the
        tree has at most three floors and never loops."""
        super().clean()
        parent = self.parent if self.parent_id is not None else None
        if parent is not None and self._LEVELS.index(parent.level) <= self._LEVELS.index(self.level):
            raise ValidationError({"parent": _("An organisation can only be part of one at a higher level.")})

    def with_members_ids(self) -> list[int]:
        """This organisation's id and those of its members, their members and so on."""
        ids, frontier = [self.pk], [self.pk]
        while frontier:
            frontier = list(Organisation.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            frontier = [pk for pk in frontier if pk not in ids]  # a loop made by hand stops here
            ids += frontier
        return ids


class OrganisationRole(models.Model):
    class Role(models.TextChoices):
        FACILITATOR = "facilitator", _("Facilitator")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="roles", verbose_name=_("organisation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="organisation_roles",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.FACILITATOR)
    created = models.DateTimeField(_("given"), auto_now_add=True)

    class Meta:
        db_table = "conversations_organisationrole"
        verbose_name = _("organisation role")
        verbose_name_plural = _("organisation roles")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user", "role"], name="one_role_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.organisation}"


class TargetGroup(models.Model):
    """A group an organisation wants to hear from; its kind is the dimension for representativeness."""

    class Kind(models.TextChoices):
        PLACE = "place", _("Place")
        AGE_BAND = "age_band", _("Age band")
        LIVED_EXPERIENCE = "lived_experience", _("Lived experience")
        SERVICE_USERS = "service_users", _("Service users")
        WELSH_LANGUAGE = "welsh_language", _("Welsh-language ability")
        OTHER = "other", _("Other")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="target_groups",
        verbose_name=_("organisation"),
    )
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_cy = models.CharField(_("name (Welsh)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    population_size = models.PositiveIntegerField(
        _("size in the population"),
        null=True,
        blank=True,
        help_text=_("How many people in the area the group stands for, when known."),
    )
    population_source = models.CharField(
        _("source of the size"),
        max_length=200,
        blank=True,
        help_text=_('Where the size comes from, for example "Census 2021".'),
    )
    self_declarable = models.BooleanField(
        _("residents may declare it"),
        default=True,
        help_text=_("Whether residents may say on their profile that they belong to this group."),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    name = Bilingual("name")

    class Meta:
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        ordering = ["organisation", "kind", "name_en"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name_en"],
                name="target_group_name_is_unique_in_its_organisation",
                violation_error_message=_("This organisation already has a group with this English name."),
            ),
            models.CheckConstraint(
                condition=~Q(name_en=""),
                name="target_group_has_an_english_name",
                violation_error_message=_("Give the group a name in English."),
            ),
            models.CheckConstraint(
                condition=Q(population_size__isnull=True) | Q(population_size__gt=0),
                name="target_group_size_is_positive_when_known",
                violation_error_message=_("The size in the population must be a positive number."),
            ),
            models.CheckConstraint(
                condition=Q(population_source="") | Q(population_size__isnull=False),
                name="target_group_source_only_with_a_size",
                violation_error_message=_("Give a size for the population the source describes."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.name)


class GroupMembership(models.Model):
    """A person belongs to a target group. Private: shown to nobody else, counted for facilitators."""

    class How(models.TextChoices):
        SELF_DECLARED = "self_declared", _("Self-declared")
        INVITATION = "invitation", _("Invitation")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="group_memberships",
        verbose_name=_("person"),
    )
    group = models.ForeignKey(
        TargetGroup, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("group")
    )
    how = models.CharField(_("how they joined"), max_length=20, choices=How.choices)
    consented_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "group"], name="a_person_belongs_to_a_group_once"),
            models.CheckConstraint(
                condition=~Q(how="self_declared") | Q(consented_at__isnull=False),
                name="a_self_declared_membership_has_consent",
                violation_error_message=_("A self-declared membership needs the person's consent."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} ({self.get_how_display()})"


class GroupInvitation(models.Model):
    """A link that lets people join a target group, until it expires, is used up or revoked.

    The link carries a signed token of the invitation's id and ``secret`` (see
    ``vocaleyes.services.invitation_token``); the secret makes a guessed id useless."""

    group = models.ForeignKey(
        TargetGroup, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("group")
    )
    secret = models.CharField(_("secret"), max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    max_uses = models.PositiveIntegerField(_("how many people may join with it"))
    uses = models.PositiveIntegerField(_("people who joined with it"), default=0)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    class Meta:
        verbose_name = _("group invitation")
        verbose_name_plural = _("group invitations")
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_uses__gte=1),
                name="an_invitation_has_at_least_one_use",
                violation_error_message=_("An invitation must let at least one person join."),
            ),
            models.CheckConstraint(
                condition=Q(uses__lte=models.F("max_uses")),
                name="an_invitation_is_not_used_beyond_its_limit",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Invitation to %(group)s") % {"group": self.group})


class DemographicConsent(models.Model):
    """A person's consent to keep their self-declared groups: given, or withdrawn (only the time)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="demographic_consent",
        verbose_name=_("person"),
    )
    given_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("consent withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent to keep groups")
        verbose_name_plural = _("consents to keep groups")
        constraints = [
            models.CheckConstraint(
                condition=Q(given_at__isnull=False) | Q(withdrawn_at__isnull=False),
                name="a_consent_was_given_or_withdrawn",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Consent given") if self.given_at else _("Consent withdrawn"))


def token_digest(text: str) -> str:
    """The stored form of an API token: its SHA-256 digest, in hex."""
    return hashlib.sha256(text.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def live(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)

    def find(self, text: str) -> ApiToken | None:
        """The live token whose full text is ``text`` (``ve_<prefix>_<secret>``), with its person."""
        parts = text.split("_", 2)  # the secret itself may hold "_"
        if len(parts) != 3 or parts[0] != "ve" or len(parts[1]) != ApiToken.PREFIX_LENGTH:
            return None
        digest = token_digest(text)
        for token in self.live().select_related("user").filter(prefix=parts[1]):
            if hmac.compare_digest(token.digest, digest):
                return token
        return None


class ApiToken(models.Model):
    PREFIX_LENGTH = 8

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("person"),
    )
    name = models.CharField(
        _("name"),
        max_length=80,
        validators=[validate_visible_characters],
        help_text=_("What the token is for, so you know which one to revoke."),
    )
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, db_index=True)
    digest = models.CharField(_("digest"), max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} (ve_{self.prefix}_…)"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None


class Heartbeat(models.Model):
    name = models.CharField(max_length=50, primary_key=True)
    beat_at = models.DateTimeField()

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"

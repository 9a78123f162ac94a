"""Organisations and their conversations.

An ``Organisation`` (council, third-sector body, community group) at local, regional or national
level owns ``Conversation``s: continuous, not one-off consultations. Names, titles and
descriptions are stored in English and Welsh; ``Bilingual`` shows the active language and falls
back to the other when one is empty.

``OrganisationRole`` gives a person a role within one organisation (facilitator). Council
officers who moderate are Django staff; that is a platform role, not an organisation one.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vocaleyes.i18n import Bilingual


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
    created = models.DateTimeField(_("created"), auto_now_add=True)

    name = Bilingual("name")

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_en"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name_en="") | ~Q(name_cy=""),
                name="organisation_has_a_name",
                violation_error_message=_("Give the organisation a name in English or Welsh."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.name)


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
        verbose_name = _("organisation role")
        verbose_name_plural = _("organisation roles")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user", "role"], name="one_role_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.organisation}"


class ConversationQuerySet(models.QuerySet["Conversation"]):
    def listed(self) -> ConversationQuerySet:
        """Conversations anyone may find in lists: public and not draft."""
        return self.filter(
            visibility=Conversation.Visibility.PUBLIC,
            status__in=[Conversation.Status.OPEN, Conversation.Status.CLOSED],
        )

    def open(self) -> ConversationQuerySet:
        return self.filter(status=Conversation.Status.OPEN)


class Conversation(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: open to everyone")
        INVITATION = "invitation", _("Invitation only")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="conversations",
        verbose_name=_("organisation"),
    )
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_cy = models.CharField(_("title (Welsh)"), max_length=200, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_cy = models.TextField(_("description (Welsh)"), blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    visibility = models.CharField(
        _("who can take part"), max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    title = Bilingual("title")
    description = Bilingual("description")

    objects: ClassVar[ConversationQuerySet] = ConversationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-created"]
        indexes = [models.Index(fields=["status", "visibility", "-created"], name="conv_listing_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(title_en="") | ~Q(title_cy=""),
                name="conversation_has_a_title",
                violation_error_message=_("Give the conversation a title in English or Welsh."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.title)

    def get_absolute_url(self) -> str:
        return reverse("conversations:detail", kwargs={"slug": self.slug})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

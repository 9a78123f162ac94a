"""Shared seeds: one best-practice idea a facilitator seeds into several conversations at once.

A ``SharedSeed`` keeps the words and the note of where the idea comes from, as they were seeded,
and its copies are ordinary seeded ideas (``Idea.seed``), one per conversation (held by the
``idea_one_copy_of_a_seed_per_conversation`` constraint), each rated, ranked and moderated like
any other idea. The seed belongs to one organisation: its conversations are that organisation's,
and its facilitators compare the copies' ratings side by side (``conversations.seed_comparison``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vocaleyes.models import Organisation


class SharedSeed(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="shared_seeds",
        verbose_name=_("organisation"),
        db_index=False,  # shared_seed_newest_idx starts with the organisation
    )
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("description"))
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES, default="en")
    source_note = models.CharField(_("where it comes from"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("seeded by"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("shared seed")
        verbose_name_plural = _("shared seeds")
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["organisation", "-created", "-id"], name="shared_seed_newest_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="shared_seed_has_a_title"),
            models.CheckConstraint(
                condition=~Q(source_note=""),
                name="shared_seed_says_where_from",
                violation_error_message=_("A seeded idea needs a note of where it comes from."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("conversations:seed_detail", kwargs={"pk": self.pk})

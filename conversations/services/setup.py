"""Starting and editing a conversation from the facilitator pages (the admin keeps the plumbing:
target groups, moderation settings).

A facilitator starts conversations in the organisations they facilitate (officers in any) and
edits the ones they facilitate: titles and descriptions in both languages, status (draft, open,
closed), who can take part, and whether authors may start action groups. A suspended person
reads but changes nothing. The model's own checks (a title in English or Welsh) are run as the
admin runs them and refused with every problem found.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from vocaleyes.errors import Refusal
from vocaleyes.permissions import check_not_suspended

from .. import permissions
from ..models import Conversation

if TYPE_CHECKING:
    from vocaleyes.models import Organisation, User


def _full_clean_or_refuse(conversation: Conversation) -> None:
    try:
        conversation.full_clean(exclude=["target_groups"])
    except ValidationError as exc:
        fields = set(exc.message_dict) if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS}
        field = next(iter(fields)) if len(fields) == 1 else None
        raise Refusal(
            " ".join(dict.fromkeys(exc.messages)), field=None if field == NON_FIELD_ERRORS else field
        ) from exc


def _free_slug(title: str) -> str:
    """A slug from the title, made unique with -2, -3... (the unique constraint still guards a
    race between two facilitators starting same-titled conversations at the same moment)."""
    base = slugify(title)[:70].strip("-") or "conversation"
    slug, n = base, 1
    while Conversation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def conversation_create(
    *,
    user: User,
    organisation: Organisation,
    title_en: str = "",
    title_cy: str = "",
    description_en: str = "",
    description_cy: str = "",
    status: str = Conversation.Status.DRAFT,
    visibility: str = Conversation.Visibility.PUBLIC,
    authors_start_action_groups: bool = False,
) -> Conversation:
    """A new conversation in ``organisation``; its address comes from the title."""
    check_not_suspended(user)
    if not permissions.can_start_conversation(user, organisation):
        raise Refusal(
            _("Only the organisation's facilitators can start a conversation in it."), forbidden=True
        )
    conversation = Conversation(
        organisation=organisation,
        slug=_free_slug(title_en.strip() or title_cy.strip()),
        title_en=title_en.strip(),
        title_cy=title_cy.strip(),
        description_en=description_en.strip(),
        description_cy=description_cy.strip(),
        status=status,
        visibility=visibility,
        authors_start_action_groups=authors_start_action_groups,
    )
    _full_clean_or_refuse(conversation)
    conversation.save()
    return conversation


def conversation_edit(
    *,
    user: User,
    conversation: Conversation,
    title_en: str,
    title_cy: str,
    description_en: str,
    description_cy: str,
    status: str,
    visibility: str,
    authors_start_action_groups: bool,
) -> Conversation:
    """Change what a facilitator controls; the address (slug) stays, so links keep working."""
    check_not_suspended(user)
    if not permissions.can_change_conversation(user, conversation):
        raise Refusal(_("Only the conversation's facilitators can change this."), forbidden=True)
    with transaction.atomic():
        # Lock the row: the dashboard's pause switches save the same row.
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        locked.title_en = title_en.strip()
        locked.title_cy = title_cy.strip()
        locked.description_en = description_en.strip()
        locked.description_cy = description_cy.strip()
        locked.status = status
        locked.visibility = visibility
        locked.authors_start_action_groups = authors_start_action_groups
        _full_clean_or_refuse(locked)
        locked.save(
            update_fields=[
                "title_en",
                "title_cy",
                "description_en",
                "description_cy",
                "status",
                "visibility",
                "authors_start_action_groups",
                "updated",
            ]
        )
    return locked

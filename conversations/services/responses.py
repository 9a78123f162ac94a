"""You said, we did: the organisation's official response to an idea, following ideas and action
groups, the events followers are told about, and the daily digest that tells them.

``idea_respond`` gives an idea its response (or changes it) and records a ``FollowEvent``; the
idea's author is emailed when it first gets a response and whenever its status changes. Other
services (action groups, pledges) call ``follow_event_record`` when a group's status changes or
an update is posted. ``digests_send`` (a Celery beat task, daily, and ``manage.py
send_follow_digests``) sends each follower at most one email a day, in their language, with a
one-click unsubscribe link (``unsubscribe_token``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vocaleyes.emails import render_subject
from vocaleyes.errors import Refusal
from vocaleyes.permissions import check_not_suspended, is_suspended

from .. import permissions
from ..models import (
    ActionGroup,
    DigestSent,
    Follow,
    FollowEvent,
    Idea,
    IdeaResponse,
)

if TYPE_CHECKING:
    from budgeting.models import BudgetProject
    from vocaleyes.models import User

UNSUBSCRIBE_SALT = "conversations.follows.unsubscribe"


# --- Responses -----------------------------------------------------------------------------


def idea_respond(
    *,
    idea: Idea,
    by: User,
    status: str,
    text_en: str = "",
    text_cy: str = "",
    action_group: ActionGroup | None = None,
    budget_project: BudgetProject | None = None,
) -> IdeaResponse:
    """Give a visible idea the organisation's official response, or change it. The response
    says something in English or Welsh (for "not taken forward", why). Followers hear of it in
    their next digest; the author is emailed when it is new or its status changes."""
    text_en, text_cy = text_en.strip(), text_cy.strip()
    if status not in IdeaResponse.Status.values:
        raise Refusal(_("Choose the idea's status."), field="status")
    check_not_suspended(by)
    if not permissions.can_respond(by, idea):
        raise Refusal(
            _("Only the organisation's facilitators and council officers can respond to ideas."),
            forbidden=True,
        )
    if not text_en and not text_cy:
        if status == IdeaResponse.Status.NOT_TAKEN:
            raise Refusal(_("Say why the idea is not being taken forward."), field="text_en")
        raise Refusal(_("Write the response in English or Welsh."), field="text_en")
    if action_group is not None and action_group.conversation_id != idea.conversation_id:
        raise Refusal(_("Choose an action group of this conversation."), field="action_group")
    if budget_project is not None and (
        budget_project.round.conversation.organisation_id != idea.conversation.organisation_id
    ):
        raise Refusal(_("Choose a budget project of this organisation."), field="budget_project")
    with transaction.atomic():
        # The idea's lock puts two facilitators responding at once in a queue.
        locked = Idea.objects.visible().select_for_update().filter(pk=idea.pk).first()
        if locked is None:
            raise Refusal(_("This idea is hidden or waiting for review, so it cannot get a response."))
        response = IdeaResponse.objects.filter(idea=locked).first()
        values = {
            "status": status,
            "text_en": text_en,
            "text_cy": text_cy,
            "action_group": action_group,
            "budget_project": budget_project,
        }
        if response is None:
            response = IdeaResponse.objects.create(idea=locked, responded_by=by, **values)
            kind = FollowEvent.Kind.RESPONSE
            tell_author = True
        else:
            before = (response.status, response.text_en, response.text_cy)
            before_links = (response.action_group_id, response.budget_project_id)
            after_links = (
                action_group.pk if action_group else None,
                budget_project.pk if budget_project else None,
            )
            if before == (status, text_en, text_cy) and before_links == after_links:
                return response  # nothing changed: nobody is told again
            # A new status is news for the author too; a reworded response is for followers.
            tell_author = response.status != status
            kind = FollowEvent.Kind.STATUS if tell_author else FollowEvent.Kind.RESPONSE
            for field, value in values.items():
                setattr(response, field, value)
            response.responded_by = by
            response.save()
        follow_event_record(kind=kind, idea=locked)
        if tell_author and locked.author_id != by.pk:
            transaction.on_commit(partial(_queue_author_notice, response_id=response.pk))
    return response


def _queue_author_notice(*, response_id: int) -> None:
    from ..tasks import notify_idea_response

    notify_idea_response.delay(response_id)


def site_url(path: str) -> str:
    """An absolute link for an email (``SITE_URL`` and a path)."""
    return settings.SITE_URL.rstrip("/") + path


def idea_response_notify(*, response_id: int) -> bool:
    """Email the idea's author its response (new, or with a new status) in their language.
    Returns whether an email went."""
    response = (
        IdeaResponse.objects.select_related(
            "idea__author", "idea__conversation__organisation", "action_group"
        )
        .filter(pk=response_id, idea__status="published")
        .first()
    )
    if response is None:
        return False
    author = response.idea.author
    if not author.email or not author.is_active:
        return False
    with translation.override(author.language):
        context = {
            "person": author,
            "response": response,
            "idea": response.idea,
            "conversation": response.idea.conversation,
            "link": site_url(response.idea.get_absolute_url()),
        }
        subject = render_subject("conversations/email/response_subject.txt", context)
        body = render_to_string("conversations/email/response_message.txt", context)
    send_mail(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [author.email],
    )
    return True


# --- Following -----------------------------------------------------------------------------


def _target(idea: Idea | None, group: ActionGroup | None) -> dict[str, Any]:
    if (idea is None) == (group is None):
        raise ValueError("Follow an idea or an action group: one of the two.")
    return {"idea": idea} if idea is not None else {"group": group}


def follow(*, person: User, idea: Idea | None = None, group: ActionGroup | None = None) -> Follow:
    """Follow a visible idea or an action group this person may see (again: the same follow)."""
    target = _target(idea, group)
    if not person.is_authenticated or not person.is_active:
        raise Refusal(_("Sign in to follow ideas and action groups."), forbidden=True)
    if is_suspended(person):
        raise Refusal(
            _("Your account is suspended, so you cannot follow ideas or action groups."), forbidden=True
        )
    conversation = idea.conversation if idea is not None else group.conversation  # type: ignore[union-attr]
    if not permissions.can_see_conversation(person, conversation):
        raise Refusal(_("You cannot follow this."), forbidden=True)
    if idea is not None and not Idea.objects.visible().filter(pk=idea.pk).exists():
        raise Refusal(_("This idea is hidden or waiting for review, so it cannot be followed."))
    try:
        with transaction.atomic():
            made, _created = Follow.objects.get_or_create(person=person, **target)
    except IntegrityError:  # the same follow, made at the same moment (a double click)
        made = Follow.objects.get(person=person, **target)
    return made


def unfollow(*, person: User, idea: Idea | None = None, group: ActionGroup | None = None) -> int:
    """Stop following an idea or an action group. Returns how many follows went (0 or 1)."""
    target = _target(idea, group)
    deleted, _rows = Follow.objects.filter(person=person, **target).delete()
    return deleted


def follow_event_record(
    *, kind: str, idea: Idea | None = None, group: ActionGroup | None = None
) -> FollowEvent:
    """Something followers of this idea or action group hear of in their next digest."""
    return FollowEvent.objects.create(kind=kind, **_target(idea, group))


def unsubscribe_token(person: User) -> str:
    """The signed token of a digest's one-click unsubscribe link."""
    return signing.dumps(person.pk, salt=UNSUBSCRIBE_SALT)


def unsubscribe(*, token: str) -> int | None:
    """Remove every follow of the person the token names. Returns how many went, or None for a
    token that is not ours."""
    try:
        person_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    deleted, _rows = Follow.objects.filter(person_id=person_id).delete()
    return deleted


# --- The daily digest ----------------------------------------------------------------------


@dataclass(frozen=True)
class DigestItem:
    """One line of a digest: what it is about, what happened, and a link."""

    title: str
    what: str
    link: str


def _events_for(person: User, since: datetime | None, now: datetime) -> list[FollowEvent]:
    """Events of what this person follows, after they followed it and after ``since``, up to
    ``now``; hidden ideas' events are left out."""
    idea_followed = Exists(
        Follow.objects.filter(person=person, idea_id=OuterRef("idea_id"), created__lte=OuterRef("created"))
    )
    group_followed = Exists(
        Follow.objects.filter(person=person, group_id=OuterRef("group_id"), created__lte=OuterRef("created"))
    )
    events = (
        FollowEvent.objects.filter(created__lte=now)
        .filter(Q(idea_followed, idea__status="published") | Q(group_followed))
        .select_related("idea__conversation", "idea__response", "group__conversation")
        .order_by("created", "pk")
    )
    if since is not None:
        events = events.filter(created__gt=since)
    return list(events)


def _digest_items(events: list[FollowEvent]) -> list[DigestItem]:
    """What the events say, in the active language: one line per idea or group and kind."""
    items: list[DigestItem] = []
    seen: set[tuple[str, int, str]] = set()
    for event in reversed(events):  # the latest of each first, then in order
        key = ("idea" if event.idea_id else "group", event.idea_id or event.group_id or 0, event.kind)
        if key in seen:
            continue
        seen.add(key)
        if event.idea is not None:
            idea = event.idea
            response = getattr(idea, "response", None)
            status = response.get_status_display() if response is not None else ""
            if event.kind == FollowEvent.Kind.STATUS:
                what = _("Its status is now: %(status)s.") % {"status": status}
            else:
                what = _("The organisation has responded (%(status)s): %(text)s") % {
                    "status": status,
                    "text": str(response.text) if response is not None else "",
                }
            items.append(DigestItem(idea.title, what, site_url(idea.get_absolute_url())))
        elif event.group is not None:
            group = event.group
            if event.kind == FollowEvent.Kind.UPDATE:
                what = _("The action group has posted news.")
            else:
                what = _("The action group is now: %(status)s.") % {"status": group.get_status_display()}
            try:
                link = site_url(reverse("conversations:action_group", kwargs={"pk": group.pk}))
            except NoReverseMatch:  # before the action groups' pages exist
                link = site_url(group.conversation.get_absolute_url())
            items.append(DigestItem(str(group.name), what, link))
    items.reverse()
    return items


def _send_digest(person: User, events: list[FollowEvent]) -> None:
    with translation.override(person.language):
        unsubscribe_link = site_url(
            reverse("conversations:unsubscribe", kwargs={"token": unsubscribe_token(person)})
        )
        context = {"person": person, "items": _digest_items(events), "unsubscribe_link": unsubscribe_link}
        subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _("What happened to what you follow")
        text = render_to_string("conversations/email/digest_message.txt", context)
        html = render_to_string("conversations/email/digest_message.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [person.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    message.send()


def digests_send(*, now: datetime | None = None) -> int:
    """Send today's digests: one email per person with news of what they follow since their
    last digest (or since they followed it), at most one a day however often this runs, also
    when two runs overlap: the day's ``DigestSent`` row is taken (unique per person and day)
    before the email goes, in the same transaction. Returns how many emails went."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    people = (
        type_of_user()
        .objects.filter(is_active=True, follows__isnull=False)
        .exclude(email="")
        .exclude(Exists(DigestSent.objects.filter(person=OuterRef("pk"), day=today)))
        .distinct()
        .order_by("pk")
    )
    sent = 0
    for person in people:
        last = (
            DigestSent.objects.filter(person=person)
            .order_by("-up_to")
            .values_list("up_to", flat=True)
            .first()
        )
        events = _events_for(person, last, now)
        if not events:
            continue
        try:
            with transaction.atomic():
                DigestSent.objects.create(person=person, day=today, up_to=now, events=len(events))
                # Sent inside the transaction: if sending fails the row goes too, and the next
                # run tries again; a run that lost the race for the row sends nothing.
                _send_digest(person, events)
        except IntegrityError:
            continue
        sent += 1
    return sent


def type_of_user() -> type[User]:
    from django.contrib.auth import get_user_model

    return get_user_model()

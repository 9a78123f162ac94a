"""Moderation: reports, hiding, restoring and approving content, suspensions, and the notices
that tell people about a decision. Every decision is a ``ModerationDecision`` in one log."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vocaleyes.emails import render_subject
from vocaleyes.errors import Refusal
from vocaleyes.permissions import check_not_suspended, is_suspended, suspension_message

from .. import permissions
from ..export_jobs import export_jobs_expire
from ..models import (
    Comment,
    ContentStatus,
    Conversation,
    Idea,
    ModerationDecision,
    Report,
    ReviewRequest,
)
from ..ranking_runs import ranking_schedule

if TYPE_CHECKING:
    from vocaleyes.models import User


# --- Moderation ----------------------------------------------------------------------------

Item = Idea | Comment


def _item_filter(item: Item) -> dict[str, Item]:
    """The keyword that points a report or decision at this item."""
    return {"idea": item} if isinstance(item, Idea) else {"comment": item}


def _lock_item(item: Item) -> Item:
    """The item again, locked for the rest of the transaction, with its conversation."""
    if isinstance(item, Idea):
        return Idea.objects.select_for_update().select_related("conversation").get(pk=item.pk)
    return Comment.objects.select_for_update().select_related("idea__conversation").get(pk=item.pk)


def _conversation_of(item: Item) -> Conversation:
    return item.conversation if isinstance(item, Idea) else item.idea.conversation


def _recount_comments(idea_id: int) -> None:
    """The idea's comment count after a comment was hidden or shown again: its published
    comments whose thread is shown (replies under a hidden comment are not)."""
    shown = (
        Comment.objects.visible()
        .filter(idea_id=idea_id)
        .filter(Q(parent__isnull=True) | Q(parent__status=ContentStatus.PUBLISHED))
        .count()
    )
    Idea.objects.filter(pk=idea_id).update(comment_count=shown)


def _decide(
    *,
    action: str,
    item: Item,
    actor: User | None,
    reason: str,
    status_after: str,
    resolve_reports: bool = True,
) -> ModerationDecision:
    """Record a decision about a locked item, apply its new status, and close the item's open
    reports. Call inside ``transaction.atomic()`` holding the item's lock (``_lock_item``)."""
    conversation = _conversation_of(item)
    decision = ModerationDecision.objects.create(
        action=action,
        actor=actor,
        conversation=conversation,
        person_id=item.author_id,
        reason=reason,
        status_before=item.status,
        status_after=status_after,
        **_item_filter(item),
    )
    if resolve_reports:
        Report.objects.filter(decision__isnull=True, **_item_filter(item)).update(decision=decision)
        ReviewRequest.objects.filter(decision__isnull=True, **_item_filter(item)).update(decision=decision)
    if item.status != status_after:
        item.status = status_after
        item.save(update_fields=["status", "updated"])
        if isinstance(item, Idea):
            # The ranking counts only visible ideas (and their ratings): run it again.
            transaction.on_commit(partial(ranking_schedule, conversation_id=conversation.pk))
            if status_after != ContentStatus.PUBLISHED:
                # Exports made before hold this idea: they are not handed out any more.
                transaction.on_commit(partial(export_jobs_expire, conversation_id=conversation.pk))
        else:
            _recount_comments(item.idea_id)
    transaction.on_commit(partial(_queue_notice, decision_id=decision.pk))
    return decision


def _queue_notice(*, decision_id: int) -> None:
    from ..tasks import notify_moderation_decision

    notify_moderation_decision.delay(decision_id)


def _check_moderator(officer: User) -> None:
    # A suspended officer reads the queues but decides nothing (nor lifts their own suspension).
    check_not_suspended(officer)
    if not permissions.can_moderate(officer):
        raise Refusal(_("Only council officers can moderate."), forbidden=True)


def _clean_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise Refusal(_("Give a reason for this decision: the person concerned is told it."), field="reason")
    return reason


def report_create_refusal(*, item: Item, reporter: User) -> Refusal | None:
    """Why ``reporter`` may not report this idea or comment (None when they may)."""
    if permissions.can_report(reporter, item):
        return None
    if item.author_id == reporter.pk:
        return Refusal(_("You cannot report your own idea or comment."), forbidden=True)
    return Refusal(permissions.refusal_message(reporter, _conversation_of(item), "report"), forbidden=True)


def report_create(*, item: Item, reporter: User, reason: str, details: str = "") -> Report:
    """Report an idea or a comment. When the conversation's ``report_threshold`` of people have
    open reports on it, a published item is held for review (pending) and its author told."""
    details = details.strip()
    if reason not in Report.Reason.values:
        raise Refusal(_("Choose why you are reporting it."), field="reason")
    if reason == Report.Reason.OTHER and not details:
        raise Refusal(_("Tell us what is wrong with it."), field="details")
    if refusal := report_create_refusal(item=item, reporter=reporter):
        raise refusal
    with transaction.atomic():
        # The item's lock puts reports of one item in a queue: of two last reports arriving
        # together, exactly one sees the threshold reached, and a double click finds the first.
        locked = _lock_item(item)
        target = _item_filter(locked)
        if Report.objects.filter(reporter=reporter, **target).exists():
            raise Refusal(_("You have already reported this. A council officer will look at it."))
        conversation = _conversation_of(locked)
        report = Report.objects.create(
            reporter=reporter, conversation=conversation, reason=reason, details=details, **target
        )
        open_reports = Report.objects.filter(decision__isnull=True, **target).count()
        if locked.status == ContentStatus.PUBLISHED and open_reports >= conversation.report_threshold:
            # The log is read by officers in either language; the automatic entry is written in
            # the site's default one, like the admin's own history.
            with translation.override(settings.LANGUAGE_CODE):
                why = ngettext(
                    "Reported by %(count)d person; the conversation holds items for review at %(threshold)d.",
                    "Reported by %(count)d people; the conversation holds items for review at %(threshold)d.",
                    open_reports,
                ) % {"count": open_reports, "threshold": conversation.report_threshold}
            _decide(
                action=ModerationDecision.Action.AUTO_HOLD,
                item=locked,
                actor=None,
                reason=why,
                status_after=ContentStatus.PENDING,
                resolve_reports=False,  # they wait for the officer's decision
            )
    return report


def review_request_refusal(*, item: Item, author: User) -> Refusal | None:
    """Why ``author`` may not ask for a review of this idea or comment (None when they may)."""
    if item.author_id != author.pk:
        return Refusal(_("Only the person who wrote it can ask for a review."), forbidden=True)
    if is_suspended(author):
        return Refusal(suspension_message(author), forbidden=True)
    if item.status != ContentStatus.HIDDEN:
        return Refusal(_("Only hidden ideas and comments can be reviewed again."))
    return None


def review_request_create(*, item: Item, author: User, message: str = "") -> ReviewRequest:
    """Ask council officers to look again at one's own hidden idea or comment: it joins their
    review queue until a decision about it (restoring it, or hiding it again) answers the
    request. Once per person per item; asking again is refused, politely."""
    if refusal := review_request_refusal(item=item, author=author):
        raise refusal
    with transaction.atomic():
        # The item's lock queues a double click behind the first request, which it then finds.
        locked = _lock_item(item)
        target = _item_filter(locked)
        if ReviewRequest.objects.filter(author=author, **target).exists():
            raise Refusal(
                _(
                    "You have already asked for a review of this. "
                    "A council officer will look at it or has done so."
                )
            )
        if locked.status != ContentStatus.HIDDEN:  # restored meanwhile
            raise Refusal(_("Only hidden ideas and comments can be reviewed again."))
        return ReviewRequest.objects.create(
            author=author, conversation=_conversation_of(locked), message=message.strip(), **target
        )


def content_hide(*, item: Item, officer: User, reason: str) -> ModerationDecision:
    """Hide a published or pending idea or comment; its author is told why by email. A hidden
    one whose author asked for a review may be hidden again: that answers the request, with the
    new reason."""
    _check_moderator(officer)
    reason = _clean_reason(reason)
    with transaction.atomic():
        locked = _lock_item(item)
        review_open = ReviewRequest.objects.filter(decision__isnull=True, **_item_filter(locked)).exists()
        if locked.status == ContentStatus.HIDDEN and not review_open:
            raise Refusal(_("“%(item)s” is already hidden.") % {"item": locked})
        return _decide(
            action=ModerationDecision.Action.HIDE,
            item=locked,
            actor=officer,
            reason=reason,
            status_after=ContentStatus.HIDDEN,
        )


def content_restore(*, item: Item, officer: User, reason: str) -> ModerationDecision:
    """Show a hidden idea or comment again."""
    _check_moderator(officer)
    reason = _clean_reason(reason)
    with transaction.atomic():
        locked = _lock_item(item)
        if locked.status != ContentStatus.HIDDEN:
            raise Refusal(_("“%(item)s” is not hidden, so there is nothing to restore.") % {"item": locked})
        return _decide(
            action=ModerationDecision.Action.RESTORE,
            item=locked,
            actor=officer,
            reason=reason,
            status_after=ContentStatus.PUBLISHED,
        )


def content_approve(*, item: Item, officer: User, reason: str) -> ModerationDecision:
    """Publish an item waiting for review, or keep a reported one and close its reports."""
    _check_moderator(officer)
    reason = _clean_reason(reason)
    with transaction.atomic():
        locked = _lock_item(item)
        if locked.status == ContentStatus.HIDDEN:
            raise Refusal(_("“%(item)s” is hidden: restore it instead.") % {"item": locked})
        reported = Report.objects.filter(decision__isnull=True, **_item_filter(locked)).exists()
        if locked.status == ContentStatus.PUBLISHED and not reported:
            raise Refusal(_("“%(item)s” is already shown and nobody has reported it.") % {"item": locked})
        return _decide(
            action=ModerationDecision.Action.APPROVE,
            item=locked,
            actor=officer,
            reason=reason,
            status_after=ContentStatus.PUBLISHED,
        )


def user_suspend(
    *, person: User, officer: User, reason: str, until: datetime | None = None
) -> ModerationDecision:
    """Suspend a person (until ``until``, or until lifted): they can no longer post, comment,
    rate, report or vote. A new suspension of someone already suspended replaces the old one."""
    _check_moderator(officer)
    reason = _clean_reason(reason)
    if not permissions.can_suspend(officer, person):
        raise Refusal(
            _("Officers cannot be suspended (nor suspend themselves): take away their staff status first."),
            forbidden=True,
        )
    now = timezone.now()
    if until is not None and until <= now:
        raise Refusal(_("A suspension must end in the future."), field="duration")
    with transaction.atomic():
        # Locked so that a suspension and a lifting made together end in the logged order.
        locked = type(person).objects.select_for_update().get(pk=person.pk)
        locked.suspended_at = now
        locked.suspended_until = until
        locked.suspension_reason = reason
        locked.save(update_fields=["suspended_at", "suspended_until", "suspension_reason"])
        decision = ModerationDecision.objects.create(
            action=ModerationDecision.Action.SUSPEND,
            actor=officer,
            person=locked,
            reason=reason,
            suspended_until=until,
        )
        transaction.on_commit(partial(_queue_notice, decision_id=decision.pk))
    person.suspended_at, person.suspended_until, person.suspension_reason = now, until, reason
    return decision


def user_unsuspend(*, person: User, officer: User, reason: str) -> ModerationDecision:
    """Lift a person's suspension."""
    _check_moderator(officer)
    reason = _clean_reason(reason)
    with transaction.atomic():
        locked = type(person).objects.select_for_update().get(pk=person.pk)
        if not is_suspended(locked):
            raise Refusal(_("%(person)s is not suspended.") % {"person": locked})
        locked.suspended_at = None
        locked.suspended_until = None
        locked.suspension_reason = ""
        locked.save(update_fields=["suspended_at", "suspended_until", "suspension_reason"])
        decision = ModerationDecision.objects.create(
            action=ModerationDecision.Action.UNSUSPEND, actor=officer, person=locked, reason=reason
        )
        transaction.on_commit(partial(_queue_notice, decision_id=decision.pk))
    person.suspended_at, person.suspended_until, person.suspension_reason = None, None, ""
    return decision


_NOTICES = {
    ModerationDecision.Action.HIDE: "hidden",
    ModerationDecision.Action.AUTO_HOLD: "held",
    ModerationDecision.Action.SUSPEND: "suspended",
    ModerationDecision.Action.UNSUSPEND: "unsuspended",
}


def decision_notify(*, decision_id: int) -> bool:
    """Email the person a decision is about, in their language, when it is one they are told of
    (hidden, held for review, suspended, suspension lifted). Returns whether an email went."""
    decision = ModerationDecision.objects.select_related(
        "person", "idea", "comment__idea", "conversation__organisation"
    ).get(pk=decision_id)
    notice = _NOTICES.get(ModerationDecision.Action(decision.action))
    person = decision.person
    if notice is None or not person.email or not person.is_active:
        return False
    with translation.override(person.language):
        context = {
            "person": person,
            "decision": decision,
            "item": decision.item,
            "is_idea": decision.idea_id is not None,
            "idea": decision.idea or (decision.comment.idea if decision.comment else None),
            "conversation": decision.conversation,
            # Where to write about the decision: the organisation's contact, else the service's.
            "organisation": decision.conversation.organisation if decision.conversation else None,
            "service_contact": settings.CONTACT_EMAIL,
        }
        subject = render_subject(f"conversations/email/{notice}_subject.txt", context)
        body = render_to_string(f"conversations/email/{notice}_message.txt", context)
    send_mail(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [person.email],
    )
    return True

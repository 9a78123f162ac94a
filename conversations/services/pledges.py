"""Pledges to action groups and the hours given against them.

- ``pledge_create``: a pledge of time, a skill or a resource. Without a condition it binds at
  once; with one ("if 10 other people also pledge by 31 May") it waits (``open``), and every
  pledge made to the group runs ``_check_threshold``, which binds each open pledge whose
  threshold is met: at least ``threshold`` *other* people have an open or bound pledge in the
  group, before its deadline.
- ``pledge_withdraw``: the pledger takes back a pledge that is still waiting, or one made
  without a condition that nobody has given hours against yet. A conditional pledge that has
  bound stays bound (others pledged counting on it), and so do the pledges a withdrawal leaves
  short: **a withdrawal never un-binds anyone**. A withdrawn pledge stops counting for the
  thresholds still waiting.
- ``pledges_lapse_due``: open pledges whose deadline has passed lapse (the beat task).
- ``pledge_outcome_send``: the email saying a conditional pledge bound or lapsed, in the
  pledger's language. ``outcome_sent_at`` is set in the same transaction as the change of status
  and the email is queued on commit, so each pledge is told once.
- ``pledge_hours_confirm``: a coordinator of the group (or a facilitator of its organisation, or
  an officer) confirms time given against a bound pledge of time; it is credited to the person's
  time-credit account through the ledger, once per idempotency key.

Exactly once, also under concurrency: every change to a group's pledges (a pledge, a withdrawal,
a lapse) first locks the group's row (``SELECT ... FOR UPDATE``), so they run one after another
and each sees what the one before committed: when the last few pledges arrive at the same
moment, the one that makes a threshold binds it and the others find it bound. Confirming hours
locks the pledge's row, then writes the ledger's transfer and the ``HoursGiven`` in one
transaction; a repeated key answers with the first ``HoursGiven``.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from timecredits.amounts import format_minutes
from timecredits.models import Account, Transfer
from timecredits.services.checks import check_key, check_minutes
from timecredits.services.once import Expected, account_ids, written_once
from timecredits.services.posting import enqueue_receipts, lock, record
from vocaleyes.emails import render_subject
from vocaleyes.errors import Refusal
from vocaleyes.permissions import is_suspended, suspension_message

from .. import permissions
from ..models import ActionGroup, HoursGiven, Pledge

if TYPE_CHECKING:
    from vocaleyes.models import User
    from vocaleyes.permissions import Person

MAX_PLEDGE_MINUTES = 100 * 60
MAX_THRESHOLD = 1000
COUNTING = (Pledge.Status.OPEN, Pledge.Status.BOUND)
TAKING_PLEDGES = (ActionGroup.Status.FORMING, ActionGroup.Status.ACTIVE)


# --- who ------------------------------------------------------------------------------------------


def pledge_create_refusal(*, person: Person, group: ActionGroup) -> Refusal | None:
    """Why this person may not pledge to this group (None if they may)."""
    if not person.is_authenticated:
        return Refusal(_("Sign in to make a pledge."), forbidden=True)
    if is_suspended(person):
        return Refusal(suspension_message(person), forbidden=True)
    if group.status not in TAKING_PLEDGES:
        return Refusal(_("This action group is not taking pledges."), forbidden=True)
    if not permissions.can_pledge(person, group):
        return Refusal(_("This action group is not taking pledges."), forbidden=True)
    return None


# --- pledges --------------------------------------------------------------------------------------


def _check_input(
    *, kind: str, minutes: int, description: str, threshold: int | None, deadline: datetime | None
) -> None:
    if kind not in Pledge.Kind.values:
        raise Refusal(_("Choose what you are pledging."), field="kind")
    if kind == Pledge.Kind.HOURS:
        if minutes <= 0:
            raise Refusal(_("Say how much time you can give."), field="hours")
        if minutes > MAX_PLEDGE_MINUTES:
            raise Refusal(_("Pledge at most 100 hours at a time."), field="hours")
    elif not description:
        raise Refusal(_("Say what you can offer."), field="description")
    if (threshold is None) != (deadline is None):
        raise Refusal(
            _("For a conditional pledge, say how many other people and by when."), field="threshold"
        )
    if threshold is not None and not 1 <= threshold <= MAX_THRESHOLD:
        raise Refusal(_("Enter a number of people between 1 and 1,000."), field="threshold")
    if deadline is not None and deadline <= timezone.now():
        raise Refusal(_("The date must be in the future."), field="deadline")


def pledge_create(
    *,
    person: User,
    group: ActionGroup,
    kind: str,
    minutes: int = 0,
    description: str = "",
    threshold: int | None = None,
    deadline: datetime | None = None,
) -> Pledge:
    """A pledge: bound at once without a condition, waiting (open) with one; either way the
    group's waiting pledges are then checked against their thresholds."""
    description = description.strip()
    if kind != Pledge.Kind.HOURS:
        minutes = 0
    _check_input(kind=kind, minutes=minutes, description=description, threshold=threshold, deadline=deadline)
    with transaction.atomic():
        locked = _lock(group)
        if refusal := pledge_create_refusal(person=person, group=locked):
            raise refusal
        now = timezone.now()
        conditional = threshold is not None
        pledge = Pledge.objects.create(
            group=locked,
            person=person,
            kind=kind,
            minutes=minutes,
            description=description,
            threshold=threshold,
            deadline=deadline,
            status=Pledge.Status.OPEN if conditional else Pledge.Status.BOUND,
            bound_at=None if conditional else now,
        )
        bound = _check_threshold(locked, now=now)
        if pledge.pk in bound:
            pledge.refresh_from_db()
    return pledge


def _lock(group: ActionGroup) -> ActionGroup:
    """The group's row, locked until commit: changes to its pledges queue here."""
    return ActionGroup.objects.select_for_update(of=("self",)).select_related("conversation").get(pk=group.pk)


def _check_threshold(group: ActionGroup, *, now: datetime) -> list[int]:
    """Bind every open pledge of the (locked) group whose threshold is met before its deadline.
    Returns the ids bound. Binding changes no count (open and bound pledges both count), so one
    pass is enough."""
    waiting = list(
        Pledge.objects.filter(group=group, status=Pledge.Status.OPEN, deadline__gt=now).values_list(
            "pk", "person_id", "threshold"
        )
    )
    if not waiting:
        return []
    pledgers = set(
        Pledge.objects.filter(group=group, status__in=COUNTING).values_list("person_id", flat=True).distinct()
    )
    bound = [pk for pk, person_id, threshold in waiting if len(pledgers - {person_id}) >= (threshold or 0)]
    if bound:
        # ``status=OPEN`` again in the UPDATE: only a pledge still waiting binds.
        Pledge.objects.filter(pk__in=bound, status=Pledge.Status.OPEN).update(
            status=Pledge.Status.BOUND, bound_at=now, outcome_sent_at=now
        )
        for pk in bound:
            _queue_outcome(pk)
    return bound


def pledge_withdraw_refusal(*, pledge: Pledge, by: Person) -> Refusal | None:
    """Why this person may not withdraw this pledge (None if they may)."""
    if not by.is_authenticated or pledge.person_id != by.pk:
        return Refusal(_("Only the person who made a pledge can withdraw it."), forbidden=True)
    if is_suspended(by):
        return Refusal(suspension_message(by), forbidden=True)
    if pledge.status == Pledge.Status.OPEN:
        return None
    if pledge.status == Pledge.Status.BOUND and not pledge.is_conditional:
        if pledge.hours.exists():
            return Refusal(_("Hours have been given against this pledge, so it cannot be withdrawn."))
        return None
    if pledge.status == Pledge.Status.BOUND:
        return Refusal(
            _("This pledge has bound: other people pledged counting on it, so it cannot be withdrawn.")
        )
    return Refusal(_("This pledge cannot be withdrawn any more."))


def pledge_withdraw(*, pledge: Pledge, by: User) -> Pledge:
    """The pledger takes back a pledge (see the module's notes: nothing else un-binds)."""
    with transaction.atomic():
        _lock(pledge.group)
        locked = Pledge.objects.select_for_update().get(pk=pledge.pk)
        if refusal := pledge_withdraw_refusal(pledge=locked, by=by):
            raise refusal
        locked.status = Pledge.Status.WITHDRAWN
        locked.withdrawn_at = timezone.now()
        locked.save(update_fields=["status", "withdrawn_at"])
    return locked


def pledges_lapse_due(*, now: datetime | None = None) -> int:
    """Open pledges whose deadline has passed lapse, group by group (each under its lock).
    Returns how many lapsed."""
    now = now or timezone.now()
    lapsed = 0
    groups = (
        Pledge.objects.filter(status=Pledge.Status.OPEN, deadline__lte=now)
        .values_list("group_id", flat=True)
        .distinct()
    )
    for group_id in list(groups):
        with transaction.atomic():
            ActionGroup.objects.select_for_update().filter(pk=group_id).values_list("pk").get()
            due = list(
                Pledge.objects.filter(
                    group_id=group_id, status=Pledge.Status.OPEN, deadline__lte=now
                ).values_list("pk", flat=True)
            )
            Pledge.objects.filter(pk__in=due).update(
                status=Pledge.Status.LAPSED, lapsed_at=now, outcome_sent_at=now
            )
            for pk in due:
                _queue_outcome(pk)
            lapsed += len(due)
    return lapsed


def _queue_outcome(pledge_id: int) -> None:
    from ..tasks import send_pledge_outcome

    # robust: an email that cannot be queued must not undo the pledge's change of status.
    transaction.on_commit(partial(send_pledge_outcome.delay, pledge_id), robust=True)


def pledge_outcome_send(*, pledge_id: int) -> bool:
    """Email the pledger that their conditional pledge bound or lapsed, in their language."""
    pledge = Pledge.objects.select_related("person", "group__conversation").get(pk=pledge_id)
    templates = {Pledge.Status.BOUND: "pledge_bound", Pledge.Status.LAPSED: "pledge_lapsed"}
    template = templates.get(Pledge.Status(pledge.status))
    person = pledge.person
    if template is None or not person.email or not person.is_active:
        return False
    with translation.override(person.language):
        context = {
            "person": person,
            "pledge": pledge,
            "group": pledge.group,
            "time": format_minutes(pledge.minutes) if pledge.minutes else "",
            "conversation": pledge.group.conversation,
        }
        subject = render_subject(f"conversations/email/{template}_subject.txt", context)
        body = render_to_string(f"conversations/email/{template}_message.txt", context)
    send_mail(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [person.email],
    )
    return True


def group_url(group: ActionGroup) -> str:
    """The action group's page (the groups part's ``action_group``), or its conversation's page
    where that page is not there."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("conversations:action_group", kwargs={"pk": group.pk})
    except NoReverseMatch:
        return group.conversation.get_absolute_url()


# --- hours ----------------------------------------------------------------------------------------


def pledge_hours_confirm(
    *, pledge: Pledge, minutes: int, given_on: date, by: User, idempotency_key: str
) -> HoursGiven:
    """A coordinator confirms ``minutes`` given on ``given_on`` against a bound pledge of time,
    credited to the pledger's time-credit account once per ``idempotency_key`` (a repeat answers
    with the first ``HoursGiven`` and credits nothing more)."""
    group = pledge.group
    if is_suspended(by):  # first: a suspended coordinator is told why, not that they are none
        raise Refusal(suspension_message(by), forbidden=True)
    if not permissions.can_coordinate(by, group):
        raise Refusal(_("Only a coordinator of this action group can confirm hours."), forbidden=True)
    check_minutes(minutes)
    if given_on > timezone.localdate():
        raise Refusal(_("The date cannot be in the future."), field="given_on")
    check_key(idempotency_key)
    if (done := HoursGiven.objects.filter(idempotency_key=idempotency_key).first()) is not None:
        return _replayed(done, pledge)
    with transaction.atomic():
        locked = Pledge.objects.select_for_update().select_related("person").get(pk=pledge.pk)
        # A twin of this request may have committed while we waited for the lock.
        if (done := HoursGiven.objects.filter(idempotency_key=idempotency_key).first()) is not None:
            return _replayed(done, pledge)
        if locked.kind != Pledge.Kind.HOURS:
            raise Refusal(_("Hours are confirmed against pledges of time only."))
        if locked.status != Pledge.Status.BOUND:
            raise Refusal(_("Hours are confirmed against pledges that are counted on only."))
        if locked.person_id == by.pk:
            raise Refusal(_("You cannot confirm your own hours. Ask another coordinator to confirm them."))
        transfer = _credit(group=group, person=locked.person, minutes=minutes, by=by, key=idempotency_key)
        hours = HoursGiven.objects.create(
            pledge=locked,
            minutes=minutes,
            given_on=given_on,
            confirmed_by=by,
            idempotency_key=idempotency_key,
            transfer=transfer,
        )
    return hours


def _replayed(done: HoursGiven, pledge: Pledge) -> HoursGiven:
    if done.pledge_id != pledge.pk:
        raise Refusal(_("This form was already used for a different pledge. Please start again."))
    done.replayed = True  # type: ignore[attr-defined]
    return done


def _memo(group: ActionGroup, person: User) -> str:
    """The statement line names the action group, in the person's language."""
    with translation.override(person.language):
        return _("Action group: %(name)s") % {"name": group.name}


def _credit(*, group: ActionGroup, person: User, minutes: int, by: User, key: str) -> Transfer:
    """The ledger's earn, written through its locked section (``timecredits.services``): the
    organisation issues ``minutes`` to the person. Coordinators are checked by the caller, in
    place of ``credits_earn``'s "organisers only"; the ledger's own rules (balanced legs, locked
    accounts in order, the unique key) are the same as for every earn."""
    if not person.is_active:
        raise Refusal(
            _("%(name)s cannot receive credits: their account is closed.") % {"name": person.public_name}
        )
    conversation = group.conversation
    organisation_id = conversation.organisation_id
    issuing_key = (organisation_id, Account.Kind.ISSUING)
    transfer_key = f"pledge-hours:{key}"
    memo = _memo(group, person)
    expected = Expected(
        key=transfer_key,
        kind=Transfer.Kind.EARN,
        amount=minutes,
        account_ids=partial(account_ids, user_ids=[person.pk], organisation_account=issuing_key),
    )

    def write() -> list[Transfer]:
        locked = lock(people=[person], organisation_account=issuing_key)
        issuing = locked.organisation(*issuing_key)
        if issuing is None:
            raise Refusal(
                _(
                    "%(organisation)s does not give time credits yet. "
                    "A council officer can open an issuing account for it."
                )
                % {"organisation": conversation.organisation.name}
            )
        transfer = record(
            kind=Transfer.Kind.EARN,
            legs=[(issuing, -minutes), (locked.person(person.pk), minutes)],
            idempotency_key=transfer_key,
            recorded_by=by,
            memo=memo,
            organisation_id=organisation_id,
            conversation=conversation,
        )
        enqueue_receipts(transfer)
        return [transfer]

    [transfer] = written_once(write, [expected])
    return transfer

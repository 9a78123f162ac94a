"""Platform-wide predicates about people, for every app to use: one predicate per question.

- ``is_officer``: a council officer (Django staff, still active). Officers moderate and may do
  everything a facilitator may, in every organisation.
- ``is_facilitator``: holds the facilitator role in one organisation (one ``exists()`` query,
  remembered on the user object for the rest of the request; ``remember_facilitator`` records
  an answer a page's own query already found, so the question costs nothing).
- ``is_suspended`` / ``suspension_message`` (``suspension_notice`` for a flash), below.

Whether someone may *see* a conversation is ``conversations.permissions.can_see_conversation``;
budget rounds and other apps ask it rather than restating it.

A suspended person (``User.suspended_at`` set, ``suspended_until`` empty or still ahead) keeps
reading and signing in, but changes nothing anywhere: no ideas, comments, ratings, reports or
votes, and no facilitator's or officer's writes either (starting and changing conversations and
rounds, the taking-part switches, exports, invitations, confirming hours, giving, spending or
reversing time credits). Officers who are suspended are held to the same rule. Every app's
*write* predicates ask ``is_suspended`` (``can_facilitate`` and ``is_organiser`` stay read
predicates: a suspended facilitator still reads the dashboard), and services refuse with
``suspension_refusal``, which tells the person why in the language of the request.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy

from vocaleyes.errors import Refusal
from vocaleyes.flash import lazy_message

from .models import OrganisationRole

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django_stubs_ext import StrPromise

    from .models import User

    Person = User | AnonymousUser


def is_officer(user: Person) -> bool:
    """A council officer: staff, and still active."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def _facilitates(user: User) -> dict[int, bool]:
    # Answers for this user object, which lives as long as the request (or the task) does.
    known: dict[int, bool] = user.__dict__.setdefault("_facilitates", {})
    return known


def _learn_every_role(user: User) -> None:
    """One query for all the organisations this person facilitates (people facilitate a few at
    most), so that ``is_facilitator`` for any organisation and ``facilitates_any`` ask no more."""
    known = _facilitates(user)
    for organisation_id in facilitator_roles(user.pk).values_list("organisation_id", flat=True):
        known[organisation_id] = True
    user.__dict__["_facilitates_all_known"] = True


def is_facilitator(user: Person, organisation_id: int) -> bool:
    """Holds the facilitator role in this organisation (and is still active)."""
    if not (user.is_authenticated and user.is_active):
        return False
    known = _facilitates(user)
    if organisation_id not in known and not user.__dict__.get("_facilitates_all_known"):
        _learn_every_role(user)
    return known.get(organisation_id, False)


def facilitates_as_subquery(person: str, organisation: int | OuterRef) -> Exists:
    """Whether the row's person (``person``: a field of the outer query, such as
    ``"author_id"``) facilitates for the organisation (an id, or an ``OuterRef`` to the outer
    query's): a subquery, so that a list of ideas or comments shows who is a facilitator in its
    own query rather than one query per item (the "Facilitator" badge beside a name)."""
    roles = OrganisationRole.objects.filter(
        user_id=OuterRef(person), role=OrganisationRole.Role.FACILITATOR, user__is_active=True
    )
    return Exists(roles.filter(Q(organisation_id=organisation)))


def facilitator_roles(user_id: int) -> QuerySet[OrganisationRole]:
    """This person's facilitator roles: ``is_facilitator`` asks it, and a page's own query can
    ask it as a subquery (``Exists(facilitator_roles(pk).filter(organisation_id=OuterRef(...)))``)
    and hand the answer to ``remember_facilitator``."""
    return OrganisationRole.objects.filter(user_id=user_id, role=OrganisationRole.Role.FACILITATOR)


def facilitates_any(user: Person) -> bool:
    """Has facilitator pages to go to: an officer, or a facilitator of at least one organisation.
    The header's "Your conversations" link asks it on every page, so it asks nothing when the
    page already knows (a role found, or every role read by ``is_facilitator``), and otherwise
    reads every role once."""
    if not (user.is_authenticated and user.is_active):
        return False
    if is_officer(user):
        return True
    if "_facilitates_anywhere" in user.__dict__:
        return bool(user.__dict__["_facilitates_anywhere"])
    known = _facilitates(user)
    if not any(known.values()) and not user.__dict__.get("_facilitates_all_known"):
        _learn_every_role(user)
    return any(known.values())


def remember_facilitator(
    user: Person, organisation_id: int, facilitates: bool, *, anywhere: bool | None = None
) -> None:
    """Record what a query already found out, so ``is_facilitator`` (and, given ``anywhere``,
    ``facilitates_any``) need not ask again."""
    if user.is_authenticated:
        _facilitates(user)[organisation_id] = facilitates
        if anywhere is not None:
            user.__dict__["_facilitates_anywhere"] = anywhere


def is_suspended(user: Person, *, now: datetime | None = None) -> bool:
    """Whether this person is suspended right now (no query: the fields are on the user)."""
    if not user.is_authenticated:
        return False
    if user.suspended_at is None:
        return False
    return user.suspended_until is None or user.suspended_until > (now or timezone.now())


def suspension_message(user: User) -> str:
    """What a suspended person is told when they try to take part, in the active language."""
    return str(suspension_notice(user))


def suspension_refusal(user: Person) -> Refusal | None:
    """The refusal every write answers a suspended person with (``forbidden``: they may not do
    this at all), or None for anyone else. Services ask it before their other checks, so the
    person is told about the suspension rather than about a role they still hold."""
    if not is_suspended(user):
        return None
    assert user.is_authenticated  # is_suspended: signed in
    return Refusal(suspension_message(user), forbidden=True)


def check_not_suspended(user: Person) -> None:
    """Raise ``suspension_refusal`` for a suspended person; nothing for anyone else."""
    refusal = suspension_refusal(user)
    if refusal is not None:
        raise refusal


def suspension_notice(user: User) -> StrPromise:
    """``suspension_message``, lazy: as a flash message it is shown in the page's language."""
    if user.suspended_until is None:
        message = gettext_lazy(
            "Your account has been suspended by a council officer, so you cannot post ideas, "
            "comment, rate, report, vote, use time credits or change anything as a facilitator or "
            "officer; you can still read. The reason given: %(reason)s"
        )
        return lazy_message(message, reason=user.suspension_reason)
    until = _date_format_lazy(timezone.localtime(user.suspended_until), "j F Y, H:i")
    message = gettext_lazy(
        "Your account has been suspended by a council officer until %(until)s, so until then you "
        "cannot post ideas, comment, rate, report, vote, use time credits or change anything as a "
        "facilitator or officer; you can still read. The reason given: %(reason)s"
    )
    return lazy_message(message, until=until, reason=user.suspension_reason)


_date_format_lazy = lazy(date_format, str)

"""Who may do what in a conversation: plain predicates, used by views, templates, the admin,
the API and the services alike, and tested together as a matrix of roles and states.

The roles:

* a *resident* is anyone signed in: they post, comment, rate and report while the conversation
  takes part (and while they are not suspended, ``vocaleyes.permissions.is_suspended``);
* a *facilitator* holds the facilitator role in the organisation that runs the conversation
  (``vocaleyes.permissions.is_facilitator``): they seed ideas, see the facilitator dashboard,
  pause posting and rating, and export the prioritised action list;
* a *moderator* is a council officer (``vocaleyes.permissions.is_officer``): everything a
  facilitator may do, in every conversation, and moderation in the admin (approve, hide, restore, suspend).

Seeing a conversation at all is ``can_see_conversation``, and taking part needs it too. Views
call ``check_can_see``: a 404 for drafts and anything else unseen, but for an invitation-only
conversation ``ByInvitation`` (a 403 page that says how to join): its members are the members
of its target groups (``Conversation.target_groups``), plus the organisation's facilitators and
officers. ``refusal_message`` says why someone may not take part, in the
language of the request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from vocaleyes.models import GroupMembership, Organisation
from vocaleyes.permissions import (
    facilitator_roles,
    is_facilitator,
    is_officer,
    is_suspended,
    remember_facilitator,
    suspension_message,
)

from .models import (
    ActionGroup,
    ActionGroupCoordinator,
    Comment,
    ContentStatus,
    Conversation,
    ExportJob,
    Idea,
    SharedSeed,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from vocaleyes.models import User

    Person = User | AnonymousUser


def can_facilitate(user: Person, conversation: Conversation) -> bool:
    """The facilitator pages of a conversation, to read: its organisation's facilitators and
    officers, suspended or not. Changing anything asks ``can_change_conversation``."""
    return is_officer(user) or is_facilitator(user, conversation.organisation_id)


def can_change_conversation(user: Person, conversation: Conversation) -> bool:
    """Edit the conversation and its taking-part switches: its facilitators and officers, not
    suspended (a suspended facilitator reads the dashboard but changes nothing)."""
    return can_facilitate(user, conversation) and not is_suspended(user)


def can_start_conversation(user: Person, organisation: Organisation) -> bool:
    """Facilitators start conversations in their organisations; officers in any; not while
    suspended."""
    return (is_officer(user) or is_facilitator(user, organisation.pk)) and not is_suspended(user)


def organisations_to_start_in(user: Person) -> QuerySet[Organisation]:
    """The organisations this person may start a conversation in (one query)."""
    if is_officer(user):
        return Organisation.objects.all()
    if not (user.is_authenticated and user.is_active):
        return Organisation.objects.none()
    return Organisation.objects.filter(pk__in=facilitator_roles(user.pk).values("organisation_id"))


def can_export(user: Person, conversation: Conversation) -> bool:
    """The prioritised action list is for the people who turn it into action. Not while
    suspended: a file of residents' ideas leaves the platform, so it counts as a write."""
    return can_facilitate(user, conversation) and not is_suspended(user)


def can_see_conversation(user: Person, conversation: Conversation) -> bool:
    """Listed conversations are for everyone; drafts for staff and the organisation's
    facilitators; invitation-only ones also for the members of their target groups. One query at
    most, remembered for the request."""
    if conversation.is_listed:
        return True
    if not user.is_authenticated:
        return False
    if is_officer(user):
        return True
    if conversation.status == Conversation.Status.DRAFT or not is_by_invitation(conversation):
        return is_facilitator(user, conversation.organisation_id)
    return _admitted(user, conversation)


def is_by_invitation(conversation: Conversation) -> bool:
    return conversation.visibility == Conversation.Visibility.INVITATION


def _admitted(user: User, conversation: Conversation) -> bool:
    """A member of one of the conversation's groups, or a facilitator of its organisation."""
    known: dict[int, bool] = user.__dict__.setdefault("_admitted_to", {})
    if conversation.pk not in known:
        facilitates = Exists(facilitator_roles(user.pk).filter(organisation_id=OuterRef("organisation_id")))
        member = Exists(GroupMembership.objects.filter(user_id=user.pk, group__conversations=OuterRef("pk")))
        row = (
            Conversation.objects.filter(pk=conversation.pk)
            .annotate(facilitates=facilitates, member=member)
            .values_list("facilitates", "member")
            .first()
        )
        facilitator, is_member = row if row is not None else (False, False)
        remember_facilitator(user, conversation.organisation_id, bool(facilitator))
        known[conversation.pk] = bool(facilitator or is_member)
    return known[conversation.pk]


class ByInvitation(PermissionDenied):
    """Someone may not see an invitation-only conversation: answered with a 403 page that says
    how to join (``vocaleyes.views.permission_denied``), in the API with the message."""

    def __init__(self, conversation: Conversation) -> None:
        self.conversation = conversation
        super().__init__(
            _(
                "This conversation is by invitation. To join, ask the organiser for an invitation "
                "link; if you have already joined, sign in."
            )
        )


def check_can_see(user: Person, conversation: Conversation) -> None:
    """Nothing if this person may see the conversation; otherwise ``ByInvitation`` for an
    invitation-only conversation that is not a draft, and 404 for everything else (drafts do
    not leak)."""
    if can_see_conversation(user, conversation):
        return
    if is_by_invitation(conversation) and conversation.status != Conversation.Status.DRAFT:
        raise ByInvitation(conversation)
    raise Http404


def can_take_part(user: Person, conversation: Conversation) -> bool:
    """Anyone signed in, not suspended and able to see the conversation, while it is open."""
    return (
        bool(user.is_authenticated and user.is_active)
        and not is_suspended(user)
        and conversation.is_open
        and can_see_conversation(user, conversation)
    )


def can_post_idea(user: Person, conversation: Conversation) -> bool:
    return can_take_part(user, conversation) and conversation.posting_open


def can_seed_idea(user: Person, conversation: Conversation) -> bool:
    """Facilitators of the organisation (and council officers) bring in ideas from elsewhere."""
    return can_post_idea(user, conversation) and can_facilitate(user, conversation)


def can_see_seed(user: Person, seed: SharedSeed) -> bool:
    """A shared seed and the side-by-side comparison of its copies' ratings: for the
    facilitators of its organisation, and officers."""
    return is_officer(user) or is_facilitator(user, seed.organisation_id)


def can_comment(user: Person, idea: Idea) -> bool:
    return (
        can_take_part(user, idea.conversation)
        and idea.conversation.posting_open
        and idea.status == ContentStatus.PUBLISHED
    )


def can_rate(user: Person, idea: Idea) -> bool:
    """Everyone taking part rates other people's ideas; your own idea is not yours to score."""
    return (
        can_take_part(user, idea.conversation)
        and idea.conversation.rating_open
        and idea.status == ContentStatus.PUBLISHED
        and idea.author_id != user.pk
    )


def can_edit_idea(user: Person, idea: Idea, *, has_ratings: bool) -> bool:
    """Authors edit their own idea until someone has rated it: after that, people's ratings
    would be about words that are no longer there."""
    return (
        can_post_idea(user, idea.conversation)
        and idea.author_id == user.pk
        and idea.status == ContentStatus.PUBLISHED
        and not has_ratings
    )


def can_report(user: Person, item: Idea | Comment) -> bool:
    """Anyone signed in and not suspended reports what others wrote, while it is shown (also in
    a closed conversation: what it shows still matters)."""
    conversation = item.conversation if isinstance(item, Idea) else item.idea.conversation
    return (
        bool(user.is_authenticated and user.is_active)
        and not is_suspended(user)
        and item.status == ContentStatus.PUBLISHED
        and item.author_id != user.pk
        and can_see_conversation(user, conversation)
    )


def can_moderate(user: Person) -> bool:
    """Approve, hide and restore ideas and comments, and see the moderation queue and log."""
    return is_officer(user)


def can_suspend(officer: Person, person: User) -> bool:
    """Officers suspend residents and facilitators, never themselves or another officer (take
    away the staff status first: that is a decision for whoever manages the officers)."""
    return is_officer(officer) and person.pk != officer.pk and not person.is_staff


def can_respond(user: Person, idea: Idea) -> bool:
    """The official response to an idea ("you said, we did"): the organisation's facilitators
    and officers, not suspended, for a visible idea."""
    return (
        can_facilitate(user, idea.conversation)
        and not is_suspended(user)
        and idea.status == ContentStatus.PUBLISHED
    )


def can_download_export(user: Person, job: ExportJob) -> bool:
    """The person who asked for an export (while they may still export that conversation), and
    officers; nobody while suspended."""
    if is_suspended(user):
        return False
    if is_officer(user):
        return True
    return job.requested_by_id == user.pk and can_export(user, job.conversation)


def can_pledge(user: Person, group: ActionGroup) -> bool:
    """Anyone signed in and not suspended pledges to an action group that is forming or active,
    in a conversation they may see, while it acts on at least one idea that is shown (a group
    whose ideas were all hidden or are waiting for review takes no pledges). One query for the
    ideas, one more for an unlisted conversation."""
    return (
        bool(user.is_authenticated and user.is_active)
        and not is_suspended(user)
        and group.status in (ActionGroup.Status.FORMING, ActionGroup.Status.ACTIVE)
        and can_see_conversation(user, group.conversation)
        and group.ideas.visible().exists()
    )


Activity = Literal["post", "comment", "rate", "report"]


def refusal_message(user: Person, conversation: Conversation, activity: Activity) -> str:
    """Why this person may not do this here: for the message they see when refused."""
    if user.is_authenticated and is_suspended(user):
        return suspension_message(user)
    if activity == "report":
        return _("You can only report ideas and comments written by other people that are shown.")
    if not conversation.is_open:
        return _("This conversation is not taking new ideas, comments or ratings.")
    if activity in ("post", "comment") and not conversation.posting_open:
        return _("This conversation is not taking new ideas or comments at the moment.")
    if activity == "rate" and not conversation.rating_open:
        return _("This conversation is not taking ratings at the moment.")
    return _("This conversation is not taking new ideas, comments or ratings.")


# --- Action groups (issue 12) ----------------------------------------------------------------


def can_see_action_group(user: Person, group: ActionGroup) -> bool:
    """An action group is as visible as its conversation."""
    return can_see_conversation(user, group.conversation)


def can_start_action_group(user: Person, idea: Idea) -> bool:
    """Turn a shown idea into an action group: the organisation's facilitators and officers, and
    the idea's author where the conversation allows authors to (never while suspended)."""
    if not (user.is_authenticated and user.is_active) or is_suspended(user):
        return False
    if idea.status != ContentStatus.PUBLISHED:
        return False
    conversation = idea.conversation
    if not can_see_conversation(user, conversation):
        return False
    if conversation.authors_start_action_groups and idea.author_id == user.pk:
        return True
    return can_facilitate(user, conversation)


def is_coordinator(user: Person, group: ActionGroup) -> bool:
    """One of the group's own coordinators (one query, remembered for the request)."""
    if not user.is_authenticated:
        return False
    known: dict[int, bool] = user.__dict__.setdefault("_coordinates", {})
    if group.pk not in known:
        known[group.pk] = ActionGroupCoordinator.objects.filter(group_id=group.pk, user_id=user.pk).exists()
    return known[group.pk]


def can_coordinate(user: Person, group: ActionGroup) -> bool:
    """Edit the group, post its updates and confirm hours: its coordinators, the organisation's
    facilitators and officers; none of them while suspended."""
    if not (user.is_authenticated and user.is_active) or is_suspended(user):
        return False
    return (
        is_officer(user)
        or is_facilitator(user, group.conversation.organisation_id)
        or is_coordinator(user, group)
    )


def can_manage_coordinators(user: Person, group: ActionGroup) -> bool:
    """Choose who coordinates: the organisation's facilitators and officers (a coordinator who
    is a resident runs the group but does not hand it on)."""
    return (
        bool(user.is_authenticated and user.is_active)
        and not is_suspended(user)
        and can_facilitate(user, group.conversation)
    )

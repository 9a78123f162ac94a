"""Writes of action groups: creating one from ideas, editing it, its status, its coordinators and
the updates on its timeline.

Who may do each is a predicate in ``conversations.permissions`` (``can_start_action_group``,
``can_coordinate``, ``can_manage_coordinators``); the functions here check it again, so the
admin, a task or a test cannot go round it. A change of status and a new update are told to the
group's followers as a ``FollowEvent`` (``responses.follow_event_record``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from vocaleyes.errors import Refusal
from vocaleyes.permissions import is_suspended, suspension_message

from .. import permissions
from ..models import (
    ActionGroup,
    ActionGroupCoordinator,
    ActionGroupUpdate,
    FollowEvent,
    Idea,
)
from .responses import follow_event_record

if TYPE_CHECKING:
    from budgeting.models import BudgetProject
    from vocaleyes.models import User

NAME_MAX = 200
PURPOSE_MAX = 5000
UPDATE_MAX = 5000


def _refuse_if_suspended(person: User) -> None:
    if is_suspended(person):
        raise Refusal(suspension_message(person), forbidden=True)


def _clean_texts(
    *, name_en: str, name_cy: str, purpose_en: str, purpose_cy: str
) -> tuple[str, str, str, str]:
    """The name and purpose, trimmed: each in English or Welsh at least, and not too long."""
    name_en, name_cy = name_en.strip(), name_cy.strip()
    purpose_en, purpose_cy = purpose_en.strip(), purpose_cy.strip()
    if not (name_en or name_cy):
        raise Refusal(_("Give the action group a name in English or Welsh."), field="name_en")
    if len(name_en) > NAME_MAX or len(name_cy) > NAME_MAX:
        raise Refusal(
            _("Keep the name to %(limit)d characters or fewer.") % {"limit": NAME_MAX},
            field="name_en" if len(name_en) > NAME_MAX else "name_cy",
        )
    if not (purpose_en or purpose_cy):
        raise Refusal(_("Say what the action group will do, in English or Welsh."), field="purpose_en")
    if len(purpose_en) > PURPOSE_MAX or len(purpose_cy) > PURPOSE_MAX:
        raise Refusal(
            _("Keep the purpose to %(limit)d characters or fewer.") % {"limit": PURPOSE_MAX},
            field="purpose_en" if len(purpose_en) > PURPOSE_MAX else "purpose_cy",
        )
    return name_en, name_cy, purpose_en, purpose_cy


def _check_budget_project(budget_project: BudgetProject | None, organisation_id: int) -> None:
    if budget_project is None:
        return
    if budget_project.round.conversation.organisation_id != organisation_id:
        raise Refusal(
            _("Choose a budget project of the organisation that runs the conversation."),
            field="budget_project",
        )


def action_group_create(
    *,
    by: User,
    ideas: Sequence[Idea],
    name_en: str,
    name_cy: str,
    purpose_en: str,
    purpose_cy: str,
    coordinators: Iterable[User] | None = None,
    budget_project: BudgetProject | None = None,
) -> ActionGroup:
    """Start an action group acting on ``ideas``: one or more shown ideas of one conversation.

    ``by`` must be allowed to start one from at least one of them
    (``permissions.can_start_action_group``: a facilitator from any, an author from their own,
    which other ideas of the conversation may then join). ``by`` becomes its first coordinator,
    with ``coordinators`` beside them. The group starts as forming.
    """
    _refuse_if_suspended(by)
    wanted = {idea.pk for idea in ideas}
    if not wanted:
        raise Refusal(_("Choose at least one idea for the action group to act on."), field="ideas")
    # Read again from what is shown now: a hidden or pending idea gets no action group, even
    # if it was shown when the form was.
    shown = list(Idea.objects.visible().filter(pk__in=wanted).select_related("conversation__organisation"))
    if len(shown) != len(wanted):
        raise Refusal(_("Only ideas shown in the conversation can get an action group."), field="ideas")
    if len({idea.conversation_id for idea in shown}) > 1:
        raise Refusal(_("Choose ideas of one conversation."), field="ideas")
    if not any(permissions.can_start_action_group(by, idea) for idea in shown):
        raise Refusal(
            _(
                "Only the conversation's facilitators (or, where it allows them, the idea's "
                "author) can start an action group."
            ),
            forbidden=True,
        )
    conversation = shown[0].conversation
    name_en, name_cy, purpose_en, purpose_cy = _clean_texts(
        name_en=name_en, name_cy=name_cy, purpose_en=purpose_en, purpose_cy=purpose_cy
    )
    _check_budget_project(budget_project, conversation.organisation_id)
    others = [person for person in (coordinators or []) if person.pk != by.pk]
    for person in others:
        if not person.is_active or is_suspended(person):
            raise Refusal(_("A coordinator must have an active account."), field="coordinators")
    with transaction.atomic():
        group = ActionGroup.objects.create(
            conversation=conversation,
            name_en=name_en,
            name_cy=name_cy,
            purpose_en=purpose_en,
            purpose_cy=purpose_cy,
            budget_project=budget_project,
            created_by=by,
        )
        group.ideas.set(shown)
        ActionGroupCoordinator.objects.bulk_create(
            [ActionGroupCoordinator(group=group, user=person) for person in [by, *others]]
        )
    return group


def _check_coordinates(by: User, group: ActionGroup) -> None:
    _refuse_if_suspended(by)
    if not permissions.can_coordinate(by, group):
        raise Refusal(
            _("Only the action group's coordinators and the conversation's facilitators can do this."),
            forbidden=True,
        )


def action_group_edit(
    *,
    by: User,
    group: ActionGroup,
    name_en: str,
    name_cy: str,
    purpose_en: str,
    purpose_cy: str,
    budget_project: BudgetProject | None = None,
) -> ActionGroup:
    """Change the group's name, purpose and budget project (its status is
    ``action_group_set_status``, which followers are told about)."""
    _check_coordinates(by, group)
    name_en, name_cy, purpose_en, purpose_cy = _clean_texts(
        name_en=name_en, name_cy=name_cy, purpose_en=purpose_en, purpose_cy=purpose_cy
    )
    _check_budget_project(budget_project, group.conversation.organisation_id)
    group.name_en, group.name_cy = name_en, name_cy
    group.purpose_en, group.purpose_cy = purpose_en, purpose_cy
    group.budget_project = budget_project
    group.save(update_fields=["name_en", "name_cy", "purpose_en", "purpose_cy", "budget_project", "updated"])
    return group


def action_group_set_status(*, by: User, group: ActionGroup, status: str) -> ActionGroup:
    """Move the group to ``status`` (any of forming, active, done, stopped: a coordinator may
    correct a mistake). A real change is one event for followers; the same status again is
    none."""
    _check_coordinates(by, group)
    if status not in ActionGroup.Status.values:
        raise Refusal(_("Choose one of the statuses listed."), field="status")
    with transaction.atomic():
        # Locked, so two coordinators changing it at once make two events only if both change it.
        current = ActionGroup.objects.select_for_update().values_list("status", flat=True).get(pk=group.pk)
        group.status = status
        if current == status:
            return group
        ActionGroup.objects.filter(pk=group.pk).update(status=status)
        follow_event_record(kind=FollowEvent.Kind.STATUS, group=group)
    return group


def action_group_post_update(*, by: User, group: ActionGroup, body: str, language: str) -> ActionGroupUpdate:
    """Post news on the group's timeline (plain text, in one language); followers are told."""
    _check_coordinates(by, group)
    body = body.strip()
    if not body:
        raise Refusal(_("Write the update."), field="body")
    if len(body) > UPDATE_MAX:
        raise Refusal(
            _("Keep the update to %(limit)d characters or fewer.") % {"limit": UPDATE_MAX}, field="body"
        )
    if language not in ("en", "cy"):
        raise Refusal(_("Say which language you are writing in."), field="language")
    with transaction.atomic():
        update = ActionGroupUpdate.objects.create(group=group, author=by, body=body, language=language)
        follow_event_record(kind=FollowEvent.Kind.UPDATE, group=group)
    return update


def action_group_add_coordinator(*, by: User, group: ActionGroup, person: User) -> ActionGroupCoordinator:
    """Make ``person`` a coordinator too (the organisation's facilitators and officers decide).
    Adding someone who already coordinates changes nothing."""
    _refuse_if_suspended(by)
    if not permissions.can_manage_coordinators(by, group):
        raise Refusal(_("Only the conversation's facilitators can choose the coordinators."), forbidden=True)
    if not person.is_active or is_suspended(person):
        raise Refusal(_("A coordinator must have an active account."), field="email")
    role, _created = ActionGroupCoordinator.objects.get_or_create(group=group, user=person)
    return role


def action_group_remove_coordinator(*, by: User, group: ActionGroup, person: User) -> None:
    """Stop ``person`` coordinating; a group always keeps at least one coordinator."""
    _refuse_if_suspended(by)
    if not permissions.can_manage_coordinators(by, group):
        raise Refusal(_("Only the conversation's facilitators can choose the coordinators."), forbidden=True)
    with transaction.atomic():
        # Locked, so two removals at once cannot leave the group with nobody.
        roles = list(ActionGroupCoordinator.objects.select_for_update().filter(group=group))
        if not any(role.user_id == person.pk for role in roles):
            return
        if len(roles) == 1:
            raise Refusal(_("An action group needs at least one coordinator."))
        ActionGroupCoordinator.objects.filter(group=group, user=person).delete()

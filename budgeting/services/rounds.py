"""Rounds and their projects, created with every field named and typed, and changed from the
facilitator pages until voting starts (then only their text: the rest would change the outcome).

Both are checked like the admin form checks them (``full_clean``: phases in order, k and
points for their ballot types, an idea from the round's own conversation) and refused with a
:class:`vocaleyes.errors.Refusal` that carries every problem found.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from conversations.models import Conversation, Idea
from vocaleyes.errors import Refusal

from ..models import BudgetProject, BudgetRound, Phase


def full_clean_or_refuse(instance: models.Model) -> None:
    """``instance.full_clean()``, its ValidationError turned into one refusal: every message,
    and the field when they are all about one field."""
    try:
        instance.full_clean()
    except ValidationError as exc:
        fields = set(exc.message_dict) if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS}
        field = next(iter(fields)) if len(fields) == 1 else None
        raise Refusal(
            " ".join(dict.fromkeys(exc.messages)), field=None if field == NON_FIELD_ERRORS else field
        ) from exc


def round_create(
    *,
    conversation: Conversation,
    slug: str,
    budget: Decimal,
    proposals_open: datetime,
    review_opens: datetime,
    voting_opens: datetime,
    voting_closes: datetime,
    title_en: str = "",
    title_cy: str = "",
    description_en: str = "",
    description_cy: str = "",
    currency: str = "GBP",
    ballot_type: str = BudgetRound.BallotType.APPROVAL,
    max_projects: int | None = None,
    points: int | None = None,
    rule: str = BudgetRound.Rule.EQUAL_SHARES,
    completion: str = BudgetRound.Completion.ADD1_GREEDY,
) -> BudgetRound:
    """A round in ``conversation``. Greedy has no completion: pass ``completion="none"``."""
    budget_round = BudgetRound(
        conversation=conversation,
        slug=slug,
        budget=budget,
        proposals_open=proposals_open,
        review_opens=review_opens,
        voting_opens=voting_opens,
        voting_closes=voting_closes,
        title_en=title_en,
        title_cy=title_cy,
        description_en=description_en,
        description_cy=description_cy,
        currency=currency,
        ballot_type=ballot_type,
        max_projects=max_projects,
        points=points,
        rule=rule,
        completion=completion,
    )
    full_clean_or_refuse(budget_round)
    budget_round.save()
    return budget_round


def project_create(
    *,
    budget_round: BudgetRound,
    cost: Decimal,
    code: str = "",
    title_en: str = "",
    title_cy: str = "",
    description_en: str = "",
    description_cy: str = "",
    category_en: str = "",
    category_cy: str = "",
    idea: Idea | None = None,
    eligible: bool = True,
    ineligible_reason_en: str = "",
    ineligible_reason_cy: str = "",
) -> BudgetProject:
    """A project in ``budget_round``. Without a ``code`` it gets the next free number,
    zero-padded to three digits (``001``, ``002``...), so code order is creation order."""
    with transaction.atomic():
        # Lock the round so two projects created at once do not take the same number.
        BudgetRound.objects.select_for_update().filter(pk=budget_round.pk).first()
        if not code:
            code = f"{budget_round.projects.count() + 1:03d}"
            while budget_round.projects.filter(code=code).exists():
                code = f"{int(code) + 1:03d}"
        project = BudgetProject(
            round=budget_round,
            code=code,
            cost=cost,
            title_en=title_en,
            title_cy=title_cy,
            description_en=description_en,
            description_cy=description_cy,
            category_en=category_en,
            category_cy=category_cy,
            idea=idea,
            eligible=eligible,
            ineligible_reason_en=ineligible_reason_en,
            ineligible_reason_cy=ineligible_reason_cy,
        )
        full_clean_or_refuse(project)
        project.save()
    return project


# --- Facilitator pages: editing a round and its projects until voting starts -----------------

# What a round's outcome depends on: once voting has started these are fixed.
OUTCOME_FIELDS = [
    "budget",
    "currency",
    "proposals_open",
    "review_opens",
    "voting_opens",
    "voting_closes",
    "ballot_type",
    "max_projects",
    "points",
    "rule",
    "completion",
]
TEXT_FIELDS = ["title_en", "title_cy", "description_en", "description_cy"]
PROJECT_OUTCOME_FIELDS = ["cost", "eligible"]
PROJECT_TEXT_FIELDS = [
    "title_en",
    "title_cy",
    "description_en",
    "description_cy",
    "category_en",
    "category_cy",
    "ineligible_reason_en",
    "ineligible_reason_cy",
]
RESERVED_SLUGS = {"new"}  # budgeting/urls.py: /budgets/new/<conversation>/


def round_slug_for(title: str) -> str:
    """A free address for a new round, from its title (-2, -3... when taken). The unique
    constraint still guards two facilitators creating same-titled rounds at the same moment."""
    base = slugify(title)[:70].strip("-") or "budget"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or BudgetRound.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def outcome_fixed_refusal(budget_round: BudgetRound, now: datetime | None = None) -> Refusal | None:
    """Why the round's outcome-changing settings and projects can no longer change, or None:
    voting has started (or a ballot exists, say an imported one)."""
    if budget_round.phase_at(now) in (Phase.VOTING, Phase.RESULTS) or budget_round.ballots.exists():
        return Refusal(
            _(
                "Voting has started, so the budget, dates, rules and projects can no longer "
                "change: that would change the outcome. You can still correct titles and "
                "descriptions."
            ),
            forbidden=True,
        )
    return None


def round_edit(*, budget_round: BudgetRound, **changes: Any) -> BudgetRound:
    """Change a round's settings (``OUTCOME_FIELDS`` and ``TEXT_FIELDS``). Once voting has
    started only the text may change: anything else is refused and nothing is written."""
    unknown = set(changes) - set(OUTCOME_FIELDS) - set(TEXT_FIELDS)
    if unknown:
        raise TypeError(f"round_edit() cannot change {sorted(unknown)}")
    with transaction.atomic():
        # Lock the round: a ballot submitted meanwhile must not slip in before the check.
        locked = BudgetRound.objects.select_for_update().get(pk=budget_round.pk)
        changed = [name for name, value in changes.items() if getattr(locked, name) != value]
        if any(name in OUTCOME_FIELDS for name in changed):
            refusal = outcome_fixed_refusal(locked)
            if refusal is not None:
                raise refusal
        for name in changed:
            setattr(locked, name, changes[name])
        full_clean_or_refuse(locked)
        if changed:
            locked.save(update_fields=changed)
    return locked


def project_add(*, budget_round: BudgetRound, cost: Decimal, **fields: Any) -> BudgetProject:
    """A facilitator adds a project: only until voting starts (``project_create`` itself is
    also used to build past rounds, whose voting is over)."""
    with transaction.atomic():
        locked = BudgetRound.objects.select_for_update().get(pk=budget_round.pk)
        refusal = outcome_fixed_refusal(locked)
        if refusal is not None:
            raise refusal
        return project_create(budget_round=locked, cost=cost, **fields)


def project_edit(*, project: BudgetProject, **changes: Any) -> BudgetProject:
    """Change a project; its cost and eligibility only until voting starts."""
    unknown = set(changes) - set(PROJECT_OUTCOME_FIELDS) - set(PROJECT_TEXT_FIELDS)
    if unknown:
        raise TypeError(f"project_edit() cannot change {sorted(unknown)}")
    with transaction.atomic():
        budget_round = BudgetRound.objects.select_for_update().get(pk=project.round_id)
        locked = BudgetProject.objects.select_for_update().get(pk=project.pk)
        changed = [name for name, value in changes.items() if getattr(locked, name) != value]
        if any(name in PROJECT_OUTCOME_FIELDS for name in changed):
            refusal = outcome_fixed_refusal(budget_round)
            if refusal is not None:
                raise refusal
        for name in changed:
            setattr(locked, name, changes[name])
        full_clean_or_refuse(locked)
        if changed:
            locked.save(update_fields=changed)
    return locked


def project_remove(*, project: BudgetProject) -> None:
    """Take a project off the ballot, only until voting starts."""
    with transaction.atomic():
        budget_round = BudgetRound.objects.select_for_update().get(pk=project.round_id)
        refusal = outcome_fixed_refusal(budget_round)
        if refusal is not None:
            raise refusal
        project.delete()

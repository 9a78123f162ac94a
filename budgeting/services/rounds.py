"""Rounds and their projects, created with every field named and typed.

Both are checked like the admin form checks them (``full_clean``: phases in order, k and
points for their ballot types, an idea from the round's own conversation) and refused with a
:class:`vocaleyes.errors.Refusal` that carries every problem found.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction

from conversations.models import Conversation, Idea
from vocaleyes.errors import Refusal

from ..models import BudgetProject, BudgetRound


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

"""The budgeting API's test world, beside the seven actors of ``tests/api/conftest.py``.

Rounds, chosen so that the actors' columns differ:

- ``park-fund``: ``organisation``'s public conversation, voting open, approval within £100,000;
  projects A £60,000, B £30,000, C £50,000, D £10,000 and E (not eligible). Every signed-in
  actor has already voted, each differently (``OWN_CHOICES``), the suspended one before being
  suspended.
- ``next-year``: the same conversation, proposals under review (voting not open).
- ``counted``: the same conversation, voting closed and counted with Equal Shares (no
  completion) over the worked example of ``tests/budgeting/test_tally.py`` (``cast_example``):
  A and D funded, B the popular project that lost; greedy would fund A, B and D.
- ``draft-fund``: a draft conversation of ``organisation``, voting open: its facilitator and
  officers only.
- ``panel-fund``: an invitation-only conversation of ``organisation`` whose panel Gwen
  (``other_resident``) belongs to, voting open.
- ``gwynedd-fund``: a draft conversation of ``elsewhere`` (Huw's organisation), counted.

Import the fixtures by name into a test module (``from .budgeting_world import world``) and
ask for ``world`` before ``api_client`` in the test's arguments, so the ballots are cast before
``api_client`` suspends its suspended actor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from budgeting import services
from budgeting.models import BudgetProject, BudgetRound, Tally
from conversations.models import Conversation
from tests.budgeting.conftest import make_projects, make_round, set_phase
from tests.conftest import make_conversation, make_user
from vocaleyes.models import GroupMembership, Organisation, TargetGroup, User
from vocaleyes.permissions import is_suspended

# Each actor's ballot in park-fund, by project title.
OWN_CHOICES = {
    "resident": ["A"],
    "other_resident": ["B"],
    "facilitator": ["C"],
    "other_facilitator": ["D"],
    "officer": ["B", "D"],
    "suspended": ["A", "B"],
}


@dataclass
class World:
    voting: BudgetRound
    review: BudgetRound
    counted: BudgetRound
    draft: BudgetRound
    panel: BudgetRound
    elsewhere: BudgetRound
    projects: dict[str, BudgetProject] = field(default_factory=dict)
    people: dict[str, User | None] = field(default_factory=dict)


def cast_example(budget_round: BudgetRound, prefix: str) -> list[BudgetProject]:
    """Budget £100,000; A £60,000, B £30,000, C £50,000, D £10,000. Three people choose A and B,
    two choose C and D (``cast_worked_example``, with voters of their own)."""
    projects = make_projects(budget_round, ("A", 60000), ("B", 30000), ("C", 50000), ("D", 10000))
    a, b, c, d = projects
    for n in range(5):
        voter = make_user(f"{prefix}{n}@example.org", f"Voter {n}")
        choices = {a.pk: 1, b.pk: 1} if n < 3 else {c.pk: 1, d.pk: 1}
        services.ballot_submit(budget_round=budget_round, voter=voter, choices=choices)
    return projects


def count(budget_round: BudgetRound) -> Tally:
    """Count a round whose voting has closed, as the worker would (no broker in these tests)."""
    tally = services.tally_request(budget_round=budget_round)
    tally = services.tally_run(tally_id=tally.pk)
    assert tally.status == Tally.Status.DONE, tally.error
    return tally


@pytest.fixture
def world(
    conversation: Conversation,
    organisation: Organisation,
    elsewhere: Organisation,
    people: dict[str, User | None],
) -> World:
    voting = make_round(conversation, slug="park-fund")
    projects = dict(
        zip(
            "ABCD",
            make_projects(voting, ("A", 60000), ("B", 30000), ("C", 50000), ("D", 10000)),
            strict=True,
        )
    )
    projects["E"] = services.project_create(
        budget_round=voting,
        title_en="E",
        cost=Decimal(5000),
        eligible=False,
        ineligible_reason_en="It is on private land.",
        ineligible_reason_cy="Mae ar dir preifat.",
    )
    for actor, titles in OWN_CHOICES.items():
        person = people[actor]
        assert person is not None and not is_suspended(person), "ask for world before api_client"
        services.ballot_submit(budget_round=voting, voter=person, choices={projects[t].pk: 1 for t in titles})

    review = make_round(conversation, slug="next-year", phase="review")
    make_projects(review, ("Library hours", 20000))

    counted = make_round(conversation, slug="counted", rule="equal-shares", completion="none")
    cast_example(counted, "counted")
    set_phase(counted, "results")
    count(counted)

    draft_talk = make_conversation(organisation, slug="draft-talk", status=Conversation.Status.DRAFT)
    draft = make_round(draft_talk, slug="draft-fund")
    make_projects(draft, ("Secret garden", 1000))

    group = TargetGroup.objects.create(organisation=organisation, name_en="Citizens' panel", kind="other")
    private = make_conversation(
        organisation, slug="panel-talk", visibility=Conversation.Visibility.INVITATION
    )
    private.target_groups.add(group)
    other_resident = people["other_resident"]
    assert other_resident is not None
    GroupMembership.objects.create(user=other_resident, group=group, how=GroupMembership.How.INVITATION)
    panel = make_round(private, slug="panel-fund")
    make_projects(panel, ("Panel project", 1000))

    elsewhere_round = make_round(
        make_conversation(elsewhere, slug="gwynedd-talk", status=Conversation.Status.DRAFT),
        slug="gwynedd-fund",
        rule="equal-shares",
        completion="none",
    )
    cast_example(elsewhere_round, "gwynedd")
    set_phase(elsewhere_round, "results")
    count(elsewhere_round)

    return World(
        voting=voting,
        review=review,
        counted=counted,
        draft=draft,
        panel=panel,
        elsewhere=elsewhere_round,
        projects=projects,
        people=people,
    )

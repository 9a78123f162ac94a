"""Suspension means read-only everywhere (issue 14, probe finding 3): a suspended resident,
facilitator or officer is refused every write with the suspension message and nothing changes
(rows, ledger, switches), while every page they could read still answers.

Each write is one case of the matrix below: who does it (a suspended resident, facilitator or
officer) and the attempt. The attempt goes through the service every page, the API and the
admin call; where a page is the only door (the exports, the budget round forms), through the
page.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from budgeting import services as budgeting_services
from budgeting.models import Ballot, BudgetProject, BudgetRound, Proposal, Tally
from conversations import export_jobs
from conversations import services as conversation_services
from conversations.models import (
    ActionGroup,
    Conversation,
    ExportJob,
    HoursClaim,
    HoursGiven,
    Idea,
    IdeaResponse,
    ModerationDecision,
    Pledge,
    SharedSeed,
)
from tests.budgeting.conftest import make_projects, make_round, set_phase
from tests.conftest import make_conversation
from tests.conversations.conftest import make_idea
from timecredits import services as credit_services
from timecredits.models import Account, Entry, PartnerOffer, Transfer
from vocaleyes import services as vocaleyes_services
from vocaleyes.errors import Refusal
from vocaleyes.models import GroupInvitation, Organisation, OrganisationRole, TargetGroup, User
from vocaleyes.permissions import suspension_message

pytestmark = pytest.mark.django_db

REASON = "Sent abusive gift messages to people whose account numbers they knew."
REFUSED = "Your account has been suspended by a council officer until"
REFUSED_CY = "Mae swyddog y cyngor wedi atal eich cyfrif"

ROUND_POST = {
    "title_en": "Green spaces fund",
    "title_cy": "Cronfa mannau gwyrdd",
    "description_en": "Spend £50,000 on parks.",
    "description_cy": "",
    "budget": "50000",
    "proposals_open": "2027-01-04T09:00",
    "review_opens": "2027-02-01T09:00",
    "voting_opens": "2027-03-01T09:00",
    "voting_closes": "2027-03-31T17:00",
    "ballot_type": "k_approval",
    "max_projects": "3",
    "points": "10",
    "rule": "greedy",
    "completion": "add1",
}


@dataclass
class World:
    """Everything a suspended person could try to change, made while nobody is suspended."""

    organisation: Organisation
    conversation: Conversation
    resident: User
    facilitator: User
    officer: User
    other: User
    idea: Idea
    group: ActionGroup
    pledge: Pledge
    offer: PartnerOffer
    earned: Transfer
    budget_round: BudgetRound
    results_round: BudgetRound
    project: BudgetProject
    proposal: Proposal
    panel: TargetGroup
    invitation: GroupInvitation
    job: ExportJob

    def suspend(self, person: User) -> User:
        person.suspended_at = timezone.now()
        person.suspended_until = timezone.now() + timedelta(days=14)
        person.suspension_reason = REASON
        person.save()
        return person


@pytest.fixture
def world(organisation: Organisation, fran: User, olwen: User, alice: User, bob: User) -> World:
    conversation = make_conversation(organisation)
    idea = make_idea(conversation, bob, title="Benches by the sea")
    group = ActionGroup.objects.create(
        conversation=conversation, created_by=fran, name_en="Bench builders", name_cy="Adeiladwyr meinciau"
    )
    group.ideas.add(idea)
    conversation_services.action_group_add_coordinator(by=fran, group=group, person=fran)
    pledge = conversation_services.pledge_create(person=bob, group=group, kind=Pledge.Kind.HOURS, minutes=120)
    credit_services.account_open_for_organisation(organisation=organisation, kind=Account.Kind.ISSUING)
    partner = Organisation.objects.create(
        slug="leisure", name_en="Swansea Leisure Centre", kind=Organisation.Kind.THIRD_SECTOR
    )
    credit_services.account_open_for_organisation(organisation=partner, kind=Account.Kind.RECEIVING)
    offer = PartnerOffer.objects.create(organisation=partner, title_en="A swim", title_cy="Nofio", price=60)
    earned = credit_services.credits_earn(
        organisation=organisation,
        person=alice,
        minutes=300,
        recorded_by=fran,
        memo="Litter pick",
        idempotency_key="probe-earn",
    )
    budget_round = make_round(conversation, phase="proposals")
    project = make_projects(budget_round, ("Swings", 20000))[0]
    proposal = budgeting_services.proposal_submit(
        budget_round=budget_round,
        proposer=bob,
        title="A water fountain",
        description="By the swings.",
        estimated_cost=Decimal("3000"),
        language="en",
    )
    results_round = make_round(conversation, slug="old-fund", phase="voting")
    make_projects(results_round, ("Paths", 30000))
    set_phase(results_round, "results")
    panel = TargetGroup.objects.create(
        organisation=organisation, name_en="Citizens' panel", kind=TargetGroup.Kind.OTHER
    )
    invitation = vocaleyes_services.invitation_create(
        group=panel, by=fran, expires_at=timezone.now() + timedelta(days=7), max_uses=5
    )
    job = ExportJob.objects.create(
        conversation=conversation, requested_by=fran, format=ExportJob.Format.CSV, language="en"
    )
    return World(
        organisation=organisation,
        conversation=conversation,
        resident=alice,
        facilitator=fran,
        officer=olwen,
        other=bob,
        idea=idea,
        group=group,
        pledge=pledge,
        offer=offer,
        earned=earned,
        budget_round=budget_round,
        results_round=results_round,
        project=project,
        proposal=proposal,
        panel=panel,
        invitation=invitation,
        job=job,
    )


def snapshot(world: World) -> dict[str, Any]:
    """What a write would change: every table's rows, the ledger, and the fields edits touch."""
    conversation = Conversation.objects.get(pk=world.conversation.pk)
    budget_round = BudgetRound.objects.get(pk=world.budget_round.pk)
    return {
        "transfers": Transfer.objects.count(),
        "entries": Entry.objects.count(),
        "balances": sorted(Account.objects.values_list("pk", "balance")),
        "places": PartnerOffer.objects.values_list("places_left", flat=True).get(pk=world.offer.pk),
        "conversations": Conversation.objects.count(),
        "conversation": (
            conversation.title_en,
            conversation.description_en,
            conversation.posting_open,
            conversation.rating_open,
            conversation.status,
        ),
        "ideas": Idea.objects.count(),
        "seeds": SharedSeed.objects.count(),
        "responses": IdeaResponse.objects.count(),
        "groups": ActionGroup.objects.count(),
        "group": ActionGroup.objects.values_list("name_en", "status").get(pk=world.group.pk),
        "pledges": Pledge.objects.count(),
        "hours": HoursGiven.objects.count(),
        "claims": HoursClaim.objects.count(),
        "exports": ExportJob.objects.count(),
        "rounds": BudgetRound.objects.count(),
        "round": (budget_round.title_en, budget_round.budget),
        "projects": sorted(BudgetProject.objects.values_list("pk", "title_en", "cost")),
        "proposal": Proposal.objects.values_list("decision", "reason").get(pk=world.proposal.pk),
        "tallies": Tally.objects.count(),
        "ballots": Ballot.objects.count(),
        "invitations": GroupInvitation.objects.count(),
        "revoked": GroupInvitation.objects.values_list("revoked_at", flat=True).get(pk=world.invitation.pk),
        "idea": Idea.objects.values_list("status", flat=True).get(pk=world.idea.pk),
        "target groups": TargetGroup.objects.count(),
        "decisions": ModerationDecision.objects.count(),
        "suspended": sorted(
            User.objects.filter(suspended_at__isnull=False).values_list("pk", "suspended_until")
        ),
    }


# --- the writes, through the services ---------------------------------------------------------

Attempt = Callable[[World, User], Any]

SERVICE_WRITES: list[tuple[str, str, Attempt]] = [
    (
        "give credits",
        "resident",
        lambda w, me: credit_services.credits_gift(
            sender=me, recipient=w.other, minutes=60, message="Hello", idempotency_key="probe-gift"
        ),
    ),
    (
        "check a gift before giving",
        "resident",
        lambda w, me: credit_services.credits_gift_check(
            sender=me, recipient=w.other, minutes=60, message="Hi"
        ),
    ),
    (
        "spend credits",
        "resident",
        lambda w, me: credit_services.credits_spend(person=me, offer=w.offer, idempotency_key="probe-spend"),
    ),
    (
        "record hours, which issues credits",
        "facilitator",
        lambda w, me: credit_services.credits_earn(
            organisation=w.organisation,
            person=w.other,
            minutes=60,
            recorded_by=me,
            memo="Gardening",
            idempotency_key="probe-record",
        ),
    ),
    (
        "record hours for several people",
        "officer",
        lambda w, me: credit_services.credits_earn_many(
            organisation=w.organisation,
            volunteers=[(w.other, 60)],
            recorded_by=me,
            memo="Gardening",
            idempotency_key="probe-record-many",
        ),
    ),
    (
        "reverse a transfer",
        "officer",
        lambda w, me: credit_services.transfer_reverse(
            transfer=w.earned, reversed_by=me, reason="Mistake", idempotency_key="probe-reverse"
        ),
    ),
    (
        "confirm pledged hours",
        "facilitator",
        lambda w, me: conversation_services.pledge_hours_confirm(
            pledge=w.pledge,
            minutes=60,
            given_on=timezone.localdate(),
            by=me,
            idempotency_key="probe-confirm",
        ),
    ),
    (
        "record hours for someone without an account",
        "facilitator",
        lambda w, me: conversation_services.hours_claim_create(
            group=w.group,
            email="dai@example.org",
            name="Dai",
            language="en",
            minutes=60,
            given_on=timezone.localdate(),
            by=me,
        ),
    ),
    (
        "export the action list in the background",
        "facilitator",
        lambda w, me: export_jobs.export_job_create(
            conversation=w.conversation, user=me, file_format="xlsx", language="en"
        ),
    ),
    (
        "export the action list (officer)",
        "officer",
        lambda w, me: export_jobs.export_check(conversation=w.conversation, user=me),
    ),
    (
        "change the taking-part switches",
        "facilitator",
        lambda w, me: conversation_services.conversation_set_participation(
            conversation=w.conversation, user=me, posting_open=False, rating_open=False
        ),
    ),
    (
        "change the taking-part switches (officer)",
        "officer",
        lambda w, me: conversation_services.conversation_set_participation(
            conversation=w.conversation, user=me, posting_open=False, rating_open=False
        ),
    ),
    (
        "start a conversation",
        "facilitator",
        lambda w, me: conversation_services.conversation_create(
            user=me, organisation=w.organisation, title_en="Buses", description_en="Tell us."
        ),
    ),
    (
        "edit a conversation",
        "facilitator",
        lambda w, me: conversation_services.conversation_edit(
            user=me,
            conversation=w.conversation,
            title_en="Changed",
            title_cy="",
            description_en="Changed",
            description_cy="",
            status=Conversation.Status.CLOSED,
            visibility=Conversation.Visibility.PUBLIC,
            authors_start_action_groups=False,
        ),
    ),
    (
        "review a proposal",
        "facilitator",
        lambda w, me: budgeting_services.proposal_review(
            proposal=w.proposal, reviewer=me, feasible=False, reason="Too dear"
        ),
    ),
    (
        "count the votes",
        "facilitator",
        lambda w, me: budgeting_services.tally_request(budget_round=w.results_round, requested_by=me),
    ),
    (
        "enter a paper ballot",
        "officer",
        lambda w, me: budgeting_services.paper_ballot_enter(
            budget_round=w.results_round,
            officer=me,
            paper_reference="P-1",
            choices={w.results_round.projects.get().pk: 1},
        ),
    ),
    (
        "respond to an idea",
        "facilitator",
        lambda w, me: conversation_services.idea_respond(
            idea=w.idea, by=me, status=IdeaResponse.Status.CONSIDERING, text_en="We are looking at it."
        ),
    ),
    (
        "create an invitation",
        "facilitator",
        lambda w, me: vocaleyes_services.invitation_create(
            group=w.panel, by=me, expires_at=timezone.now() + timedelta(days=7), max_uses=3
        ),
    ),
    (
        "revoke an invitation",
        "facilitator",
        lambda w, me: vocaleyes_services.invitation_revoke(invitation=w.invitation, by=me),
    ),
    (
        "seed an idea into several conversations",
        "facilitator",
        lambda w, me: conversation_services.seed_across(
            user=me, conversations=[w.conversation], title="Trees", body="Plant trees.", source_note="Cardiff"
        ),
    ),
    (
        "seed an idea into one conversation",
        "facilitator",
        lambda w, me: conversation_services.idea_create(
            conversation=w.conversation,
            author=me,
            title="Trees",
            body="Plant trees.",
            source_note="Cardiff",
            language="en",
        ),
    ),
    (
        "start an action group",
        "facilitator",
        lambda w, me: conversation_services.action_group_create(
            by=me,
            ideas=[w.idea],
            name_en="Tree planters",
            name_cy="",
            purpose_en="Plant trees.",
            purpose_cy="",
        ),
    ),
    (
        "edit an action group",
        "facilitator",
        lambda w, me: conversation_services.action_group_edit(
            by=me, group=w.group, name_en="Renamed", name_cy="", purpose_en="New purpose.", purpose_cy=""
        ),
    ),
    (
        "hide an idea",
        "officer",
        lambda w, me: conversation_services.content_hide(item=w.idea, officer=me, reason="Off topic"),
    ),
    (
        "lift their own suspension",
        "officer",
        lambda w, me: conversation_services.user_unsuspend(person=me, officer=me, reason="Done"),
    ),
    (
        "suspend someone else",
        "officer",
        lambda w, me: conversation_services.user_suspend(person=w.other, officer=me, reason="Spam"),
    ),
    (
        "import target groups",
        "officer",
        lambda w, me: vocaleyes_services.target_groups_import_csv(
            organisation=w.organisation,
            file=io.BytesIO(b"name_en,name_cy,kind\nCarers,Gofalwyr,other\n"),
            officer=me,
        ),
    ),
    (
        "pledge",
        "resident",
        lambda w, me: conversation_services.pledge_create(
            person=me, group=w.group, kind=Pledge.Kind.HOURS, minutes=60
        ),
    ),
]


@pytest.mark.parametrize(
    ("attempt", "role"),
    [pytest.param(attempt, role, id=f"{role}: {name}") for name, role, attempt in SERVICE_WRITES],
)
def test_a_suspended_person_is_refused_every_write_and_nothing_changes(
    world: World, attempt: Attempt, role: str
) -> None:
    me = world.suspend(getattr(world, role))
    before = snapshot(world)
    with pytest.raises(Refusal) as refused:
        attempt(world, me)
    assert refused.value.forbidden
    assert refused.value.message == suspension_message(me)
    assert REASON in refused.value.message
    assert snapshot(world) == before


# --- the writes only a page does ---------------------------------------------------------------


def _pages(world: World) -> dict[str, tuple[str, str, dict[str, str]]]:
    slug = world.conversation.slug
    round_slug = world.budget_round.slug
    return {
        "export as CSV": ("get", reverse("conversations:export_download", args=[slug, "csv"]), {}),
        "export as XLSX": ("get", reverse("conversations:export_download", args=[slug, "xlsx"]), {}),
        "export the printable page": ("get", reverse("conversations:export_print", args=[slug]), {}),
        "prepare an export file": ("post", reverse("conversations:export", args=[slug]), {"format": "csv"}),
        "download a prepared export": (
            "get",
            reverse("conversations:export_job_download", args=[slug, world.job.pk]),
            {},
        ),
        "change the taking-part switches": (
            "post",
            reverse("conversations:participation", args=[slug]),
            {"posting_open": "", "rating_open": ""},
        ),
        "create a budget round": ("post", reverse("budgeting:round_new", args=[slug]), ROUND_POST),
        "edit a budget round": ("post", reverse("budgeting:round_edit", args=[round_slug]), ROUND_POST),
        "add a project": (
            "post",
            reverse("budgeting:project_new", args=[round_slug]),
            {"title_en": "Benches", "cost": "10", "eligible": "on"},
        ),
        "edit a project": (
            "post",
            reverse("budgeting:project_edit", args=[round_slug, world.project.pk]),
            {"title_en": "Big swings", "cost": "25000", "eligible": "on"},
        ),
        "review a proposal": (
            "post",
            reverse("budgeting:proposal_review", args=[round_slug, world.proposal.pk]),
            {"decision": "not_feasible", "reason": "Too dear"},
        ),
        "count the votes": ("post", reverse("budgeting:tally_start", args=[world.results_round.slug]), {}),
        "create an invitation": (
            "post",
            reverse("conversations:invitations", args=[slug]),
            {"group": str(world.panel.pk), "max_uses": "3", "days": "7"},
        ),
    }


PAGE_WRITES = [
    "export as CSV",
    "export as XLSX",
    "export the printable page",
    "prepare an export file",
    "download a prepared export",
    "change the taking-part switches",
    "create a budget round",
    "edit a budget round",
    "add a project",
    "edit a project",
    "review a proposal",
    "count the votes",
    "create an invitation",
]


@pytest.mark.parametrize("role", ["facilitator", "officer"])
@pytest.mark.parametrize("write", PAGE_WRITES)
def test_a_suspended_facilitator_is_refused_on_the_pages_and_told_why(
    client: Client, world: World, write: str, role: str
) -> None:
    me = world.suspend(getattr(world, role))
    client.force_login(me)
    method, url, data = _pages(world)[write]
    before = snapshot(world)
    response = getattr(client, method)(url, data, follow=True)
    assert response.status_code in (200, 400)  # 400: the form again, with the refusal
    assert response["Content-Type"].startswith("text/html")  # the page, not a file
    page = response.content.decode()
    assert REFUSED in page and REASON in page
    assert snapshot(world) == before


# --- reading stays allowed ------------------------------------------------------------------------


def _read_pages(world: World) -> dict[str, str]:
    slug = world.conversation.slug
    return {
        "conversation": reverse("conversations:detail", args=[slug]),
        "idea": reverse("conversations:idea", args=[slug, world.idea.pk]),
        "action group": reverse("conversations:action_group", args=[world.group.pk]),
        "dashboard": reverse("conversations:facilitate", args=[slug]),
        "export page": reverse("conversations:export", args=[slug]),
        "conversation settings": reverse("conversations:conversation_edit", args=[slug]),
        "invitations": reverse("conversations:invitations", args=[slug]),
        "your conversations": reverse("conversations:facilitating"),
        "statement": reverse("timecredits:statement"),
        "offers": reverse("timecredits:offer_list"),
        "budget round": reverse("budgeting:round", args=[world.budget_round.slug]),
        "budget round to manage": reverse("budgeting:round_manage", args=[world.budget_round.slug]),
        "results": reverse("budgeting:results", args=[world.results_round.slug]),
    }


RESIDENT_PAGES = ["conversation", "idea", "action group", "statement", "offers", "budget round", "results"]
FACILITATOR_PAGES = [
    "dashboard",
    "export page",
    "conversation settings",
    "invitations",
    "your conversations",
    "budget round to manage",
]


@pytest.mark.parametrize(
    ("role", "page"),
    [("resident", page) for page in RESIDENT_PAGES]
    + [("facilitator", page) for page in RESIDENT_PAGES + FACILITATOR_PAGES]
    + [("officer", page) for page in FACILITATOR_PAGES],
)
def test_a_suspended_person_still_reads(client: Client, world: World, role: str, page: str) -> None:
    client.force_login(world.suspend(getattr(world, role)))
    response = client.get(_read_pages(world)[page])
    assert response.status_code == 200


def test_the_dashboard_and_export_page_say_why_instead_of_the_switches_and_links(
    client: Client, world: World
) -> None:
    client.force_login(world.suspend(world.facilitator))
    slug = world.conversation.slug
    dashboard = client.get(reverse("conversations:facilitate", args=[slug])).content.decode()
    assert REFUSED in dashboard
    assert reverse("conversations:participation", args=[slug]) not in dashboard
    exports = client.get(reverse("conversations:export", args=[slug])).content.decode()
    assert REFUSED in exports
    assert reverse("conversations:export_download", args=[slug, "csv"]) not in exports
    assert reverse("conversations:export_print", args=[slug]) not in exports


def test_a_facilitator_who_is_not_suspended_still_exports_and_switches(client: Client, world: World) -> None:
    """The refusals are the suspension's, not every facilitator's."""
    client.force_login(world.facilitator)
    slug = world.conversation.slug
    response = client.get(reverse("conversations:export_download", args=[slug, "csv"]))
    assert response["Content-Type"].startswith("text/csv")
    client.post(reverse("conversations:participation", args=[slug]), {})
    world.conversation.refresh_from_db()
    assert not world.conversation.posting_open


def test_the_refusal_is_in_welsh_on_a_welsh_page(client: Client, world: World) -> None:
    me = world.suspend(world.resident)
    client.force_login(me)
    with translation.override("cy"):
        url = reverse("timecredits:offer_detail", args=[world.offer.pk])
    assert url.startswith("/cy/")
    before = snapshot(world)
    page = client.post(url, {"idempotency_key": uuid.uuid4().hex}, follow=True).content.decode()
    assert REFUSED_CY in page and REASON in page
    assert "defnyddio credydau amser na newid dim fel hwylusydd neu swyddog" in page
    assert snapshot(world) == before
    with translation.override("cy"):
        assert REFUSED_CY in suspension_message(me)


def test_the_refusal_is_in_english_on_an_english_page(client: Client, world: World) -> None:
    client.force_login(world.suspend(world.resident))
    url = reverse("timecredits:offer_detail", args=[world.offer.pk])
    page = client.post(url, {"idempotency_key": uuid.uuid4().hex}, follow=True).content.decode()
    assert REFUSED in page and REFUSED_CY not in page
    assert "use time credits or change anything as a facilitator or officer" in page


def test_a_suspended_officer_is_not_spared(world: World) -> None:
    """Officers pass most role checks at once; the suspension is asked before that."""
    officer = world.suspend(world.officer)
    assert OrganisationRole.objects.filter(user=officer).count() == 0
    from budgeting import permissions as budgeting_permissions
    from conversations import permissions as conversation_permissions
    from timecredits import permissions as credit_permissions

    assert conversation_permissions.can_facilitate(officer, world.conversation)  # reads
    assert not conversation_permissions.can_export(officer, world.conversation)
    assert not conversation_permissions.can_change_conversation(officer, world.conversation)
    assert not conversation_permissions.can_download_export(officer, world.job)
    assert not credit_permissions.can_reverse(officer)
    assert not credit_permissions.can_record_hours(officer, world.organisation)
    assert not budgeting_permissions.can_enter_paper_ballots(officer, world.results_round)
    assert not budgeting_permissions.can_request_tally(officer, world.results_round)


def test_the_statement_says_why_instead_of_the_give_and_spend_buttons(client: Client, world: World) -> None:
    client.force_login(world.suspend(world.facilitator))
    page = client.get(reverse("timecredits:statement")).content.decode()
    assert REFUSED in page and REASON in page
    assert reverse("timecredits:gift") not in page
    assert reverse("timecredits:record_hours") not in page

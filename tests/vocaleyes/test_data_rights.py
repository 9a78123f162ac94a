"""Issue 14, people's data rights: a resident downloads everything held about them as JSON.

``world`` gives Alice one of every kind of record (and Bob a few of his own, which must never
appear in Alice's file): a group and consent, an idea, a comment, ratings, a ballot, a proposal,
a pledge with hours given, a follow, a report, a review request, credits earned, a gift each way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from budgeting import services as budgeting_services
from budgeting.models import Ballot, BudgetRound, OutcomeProject, Tally
from conversations import ranking_runs, services
from conversations.models import (
    ActionGroup,
    ActionGroupCoordinator,
    Conversation,
    Follow,
    HoursClaim,
    HoursGiven,
    Idea,
    IdeaRanking,
    Pledge,
    RankingSummary,
    Rating,
    Report,
    ReviewRequest,
)
from tests.budgeting.conftest import make_projects, make_round, set_phase
from tests.conftest import PASSWORD, make_user
from tests.conversations.conftest import make_idea, make_people
from timecredits import services as credit_services
from timecredits.models import Account, Entry, Transfer
from timecredits.selectors import ledger_reconcile
from vocaleyes import deletion, tasks
from vocaleyes.data_rights import personal_data
from vocaleyes.errors import Refusal
from vocaleyes.models import (
    DemographicConsent,
    GroupInvitation,
    GroupMembership,
    Organisation,
    OrganisationRole,
    TargetGroup,
    User,
)

pytestmark = pytest.mark.django_db


@dataclass
class World:
    conversation: Conversation
    budget_round: BudgetRound
    idea: Idea
    bobs_idea: Idea
    group: ActionGroup
    pledge: Pledge


def give(sender: User, recipient: User, minutes: int, message: str, key: str) -> None:
    credit_services.credits_gift(
        sender=sender, recipient=recipient, minutes=minutes, message=message, idempotency_key=key
    )


@pytest.fixture
def world(
    conversation: Conversation, organisation: Organisation, alice: User, bob: User, fran: User
) -> World:
    young = TargetGroup.objects.create(organisation=organisation, name_en="16 to 24", kind="age_band")
    GroupMembership.objects.create(user=alice, group=young, how="self_declared", consented_at=timezone.now())
    DemographicConsent.objects.create(user=alice, given_at=timezone.now())
    GroupMembership.objects.create(user=bob, group=young, how="self_declared", consented_at=timezone.now())

    idea = make_idea(conversation, alice, title="A bench by the lake", body="Alice's own words.")
    bobs_idea = make_idea(conversation, bob, title="Bob's bus stop", body="Bob's own words.")
    services.comment_create(idea=bobs_idea, author=alice, body="Alice comments on the bus stop.")
    services.comment_create(idea=idea, author=bob, body="Bob comments on the bench.")
    services.rating_set(idea=bobs_idea, user=alice, value=4)
    services.rating_set(idea=idea, user=bob, value=2)
    for value, person in zip([5, 3, 1], make_people(3, "rater"), strict=True):
        services.rating_set(idea=idea, user=person, value=value)
        services.rating_set(idea=bobs_idea, user=person, value=6 - value)

    budget_round = make_round(conversation, phase="proposals")
    budgeting_services.proposal_submit(
        budget_round=budget_round,
        proposer=alice,
        title="Lights on the path",
        description="Alice's proposal.",
        estimated_cost=Decimal("5000"),
        language="en",
    )
    set_phase(budget_round, "voting")
    lights, benches, swings = make_projects(
        budget_round, ("Lights", 40000), ("Benches", 30000), ("Swings", 50000)
    )
    budgeting_services.ballot_submit(
        budget_round=budget_round, voter=alice, choices={lights.pk: 1, benches.pk: 1}
    )
    budgeting_services.ballot_submit(
        budget_round=budget_round, voter=bob, choices={swings.pk: 1, benches.pk: 1}
    )
    for n, voter in enumerate(make_people(3, "voter")):
        choices = {lights.pk: 1} if n else {swings.pk: 1, benches.pk: 1}
        budgeting_services.ballot_submit(budget_round=budget_round, voter=voter, choices=choices)

    group = ActionGroup.objects.create(
        conversation=conversation, created_by=fran, name_en="Lake friends", name_cy="Ffrindiau'r llyn"
    )
    group.ideas.add(idea)
    pledge = services.pledge_create(person=alice, group=group, kind=Pledge.Kind.HOURS, minutes=120)
    HoursGiven.objects.create(
        pledge=pledge, minutes=60, given_on=date(2026, 11, 1), confirmed_by=fran, idempotency_key="hours-1"
    )
    Follow.objects.create(person=alice, idea=bobs_idea)
    Report.objects.create(
        reporter=alice,
        conversation=conversation,
        idea=bobs_idea,
        reason="off_topic",
        details="Alice reports.",
    )
    ReviewRequest.objects.create(author=alice, conversation=conversation, idea=idea, message="Alice asks.")

    credit_services.account_open_for_organisation(organisation=organisation, kind=Account.Kind.ISSUING)
    for person in (alice, bob):
        credit_services.credits_earn(
            organisation=organisation,
            person=person,
            minutes=180,
            recorded_by=fran,
            memo="Litter pick",
            idempotency_key=f"earn-{person.pk}",
        )
    give(alice, bob, 60, "Thanks for the lift, from Alice", "gift-a")
    give(bob, alice, 30, "For the cake, from Bob", "gift-b")
    return World(conversation, budget_round, idea, bobs_idea, group, pledge)


def download(client: Client, user: User) -> dict:
    client.force_login(user)
    response = client.get(reverse("data_download"))
    assert response["Content-Disposition"].startswith('attachment; filename="vocaleyes-data-')
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def test_the_file_holds_every_kind_of_data_about_the_person(
    client: Client, world: World, alice: User
) -> None:
    data = download(client, alice)
    assert data["profile"]["display_name"] == "Alice"
    assert data["profile"]["email"] == "alice@example.org"
    assert [row["email"] for row in data["email_addresses"]] == ["alice@example.org"]
    assert [(row["group__name_en"], row["how"]) for row in data["groups"]] == [("16 to 24", "self_declared")]
    assert data["consent_to_keep_groups"]["given_at"] is not None
    assert [(row["title"], row["body"]) for row in data["ideas"]] == [
        ("A bench by the lake", "Alice's own words.")
    ]
    assert [row["body"] for row in data["comments"]] == ["Alice comments on the bus stop."]
    assert [(row["idea__title"], row["value"]) for row in data["ratings"]] == [("Bob's bus stop", 4)]
    [ballot] = data["ballots"]
    assert ballot["round__slug"] == world.budget_round.slug
    assert sorted(vote["project"] for vote in ballot["votes"]) == ["Benches", "Lights"]
    assert [(row["title"], row["description"]) for row in data["proposals"]] == [
        ("Lights on the path", "Alice's proposal.")
    ]
    assert [(row["group__name_en"], row["minutes"]) for row in data["pledges"]] == [("Lake friends", 120)]
    assert [(row["minutes"], row["given_on"]) for row in data["hours_given"]] == [(60, "2026-11-01")]
    assert [row["idea__title"] for row in data["follows"]] == ["Bob's bus stop"]
    assert [row["details"] for row in data["reports"]] == ["Alice reports."]
    assert [row["message"] for row in data["review_requests"]] == ["Alice asks."]
    ledger = data["time_credits"]
    assert ledger["number"] == Account.objects.get(user=alice).number
    assert ledger["balance_minutes"] == 180 - 60 + 30
    assert [
        (line["kind"], line["minutes"], line["balance_after_minutes"]) for line in ledger["statement"]
    ] == [
        ("earn", 180, 180),
        ("gift", -60, 120),
        ("gift", 30, 150),
    ]
    assert [(gift["minutes"], gift["message"], gift["name"]) for gift in ledger["gifts_given"]] == [
        (60, "Thanks for the lift, from Alice", "Bob")
    ]
    assert [(gift["minutes"], gift["message"], gift["name"]) for gift in ledger["gifts_received"]] == [
        (30, "For the cake, from Bob", "Bob")
    ]


def test_the_file_holds_nothing_of_anybody_elses(client: Client, world: World, alice: User) -> None:
    text = json.dumps(download(client, alice))
    for theirs in ("bob@example.org", "Bob's own words.", "Bob comments on the bench.", "rater0@example.org"):
        assert theirs not in text
    assert Account.objects.get(user__email="bob@example.org").number in text  # whom Alice gave to
    data = json.loads(text)
    assert [row["value"] for row in data["ratings"]] == [4]  # not Bob's rating of her idea
    assert len(data["ballots"]) == 1


def test_the_file_is_read_with_the_same_number_of_queries_however_much_there_is(
    world: World, alice: User, charlie_with_nothing: User
) -> None:
    with CaptureQueriesContext(connection) as little:
        personal_data(charlie_with_nothing)
    credit_services.account_for_person(user=charlie_with_nothing)
    with CaptureQueriesContext(connection) as lots:
        personal_data(alice)
    assert len(lots) <= 19
    # One with an account and a history costs the same as one with an empty account.
    with CaptureQueriesContext(connection) as empty_account:
        personal_data(charlie_with_nothing)
    assert len(empty_account) == len(lots)
    assert len(little) < len(lots)


@pytest.fixture
def charlie_with_nothing(db: None) -> User:
    return make_user("charlie@example.org", "Charlie")


def test_a_suspended_person_can_download_their_data(
    client: Client, world: World, alice: User, olwen: User
) -> None:
    services.user_suspend(person=alice, officer=olwen, reason="Repeated spam")
    alice.refresh_from_db()
    data = download(client, alice)
    assert data["profile"]["suspension_reason"] == "Repeated spam"


def test_signed_out_people_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(reverse("data_download"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("prefix", ["", "/cy"])
def test_the_profile_offers_the_download_in_both_languages(client: Client, alice: User, prefix: str) -> None:
    client.login(email="alice@example.org", password=PASSWORD)
    page = client.get(f"{prefix}/accounts/profile/").content.decode()
    assert 'href="' + prefix + '/accounts/profile/data/"' in page
    if prefix:
        assert "Lawrlwytho eich data (ffeil JSON)" in page
        assert "Download your data" not in page
    else:
        assert "Download your data (JSON file)" in page


# --- Deleting an account -------------------------------------------------------------------------


def give_away_everything(person: User, to: User) -> None:
    balance = Account.objects.get(user=person).balance
    give(person, to, balance, "All my hours", f"all-{person.pk}")


def ranking_figures(conversation: Conversation) -> tuple[Any, ...]:
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    summary = RankingSummary.objects.get(conversation=conversation)
    rows = IdeaRanking.objects.filter(idea__conversation=conversation).order_by("idea_id")
    return (
        (summary.idea_count, summary.rating_count, summary.prior_mean),
        list(
            rows.values_list("idea_id", "rating_count", "rating_mean", "score", "rank", "count_1", "count_5")
        ),
    )


def tally_figures(budget_round: BudgetRound) -> list[Any]:
    tally = Tally.objects.create(round=budget_round)
    budgeting_services.tally_run(tally_id=tally.pk)
    tally.refresh_from_db()
    assert tally.status == Tally.Status.DONE
    lines = OutcomeProject.objects.filter(outcome__tally=tally).order_by("outcome__rule", "project_id")
    figures = lines.values_list("outcome__rule", "project_id", "votes", "score", "position", "reason")
    return [(tally.ballots, tally.votes), *figures]


def ledger_figures() -> tuple[object, ...]:
    reconciliation = ledger_reconcile()
    assert reconciliation.ok, [check for check in reconciliation.checks if not check.ok]
    balances = sorted(Account.objects.values_list("number", "balance", "entry_count"))
    entries = sorted(Entry.objects.values_list("transfer_id", "account_id", "seq", "amount", "balance_after"))
    return (reconciliation.issued, reconciliation.held_by_people, balances, entries)


def test_deleting_removes_personal_data_and_leaves_an_anonymous_tombstone(
    world: World, alice: User, bob: User
) -> None:
    give_away_everything(alice, bob)
    deletion.account_delete(user=alice)
    alice.refresh_from_db()
    assert alice.email == f"deleted-{alice.pk}@invalid"
    assert (alice.display_name, alice.first_name, alice.last_name) == ("", "", "")
    assert not alice.has_usable_password()
    assert not alice.is_active
    assert alice.deleted_at is not None
    assert alice.public_name == "Former resident"
    assert not EmailAddress.objects.filter(user=alice).exists()
    assert not EmailAddress.objects.filter(email__iexact="alice@example.org").exists()
    assert not GroupMembership.objects.filter(user=alice).exists()
    assert not DemographicConsent.objects.filter(user=alice).exists()
    assert not Follow.objects.filter(person=alice).exists()
    assert not User.objects.filter(email__iexact="alice@example.org").exists()
    # Her gift messages are blank; the gifts themselves, and Bob's message to her, are not.
    gifts = Transfer.objects.filter(kind=Transfer.Kind.GIFT)
    assert set(gifts.filter(recorded_by=alice).values_list("memo", "memo_language")) == {("", "")}
    assert gifts.filter(recorded_by=alice).count() == 2
    assert gifts.get(recorded_by=bob).memo == "For the cake, from Bob"
    # What counts stays, attached to the tombstone; Bob's things are untouched.
    assert Rating.objects.filter(user=alice).count() == 1
    assert Ballot.objects.filter(voter=alice).count() == 1
    assert Pledge.objects.filter(person=alice).count() == 1
    assert Idea.objects.get(pk=world.idea.pk).author == alice
    assert GroupMembership.objects.filter(user=bob).exists()
    assert User.objects.get(pk=bob.pk).email == "bob@example.org"


def test_the_tombstone_is_shown_as_former_resident_in_welsh_too(world: World, alice: User, bob: User) -> None:
    give_away_everything(alice, bob)
    deletion.account_delete(user=alice)
    alice.refresh_from_db()
    with translation.override("cy"):
        assert alice.public_name == "Cyn-breswylydd"


def test_rankings_tallies_and_the_ledger_come_out_exactly_as_before(
    world: World, alice: User, bob: User
) -> None:
    give_away_everything(alice, bob)
    set_phase(world.budget_round, "results")
    before = (ranking_figures(world.conversation), tally_figures(world.budget_round), ledger_figures())
    deletion.account_delete(user=alice)
    after = (ranking_figures(world.conversation), tally_figures(world.budget_round), ledger_figures())
    assert after == before
    assert before[0][0][1] == 8  # the figures are not empty: 8 ratings, 5 ballots
    assert before[1][0] == (5, 8)


def test_someone_with_credits_left_is_asked_to_give_or_spend_them_first(world: World, alice: User) -> None:
    with pytest.raises(Refusal) as refused:
        deletion.account_delete(user=alice)
    assert refused.value.message == (
        "You still have 2 hours 30 minutes of time credits. Give them to someone or spend them "
        "before you delete your account."
    )
    alice.refresh_from_db()
    assert alice.is_active
    assert alice.email == "alice@example.org"
    assert Transfer.objects.get(recorded_by=alice, kind="gift").memo == "Thanks for the lift, from Alice"


def test_deleting_twice_changes_nothing_more(alice: User) -> None:
    first = deletion.account_delete(user=alice)
    again = deletion.account_delete(user=alice)
    assert again.deleted_at == first.deleted_at


def test_a_suspended_person_can_delete_their_account(alice: User, olwen: User) -> None:
    services.user_suspend(person=alice, officer=olwen, reason="Repeated spam")
    deletion.account_delete(user=User.objects.get(pk=alice.pk))
    assert User.objects.get(pk=alice.pk).deleted_at is not None


def test_a_gift_message_cannot_be_changed_to_anything_but_blank(world: World, alice: User) -> None:
    gift = Transfer.objects.filter(recorded_by=alice, kind="gift")
    for change in ({"memo": "Something else"}, {"memo": "", "memo_language": "", "amount": 1}):
        with pytest.raises(IntegrityError), transaction.atomic():
            gift.update(**change)
    earn = Transfer.objects.filter(kind="earn", entries__account__user=alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        earn.update(memo="", memo_language="")
    assert gift.get().memo == "Thanks for the lift, from Alice"


# --- The pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "heading", "wrong"),
    [
        ("", "Delete your account", "Enter the email address you sign in with, exactly as it is"),
        (
            "/cy",
            "Dileu eich cyfrif",
            "Rhowch y cyfeiriad e-bost rydych yn mewngofnodi ag ef, yn union fel y mae",
        ),
    ],
)
def test_the_page_asks_for_the_email_address_and_then_deletes_and_signs_out(
    client: Client, alice: User, prefix: str, heading: str, wrong: str
) -> None:
    client.login(email="alice@example.org", password=PASSWORD)
    url = f"{prefix}/accounts/profile/delete/"
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in client.get(url).content.decode()
    page = client.post(url, {"email": "bob@example.org"}).content.decode()
    assert wrong in page
    assert User.objects.get(pk=alice.pk).is_active
    response = client.post(url, {"email": "Alice@Example.org"}, follow=True)
    assert User.objects.get(pk=alice.pk).deleted_at is not None
    assert "_auth_user_id" not in client.session
    done = "Mae eich cyfrif wedi'i ddileu." if prefix else "Your account has been deleted."
    assert done in response.content.decode().replace("&#x27;", "'")
    assert not client.login(email="alice@example.org", password=PASSWORD)


def test_the_page_says_what_to_do_with_credits_left_and_offers_no_form(
    client: Client, world: World, alice: User
) -> None:
    client.force_login(alice)
    page = client.get(reverse("account_delete")).content.decode()
    assert "You still have 2 hours 30 minutes of time credits." in page
    assert 'name="email"' not in page
    client.post(reverse("account_delete"), {"email": "alice@example.org"})
    assert User.objects.get(pk=alice.pk).is_active


def test_other_sessions_of_the_person_end_too(alice: User) -> None:
    phone, laptop = Client(), Client()
    phone.login(email="alice@example.org", password=PASSWORD)
    laptop.login(email="alice@example.org", password=PASSWORD)
    laptop.post(reverse("account_delete"), {"email": "alice@example.org"})
    response = phone.get(reverse("profile"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_an_idea_of_a_deleted_account_is_shown_as_by_a_former_resident(
    client: Client, world: World, alice: User, bob: User
) -> None:
    give_away_everything(alice, bob)
    deletion.account_delete(user=alice)
    page = client.get(world.idea.get_absolute_url()).content.decode()
    assert "A bench by the lake" in page
    assert "Former resident" in page
    assert "Alice" not in page.replace("Alice's own words.", "")  # her idea's text stays


# --- Retention -----------------------------------------------------------------------------------


def test_retention_deletes_only_accounts_inactive_for_longer_than_the_setting(
    settings: Any, alice: User, bob: User, olwen: User, organisation: Organisation, fran: User
) -> None:
    settings.ACCOUNT_RETENTION_YEARS = 3
    now = timezone.now()
    long_ago, lately = now - timedelta(days=3 * 366), now - timedelta(days=2 * 365)
    never_signed_in = make_user("dewi@example.org", "Dewi")
    with_credits = make_user("eira@example.org", "Eira")
    User.objects.filter(pk=alice.pk).update(last_login=long_ago, date_joined=long_ago)
    User.objects.filter(pk=bob.pk).update(last_login=lately, date_joined=long_ago)
    User.objects.filter(pk=never_signed_in.pk).update(last_login=None, date_joined=long_ago)
    User.objects.filter(pk__in=[olwen.pk, with_credits.pk]).update(last_login=long_ago, date_joined=long_ago)
    credit_services.account_open_for_organisation(organisation=organisation, kind=Account.Kind.ISSUING)
    credit_services.credits_earn(
        organisation=organisation,
        person=with_credits,
        minutes=60,
        recorded_by=fran,
        memo="Panel",
        idempotency_key="e",
    )
    assert tasks.delete_inactive_accounts() == {"deleted": 2, "skipped": 1}
    deleted = set(User.objects.filter(deleted_at__isnull=False).values_list("pk", flat=True))
    assert deleted == {alice.pk, never_signed_in.pk}
    assert User.objects.get(pk=with_credits.pk).email == "eira@example.org"
    assert User.objects.get(pk=olwen.pk).is_active  # officers are never deleted this way
    assert tasks.delete_inactive_accounts() == {"deleted": 0, "skipped": 1}  # nothing twice


def test_retention_of_zero_years_keeps_everyone(settings: Any, alice: User) -> None:
    settings.ACCOUNT_RETENTION_YEARS = 0
    User.objects.filter(pk=alice.pk).update(last_login=timezone.now() - timedelta(days=20 * 365))
    assert tasks.delete_inactive_accounts() == {"deleted": 0, "skipped": 0}
    assert User.objects.get(pk=alice.pk).deleted_at is None


def test_beat_runs_retention_daily(settings: Any) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["account-retention"]
    assert entry == {"task": "vocaleyes.tasks.delete_inactive_accounts", "schedule": 24 * 3600.0}
    assert tasks.delete_inactive_accounts.name == entry["task"]


def test_deleting_also_removes_roles_staff_rights_invitations_and_hours_claims(
    organisation: Organisation, fran: User, olwen: User, conversation: Conversation
) -> None:
    group = TargetGroup.objects.create(organisation=organisation, name_en="Townhill", kind="place")
    invitation = GroupInvitation.objects.create(
        group=group, secret="s", created_by=fran, expires_at=timezone.now() + timedelta(days=7), max_uses=5
    )
    action = ActionGroup.objects.create(conversation=conversation, created_by=olwen, name_en="Litter pickers")
    ActionGroupCoordinator.objects.create(group=action, user=fran)
    claim = HoursClaim.objects.create(
        group=action,
        email="FRAN@example.org",
        name="Fran Jones",
        language="en",
        minutes=60,
        given_on=date(2026, 11, 1),
        recorded_by=olwen,
        secret="c",
        expires_at=timezone.now() + timedelta(days=30),
    )
    User.objects.filter(pk=fran.pk).update(is_staff=True)
    deletion.account_delete(user=fran)
    fran.refresh_from_db()
    assert not fran.is_staff
    assert not OrganisationRole.objects.filter(user=fran).exists()
    assert not ActionGroupCoordinator.objects.filter(user=fran).exists()
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    claim.refresh_from_db()
    assert (claim.email, claim.name) == (f"deleted-{fran.pk}@invalid", "")


@pytest.mark.parametrize(
    ("prefix", "said"),
    [
        ("", "We delete an account in the same way when nobody has signed in to it for 4 years."),
        ("/cy", "pan nad oes neb wedi mewngofnodi iddo ers 4 o flynyddoedd."),
    ],
)
def test_the_privacy_notice_tells_people_their_rights_and_the_retention_period(
    client: Client, settings: Any, prefix: str, said: str
) -> None:
    settings.ACCOUNT_RETENTION_YEARS = 4
    page = client.get(f"{prefix}/privacy/").content.decode().replace("&#x27;", "'")
    assert said in page
    settings.ACCOUNT_RETENTION_YEARS = 0
    assert said not in client.get(f"{prefix}/privacy/").content.decode().replace("&#x27;", "'")

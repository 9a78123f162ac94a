"""Pledges: conditional ones bind exactly when the Nth other person pledges (also when pledges
arrive at once, on Postgres), lapse at the deadline, and everyone is told once in their language;
withdrawn pledges stop counting; hours confirmed by coordinators are credited once."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone, translation

from conversations import services
from conversations.models import ActionGroup, ActionGroupCoordinator, Conversation, HoursGiven, Pledge
from conversations.services import pledges
from tests.conftest import make_user
from tests.conversations.conftest import make_idea, make_people
from timecredits.models import Account, Transfer
from timecredits.selectors import ledger_reconcile
from timecredits.services import account_open_for_organisation
from vocaleyes.errors import Refusal
from vocaleyes.models import Organisation, User

SOON = timedelta(days=7)


def committed() -> Any:
    """Run what is queued on commit (emails) when the block ends, as a real commit would; the
    tests run inside a transaction that never commits."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def make_group(conversation: Conversation, created_by: User, **extra: Any) -> ActionGroup:
    idea = make_idea(conversation, created_by, "Clean the beach")
    values: dict[str, Any] = {"name_en": "Beach cleaners", "name_cy": "Glanhawyr y traeth"}
    values.update(extra)
    group = ActionGroup.objects.create(conversation=conversation, created_by=created_by, **values)
    group.ideas.add(idea)
    return group


@pytest.fixture
def group(conversation: Conversation, fran: User) -> ActionGroup:
    return make_group(conversation, fran)


def conditional(person: User, group: ActionGroup, threshold: int, **extra: Any) -> Pledge:
    values: dict[str, Any] = {"kind": Pledge.Kind.HOURS, "minutes": 180, "deadline": timezone.now() + SOON}
    values.update(extra)
    with committed():
        return services.pledge_create(person=person, group=group, threshold=threshold, **values)


def plain(person: User, group: ActionGroup) -> Pledge:
    with committed():
        return services.pledge_create(person=person, group=group, kind=Pledge.Kind.HOURS, minutes=60)


def status(pledge: Pledge) -> str:
    pledge.refresh_from_db()
    return pledge.status


# --- binding --------------------------------------------------------------------------------------


def test_a_pledge_without_a_condition_binds_at_once(group: ActionGroup, alice: User) -> None:
    pledge = plain(alice, group)
    assert pledge.status == Pledge.Status.BOUND and pledge.bound_at is not None
    assert mail.outbox == []  # only conditional pledges have an outcome to tell


def test_a_conditional_pledge_binds_exactly_when_the_nth_other_person_pledges(
    group: ActionGroup, alice: User
) -> None:
    pledge = conditional(alice, group, threshold=3)
    others = make_people(3)
    plain(others[0], group)
    plain(others[1], group)
    plain(others[1], group)  # the same person twice is still one other person
    assert status(pledge) == Pledge.Status.OPEN
    assert mail.outbox == []
    plain(others[2], group)
    assert status(pledge) == Pledge.Status.BOUND
    assert pledge.bound_at is not None and pledge.outcome_sent_at is not None
    assert [message.to for message in mail.outbox] == [["alice@example.org"]]
    assert "Beach cleaners" in mail.outbox[0].subject


def test_open_pledges_count_for_each_other(group: ActionGroup) -> None:
    """Two people who each pledge "if one other person does" bind each other."""
    first, second = make_people(2)
    one = conditional(first, group, threshold=1)
    assert status(one) == Pledge.Status.OPEN
    two = conditional(second, group, threshold=1)
    assert two.status == Pledge.Status.BOUND
    assert status(one) == Pledge.Status.BOUND
    assert sorted(message.to[0] for message in mail.outbox) == ["person0@example.org", "person1@example.org"]


def test_the_outcome_email_is_in_the_pledgers_language(group: ActionGroup, bob: User) -> None:
    pledge = conditional(bob, group, threshold=1)
    plain(make_people(1)[0], group)
    assert status(pledge) == Pledge.Status.BOUND
    [message] = mail.outbox
    assert message.to == ["bob@example.org"]
    assert "Glanhawyr y traeth" in message.subject
    assert "Helo Bob" in message.body
    assert "Gwnaethoch addo i'r grŵp gweithredu “Glanhawyr y traeth”" in message.body


def test_withdrawn_pledges_do_not_count(group: ActionGroup, alice: User) -> None:
    pledge = conditional(alice, group, threshold=2)
    first, second = make_people(2)
    counted = plain(first, group)
    services.pledge_withdraw(pledge=counted, by=first)
    assert status(counted) == Pledge.Status.WITHDRAWN
    plain(second, group)
    assert status(pledge) == Pledge.Status.OPEN  # one other, not two
    plain(first, group)  # pledges again
    assert status(pledge) == Pledge.Status.BOUND


def test_a_withdrawal_never_unbinds_others(group: ActionGroup, alice: User) -> None:
    pledge = conditional(alice, group, threshold=1)
    other = make_people(1)[0]
    theirs = plain(other, group)
    assert status(pledge) == Pledge.Status.BOUND
    services.pledge_withdraw(pledge=theirs, by=other)
    assert status(pledge) == Pledge.Status.BOUND
    assert len(mail.outbox) == 1


def test_only_the_pledger_withdraws_and_only_before_it_binds(
    group: ActionGroup, alice: User, bob: User
) -> None:
    pledge = conditional(alice, group, threshold=1)
    with pytest.raises(Refusal, match="Only the person who made a pledge"):
        services.pledge_withdraw(pledge=pledge, by=bob)
    plain(bob, group)
    assert status(pledge) == Pledge.Status.BOUND
    with pytest.raises(Refusal, match="has bound"):
        services.pledge_withdraw(pledge=pledge, by=alice)
    assert status(pledge) == Pledge.Status.BOUND


# --- lapsing --------------------------------------------------------------------------------------


def test_a_conditional_pledge_lapses_at_its_deadline_and_is_told_once(
    group: ActionGroup, alice: User
) -> None:
    pledge = conditional(alice, group, threshold=5)
    assert pledge.deadline is not None
    assert services.pledges_lapse_due(now=pledge.deadline - timedelta(seconds=1)) == 0
    assert status(pledge) == Pledge.Status.OPEN
    with committed():
        assert services.pledges_lapse_due(now=pledge.deadline) == 1
    assert status(pledge) == Pledge.Status.LAPSED and pledge.lapsed_at == pledge.deadline
    assert services.pledges_lapse_due(now=pledge.deadline + SOON) == 0  # the beat runs again
    [message] = mail.outbox
    assert message.to == ["alice@example.org"] and "lapsed" in message.subject


def test_a_pledge_made_after_the_deadline_does_not_bind_a_lapsing_one(
    group: ActionGroup, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    pledge = conditional(alice, group, threshold=1)
    assert pledge.deadline is not None
    later = pledge.deadline + timedelta(minutes=1)
    monkeypatch.setattr(pledges.timezone, "now", lambda: later)
    plain(make_people(1)[0], group)  # the beat has not run yet
    assert status(pledge) == Pledge.Status.OPEN
    with committed():
        services.pledges_lapse_due(now=later)
    assert status(pledge) == Pledge.Status.LAPSED
    assert len(mail.outbox) == 1


def test_the_beat_task_lapses_due_pledges(group: ActionGroup, alice: User) -> None:
    from conversations import tasks

    pledge = conditional(alice, group, threshold=5)
    Pledge.objects.filter(pk=pledge.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    with committed():
        assert tasks.lapse_due_pledges() == 1
    assert status(pledge) == Pledge.Status.LAPSED
    assert len(mail.outbox) == 1


# --- who may pledge -------------------------------------------------------------------------------


@pytest.mark.parametrize("group_status", [ActionGroup.Status.DONE, ActionGroup.Status.STOPPED])
def test_no_pledges_on_a_group_that_is_done_or_stopped(
    group: ActionGroup, alice: User, group_status: str
) -> None:
    ActionGroup.objects.filter(pk=group.pk).update(status=group_status)
    with pytest.raises(Refusal, match="not taking pledges"):
        plain(alice, group)
    assert not Pledge.objects.exists()


def test_suspended_people_cannot_pledge_or_withdraw(group: ActionGroup, alice: User) -> None:
    pledge = conditional(alice, group, threshold=3)
    services.user_suspend(officer=make_user("o@example.org", "O", is_staff=True), person=alice, reason="Spam")
    alice.refresh_from_db()
    with pytest.raises(Refusal, match="suspended"):
        plain(alice, group)
    with pytest.raises(Refusal, match="suspended"):
        services.pledge_withdraw(pledge=pledge, by=alice)
    assert Pledge.objects.count() == 1 and status(pledge) == Pledge.Status.OPEN


def test_no_pledges_when_all_the_groups_ideas_are_hidden_or_pending(group: ActionGroup, alice: User) -> None:
    group.ideas.update(status="hidden")
    with pytest.raises(Refusal, match="not taking pledges"):
        plain(alice, group)
    group.ideas.update(status="pending")
    with pytest.raises(Refusal, match="not taking pledges"):
        plain(alice, group)
    assert not Pledge.objects.exists()


def test_bad_pledges_are_refused_and_change_nothing(group: ActionGroup, alice: User) -> None:
    with pytest.raises(Refusal) as refused:
        services.pledge_create(person=alice, group=group, kind=Pledge.Kind.HOURS, minutes=0)
    assert refused.value.field == "hours"
    with pytest.raises(Refusal) as refused:
        services.pledge_create(person=alice, group=group, kind=Pledge.Kind.SKILL, description="  ")
    assert refused.value.field == "description"
    with pytest.raises(Refusal) as refused:
        conditional(alice, group, threshold=2, deadline=timezone.now() - timedelta(days=1))
    assert refused.value.field == "deadline"
    with pytest.raises(Refusal) as refused:
        services.pledge_create(person=alice, group=group, kind=Pledge.Kind.HOURS, minutes=60, threshold=2)
    assert refused.value.field == "threshold"
    assert not Pledge.objects.exists()


# --- hours ----------------------------------------------------------------------------------------


@pytest.fixture
def issuing(organisation: Organisation) -> Account:
    return account_open_for_organisation(organisation=organisation, kind=Account.Kind.ISSUING)


@pytest.fixture
def coordinator(group: ActionGroup) -> User:
    person = make_user("cai@example.org", "Cai")
    ActionGroupCoordinator.objects.create(group=group, user=person)
    return person


def test_confirming_the_same_hours_twice_credits_once_and_the_ledger_reconciles(
    group: ActionGroup, alice: User, coordinator: User, issuing: Account
) -> None:
    pledge = plain(alice, group)
    today = timezone.localdate()
    with committed():
        first = services.pledge_hours_confirm(
            pledge=pledge, minutes=90, given_on=today, by=coordinator, idempotency_key="key-1"
        )
    again = services.pledge_hours_confirm(
        pledge=pledge, minutes=90, given_on=today, by=coordinator, idempotency_key="key-1"
    )
    assert again.pk == first.pk and getattr(again, "replayed", False)
    assert HoursGiven.objects.count() == 1 and Transfer.objects.count() == 1
    transfer = first.transfer
    assert transfer is not None and transfer.amount == 90 and transfer.kind == Transfer.Kind.EARN
    assert transfer.memo == "Action group: Beach cleaners"
    assert Account.objects.get(user=alice).balance == 90
    # Another confirmation (another key) is more hours.
    services.pledge_hours_confirm(
        pledge=pledge, minutes=30, given_on=today, by=coordinator, idempotency_key="k2"
    )
    assert Account.objects.get(user=alice).balance == 120
    assert ledger_reconcile().ok
    # The receipt went to Alice.
    assert any(message.to == ["alice@example.org"] for message in mail.outbox)


def test_the_statement_memo_is_in_the_persons_language(
    group: ActionGroup, bob: User, coordinator: User, issuing: Account
) -> None:
    pledge = plain(bob, group)
    hours = services.pledge_hours_confirm(
        pledge=pledge, minutes=60, given_on=timezone.localdate(), by=coordinator, idempotency_key="k"
    )
    assert hours.transfer is not None and hours.transfer.memo == "Grŵp gweithredu: Glanhawyr y traeth"


def test_only_coordinators_confirm_hours(
    group: ActionGroup, alice: User, bob: User, fran: User, olwen: User, issuing: Account
) -> None:
    pledge = plain(alice, group)
    today = timezone.localdate()
    with pytest.raises(Refusal, match="Only a coordinator") as refused:
        services.pledge_hours_confirm(pledge=pledge, minutes=60, given_on=today, by=bob, idempotency_key="b")
    assert refused.value.forbidden
    ActionGroupCoordinator.objects.create(group=group, user=alice)
    with pytest.raises(Refusal, match="your own hours"):
        services.pledge_hours_confirm(
            pledge=pledge, minutes=60, given_on=today, by=alice, idempotency_key="a"
        )
    assert not HoursGiven.objects.exists() and not Transfer.objects.exists()
    # The organisation's facilitators and officers may too.
    services.pledge_hours_confirm(pledge=pledge, minutes=60, given_on=today, by=fran, idempotency_key="f")
    services.pledge_hours_confirm(pledge=pledge, minutes=60, given_on=today, by=olwen, idempotency_key="o")
    assert Account.objects.get(user=alice).balance == 120


def test_hours_only_against_bound_pledges_of_time(
    group: ActionGroup, alice: User, coordinator: User, issuing: Account
) -> None:
    today = timezone.localdate()
    waiting = conditional(alice, group, threshold=5)
    with pytest.raises(Refusal, match="counted on"):
        services.pledge_hours_confirm(
            pledge=waiting, minutes=60, given_on=today, by=coordinator, idempotency_key="w"
        )
    skill = services.pledge_create(person=alice, group=group, kind=Pledge.Kind.SKILL, description="Carpentry")
    with pytest.raises(Refusal, match="pledges of time"):
        services.pledge_hours_confirm(
            pledge=skill, minutes=60, given_on=today, by=coordinator, idempotency_key="s"
        )
    with pytest.raises(Refusal, match="future"):
        services.pledge_hours_confirm(
            pledge=plain(alice, group),
            minutes=60,
            given_on=today + timedelta(days=2),
            by=coordinator,
            idempotency_key="f",
        )
    assert not HoursGiven.objects.exists() and not Transfer.objects.exists()


def test_a_pledge_with_hours_given_cannot_be_withdrawn(
    group: ActionGroup, alice: User, coordinator: User, issuing: Account
) -> None:
    pledge = plain(alice, group)
    services.pledge_hours_confirm(
        pledge=pledge, minutes=60, given_on=timezone.localdate(), by=coordinator, idempotency_key="k"
    )
    with pytest.raises(Refusal, match="Hours have been given"):
        services.pledge_withdraw(pledge=pledge, by=alice)
    assert status(pledge) == Pledge.Status.BOUND


# --- at the same moment, on Postgres --------------------------------------------------------------


def _at_once(calls: list[Any]) -> list[BaseException]:
    """Run the calls in threads with connections of their own, released together."""
    errors: list[BaseException] = []
    start = threading.Barrier(len(calls))

    def run(call: Any) -> None:
        try:
            start.wait(timeout=20)
            call()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,), daemon=True) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs Postgres: concurrent transactions and row locks"
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_last_pledges_arriving_at_once_bind_every_waiting_pledge_exactly_once(
    organisation: Organisation, conversation: Conversation, fran: User
) -> None:
    group = make_group(conversation, fran)
    waiting = make_people(4, "waiting")
    # Each waits for three others: only when all four have pledged does any of them bind.
    calls = [lambda person=person: conditional(person, group, threshold=3) for person in waiting]
    assert _at_once(calls) == []
    assert set(Pledge.objects.values_list("status", flat=True)) == {Pledge.Status.BOUND}
    assert sorted(message.to[0] for message in mail.outbox) == sorted(person.email for person in waiting)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_threshold_met_by_simultaneous_pledges_binds_once(
    organisation: Organisation, conversation: Conversation, fran: User, alice: User
) -> None:
    group = make_group(conversation, fran)
    pledge = conditional(alice, group, threshold=5)
    others = make_people(8)
    assert _at_once([lambda person=person: plain(person, group) for person in others]) == []
    assert status(pledge) == Pledge.Status.BOUND
    assert [message.to for message in mail.outbox] == [["alice@example.org"]]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_confirm_credits_once(
    organisation: Organisation, conversation: Conversation, fran: User, alice: User
) -> None:
    account_open_for_organisation(organisation=organisation, kind=Account.Kind.ISSUING)
    group = make_group(conversation, fran)
    pledge = plain(alice, group)
    today = timezone.localdate()
    confirm = lambda: services.pledge_hours_confirm(  # noqa: E731
        pledge=pledge, minutes=60, given_on=today, by=fran, idempotency_key="twice"
    )
    assert _at_once([confirm, confirm, confirm]) == []
    assert HoursGiven.objects.count() == 1 and Transfer.objects.count() == 1
    assert Account.objects.get(user=alice).balance == 60
    assert ledger_reconcile().ok


# --- pages ----------------------------------------------------------------------------------------


def test_the_pledge_form_records_a_conditional_pledge(client: Any, group: ActionGroup, alice: User) -> None:
    client.force_login(alice)
    url = reverse("conversations:pledge_new", args=[group.pk])
    page = client.get(url).content.decode()
    assert "Make a pledge" in page and 'name="threshold"' in page
    day = timezone.localdate() + timedelta(days=10)
    response = client.post(
        url,
        {
            "kind": "hours",
            "hours": "2",
            "minutes": "30",
            "description": "Litter picking",
            "threshold": "4",
            "deadline": day.isoformat(),
        },
    )
    assert response.status_code == 302
    pledge = Pledge.objects.get()
    assert (pledge.person, pledge.minutes, pledge.threshold, pledge.status) == (alice, 150, 4, "open")
    assert pledge.deadline is not None and timezone.localtime(pledge.deadline).date() == day


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "hours", "hours": "", "minutes": ""}, "hours"),
        ({"kind": "skill", "description": ""}, "description"),
        ({"kind": "hours", "hours": "1", "threshold": "3"}, "deadline"),
        ({"kind": "hours", "hours": "1", "threshold": "3", "deadline": "2020-01-01"}, "deadline"),
        ({"hours": "1"}, "kind"),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(
    client: Any, group: ActionGroup, alice: User, data: dict[str, str], field: str
) -> None:
    client.force_login(alice)
    response = client.post(reverse("conversations:pledge_new", args=[group.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert "There is a problem" in response.content.decode()
    assert not Pledge.objects.exists()


def test_the_pledge_form_refuses_a_stopped_group_and_strangers_see_nothing(
    client: Any, group: ActionGroup, alice: User
) -> None:
    client.force_login(alice)
    ActionGroup.objects.filter(pk=group.pk).update(status=ActionGroup.Status.STOPPED)
    response = client.post(
        reverse("conversations:pledge_new", args=[group.pk]), {"kind": "hours", "hours": "1"}
    )
    assert response.status_code == 302 and not Pledge.objects.exists()
    group.ideas.update(status="hidden")
    assert client.get(reverse("conversations:pledge_new", args=[group.pk])).status_code == 404


def test_withdrawing_asks_first_and_only_the_pledger_can(
    client: Any, group: ActionGroup, alice: User, bob: User
) -> None:
    pledge = conditional(alice, group, threshold=3)
    url = reverse("conversations:pledge_withdraw", args=[pledge.pk])
    client.force_login(bob)
    assert client.post(url).status_code == 404
    client.force_login(alice)
    assert "Withdraw the pledge" in client.get(url).content.decode()
    assert status(pledge) == Pledge.Status.OPEN
    assert client.post(url).status_code == 302
    assert status(pledge) == Pledge.Status.WITHDRAWN


def test_the_hours_page_is_for_coordinators_and_credits_once(
    client: Any, group: ActionGroup, alice: User, bob: User, coordinator: User, issuing: Account
) -> None:
    pledge = plain(alice, group)
    url = reverse("conversations:hours_confirm", args=[group.pk])
    client.force_login(bob)
    assert client.get(url).status_code == 403
    client.force_login(coordinator)
    page = client.get(url)
    assert "Confirm hours for Alice" in page.content.decode()
    key = page.context["rows"][0]["form"].initial["idempotency_key"]
    data = {
        "pledge": str(pledge.pk),
        f"p{pledge.pk}-hours": "1",
        f"p{pledge.pk}-minutes": "15",
        f"p{pledge.pk}-given_on": timezone.localdate().isoformat(),
        f"p{pledge.pk}-idempotency_key": key,
    }
    with committed():
        assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # the same form sent again
    assert HoursGiven.objects.count() == 1 and Account.objects.get(user=alice).balance == 75
    assert ledger_reconcile().ok
    bad = {
        **data,
        f"p{pledge.pk}-hours": "",
        f"p{pledge.pk}-minutes": "",
        f"p{pledge.pk}-idempotency_key": "0" * 32,
    }
    assert client.post(url, bad).status_code == 400
    assert HoursGiven.objects.count() == 1


def test_the_panel_shows_progress_members_and_my_pledges(
    rf: Any, group: ActionGroup, alice: User, bob: User, fran: User
) -> None:
    from django.template.loader import render_to_string

    from conversations.pledge_panel import panel

    mine = conditional(alice, group, threshold=3)
    plain(bob, group)
    request = rf.get("/")
    request.user = alice
    context = panel(group, alice)
    html = render_to_string("conversations/action/_pledge_panel.html", {**context, "group": group}, request)
    assert "1 of 3 so far" in html
    assert "Alice, Bob" in html
    assert "Make a pledge" in html
    assert reverse("conversations:pledge_withdraw", args=[mine.pk]) in html
    assert context["time_pledged"] == "4 hours"
    assert not context["can_confirm_hours"] and panel(group, fran)["can_confirm_hours"]
    # Nobody's demographic groups, nor email addresses, appear.
    assert "@" not in html


def test_the_pledge_form_is_in_welsh(client: Any, group: ActionGroup, bob: User) -> None:
    client.force_login(bob)
    with translation.override("cy"):
        url = reverse("conversations:pledge_new", args=[group.pk])
    assert url.startswith("/cy/")
    page = client.get(url).content.decode()
    assert "Beth ydych chi&#x27;n ei addo?" in page
    assert "Gwneud yr addewid" in page and "Glanhawyr y traeth" in page


# --- admin and the panel's cost -------------------------------------------------------------------


def test_officers_see_pledges_and_hours_in_the_admin_read_only(
    client: Any, group: ActionGroup, alice: User, bob: User, olwen: User, coordinator: User, issuing: Account
) -> None:
    plain(alice, group)
    waiting = conditional(bob, group, threshold=5)
    hours = services.pledge_hours_confirm(
        pledge=Pledge.objects.get(person=alice),
        minutes=60,
        given_on=timezone.localdate(),
        by=coordinator,
        idempotency_key="k",
    )
    client.force_login(olwen)
    listing = client.get("/admin/conversations/pledge/?status__exact=open").content.decode()
    assert "Bob" in listing and "Alice" not in listing.split("result_list")[-1]
    assert client.get("/admin/conversations/pledge/?kind__exact=hours").status_code == 200
    assert client.get(f"/admin/conversations/pledge/?group__id__exact={group.pk}").status_code == 200
    detail = client.get(f"/admin/conversations/pledge/{waiting.pk}/change/")
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    assert hours.transfer is not None
    credited = client.get("/admin/conversations/hoursgiven/").content.decode()
    assert f"/admin/timecredits/transfer/{hours.transfer.pk}/change/" in credited
    client.force_login(alice)
    assert client.get("/admin/conversations/pledge/").status_code == 302  # not staff: to sign in


def test_the_panel_costs_the_same_few_queries_however_many_pledge(
    group: ActionGroup, alice: User, django_assert_max_num_queries: Any
) -> None:
    from conversations.pledge_panel import panel

    for person in make_people(12):
        conditional(person, group, threshold=20)
        plain(person, group)
    with django_assert_max_num_queries(6):
        context = panel(group, alice)
    assert len(context["pledge_conditions"]) == 12 and len(context["pledge_members"]) == 12

"""Hours given by someone without an account yet: recorded by a coordinator, emailed as a link
in the chosen language, claimed once into the person's time-credit account."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from conversations import services
from conversations.models import ActionGroup, ActionGroupCoordinator, Conversation, HoursClaim
from tests.conftest import make_user
from tests.conversations.test_pledges import _at_once, committed, make_group, postgres_only
from timecredits.models import Account, Transfer
from timecredits.selectors import ledger_reconcile
from timecredits.services import account_open_for_organisation
from vocaleyes.errors import Refusal
from vocaleyes.models import Organisation, User


@pytest.fixture
def group(conversation: Conversation, fran: User) -> ActionGroup:
    return make_group(conversation, fran)


@pytest.fixture
def issuing(organisation: Organisation) -> Account:
    return account_open_for_organisation(organisation=organisation, kind=Account.Kind.ISSUING)


@pytest.fixture
def coordinator(group: ActionGroup) -> User:
    person = make_user("cai@example.org", "Cai")
    ActionGroupCoordinator.objects.create(group=group, user=person)
    return person


def record(group: ActionGroup, by: User, *, language: str = "en", minutes: int = 150) -> HoursClaim:
    with committed():
        return services.hours_claim_create(
            group=group,
            email="dewi@example.org",
            name="Dewi",
            language=language,
            minutes=minutes,
            given_on=timezone.localdate(),
            by=by,
        )


def link(claim: HoursClaim) -> str:
    return reverse("conversations:hours_claim", kwargs={"token": services.hours_claim_token(claim)})


def test_only_coordinators_record_hours_for_people_without_an_account(
    group: ActionGroup, alice: User, coordinator: User
) -> None:
    with pytest.raises(Refusal, match="Only a coordinator") as refused:
        record(group, alice)
    assert refused.value.forbidden and not HoursClaim.objects.exists() and not mail.outbox
    claim = record(group, coordinator)
    assert claim.minutes == 150 and claim.recorded_by == coordinator and claim.claimed_by is None
    assert claim.expires_at > timezone.now() + timedelta(days=59)


def test_bad_input_is_refused_and_changes_nothing(group: ActionGroup, coordinator: User) -> None:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "group": group,
        "email": "dewi@example.org",
        "name": "",
        "language": "en",
        "minutes": 60,
        "given_on": today,
        "by": coordinator,
    }
    changes: list[tuple[dict[str, Any], str]] = [
        ({"email": "not an address"}, "email"),
        ({"language": "fr"}, "language"),
        ({"minutes": 0}, "hours"),
        ({"given_on": today + timedelta(days=1)}, "given_on"),
    ]
    for change, field in changes:
        with pytest.raises(Refusal) as refused:
            services.hours_claim_create(**{**values, **change})
        assert refused.value.field == field
    assert not HoursClaim.objects.exists()


@pytest.mark.parametrize(
    ("language", "words", "prefix"),
    [
        ("en", "Claim your time credits", "/conversations/action/claim/"),
        ("cy", "Hawliwch eich credydau amser", "/cy/conversations/action/claim/"),
    ],
)
def test_the_email_is_in_the_chosen_language_with_the_link(
    group: ActionGroup, coordinator: User, language: str, words: str, prefix: str
) -> None:
    claim = record(group, coordinator, language=language)
    [message] = mail.outbox
    assert message.to == ["dewi@example.org"] and words in message.subject
    token = services.hours_claim_token(claim)
    assert f"{settings.SITE_URL.rstrip('/')}{prefix}{token}/" in message.body
    assert "2 hours 30 minutes" in message.body or "2 awr 30 munud" in message.body


def test_accepting_credits_once_and_the_ledger_reconciles(
    group: ActionGroup, coordinator: User, alice: User, issuing: Account
) -> None:
    claim = record(group, coordinator)
    token = services.hours_claim_token(claim)
    with committed():
        claimed = services.hours_claim_accept(token=token, user=alice)
    assert claimed.claimed_by == alice and claimed.transfer is not None
    assert claimed.transfer.amount == 150 and claimed.transfer.kind == Transfer.Kind.EARN
    assert claimed.transfer.memo == "Action group: Beach cleaners"
    assert Account.objects.get(user=alice).balance == 150
    with pytest.raises(Refusal, match="already been claimed"):
        services.hours_claim_accept(token=token, user=alice)
    with pytest.raises(Refusal, match="already been claimed"):
        services.hours_claim_accept(token=token, user=make_user("eve@example.org", "Eve"))
    assert Transfer.objects.count() == 1 and Account.objects.get(user=alice).balance == 150
    assert ledger_reconcile().ok


def test_nobody_claims_hours_they_recorded_themselves(
    group: ActionGroup, coordinator: User, issuing: Account
) -> None:
    claim = record(group, coordinator)
    with pytest.raises(Refusal, match="recorded yourself"):
        services.hours_claim_accept(token=services.hours_claim_token(claim), user=coordinator)
    claim.refresh_from_db()
    assert claim.claimed_by is None and not Transfer.objects.exists()


def test_the_memo_is_in_the_claimants_language(
    group: ActionGroup, coordinator: User, bob: User, issuing: Account
) -> None:
    claim = services.hours_claim_accept(
        token=services.hours_claim_token(record(group, coordinator)), user=bob
    )
    assert claim.transfer is not None and claim.transfer.memo == "Grŵp gweithredu: Glanhawyr y traeth"


def test_expired_and_tampered_links_are_refused_with_clear_messages(
    group: ActionGroup, coordinator: User, alice: User, issuing: Account
) -> None:
    claim = record(group, coordinator)
    token = services.hours_claim_token(claim)
    signer = signing.Signer(salt="conversations.hours-claim")
    tampered = [
        token[:-2] + ("yy" if token.endswith("xx") else "xx"),  # the signature changed
        "nonsense",
        signer.sign_object([claim.pk + 1, claim.secret]),  # signed, but no such claim
        signer.sign_object([claim.pk, "guess"]),  # signed, but the wrong secret
    ]
    for bad in tampered:
        with pytest.raises(Refusal, match="link is not valid"):
            services.hours_claim_accept(token=bad, user=alice)
    HoursClaim.objects.filter(pk=claim.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(Refusal, match="has expired"):
        services.hours_claim_accept(token=token, user=alice)
    assert not Transfer.objects.exists()
    claim.refresh_from_db()
    assert services.hours_claim_status(claim) == "Expired"


def test_suspended_people_can_neither_record_nor_claim(
    group: ActionGroup, coordinator: User, alice: User, olwen: User, issuing: Account
) -> None:
    claim = record(group, coordinator)
    services.user_suspend(officer=olwen, person=alice, reason="Spam")
    alice.refresh_from_db()
    with pytest.raises(Refusal, match="suspended"):
        services.hours_claim_accept(token=services.hours_claim_token(claim), user=alice)
    services.user_suspend(officer=olwen, person=coordinator, reason="Spam")
    coordinator.refresh_from_db()
    with pytest.raises(Refusal, match="suspended"):
        record(group, coordinator)
    assert HoursClaim.objects.count() == 1 and not Transfer.objects.exists()


def test_the_claim_page_sends_strangers_to_sign_in_and_credits_the_signed_in(
    client: Any, group: ActionGroup, coordinator: User, alice: User, issuing: Account
) -> None:
    claim = record(group, coordinator)
    url = link(claim)
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and "Beach cleaners" in text and "2 hours 30 minutes" in text
    assert f"{reverse('account_login')}?next={quote(url, safe='/')}" in text
    assert client.post(url).status_code == 302 and not Transfer.objects.exists()
    client.force_login(alice)
    assert "Add these hours to my time credits" in client.get(url).content.decode()
    with committed():
        done = client.post(url)
    assert done.status_code == 200 and reverse("timecredits:statement") in done.content.decode()
    assert Account.objects.get(user=alice).balance == 150
    statement = client.get(reverse("timecredits:statement")).content.decode()
    assert "Action group: Beach cleaners" in statement
    again = client.post(url)
    assert again.status_code == 403 and "already been claimed" in again.content.decode()
    assert client.get(url.replace("claim/", "claim/x")).status_code == 404
    assert Transfer.objects.count() == 1 and ledger_reconcile().ok


def test_the_hours_page_records_and_lists_claims(
    client: Any, group: ActionGroup, coordinator: User, alice: User, issuing: Account
) -> None:
    hours = reverse("conversations:hours_confirm", args=[group.pk])
    new = reverse("conversations:hours_claim_new", args=[group.pk])
    data = {
        "claim-email": "dewi@example.org",
        "claim-name": "Dewi",
        "claim-language": "cy",
        "claim-hours": "2",
        "claim-minutes": "0",
        "claim-given_on": timezone.localdate().isoformat(),
    }
    client.force_login(alice)
    assert client.post(new, data).status_code == 403
    client.force_login(coordinator)
    assert "Hours given by someone without an account" in client.get(hours).content.decode()
    assert client.post(new, {**data, "claim-email": "nope"}).status_code == 400
    assert not HoursClaim.objects.exists()
    with committed():
        assert client.post(new, data).status_code == 302
    claim = HoursClaim.objects.get()
    assert claim.language == "cy" and claim.minutes == 120 and len(mail.outbox) == 1
    page = client.get(hours).content.decode()
    assert "dewi@example.org" in page and "Waiting" in page
    services.hours_claim_accept(token=services.hours_claim_token(claim), user=alice)
    assert "Claimed" in client.get(hours).content.decode()


def test_officers_see_claims_in_the_admin_read_only(
    client: Any, group: ActionGroup, coordinator: User, olwen: User
) -> None:
    record(group, coordinator)
    client.force_login(olwen)
    page = client.get(reverse("admin:conversations_hoursclaim_changelist"))
    assert page.status_code == 200 and "dewi@example.org" in page.content.decode()
    assert client.get(reverse("admin:conversations_hoursclaim_add")).status_code == 403


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_claim_accepted_at_the_same_moment_credits_once(
    organisation: Organisation, conversation: Conversation, fran: User, alice: User
) -> None:
    account_open_for_organisation(organisation=organisation, kind=Account.Kind.ISSUING)
    claim = record(make_group(conversation, fran), fran)
    token = services.hours_claim_token(claim)
    errors = _at_once([lambda: services.hours_claim_accept(token=token, user=alice)] * 3)
    assert len(errors) == 2 and all("already been claimed" in str(error) for error in errors)
    assert Transfer.objects.count() == 1 and Account.objects.get(user=alice).balance == 150
    assert ledger_reconcile().ok

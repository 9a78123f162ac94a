"""Council admin: transfers are read-only, reversals go through the service, the ledger reconciles."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from timecredits import services
from timecredits.models import Account, Transfer
from vocaleyes.models import Organisation, User

pytestmark = pytest.mark.django_db

KEY = "fedcba9876543210fedcba9876543210"


@pytest.fixture
def earned(alice: User, fran: User, organisation: Organisation, issuer: Account) -> Transfer:
    return services.credits_earn(
        organisation=organisation,
        person=alice,
        minutes=120,
        recorded_by=fran,
        memo="Panel",
        idempotency_key="e",
    )


def test_transfers_cannot_be_added_changed_or_deleted_in_the_admin(
    client: Client, olwen: User, earned: Transfer
) -> None:
    client.force_login(olwen)
    change = client.get(reverse("admin:timecredits_transfer_change", args=[earned.pk])).content.decode()
    assert "Reverse this transfer" in change and 'name="_save"' not in change
    assert client.get(reverse("admin:timecredits_transfer_add")).status_code == 403
    client.post(reverse("admin:timecredits_transfer_change", args=[earned.pk]), {"memo": "changed"})
    assert client.get(reverse("admin:timecredits_transfer_delete", args=[earned.pk])).status_code == 403
    earned.refresh_from_db()
    assert earned.memo == "Panel"


def test_an_officer_reverses_a_transfer_with_a_reason(
    client: Client, alice: User, olwen: User, earned: Transfer
) -> None:
    client.force_login(olwen)
    url = reverse("admin:timecredits_transfer_reverse", args=[earned.pk])
    assert "What will be moved back" in client.get(url).content.decode()
    blank = client.post(url, {"reason": "", "idempotency_key": KEY}).content.decode()
    assert "This field is required." in blank and not Transfer.objects.filter(kind="reversal").exists()
    response = client.post(url, {"reason": "Entered for the wrong person", "idempotency_key": KEY})
    reversal = Transfer.objects.get(kind=Transfer.Kind.REVERSAL)
    assert response["Location"] == reverse("admin:timecredits_transfer_change", args=[reversal.pk])
    assert reversal.reverses == earned and reversal.memo == "Entered for the wrong person"
    assert Account.objects.get(user=alice).balance == 0
    # The same form submitted twice is one reversal; a second reversal is refused with a reason.
    client.post(url, {"reason": "Entered for the wrong person", "idempotency_key": KEY})
    again = client.post(url, {"reason": "Again", "idempotency_key": KEY.replace("f", "0")}).content.decode()
    assert "This transfer has already been reversed." in again
    assert Transfer.objects.filter(kind=Transfer.Kind.REVERSAL).count() == 1


def test_a_facilitator_cannot_reverse(client: Client, fran: User, earned: Transfer) -> None:
    client.force_login(fran)  # not staff: the admin sends her to its sign-in page
    response = client.post(
        reverse("admin:timecredits_transfer_reverse", args=[earned.pk]),
        {"reason": "x", "idempotency_key": KEY},
    )
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not Transfer.objects.filter(kind=Transfer.Kind.REVERSAL).exists()


def test_the_reconciliation_page_shows_that_the_invariants_hold(
    client: Client, alice: User, bob: User, olwen: User, earned: Transfer
) -> None:
    services.credits_gift(sender=alice, recipient=bob, minutes=30, message="", idempotency_key="g")
    client.force_login(olwen)
    page = client.get(reverse("admin:timecredits_transfer_reconciliation")).content.decode()
    assert "The ledger reconciles: every check below holds." in page
    assert page.count("<td>Yes</td>") == 7
    assert "2 hours" in page  # issued by the council, and not returned


def test_an_officer_opens_an_issuing_account_for_an_organisation(
    client: Client, olwen: User, organisation: Organisation
) -> None:
    client.force_login(olwen)
    response = client.post(
        reverse("admin:timecredits_account_add"), {"organisation": organisation.pk, "kind": "issuing"}
    )
    account = Account.objects.get(organisation=organisation)
    assert response.status_code == 302
    assert account.kind == Account.Kind.ISSUING and account.balance == 0 and len(account.number) == 9
    listing = client.get(reverse("admin:timecredits_account_changelist")).content.decode()
    assert account.number in listing


@pytest.mark.parametrize("language", ["en", "cy"])
def test_opening_an_account_with_no_organisation_is_a_form_error_not_a_crash(
    client: Client, olwen: User, language: str
) -> None:
    client.force_login(olwen)
    url = ("/cy" if language == "cy" else "") + reverse("admin:timecredits_account_add")
    response = client.post(url, {"organisation": "", "kind": "issuing"})
    assert response.status_code == 200
    message = {
        "en": "Choose the organisation the account is for.",
        "cy": "Dewiswch y sefydliad y mae'r cyfrif ar ei gyfer.",
    }
    assert message[language] in response.content.decode().replace("&#x27;", "'")
    assert not Account.objects.exists()

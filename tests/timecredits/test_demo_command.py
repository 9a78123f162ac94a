from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from timecredits.models import Account, PartnerOffer, Transfer
from timecredits.selectors import ledger_reconcile

pytestmark = pytest.mark.django_db


def test_demo_credits_load_once_however_often_the_command_runs() -> None:
    call_command("load_demo_credits", stdout=StringIO())
    counts = (Transfer.objects.count(), PartnerOffer.objects.count(), Account.objects.count())
    call_command("load_demo_credits", stdout=StringIO())
    assert (Transfer.objects.count(), PartnerOffer.objects.count(), Account.objects.count()) == counts
    assert counts[0] == 5 and counts[1] == 4
    assert Account.objects.get(user__email="resident@demo.vocaleyes.cymru").balance == 240
    assert ledger_reconcile().ok

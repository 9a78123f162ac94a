"""Time-credit fixtures: an issuing council, a partner leisure centre with offers, a third resident.

``ledger_cleanup`` is for ``transaction=True`` tests. On Postgres the flush between tests uses
TRUNCATE, which the append-only triggers do not see; on SQLite it runs DELETE, which they refuse,
so this fixture lifts those four triggers for a moment to empty the ledger, and puts them back.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from django.db import connection

from tests.conftest import make_user
from timecredits import services
from timecredits.models import Account, PartnerOffer
from vocaleyes.models import Organisation, User

# The append-only triggers as they stand after the last migration that changed them.
triggers = importlib.import_module("timecredits.migrations.0005_gift_memo_redaction")


@pytest.fixture
def issuer(organisation: Organisation) -> Account:
    return services.account_open_for_organisation(organisation=organisation, kind=Account.Kind.ISSUING)


@pytest.fixture
def partner(db: None) -> Organisation:
    organisation = Organisation.objects.create(
        slug="leisure",
        name_en="Swansea Leisure Centre",
        name_cy="Canolfan Hamdden Abertawe",
        kind=Organisation.Kind.THIRD_SECTOR,
    )
    services.account_open_for_organisation(organisation=organisation, kind=Account.Kind.RECEIVING)
    return organisation


@pytest.fixture
def swim(partner: Organisation) -> PartnerOffer:
    return PartnerOffer.objects.create(
        organisation=partner,
        title_en="A swim",
        title_cy="Nofio",
        description_en="One swim in the main pool.",
        description_cy="Un sesiwn nofio yn y prif bwll.",
        availability_en="Every day, 7am to 9pm",
        availability_cy="Bob dydd, 7yb i 9yh",
        price=60,
    )


@pytest.fixture
def course(partner: Organisation) -> PartnerOffer:
    return PartnerOffer.objects.create(
        organisation=partner,
        title_en="First aid course",
        title_cy="Cwrs cymorth cyntaf",
        price=120,
        places_left=1,
    )


@pytest.fixture
def charlie(db: None) -> User:
    return make_user("charlie@example.org", "Charlie")


@pytest.fixture
def ledger_cleanup(transactional_db: None) -> Iterator[None]:
    yield
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for statement in triggers.SQLITE_APPEND_ONLY_BACKWARDS:
            cursor.execute(statement)
        cursor.execute("DELETE FROM timecredits_entry")
        cursor.execute("DELETE FROM timecredits_transfer")
        for statement in triggers.SQLITE_APPEND_ONLY:
            cursor.execute(statement)

"""A concurrency torture for the ledger, shared by the test suite and ``bench/credits_torture.py``.

Many workers (threads here, processes in the bench), each with its own database connection, make
random earn / spend / gift / reversal attempts through the services at the same time. Every
attempt is derived from its idempotency key alone (the key seeds its random choices), so when the
plan repeats a key, possibly in two workers at the same moment, the repeat is exactly the same
request, as a double-clicked form would be. Gifts and spends are often larger than the balance,
so over-spends are refused all the time; reversals target earlier keys, some of them reversals,
some already reversed, some whose credits have been spent.

``verify`` then checks that nothing was lost or counted twice: every key that succeeded maps to
exactly one transfer, written by exactly one attempt (all others were replays); no refused key left
a trace; and every invariant of ``ledger_reconcile`` holds.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from celery import _state as celery_state
from django.db import OperationalError, close_old_connections, connection

from timecredits import services
from timecredits.models import Account, PartnerOffer, Transfer
from timecredits.selectors import ledger_reconcile
from vocaleyes.errors import Refusal
from vocaleyes.models import Organisation, OrganisationRole, User

EARN_MINUTES = (15, 30, 45, 60, 90, 120, 180)
GIFT_MINUTES = (15, 30, 60, 90, 120, 240)
OFFER_PRICES = (60, 90, 120, 180, 240)


@dataclass
class World:
    prefix: str
    organisations: list[int]
    organisers: dict[int, int]  # organisation id -> facilitator user id
    people: list[int]
    offers: list[int]
    officer: int


def build_world(
    prefix: str, *, people: int = 30, issuers: int = 3, partners: int = 2, offers: int = 4
) -> World:
    """Users, organisations and accounts for one torture run (names carry ``prefix``)."""
    officer = User.objects.create_user(
        email=f"{prefix}-officer@example.org", display_name="Officer", is_staff=True, is_superuser=True
    )
    organisations, organisers = [], {}
    for number in range(issuers):
        organisation = Organisation.objects.create(
            slug=f"{prefix}-issuer-{number}",
            name_en=f"Issuer {number}",
            kind=Organisation.Kind.LOCAL_AUTHORITY,
        )
        organiser = User.objects.create_user(
            email=f"{prefix}-organiser-{number}@example.org", display_name="Organiser"
        )
        OrganisationRole.objects.create(organisation=organisation, user=organiser)
        services.account_open_for_organisation(organisation=organisation, kind=Account.Kind.ISSUING)
        organisations.append(organisation.pk)
        organisers[organisation.pk] = organiser.pk
    offer_ids = []
    for number in range(partners):
        partner = Organisation.objects.create(
            slug=f"{prefix}-partner-{number}",
            name_en=f"Partner {number}",
            kind=Organisation.Kind.THIRD_SECTOR,
        )
        services.account_open_for_organisation(organisation=partner, kind=Account.Kind.RECEIVING)
        for offer_number in range(offers // partners):
            offer = PartnerOffer.objects.create(
                organisation=partner,
                title_en=f"Offer {number}.{offer_number}",
                price=OFFER_PRICES[(number + offer_number) % len(OFFER_PRICES)],
            )
            offer_ids.append(offer.pk)
    person_ids = []
    for number in range(people):
        person = User.objects.create_user(
            email=f"{prefix}-person-{number}@example.org", display_name=f"Person {number}"
        )
        services.account_for_person(user=person)
        person_ids.append(person.pk)
    return World(prefix, organisations, organisers, person_ids, offer_ids, officer.pk)


def plan_keys(prefix: str, attempts: int, *, seed: int, repeat_share: float = 0.15) -> list[str]:
    """The keys to attempt, in order: mostly new, ``repeat_share`` of them repeats of earlier keys."""
    rng = random.Random(seed)
    keys: list[str] = []
    for index in range(attempts):
        if keys and rng.random() < repeat_share:
            # Mostly a recent key, so the repeat often races the original in another worker.
            keys.append(keys[max(0, len(keys) - 1 - int(rng.expovariate(1 / 10)))])
        else:
            keys.append(f"{prefix}-{index}")
    return keys


@dataclass(frozen=True)
class Outcome:
    key: str
    kind: str
    status: str  # recorded, replayed, refused, skipped
    transfer_id: str | None = None
    message: str = ""


def attempt(
    world: World,
    key: str,
    users: dict[int, User],
    organisations: dict[int, Organisation],
    offers: dict[int, PartnerOffer],
) -> Outcome:
    """Make the one request that ``key`` stands for."""
    rng = random.Random(key)
    roll = rng.random()
    try:
        if roll < 0.30:
            organisation_id = rng.choice(world.organisations)
            transfer = services.credits_earn(
                organisation=organisations[organisation_id],
                person=users[rng.choice(world.people)],
                minutes=rng.choice(EARN_MINUTES),
                recorded_by=users[world.organisers[organisation_id]],
                memo="Torture volunteering",
                idempotency_key=key,
            )
            kind = "earn"
        elif roll < 0.65:
            sender, recipient = rng.sample(world.people, 2)
            transfer = services.credits_gift(
                sender=users[sender],
                recipient=users[recipient],
                minutes=rng.choice(GIFT_MINUTES),
                message="Torture gift",
                idempotency_key=key,
            )
            kind = "gift"
        elif roll < 0.85:
            offer = offers[rng.choice(world.offers)]
            transfer = services.credits_spend(
                person=users[rng.choice(world.people)], offer=offer, idempotency_key=key
            )
            kind = "spend"
        else:
            kind = "reversal"
            own_index = int(key.rsplit("-", 1)[1])
            target_key = f"{world.prefix}-{rng.randrange(own_index)}" if own_index else ""
            target = Transfer.objects.filter(idempotency_key=target_key).first()
            if target is None:
                return Outcome(key, kind, "skipped", message="nothing to reverse yet")
            transfer = services.transfer_reverse(
                transfer=target,
                reversed_by=users[world.officer],
                reason="Torture reversal",
                idempotency_key=key,
            )
    except Refusal as refusal:
        return Outcome(key, "?", "refused", message=refusal.message)
    return Outcome(key, kind, "replayed" if transfer.replayed else "recorded", str(transfer.pk))


@dataclass
class Report:
    outcomes: list[Outcome]
    seconds: float
    errors: list[str] = field(default_factory=list)

    @property
    def written(self) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == "recorded")

    def counts(self) -> Counter[str]:
        return Counter(outcome.status for outcome in self.outcomes)


def run_worker(world: World, keys: Sequence[str]) -> tuple[list[Outcome], list[str]]:
    """One worker's share, on its own database connection (closed at the end)."""
    outcomes: list[Outcome] = []
    errors: list[str] = []
    users = {
        user.pk: user
        for user in User.objects.filter(pk__in=[*world.people, *world.organisers.values(), world.officer])
    }
    organisations = Organisation.objects.in_bulk(world.organisations)
    offers = PartnerOffer.objects.in_bulk(world.offers)
    try:
        for key in keys:
            for retry in range(200):
                try:
                    outcomes.append(attempt(world, key, users, organisations, offers))
                    break
                except OperationalError as error:
                    if connection.vendor == "sqlite" and "locked" in str(error):
                        # The SQLite test database is in memory with a shared cache, where a busy
                        # table answers "locked" at once instead of waiting (no busy timeout). A
                        # client retries with the same key, which idempotency makes safe.
                        time.sleep(0.001 * (retry + 1))
                        continue
                    # On Postgres, a deadlock or lock timeout would mean a bug in the lock order.
                    errors.append(f"{key}: {error}")
                    close_old_connections()
                    break
            else:
                errors.append(f"{key}: still locked after 200 tries")
    except Exception as error:
        errors.append(f"{type(error).__name__}: {error}")
    finally:
        connection.close()
    return outcomes, errors


def run_threads(world: World, keys: Sequence[str], workers: int) -> Report:
    shares = [list(keys[number::workers]) for number in range(workers)]
    results: list[tuple[list[Outcome], list[str]]] = [([], []) for _ in shares]
    start = threading.Barrier(workers)

    def work(number: int) -> None:
        start.wait()  # all at once
        results[number] = run_worker(world, shares[number])

    threads = [threading.Thread(target=work, args=(number,)) for number in range(workers)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    # Eager Celery tasks (no broker) save and restore a process-wide "inside a task" flag; threads
    # running them at once can leave it set, and a later result.get() would refuse to run.
    celery_state._set_task_join_will_block(False)  # type: ignore[attr-defined]
    return Report(
        outcomes=[outcome for outcomes, _errors in results for outcome in outcomes],
        seconds=seconds,
        errors=[error for _outcomes, errors in results for error in errors],
    )


def verify(world: World, report: Report) -> list[str]:
    """Every way the run could have lost or duplicated a transfer, or broken an invariant."""
    problems = list(report.errors)
    by_key: dict[str, set[str]] = defaultdict(set)
    recorded: Counter[str] = Counter()
    for outcome in report.outcomes:
        if outcome.transfer_id is not None:
            by_key[outcome.key].add(outcome.transfer_id)
        if outcome.status == "recorded":
            recorded[outcome.key] += 1
    for key, ids in by_key.items():
        if len(ids) != 1:
            problems.append(f"key {key} answered with {len(ids)} different transfers")
        if recorded[key] != 1:
            problems.append(f"key {key} was written {recorded[key]} times")
    rows = Transfer.objects.filter(idempotency_key__startswith=f"{world.prefix}-").values_list(
        "idempotency_key", "id"
    )
    stored = {key: str(transfer_id) for key, transfer_id in rows}
    answered = {key: next(iter(ids)) for key, ids in by_key.items()}
    if stored != answered:
        lost = set(answered) - set(stored)
        ghosts = set(stored) - set(answered)
        problems.append(f"ledger and answers differ: {len(lost)} lost, {len(ghosts)} unreported")
    reconciliation = ledger_reconcile()
    problems.extend(f"{check.name}: {check.detail}" for check in reconciliation.checks if not check.ok)
    return problems

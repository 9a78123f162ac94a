"""Statement page speed for an account with 100,000 entries. Not a test: prints figures.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/vocaleyes_bench
    .venv/bin/python bench/credits_statement.py

Loads (once; reruns reuse it) a person whose account has 100,000 entries: earns from a council
alternating with gifts to a neighbour, written in batches through the ledger's own decision and
write (``ledger.post`` and ``journal.write``, under the journal's locks) without the services'
checks and receipts, so the database's triggers check every row as they check the services'
writes (about 100 s, once). Then it requests the statement pages through Django's test client
(the whole stack: middleware, session, queries, templates) and prints the median and 95th
percentile time and the number of queries of each: the newest page, a page deep in the history
(keyset cursor), a page filtered by type, and the first page of the CSV download.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vocaleyes.settings")
# Production mode (DEBUG off, so no per-query debug log); VOCALEYES_TESTING only so static files
# are served without collectstatic and HTTPS redirects stay off for the test client.
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("VOCALEYES_TESTING", "1")
os.environ.setdefault("SECRET_KEY", "bench-only-" + os.urandom(32).hex())
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from timecredits import journal, ledger, services  # noqa: E402
from timecredits.models import Account, Entry, Transfer  # noqa: E402
from vocaleyes.models import Organisation, User  # noqa: E402

BATCH = 500  # transfers per transaction: each one updates the same account rows


def person(email: str, name: str) -> User:
    user = User.objects.filter(email=email).first()
    return user or User.objects.create_user(email=email, display_name=name)


def load(entries: int) -> Account:
    reader = person("statement-bench@example.org", "Statement Bench")
    neighbour = person("statement-neighbour@example.org", "Neighbour")
    council, _ = Organisation.objects.get_or_create(
        slug="statement-bench-council",
        defaults={
            "name_en": "Bench Council",
            "name_cy": "Cyngor Mainc",
            "kind": Organisation.Kind.LOCAL_AUTHORITY,
        },
    )
    issuer = services.account_open_for_organisation(organisation=council, kind=Account.Kind.ISSUING)
    account = services.account_for_person(user=reader)
    other = services.account_for_person(user=neighbour)
    have = Entry.objects.filter(account=account).count()
    if have >= entries:
        return account
    print(f"loading {entries - have} entries (once)...", flush=True)
    started = time.perf_counter()
    number = have
    while number < entries:
        with transaction.atomic():
            locked = journal.lock_accounts(account_ids=sorted([issuer.pk, account.pk, other.pk]))
            issuing, reading, neighbouring = (locked.by_pk[a.pk] for a in (issuer, account, other))
            for _ in range(min(BATCH, entries - number)):
                # Earn 60 minutes, then give 30 to the neighbour, and so on: the balance keeps growing.
                if number % 2 == 0:
                    kind, legs = Transfer.Kind.EARN, [(issuing, -60), (reading, 60)]
                else:
                    kind, legs = Transfer.Kind.GIFT, [(reading, -30), (neighbouring, 30)]
                postings = ledger.post(
                    [
                        ledger.Leg(
                            account_id=leg.pk,
                            amount=amount,
                            balance=leg.balance,
                            may_go_negative=leg.may_go_negative,
                        )
                        for leg, amount in legs
                    ]
                )
                transfer = Transfer(
                    id=uuid.uuid4(),
                    idempotency_key=f"statement-bench-{number}",
                    kind=kind,
                    amount=ledger.credited([posting.amount for posting in postings]),
                    memo=f"Bench {number}",
                    recorded_by=reader,
                    created=timezone.now(),
                    organisation=council,
                )
                journal.write(transfer, postings, [leg for leg, _amount in legs])
                number += 1
        print(f"  {number} / {entries}", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Entry, Transfer, Account):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    print(f"loaded in {time.perf_counter() - started:.0f} s")
    return Account.objects.get(pk=account.pk)


def measure(client: Client, url: str, runs: int) -> tuple[float, float, float, int]:
    """Median and p95 wall time, median CPU time of this process (ms), and the query count."""
    client.get(url)  # warm caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    queries = len(captured.captured_queries)  # now: the next request clears the query log
    times, cpu = [], []
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    times.sort()
    return (
        statistics.median(times),
        times[int(len(times) * 0.95) - 1],
        statistics.median(cpu),
        queries,
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    account = load(args.entries)
    count = Entry.objects.filter(account=account).count()
    middle = count // 2  # a line number
    client = Client()
    client.force_login(account.user)
    print(
        f"database: {connection.vendor}; account {account.number}: {count} entries, "
        f"balance {account.balance} min"
    )
    print(f"load average: {os.getloadavg()[0]:.1f} (2 cores shared with other work)")
    print(f"{'page':<40} {'median ms':>10} {'p95 ms':>8} {'cpu ms':>7} {'queries':>8}")
    pages = [
        ("statement, newest page", "/time-credits/"),
        ("statement, Welsh", "/cy/time-credits/"),
        ("statement, page in the middle (keyset)", f"/time-credits/?before={middle}"),
        ("statement, gifts only", "/time-credits/?kind=gift"),
        ("statement, gifts only, middle", f"/time-credits/?kind=gift&before={middle}"),
    ]
    for name, url in pages:
        median, p95, cpu, queries = measure(client, url, args.runs)
        print(f"{name:<40} {median:>10.1f} {p95:>8.1f} {cpu:>7.1f} {queries:>8}")
    began = time.perf_counter()
    response = client.get("/time-credits/statement.csv")
    size = sum(len(chunk) for chunk in response.streaming_content)
    print(f"CSV of all {count} entries: {time.perf_counter() - began:.1f} s, {size / 1e6:.1f} MB (streamed)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark the prioritised action list export at national scale.

Uses ``bench/ideas.py``'s generator (a 50,000-idea conversation with 1,000,000 ratings, loaded
into the configured Postgres database with COPY), ranks it, then makes the action list in each
format the way a large export is made in production: ``export_jobs.export_job_run``, the Celery
task's service, writing the file under a scratch MEDIA_ROOT. Each format runs in a fresh
process, so its memory figures are its own:

* rows per second, and the time to the finished file;
* peak resident memory of the exporting process (``resource.getrusage`` ``ru_maxrss``), and how
  much of it the export added to the process as it was after Django started;
* the Python heap's peak during the export (``tracemalloc``, in a second run: tracing slows
  Python down, so its time is not reported).

The CSV is also measured as the streaming response a small export gets (the writer alone,
``exports.iter_csv``), and the printable page's streamed HTML.

Usage (a database of its own; the data stays for the next run unless --regenerate)::

    createdb -h 127.0.0.1 -U postgres vocaleyes_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vocaleyes_bench .venv/bin/python bench/export.py

Options: ``--scale 0.1`` for a tenth of the size, ``--regenerate`` to drop and reload the data,
``--repeat N`` fresh runs per format (the best is shown: the machine may be shared).
Targets (issue 4): CSV at 50,000 rows/s or more; XLSX completes; peak memory 200 MB or less.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

# Importing the ideas bench sets up Django the same way (production mode, no debug query log).
import ideas as ideas_bench  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.utils import translation  # noqa: E402

from conversations import export_jobs, exports, ranking_runs  # noqa: E402
from conversations.models import Conversation, ExportJob, Idea  # noqa: E402
from vocaleyes.models import User  # noqa: E402

TARGET_ROWS_PER_SECOND = 50_000
TARGET_PEAK_MB = 200


def peak_rss_mb() -> float:
    """This process's peak resident memory so far.

    ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` is the portable figure, but Linux carries it
    over from the parent through fork and exec (a child of a 300 MB parent reports 300 MB
    however little it uses), so on Linux the process's own high-water mark, ``VmHWM`` in
    /proc/self/status (reset by exec), is read instead.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def measure(what: str, slug: str, trace: bool) -> dict[str, Any]:
    """One export in this (fresh) process: ``what`` is csv, xlsx, csv-stream or html-stream."""
    from django.conf import settings

    conversation = Conversation.objects.get(slug=slug)
    facilitator = User.objects.filter(is_staff=True).first() or User.objects.order_by("pk").first()
    assert facilitator is not None
    # Django, the apps and a first query loaded: what the process holds before exporting.
    Idea.objects.filter(conversation=conversation).exists()
    before = peak_rss_mb()
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    cpu_started = time.process_time()
    size = 0
    with tempfile.TemporaryDirectory() as media, translation.override("en"):
        settings.MEDIA_ROOT = media
        if what in ("csv", "xlsx"):
            job = ExportJob.objects.create(
                conversation=conversation, requested_by=facilitator, format=what, language="en"
            )
            job = export_jobs.export_job_run(job_id=job.pk)
            if job.status != ExportJob.Status.DONE:
                raise SystemExit(f"export failed: {job.error}")
            rows = job.rows_done
            size = job.file.size
            job.file.delete(save=False)
            job.delete()
        elif what == "csv-stream":
            rows = -1  # the header
            for chunk in exports.iter_csv(conversation):
                size += len(chunk.encode())
                rows += chunk.count("\n")
        else:  # html-stream
            request = RequestFactory().get("/")
            request.user = facilitator
            rows = 0
            for chunk in exports.iter_html(conversation, request):
                size += len(chunk.encode())
                rows += chunk.count('<tr class="govuk-table__row">')
            rows -= 1  # the header row
    elapsed = time.perf_counter() - started
    result = {
        "cpu_seconds": time.process_time() - cpu_started,
        "what": what,
        "rows": rows,
        "seconds": elapsed,
        "bytes": size,
        "peak_rss_mb": peak_rss_mb(),
        "rss_before_mb": before,
    }
    if trace:
        result["heap_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return result


def in_fresh_process(what: str, slug: str, trace: bool) -> dict[str, Any]:
    command = [sys.executable, __file__, "--measure", what, "--slug", slug]
    if trace:
        command.append("--trace")
    output = subprocess.run(command, check=True, capture_output=True, text=True, env=os.environ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="fresh runs per format; the best is shown")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--slug", default=ideas_bench.SLUG, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()

    if options.measure:
        print(json.dumps(measure(options.measure, options.slug, options.trace)))
        return

    if connection.vendor != "postgresql":
        raise SystemExit("Run the benchmark on Postgres: set DATABASE_URL=postgres://...")
    ideas_bench.call_command("migrate", verbosity=0)
    conversation = Conversation.objects.filter(slug=ideas_bench.SLUG).first()
    if options.regenerate or conversation is None:
        ideas_bench.log("Generating the conversation (bench/ideas.py's generator)...")
        ideas_bench.delete_bench_data()
        elapsed, conversation = ideas_bench.timed(lambda: ideas_bench.generate(options.scale))
        ideas_bench.log(f"  generated in {elapsed:.1f} s")
    assert conversation is not None
    if not ideas_bench.is_ranked(conversation.pk):
        ideas_bench.log("Ranking it...")
        ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    if not User.objects.filter(is_staff=True).exists():
        User.objects.create_user(email="bench-officer@bench.invalid", display_name="Officer", is_staff=True)
    shown = exports.action_list_count(conversation)
    total = Idea.objects.filter(conversation=conversation).count()
    ideas_bench.log(f"Exporting {shown:,} visible ideas (of {total:,}; the rest are hidden or pending)...")

    rows: list[tuple[str, str, str]] = []
    verdicts: list[str] = []
    for what, label in (
        ("csv", "CSV file (background export job)"),
        ("xlsx", "XLSX file (background export job, openpyxl write-only)"),
        ("csv-stream", "CSV as a streamed response (writer alone)"),
        ("html-stream", "Printable page, streamed HTML"),
    ):
        ideas_bench.log(f"  {label}...")
        # Best of several fresh processes: this machine is shared, and a run that waited for
        # the CPU says more about the neighbours than about the export.
        run = min(
            (in_fresh_process(what, ideas_bench.SLUG, trace=False) for _ in range(options.repeat)),
            key=lambda result: result["seconds"],
        )
        traced = in_fresh_process(what, ideas_bench.SLUG, trace=True)
        rate = run["rows"] / run["seconds"]
        rows.append(
            (
                label,
                f"{rate:,.0f} rows/s",
                f"{run['rows']:,} rows, {run['bytes'] / 2**20:.1f} MB in {run['seconds']:.2f} s "
                f"(best of {options.repeat}; {run['cpu_seconds']:.2f} s CPU in this process)",
            )
        )
        rows.append(
            (
                "  peak memory of the exporting process",
                f"{run['peak_rss_mb']:.0f} MB",
                f"{run['rss_before_mb']:.0f} MB before the export; Python heap peak "
                f"{traced['heap_peak_mb']:.1f} MB (tracemalloc)",
            )
        )
        if run["rows"] != shown:
            verdicts.append(f"{label}: wrote {run['rows']} rows, expected {shown}")
        if run["peak_rss_mb"] > TARGET_PEAK_MB:
            verdicts.append(f"{label}: peak memory {run['peak_rss_mb']:.0f} MB over {TARGET_PEAK_MB} MB")
        if what == "csv" and rate < TARGET_ROWS_PER_SECOND:
            verdicts.append(f"{label}: {rate:,.0f} rows/s under {TARGET_ROWS_PER_SECOND:,}")
    ideas_bench.print_table(rows)
    print()
    print("Targets met." if not verdicts else "Targets missed:\n  " + "\n  ".join(verdicts))


if __name__ == "__main__":
    main()

"""The prioritised action list: CSV (streamed), XLSX, a printable page, in the facilitator's
language; large lists made in the background with progress and a download only for those
allowed."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from conversations import export_jobs, exports, ranking_runs, services
from conversations.models import Conversation, ExportJob, Idea
from tests.conversations.conftest import make_idea, make_people
from tests.conversations.moderation import other_facilitator, streamed
from vocaleyes.models import User

pytestmark = pytest.mark.django_db

EXPORT = "/conversations/wellbeing/facilitate/export/"
HEADER = [
    "Rank",
    "Title",
    "Author or seeded",
    "Priority score",
    "Ratings",
    "Average rating",
    "Rated 1: Not important",
    "Rated 2: Slightly important",
    "Rated 3: Important",
    "Rated 4: Very important",
    "Rated 5: Essential",
    "Comments",
    "Response status",
    "Response",
    "Action group",
    "Action group status",
    "Pledges",
    "Hours pledged",
    "Hours given",
]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def ranked(conversation: Conversation, alice: User, bob: User, fran: User) -> dict[str, Idea]:
    """Three ranked ideas (one seeded) and one posted since the ranking ran."""
    ideas = {
        "top": make_idea(conversation, bob, title="Benches by the sea"),
        "seeded": make_idea(conversation, fran, title="Warm hubs", source_note="Best practice from Cardiff"),
        "low": make_idea(conversation, alice, title='=HYPERLINK("http://evil.example")'),
    }
    for person in make_people(4, "rater"):
        services.rating_set(idea=ideas["top"], user=person, value=5)
        services.rating_set(idea=ideas["seeded"], user=person, value=3)
        services.rating_set(idea=ideas["low"], user=person, value=1)
    services.comment_create(idea=ideas["top"], author=alice, body="Yes please")
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    ideas["new"] = make_idea(conversation, alice, title="Posted since")
    return ideas


def read_csv(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(streamed(response).decode("utf-8-sig"))))


def test_the_csv_is_streamed_in_priority_order_with_every_column(
    client: Client, fran: User, ranked: dict[str, Idea]
) -> None:
    client.force_login(fran)
    response = client.get(EXPORT + "action-list.csv")
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="wellbeing-action-list-')
    rows = read_csv(response)
    assert rows[0] == HEADER
    assert rows[1][:3] == ["1", "Benches by the sea", "Bob"]
    assert [row[0] for row in rows[1:]] == ["1", "2", "3", ""]  # the new idea is not ranked yet
    assert [row[2] for row in rows[1:]] == ["Bob", "Seeded: Best practice from Cardiff", "Alice", "Alice"]
    top = rows[1]
    assert (top[4], top[5], top[6:11], top[11]) == ("4", "5.0", ["0", "0", "0", "0", "4"], "1")
    assert 0 < float(top[3]) < 5
    # A title that a spreadsheet would run as a formula is written as text.
    assert rows[3][1] == '\'=HYPERLINK("http://evil.example")'
    assert rows[4][1:12] == ["Posted since", "Alice", "", "0", "", "0", "0", "0", "0", "0", "0"]
    assert rows[4][12:] == ["", "", "", "", "", "", ""]  # no response, no action group


def test_the_xlsx_holds_the_same_rows_with_numbers_as_numbers(
    client: Client, fran: User, ranked: dict[str, Idea]
) -> None:
    client.force_login(fran)
    response = client.get(EXPORT + "action-list.xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(streamed(response)))
    sheet = workbook.active
    assert sheet.title == "Action list"
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert [row[1] for row in rows[1:]] == [
        "Benches by the sea",
        "Warm hubs",
        '=HYPERLINK("http://evil.example")',
        "Posted since",
    ]
    assert sheet["B4"].data_type == "s"  # text, not a formula
    assert rows[1][0] == 1
    assert isinstance(rows[1][3], float)
    assert rows[1][4:6] == (4, 5.0)
    assert rows[4][0] is None


def test_the_export_is_in_the_facilitators_language(
    client: Client, fran: User, ranked: dict[str, Idea]
) -> None:
    client.force_login(fran)
    response = client.get("/cy" + EXPORT + "action-list.csv")
    assert "rhestr-weithredu" in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0][:3] == ["Safle", "Teitl", "Awdur neu wedi'i hau"]
    assert rows[2][2] == "Wedi'i hau: Best practice from Cardiff"
    sheet = load_workbook(io.BytesIO(streamed(client.get("/cy" + EXPORT + "action-list.xlsx")))).active
    assert sheet.title == "Rhestr weithredu"
    assert sheet["A1"].value == "Safle"


def test_the_printable_page_lists_the_ranked_rows(
    client: Client, fran: User, bob: User, conversation: Conversation, ranked: dict[str, Idea]
) -> None:
    make_idea(conversation, bob, title="Gwersi nofio", body="Gwersi nofio am ddim i bawb.", language="cy")
    client.force_login(fran)
    response = client.get(EXPORT + "print/")
    assert response.streaming
    page = streamed(response).decode()
    assert '<h1 class="govuk-heading-xl">Prioritised action list</h1>' in page
    assert "5 ideas, in priority order." in page
    assert '<th scope="row" class="govuk-table__header" lang="cy">Gwersi nofio</th>' in page
    assert '<th scope="row" class="govuk-table__header">Warm hubs</th>' in page
    body = page.split("<tbody", 1)[1]
    assert body.index("Benches by the sea") < body.index("Warm hubs") < body.index("Posted since")
    assert "=HYPERLINK(&quot;http://evil.example&quot;)" in body  # escaped
    # The print styles are a stylesheet of their own: the Content-Security-Policy refuses <style>.
    assert '<link rel="stylesheet" href="/static/css/action-list-print.css">' in page


def test_an_export_reads_the_rows_in_one_query_whatever_the_size(
    conversation: Conversation, bob: User, settings: Any
) -> None:
    settings.EXPORT_CHUNK_SIZE = 3
    for number in range(10):
        make_idea(conversation, bob, title=f"Idea {number}")
    with CaptureQueriesContext(connection) as queries:
        text = "".join(exports.iter_csv(conversation))
    # One for which fair orders are stored (their columns), one for every row.
    assert len(queries) == 2 if connection.vendor == "sqlite" else len(queries) <= 5
    assert text.count("\n") == 11


def test_a_large_export_is_made_in_the_background_with_progress(
    client: Client,
    fran: User,
    ranked: dict[str, Idea],
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.EXPORT_SYNC_LIMIT = 2
    settings.EXPORT_CHUNK_SIZE = 1
    client.force_login(fran)
    response = client.get(EXPORT + "action-list.csv", follow=True)
    page = response.content.decode()
    assert "This conversation has 4 ideas: more than can be exported straight away." in page
    assert "Prepare the file" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(EXPORT, {"format": "xlsx"})
    job = ExportJob.objects.get()
    assert response["Location"] == f"{EXPORT[:-7]}exports/{job.pk}/"
    assert (job.status, job.format, job.language, job.requested_by) == ("done", "xlsx", "en", fran)
    assert (job.rows_done, job.total_rows, job.percent) == (4, 4, 100)
    page = client.get(response["Location"]).content.decode()
    assert "Your file is ready" in page
    assert "hx-get" not in page  # nothing left to poll
    download = client.get(f"{response['Location']}download/")
    rows = list(load_workbook(io.BytesIO(streamed(download))).active.iter_rows(values_only=True))
    assert [row[1] for row in rows[1:3]] == ["Benches by the sea", "Warm hubs"]
    assert client.get(EXPORT).content.decode().count("/download/") == 1  # listed with the others


def test_progress_is_polled_with_htmx_and_works_by_refreshing(
    client: Client, fran: User, conversation: Conversation
) -> None:
    job = ExportJob.objects.create(
        conversation=conversation,
        requested_by=fran,
        format="csv",
        language="en",
        status="running",
        total_rows=5000,
        rows_done=1250,
    )
    client.force_login(fran)
    url = f"/conversations/wellbeing/facilitate/exports/{job.pk}/"
    page = client.get(url).content.decode()
    assert "1,250 of 5,000 ideas written (25%)" in page
    assert f'hx-get="{url}" hx-trigger="every 1s"' in page
    assert f'<a class="govuk-link" href="{url}">Refresh to see the progress</a>' in page
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.startswith('<div id="export-progress"')
    assert "<html" not in partial
    assert client.get(f"{url}download/").status_code == 404  # not ready


def test_a_failed_export_says_so(
    conversation: Conversation, fran: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = ExportJob.objects.create(conversation=conversation, requested_by=fran, format="csv", language="en")

    def broken(*args: Any, **kwargs: Any) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(exports, "write_csv", broken)
    export_jobs.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", "disk full")
    # A job is run once: a second delivery of the task changes nothing.
    monkeypatch.undo()
    export_jobs.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed"


def test_only_the_person_who_asked_and_officers_download_an_export(
    client: Client,
    conversation: Conversation,
    fran: User,
    olwen: User,
    alice: User,
    organisation: Any,
    bob: User,
) -> None:
    make_idea(conversation, bob)
    job = export_jobs.export_job_create(
        conversation=conversation, user=fran, file_format="csv", language="en"
    )
    export_jobs.export_job_run(job_id=job.pk)
    url = f"/conversations/wellbeing/facilitate/exports/{job.pk}/download/"
    client.force_login(fran)
    assert client.get(url).status_code == 200
    client.force_login(olwen)
    assert client.get(url).status_code == 200
    from tests.conftest import make_user
    from vocaleyes.models import OrganisationRole

    colleague = make_user("huw@example.org", "Huw")
    OrganisationRole.objects.create(organisation=organisation, user=colleague)
    for person in (alice, colleague, other_facilitator()):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.get(url[: -len("download/")]).status_code == 404


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_background_export_goes_through_the_worker(
    client: Client, conversation: Conversation, fran: User, bob: User, settings: Any
) -> None:
    """With REDIS_URL set (CI), the real Celery worker makes the file; it shares MEDIA_ROOT with
    this process only at its default, so the default is used here and the file removed after."""
    import time

    from django.conf import settings as django_settings

    settings.MEDIA_ROOT = django_settings.BASE_DIR / "media"
    settings.EXPORT_SYNC_LIMIT = 1
    make_idea(conversation, bob, title="First")
    make_idea(conversation, bob, title="Second")
    client.force_login(fran)
    client.post(EXPORT, {"format": "csv"})
    job = ExportJob.objects.get()
    for _ in range(200):
        job.refresh_from_db()
        if job.finished:
            break
        time.sleep(0.1)
    try:
        assert job.status == "done", job.error
        rows = read_csv(client.get(f"/conversations/wellbeing/facilitate/exports/{job.pk}/download/"))
        assert [row[1] for row in rows[1:]] == ["First", "Second"]
    finally:
        if job.file:
            job.file.delete(save=False)


def test_hiding_an_idea_expires_the_files_made_before(
    client: Client,
    conversation: Conversation,
    fran: User,
    olwen: User,
    bob: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    idea = make_idea(conversation, bob, title="Soon hidden")
    job = export_jobs.export_job_create(
        conversation=conversation, user=fran, file_format="csv", language="en"
    )
    export_jobs.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    path = Path(job.file.path)
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.content_hide(item=idea, officer=olwen, reason="Not for public view.")
    job.refresh_from_db()
    assert (job.status, job.file.name) == ("expired", "")
    assert not path.exists()
    client.force_login(fran)
    url = f"/conversations/wellbeing/facilitate/exports/{job.pk}/"
    assert client.get(f"{url}download/").status_code == 404
    assert "This file is out of date and has been deleted" in client.get(url).content.decode()


def test_old_export_files_are_deleted_daily(conversation: Conversation, fran: User, bob: User) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from conversations import tasks

    make_idea(conversation, bob)
    old, recent = (
        export_jobs.export_job_create(conversation=conversation, user=fran, file_format="csv", language="en")
        for _ in range(2)
    )
    for job in (old, recent):
        export_jobs.export_job_run(job_id=job.pk)
    ExportJob.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=8))
    assert tasks.expire_exports() == 1
    assert dict(ExportJob.objects.values_list("pk", "status")) == {old.pk: "expired", recent.pk: "done"}

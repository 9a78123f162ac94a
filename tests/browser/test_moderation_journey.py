"""A resident reports an idea; a council officer hides it in the admin, giving a reason; it is
gone for residents; the facilitator downloads the prioritised action list as CSV and XLSX (and,
for a large list, through the background export) and the files hold the ranked rows. axe on
every page that is not the admin, in English and Welsh."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from openpyxl import load_workbook

from conversations import ranking_runs, services
from conversations.models import ContentStatus, Conversation, Idea, ModerationDecision, Report
from tests.conftest import PASSWORD
from tests.conversations.conftest import make_idea, make_people
from vocaleyes.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def listed_titles(page: Any) -> list[str]:
    return [title.strip() for title in page.locator("#ideas ol > li h3").all_inner_texts()]


def download(page: Any, link: str, folder: Path) -> Path:
    with page.expect_download() as started:
        page.get_by_role("link", name=link).click()
    target = folder / started.value.suggested_filename
    started.value.save_as(target)
    return target


@pytest.fixture
def ranked(conversation: Conversation, bob: User, fran: User) -> dict[str, Idea]:
    ideas = {
        "rude": make_idea(conversation, bob, title="Shame the lazy librarians", body="Name and shame them."),
        "benches": make_idea(conversation, bob, title="More park benches", body="Benches every 200 metres."),
        "hubs": make_idea(conversation, fran, title="Warm hubs", source_note="Best practice from Cardiff"),
    }
    for person in make_people(3, "rater"):
        services.rating_set(idea=ideas["rude"], user=person, value=5)
        services.rating_set(idea=ideas["benches"], user=person, value=4)
        services.rating_set(idea=ideas["hubs"], user=person, value=3)
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    return ideas


def test_a_report_leads_to_a_hidden_idea_and_an_export_without_it(
    browser: Any,
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    sign_in: Callable[[Any, str, str], None],
    ranked: dict[str, Idea],
    alice: User,
    olwen: User,
    fran: User,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    rude = ranked["rude"]

    # A resident reports the idea, getting the reason wrong first.
    sign_in(page, alice.email, PASSWORD)
    page.goto(f"{site}/conversations/wellbeing/")
    assert listed_titles(page)[0] == "Shame the lazy librarians"
    page.get_by_role("link", name="Shame the lazy librarians").click()
    page.get_by_role("link", name="Report this idea").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Report an idea"
    assert_accessible(page)
    page.get_by_label("Something else").check()
    page.get_by_role("button", name="Send report").click()
    page.wait_for_load_state()
    assert page.title().startswith("Error:")
    assert page.locator(".govuk-error-summary").get_by_text("Tell us what is wrong with it.").is_visible()
    assert_accessible(page)
    page.get_by_label("It is offensive, abusive or hateful").check()
    page.get_by_label("Tell us more (optional)").fill("It insults the library staff by name.")
    page.get_by_role("button", name="Send report").click()
    page.wait_for_load_state()
    assert page.get_by_text("Thank you for telling us. A council officer will look at it.").is_visible()
    assert_accessible(page)
    report = Report.objects.get()
    assert (report.reporter, report.idea, report.reason) == (alice, rude, "offensive")

    # A council officer finds it in the review queue and hides it, with a reason.
    officer = browser.new_context(viewport={"width": 1280, "height": 900})
    admin = officer.new_page()
    sign_in(admin, olwen.email, PASSWORD)
    admin.goto(f"{site}/admin/conversations/ideatoreview/")
    row = admin.locator("#result_list tbody tr", has_text="Shame the lazy librarians")
    assert row.locator("td.field-open_reports").inner_text() == "1"
    row.locator("input[name=_selected_action]").check()
    admin.locator("select[name=action]").select_option("hide_selected")
    admin.get_by_role("button", name="Go").click()
    admin.wait_for_load_state()
    assert admin.get_by_text("This applies to 1 item").is_visible()
    admin.get_by_role("button", name="Hide").click()  # no reason yet
    admin.wait_for_load_state()
    assert admin.get_by_text("Give a reason for this decision.").is_visible()
    rude.refresh_from_db()
    assert rude.status == ContentStatus.PUBLISHED
    admin.get_by_label("Reason").fill("Names and insults members of staff.")
    admin.get_by_role("button", name="Hide").click()
    admin.wait_for_load_state()
    assert admin.get_by_text("Hide: done for 1 item.").is_visible()
    assert admin.locator("#result_list", has_text="Shame the lazy librarians").count() == 0
    rude.refresh_from_db()
    assert rude.status == ContentStatus.HIDDEN
    decision = ModerationDecision.objects.get()
    assert (decision.actor, decision.action, decision.reason) == (
        olwen,
        "hide",
        "Names and insults members of staff.",
    )
    admin.goto(f"{site}/admin/conversations/moderationdecision/")
    assert admin.get_by_text("Names and insults members of staff.").is_visible()
    officer.close()
    # Bob, who wrote it, is told in Welsh, his language.
    (email,) = mail.outbox
    assert email.to == [rude.author.email]
    assert "Mae eich syniad wedi'i guddio" in email.subject
    assert "Names and insults members of staff." in email.body

    # It has gone for residents: the list, its count, search, and its own page.
    page.goto(f"{site}/conversations/wellbeing/")
    assert listed_titles(page) == ["More park benches", "Warm hubs"]
    assert page.locator("#idea-count").inner_text().startswith("2 ideas")
    assert_accessible(page)
    page.goto(f"{site}/conversations/wellbeing/?q=librarians")
    assert listed_titles(page) == []
    response = page.goto(f"{site}/conversations/wellbeing/ideas/{rude.pk}/")
    assert response.status == 404

    # The facilitator downloads the prioritised action list.
    facilitator = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    desk = facilitator.new_page()
    sign_in(desk, fran.email, PASSWORD)
    desk.goto(f"{site}/conversations/wellbeing/")
    desk.get_by_role("link", name="Facilitator dashboard").click()
    desk.wait_for_load_state()
    assert desk.locator("#total-ideas").inner_text() == "2"
    assert desk.locator("svg[role=img]").count() == 4
    assert_accessible(desk)
    desk.get_by_role("link", name="Export the prioritised action list").click()
    desk.wait_for_load_state()
    assert_accessible(desk)

    saved = download(desk, "Download as CSV", tmp_path)
    with saved.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:4] == ["Rank", "Title", "Author or seeded", "Priority score"]
    assert [row[:3] for row in rows[1:]] == [
        ["1", "More park benches", "Bob"],
        ["2", "Warm hubs", "Seeded: Best practice from Cardiff"],
    ]
    assert [row[4] for row in rows[1:]] == ["3", "3"]

    saved = download(desk, "Download as an Excel spreadsheet (XLSX)", tmp_path)
    sheet = load_workbook(saved).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:2] == ("Rank", "Title")
    assert [row[:2] for row in values[1:]] == [(1, "More park benches"), (2, "Warm hubs")]

    desk.get_by_role("link", name="Open the printable page").click()
    desk.wait_for_load_state()
    assert desk.get_by_role("heading", name="Prioritised action list").is_visible()
    assert "Shame the lazy librarians" not in desk.content()
    assert_accessible(desk)

    # A large list (the limit lowered to one idea here) is made in the background, in Welsh.
    settings.EXPORT_SYNC_LIMIT = 1
    desk.goto(f"{site}/cy/conversations/wellbeing/facilitate/export/")
    assert_accessible(desk)
    desk.get_by_label("Taenlen Excel (XLSX)").check()
    desk.get_by_role("button", name="Paratoi'r ffeil").click()
    desk.wait_for_load_state()
    assert desk.get_by_text("Mae eich ffeil yn barod").is_visible()
    assert_accessible(desk)
    saved = download(desk, "Lawrlwytho'r ffeil Taenlen Excel (XLSX)", tmp_path)
    sheet = load_workbook(saved).active
    assert sheet.title == "Rhestr weithredu"
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "More park benches",
        "Warm hubs",
    ]
    facilitator.close()

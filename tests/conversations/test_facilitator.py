"""The facilitator dashboard: figures, activity over time as a chart with a table beside it,
pausing posting and rating; for the organisation's facilitators and officers only."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from conversations import charts, services
from conversations.models import Comment, Conversation, Idea, Rating
from tests.conversations.conftest import make_idea, make_people
from tests.conversations.moderation import other_facilitator
from vocaleyes.models import User

pytestmark = pytest.mark.django_db

DASHBOARD = "/conversations/wellbeing/facilitate/"


@pytest.fixture
def activity(conversation: Conversation, alice: User, bob: User) -> None:
    """Three weeks of activity: two ideas a fortnight ago, ratings and a comment this week."""
    Conversation.objects.filter(pk=conversation.pk).update(created=timezone.now() - timedelta(days=21))
    old = make_idea(conversation, bob, title="Older idea")
    new = make_idea(conversation, alice, title="Newer idea")
    fortnight = timezone.now() - timedelta(days=14)
    Idea.objects.filter(pk__in=[old.pk, new.pk]).update(created=fortnight)
    for person in make_people(3, "rater"):
        services.rating_set(idea=old, user=person, value=4)
    services.comment_create(idea=old, author=alice, body="Agreed")


def table_rows(page: str) -> list[list[str]]:
    table = page.split('id="activity-table"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody", 1)[1]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def test_the_dashboard_shows_figures_a_chart_and_a_table_of_the_same_numbers(
    client: Client, fran: User, activity: None
) -> None:
    client.force_login(fran)
    page = client.get(DASHBOARD).content.decode()
    assert '<h1 class="govuk-heading-xl">Facilitator dashboard</h1>' in page
    assert 'id="total-participants">5</dd>' in page  # bob, alice and three raters
    assert 'id="total-ideas">2</dd>' in page
    assert 'id="total-ratings">3</dd>' in page
    assert 'id="total-comments">1</dd>' in page
    # Four charts, each an image with a title and a description in words.
    assert page.count('role="img"') == 4
    assert '<title id="chart-ideas-title">Ideas per week</title>' in page
    assert re.search(r'<desc id="chart-ratings-desc">Ratings per week: 3 in total, from', page)
    rows = table_rows(page)
    assert len(rows) in (4, 5)  # the weeks from three weeks ago to this one
    assert sum(int(row[1]) for row in rows) == 5
    assert sum(int(row[2]) for row in rows) == 2
    assert sum(int(row[3]) for row in rows) == 3
    assert sum(int(row[4]) for row in rows) == 1
    assert rows[-1][3] == "3"  # the ratings came this week


def test_the_dashboard_is_for_facilitators_of_the_organisation_and_officers(
    client: Client, conversation: Conversation, alice: User, fran: User, olwen: User
) -> None:
    assert "/accounts/login/" in client.get(DASHBOARD)["Location"]
    for outsider in (alice, other_facilitator()):
        client.force_login(outsider)
        assert client.get(DASHBOARD).status_code == 404
        assert client.get(DASHBOARD + "export/").status_code == 404
        assert client.get(DASHBOARD + "export/action-list.csv").status_code == 404
        assert "Facilitator dashboard" not in client.get("/conversations/wellbeing/").content.decode()
    for insider in (fran, olwen):
        client.force_login(insider)
        assert client.get(DASHBOARD).status_code == 200
        assert DASHBOARD in client.get("/conversations/wellbeing/").content.decode()


def test_the_dashboard_links_to_seeding_and_the_export(
    client: Client, fran: User, conversation: Conversation
) -> None:
    client.force_login(fran)
    page = client.get(DASHBOARD).content.decode()
    assert 'href="/conversations/wellbeing/ideas/seed/"' in page
    assert 'href="/conversations/wellbeing/facilitate/export/"' in page


def test_facilitators_pause_and_reopen_posting_and_rating(
    client: Client, fran: User, alice: User, conversation: Conversation, bob: User
) -> None:
    idea = make_idea(conversation, bob)
    client.force_login(fran)
    response = client.post(DASHBOARD + "taking-part/", {"rating_open": "on"}, follow=True)
    page = response.content.decode()
    assert "The conversation is not taking new ideas or comments. It is taking ratings." in page
    conversation.refresh_from_db()
    assert (conversation.posting_open, conversation.rating_open) == (False, True)

    client.force_login(alice)
    page = client.get("/conversations/wellbeing/").content.decode()
    assert "not taking new ideas or comments at the moment" in page
    response = client.post(
        "/conversations/wellbeing/ideas/new/",
        {"title": "A new idea", "body": "Something new for all.", "language": "en"},
        follow=True,
    )
    assert "This conversation is not taking new ideas or comments at the moment." in response.content.decode()
    response = client.post(f"/conversations/wellbeing/ideas/{idea.pk}/comments/", {"body": "Hi"}, follow=True)
    assert "not taking new ideas or comments at the moment" in response.content.decode()
    client.post(f"/conversations/wellbeing/ideas/{idea.pk}/rate/", {"value": "4"})
    assert Rating.objects.filter(user=alice).count() == 1
    assert Idea.objects.count() == 1
    assert not Comment.objects.exists()

    client.force_login(fran)
    client.post(DASHBOARD + "taking-part/", {"posting_open": "on"})
    conversation.refresh_from_db()
    assert (conversation.posting_open, conversation.rating_open) == (True, False)
    client.force_login(alice)
    response = client.post(f"/conversations/wellbeing/ideas/{idea.pk}/rate/", {"value": "2"})
    assert "This conversation is not taking ratings at the moment." in response.content.decode()
    assert Rating.objects.get(user=alice).value == 4


def test_only_facilitators_change_what_a_conversation_takes(
    client: Client, alice: User, conversation: Conversation
) -> None:
    client.force_login(alice)
    assert client.post(DASHBOARD + "taking-part/", {}).status_code == 404
    conversation.refresh_from_db()
    assert conversation.posting_open and conversation.rating_open


def test_the_dashboard_runs_a_fixed_number_of_queries(
    client: Client, fran: User, conversation: Conversation, bob: User, django_assert_max_num_queries
) -> None:
    for number in range(5):
        idea = make_idea(conversation, bob, title=f"Idea {number}")
        for person in make_people(3, f"rater{number}-"):
            services.rating_set(idea=idea, user=person, value=3)
    client.force_login(fran)
    with django_assert_max_num_queries(12):
        client.get(DASHBOARD)


# --- The chart maths (no database) ---------------------------------------------------------


def test_periods_are_weeks_from_monday_or_months_for_long_conversations() -> None:
    weeks = charts.periods_between(date(2026, 3, 4), date(2026, 3, 20))
    assert weeks.unit == "week"
    assert weeks.starts == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)]
    months = charts.periods_between(date(2025, 1, 15), date(2026, 3, 20))
    assert months.unit == "month"
    assert months.starts[0] == date(2025, 1, 1)
    assert months.starts[-1] == date(2026, 3, 1)
    assert len(months.starts) == 15


def test_counts_per_day_add_up_into_their_periods() -> None:
    weeks = charts.periods_between(date(2026, 3, 2), date(2026, 3, 20))
    totals = charts.bucket(
        {date(2026, 3, 2): 1, date(2026, 3, 8): 2, date(2026, 3, 9): 5, date(2026, 3, 20): 1}, weeks
    )
    assert totals == [3, 5, 1]


def test_a_bar_chart_is_an_image_described_in_words() -> None:
    weeks = charts.periods_between(date(2026, 3, 2), date(2026, 3, 20))
    svg = str(charts.bar_chart_svg(chart_id="c", title="Ideas per week", periods=weeks, values=[3, 5, 1]))
    assert 'role="img"' in svg
    assert 'aria-labelledby="c-title c-desc"' in svg
    assert "Ideas per week: 9 in total, from 2 Mar 2026 to 16 Mar 2026." in svg
    assert "Most in the period starting 9 Mar 2026: 5." in svg
    assert svg.count("<rect ") == 3
    heights = [float(h) for h in re.findall(r'height="([\d.]+)"/>', svg)]
    assert heights[1] == max(heights)  # the axis tops at 5: the busiest week fills it


def test_opening_the_participation_switch_address_goes_to_the_dashboard_form(
    client: Client, conversation: Conversation, fran: User
) -> None:
    client.force_login(fran)
    response = client.get(f"/conversations/{conversation.slug}/facilitate/taking-part/")
    assert response.status_code == 302
    assert response["Location"] == f"/conversations/{conversation.slug}/facilitate/#taking-part-heading"

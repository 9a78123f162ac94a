"""The facilitators' "taking part by group" page: participants per target group against its size,
the representativeness score per kind, and who is missing, with invitation links and seeding;
counts only (small ones suppressed), nothing hidden counted, a fixed number of queries."""

from __future__ import annotations

import re
from datetime import timedelta

import numpy as np
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conversations import group_weights as gw
from conversations import services
from conversations.models import Comment, ContentStatus, Conversation, Idea, Rating
from conversations.participation import group_participation, per_thousand
from tests.conversations.conftest import make_idea
from tests.conversations.moderation import other_facilitator
from vocaleyes import services as vocaleyes_services
from vocaleyes.models import GroupInvitation, GroupMembership, Organisation, TargetGroup, User

PAGE = "/conversations/wellbeing/facilitate/groups/"
Kind = TargetGroup.Kind


def make_group(
    organisation: Organisation, name: str, kind: str = Kind.PLACE, size: int | None = None
) -> TargetGroup:
    return TargetGroup.objects.create(
        organisation=organisation,
        name_en=name,
        name_cy=f"{name} (cy)",
        kind=kind,
        population_size=size,
        population_source="Census 2021" if size else "",
    )


def people(count: int, prefix: str) -> list[User]:
    """Residents made in bulk (no password, no e-mail address: they only need to rate)."""
    return User.objects.bulk_create(
        [User(email=f"{prefix}{n}@example.org", display_name=f"{prefix.title()} {n}") for n in range(count)]
    )


def join(group: TargetGroup, members: list[User]) -> None:
    GroupMembership.objects.bulk_create(
        [GroupMembership(user=person, group=group, how=GroupMembership.How.INVITATION) for person in members]
    )


def rate(idea: Idea, raters: list[User]) -> None:
    Rating.objects.bulk_create(
        [Rating(idea=idea, user=person, conversation_id=idea.conversation_id, value=4) for person in raters]
    )


@pytest.fixture
def idea(conversation: Conversation, alice: User) -> Idea:
    return make_idea(conversation, alice)


@pytest.fixture
def worked_example(organisation: Organisation, idea: Idea) -> list[TargetGroup]:
    """Places of 1,000 / 1,000 / 5,000 / 3,000 people, with 2 / 8 / 60 / 30 participants."""
    groups = [
        make_group(organisation, "Aberdyfi", size=1000),
        make_group(organisation, "Bala", size=1000),
        make_group(organisation, "Caerdydd", size=5000),
        make_group(organisation, "Dinbych", size=3000),
    ]
    for group, count in zip(groups, (2, 8, 60, 30), strict=True):
        members = people(count, f"{group.name_en.lower()}-")
        join(group, members)
        rate(idea, members)
    return groups


def table_rows(page: str, kind: str) -> list[list[str]]:
    table = page.split(f'id="table-{kind}"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody", 1)[1]
    return [
        [
            re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def missing_cards(page: str) -> list[str]:
    section = page.split('id="missing-list"', 1)[1].split("</ol>", 1)[0]
    return re.findall(
        r'<li class="govuk-summary-card">(.*?)</li>\s*(?=<li class="govuk-summary-card">|$)', section, re.S
    )


# --- The maths (no database) ----------------------------------------------------------------


def test_the_score_from_counts_is_the_worked_example() -> None:
    result = gw.representativeness_from_counts(
        "place", {1: 1000, 2: 1000, 3: 5000, 4: 3000, 5: None}, {1: 2, 2: 8, 3: 60, 4: 30}
    )
    assert result.score == pytest.approx(1 / 6)
    assert [(g.group, g.shortfall) for g in result.under_represented] == [(1, 8), (2, 2)]
    assert [g.gap for g in result.under_represented] == pytest.approx([0.08, 0.02])
    assert result.unknown_size == (5,)


def test_the_score_from_counts_agrees_with_the_score_from_a_dimension() -> None:
    groups = np.array([1, 1, 2, 2, 2, 3, gw.NO_ANSWER], dtype=np.int64)
    dimension = gw.Dimension("age", groups, {1: 300, 2: 200, 3: 500})
    taking_part = np.array([True, False, True, True, True, True, True])
    from_people = gw.representativeness(dimension, taking_part)
    from_counts = gw.representativeness_from_counts("age", {1: 300, 2: 200, 3: 500}, {1: 1, 2: 3, 3: 1})
    assert from_people == from_counts
    assert from_counts.score == pytest.approx((1 / 500) / (3 / 200))


def test_overlapping_groups_score_from_their_own_counts() -> None:
    # Carers (2,000) and bus users (8,000); one person is both, so the counts add up to more
    # people than took part: each group's rate is its own count over its own size.
    result = gw.representativeness_from_counts("lived_experience", {1: 2000, 2: 8000}, {1: 10, 2: 20})
    assert [g.rate for g in result.groups] == pytest.approx([0.005, 0.0025])
    assert result.score == pytest.approx(0.5)
    assert [g.group for g in result.under_represented] == [2]
    assert result.under_represented[0].shortfall == 4  # 30 / 10,000 · 8,000 = 24: four more


def test_the_score_is_none_with_fewer_than_two_known_sizes_or_nobody() -> None:
    assert gw.representativeness_from_counts("other", {1: 100, 2: None}, {1: 5, 2: 5}).score is None
    assert gw.representativeness_from_counts("place", {1: 100, 2: 200}, {}).score is None
    with pytest.raises(ValueError, match="counts"):
        gw.representativeness_from_counts("place", {1: 100}, {1: -1})


def test_rates_are_shown_per_thousand_to_a_sensible_precision() -> None:
    assert per_thousand(0.012) == "12.0"
    assert per_thousand(0.0004) == "0.40"
    assert per_thousand(0.000012) == "0.012"
    assert per_thousand(0.25) == "250"
    assert per_thousand(0) == "0"


# --- The page -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_worked_example_on_the_page(
    client: Client, fran: User, conversation: Conversation, worked_example: list[TargetGroup]
) -> None:
    client.force_login(fran)
    response = client.get(PAGE)
    page = response.content.decode()
    assert '<h1 class="govuk-heading-xl">Taking part by group</h1>' in page
    assert 'id="total-participants">101 people have taken part.' in page  # alice posted; 100 rated
    assert 'id="score-place">0.17</dd>' in page
    assert table_rows(page, "place") == [
        ["Aberdyfi Size in the population: 1,000 (Census 2021)", "fewer than 3", "Not shown"],
        ["Bala Size in the population: 1,000 (Census 2021)", "8", "8.0"],
        ["Caerdydd Size in the population: 5,000 (Census 2021)", "60", "12.0"],
        ["Dinbych Size in the population: 3,000 (Census 2021)", "30", "10.0"],
    ]
    assert page.count('role="img"') == 1
    assert "Highest: Caerdydd, 12.0 per 1,000. Lowest: Bala, 8.0 per 1,000." in page
    # Who is missing: the biggest gap first, with how many more would reach the overall rate.
    report = response.context["report"]
    assert [(item.row.group.name_en, item.row.maths.shortfall) for item in report.missing] == [
        ("Aberdyfi", 8),
        ("Bala", 2),
    ]
    cards = missing_cards(page)
    assert len(cards) == 2
    assert "Aberdyfi" in cards[0] and "at least 8" in cards[0] and "10.0%" in cards[0]
    assert "Bala" in cards[1] and 'class="govuk-summary-list__value shortfall">2</dd>' in cards[1]
    assert "8.0%" in cards[1]  # its share of the participants, against 10.0% of the population
    assert "Nobody yet" not in page


@pytest.mark.django_db
def test_the_page_is_for_facilitators_of_the_organisation_and_officers(
    client: Client, conversation: Conversation, alice: User, fran: User, olwen: User
) -> None:
    assert "/accounts/login/" in client.get(PAGE)["Location"]
    for outsider in (alice, other_facilitator()):
        client.force_login(outsider)
        assert client.get(PAGE).status_code == 404
    for insider in (fran, olwen):
        client.force_login(insider)
        assert client.get(PAGE).status_code == 200
        assert PAGE in client.get("/conversations/wellbeing/facilitate/").content.decode()


@pytest.mark.django_db
def test_hidden_content_does_not_count(
    client: Client, fran: User, organisation: Organisation, conversation: Conversation, idea: Idea, bob: User
) -> None:
    place = make_group(organisation, "Bangor", size=500)
    hidden_poster, hidden_rater, hidden_commenter, rater_of_hidden = people(4, "quiet")
    visible = people(3, "seen")
    join(place, [hidden_poster, hidden_rater, hidden_commenter, rater_of_hidden, *visible])
    hidden_idea = make_idea(conversation, hidden_poster, title="Held back")
    rate(hidden_idea, [rater_of_hidden])
    Idea.objects.filter(pk=hidden_idea.pk).update(status=ContentStatus.HIDDEN)
    comment = services.comment_create(idea=idea, author=hidden_commenter, body="Removed")
    Comment.objects.filter(pk=comment.pk).update(status=ContentStatus.HIDDEN)
    rate(idea, visible)
    client.force_login(fran)
    page = client.get(PAGE).content.decode()
    assert table_rows(page, "place") == [["Bangor Size in the population: 500 (Census 2021)", "3", "6.0"]]
    assert 'id="total-participants">4 people have taken part.' in page  # alice and the three


@pytest.mark.django_db
def test_small_counts_are_suppressed_and_no_names_are_shown(
    client: Client, fran: User, organisation: Organisation, idea: Idea
) -> None:
    sizes = {"One": 100, "Two": 100, "Three": 100, "None": 100}
    groups = {
        name: make_group(organisation, name, kind=Kind.AGE_BAND, size=size) for name, size in sizes.items()
    }
    for name, count in (("One", 1), ("Two", 2), ("Three", 3)):
        members = people(count, f"{name.lower()}-")
        join(groups[name], members)
        rate(idea, members)
    client.force_login(fran)
    page = client.get(PAGE).content.decode()
    rows = table_rows(page, "age_band")
    assert [(row[0].split()[0], row[1], row[2]) for row in rows] == [
        ("None", "0", "0"),
        ("One", "fewer than 3", "Not shown"),
        ("Three", "3", "30.0"),
        ("Two", "fewer than 3", "Not shown"),
    ]
    assert "This page shows only numbers, never names." in page
    for person in User.objects.exclude(pk=fran.pk):
        assert person.display_name not in page
    # "None" has nobody: flagged; "One" and "Two" are short of the overall rate of 6 in 400.
    cards = missing_cards(page)
    assert "None" in cards[0] and "Nobody yet" in cards[0]
    assert len(cards) == 2
    assert "One" in cards[1] and "at least 1" in cards[1]  # 1.5 expected: one more (or none, for 2)
    assert 'id="score-age_band">0.00</dd>' in page


@pytest.mark.django_db
def test_a_one_of_kind_counts_a_person_with_two_answers_in_neither_and_overlapping_kinds_in_both(
    organisation: Organisation, conversation: Conversation, idea: Idea
) -> None:
    young = make_group(organisation, "18 to 24", kind=Kind.AGE_BAND, size=1000)
    old = make_group(organisation, "65 and over", kind=Kind.AGE_BAND, size=1000)
    carers = make_group(organisation, "Carers", kind=Kind.LIVED_EXPERIENCE, size=500)
    bus = make_group(organisation, "Bus users", kind=Kind.SERVICE_USERS, size=800)
    unsure, both = people(2, "unsure")
    join(young, [unsure, both])
    join(old, [unsure])
    join(carers, [both])
    join(bus, [both])
    rate(idea, [unsure, both])
    report = group_participation(conversation)
    counts = {row.group.name_en: row.participants for section in report.sections for row in section.rows}
    assert counts == {"18 to 24": 1, "65 and over": 0, "Carers": 1, "Bus users": 1}


@pytest.mark.django_db
def test_who_is_missing_offers_the_newest_working_invitation_and_seeding(
    client: Client, fran: User, organisation: Organisation, conversation: Conversation, idea: Idea
) -> None:
    town = make_group(organisation, "Town", size=1000)
    village = make_group(organisation, "Village", size=1000)
    make_group(organisation, "Panel", kind=Kind.OTHER)  # size unknown, nobody yet
    members = people(5, "towny")
    join(town, members)
    rate(idea, members)
    soon = timezone.now() + timedelta(days=7)
    old = vocaleyes_services.invitation_create(group=village, by=fran, expires_at=soon, max_uses=5)
    newest = vocaleyes_services.invitation_create(group=village, by=fran, expires_at=soon, max_uses=5)
    revoked = vocaleyes_services.invitation_create(group=village, by=fran, expires_at=soon, max_uses=5)
    vocaleyes_services.invitation_revoke(invitation=revoked, by=fran)
    GroupInvitation.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=1))
    client.force_login(fran)
    page = client.get(PAGE).content.decode()
    cards = missing_cards(page)
    assert [re.search(r'summary-card__title"><span[^>]*>([^<]+)<', card).group(1) for card in cards] == [  # type: ignore[union-attr]
        "Village",
        "Panel",
    ]
    assert vocaleyes_services.invitation_token(newest) in cards[0]
    assert vocaleyes_services.invitation_token(old) not in page
    assert vocaleyes_services.invitation_token(revoked) not in page
    assert 'aria-label="Invitation link for Village"' in cards[0]
    assert "Nobody yet" in cards[0] and "Nobody yet" in cards[1]
    assert 'href="/conversations/wellbeing/facilitate/invitations/">Make an invitation link' in cards[1]
    # Seeding for a group: the page that seeds one idea into the conversations targeting it.
    assert f'href="/conversations/seeds/new/?group={village.pk}">Seed ideas for this group' in cards[0]


@pytest.mark.django_db
def test_before_anyone_from_the_groups_takes_part_there_is_no_score(
    client: Client, fran: User, organisation: Organisation, conversation: Conversation, idea: Idea
) -> None:
    make_group(organisation, "Under 25", kind=Kind.AGE_BAND, size=400)
    make_group(organisation, "25 and over", kind=Kind.AGE_BAND, size=600)
    make_group(organisation, "Carers", kind=Kind.LIVED_EXPERIENCE, size=300)
    client.force_login(fran)
    page = client.get(PAGE).content.decode()
    assert 'id="score-age_band">None: nobody from these groups has taken part yet</dd>' in page
    assert 'id="score-lived_experience">None: fewer than two groups of known size</dd>' in page
    cards = missing_cards(page)
    assert len(cards) == 3
    assert all("Nobody yet" in card for card in cards)
    assert all("Not known yet: nobody from these groups has taken part" in card for card in cards)
    # Biggest gap first: all of its kind's known population, then 60% and 40% of the age band.
    assert "Carers" in cards[0] and "25 and over" in cards[1] and "Under 25" in cards[2]


@pytest.mark.django_db
def test_without_target_groups_the_page_says_so(
    client: Client, fran: User, conversation: Conversation
) -> None:
    client.force_login(fran)
    page = client.get(PAGE).content.decode()
    assert "The organisation has no target groups yet." in page
    assert "Who is missing" not in page


@pytest.mark.django_db
def test_the_welsh_page_is_in_welsh(
    client: Client, fran: User, conversation: Conversation, worked_example: list[TargetGroup]
) -> None:
    client.force_login(fran)
    page = client.get("/cy" + PAGE).content.decode()
    assert '<h1 class="govuk-heading-xl">Cymryd rhan fesul grŵp</h1>' in page
    assert "Pwy sydd ar goll" in page
    assert "Sgôr cynrychiadwyedd" in page
    assert "llai na 3" in page
    assert "Aberdyfi (cy)" in page
    assert "Taking part by group" not in page


@pytest.mark.django_db
def test_the_page_runs_the_same_queries_whatever_its_size(
    client: Client, fran: User, organisation: Organisation, conversation: Conversation, idea: Idea
) -> None:
    def add(count: int, prefix: str) -> None:
        for kind in (Kind.PLACE, Kind.LIVED_EXPERIENCE):
            for n in range(count):
                group = make_group(organisation, f"{prefix} {kind} {n}", kind=kind, size=100 * (n + 1))
                members = people(count * 2, f"{prefix}-{kind}-{n}-")
                join(group, members)
                rate(idea, members)
                vocaleyes_services.invitation_create(
                    group=group, by=fran, expires_at=timezone.now() + timedelta(days=3), max_uses=9
                )

    client.force_login(fran)
    add(2, "small")
    client.get(PAGE)  # the session and site caches warm
    with CaptureQueriesContext(connection) as small:
        assert client.get(PAGE).status_code == 200
    add(5, "large")
    with CaptureQueriesContext(connection) as large:
        page = client.get(PAGE).content.decode()
    assert len(table_rows(page, "place")) == 7
    assert len(large.captured_queries) == len(small.captured_queries)
    # Session, person, conversation, role; the groups (two queries when the conversation names
    # none); then the total, the counts per group and the invitations.
    assert len(small.captured_queries) <= 9

"""Seeding one idea into several conversations at once, and its ratings side by side per
conversation and per target group (issue 11, "seeding across groups")."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conversations import ranking_store, services
from conversations.models import ContentStatus, Conversation, Idea, IdeaRanking, SharedSeed
from conversations.seed_comparison import Figures, cells_to_withhold, seed_comparison
from tests.conftest import make_conversation, make_user
from tests.conversations.conftest import make_people
from tests.conversations.moderation import other_facilitator, suspended
from vocaleyes.errors import Refusal
from vocaleyes.models import GroupMembership, Organisation, OrganisationRole, TargetGroup, User

pytestmark = pytest.mark.django_db

NEW = "/conversations/seeds/new/"
LIST = "/conversations/seeds/"
NOTE = "Best practice from Cardiff"


@pytest.fixture
def transport(organisation: Organisation) -> Conversation:
    return make_conversation(organisation, slug="transport", title_en="Getting around", title_cy="Teithio")


def seed(user: User, conversations: list[Conversation], **extra: Any) -> SharedSeed:
    values: dict[str, Any] = {
        "title": "Free buses on Sundays",
        "body": "Cardiff ran free Sunday buses for a year; footfall in the centre rose.",
        "source_note": NOTE,
    }
    values.update(extra)
    return services.seed_across(user=user, conversations=conversations, **values)


def group(organisation: Organisation, name: str, kind: str = TargetGroup.Kind.AGE_BAND) -> TargetGroup:
    return TargetGroup.objects.create(
        organisation=organisation, name_en=name, name_cy=f"{name} (cy)", kind=kind
    )


def members(target: TargetGroup, count: int, prefix: str) -> list[User]:
    people = make_people(count, prefix)
    for person in people:
        GroupMembership.objects.create(user=person, group=target, how=GroupMembership.How.INVITATION)
    return people


def rate(idea: Idea, people: list[User], values: list[int]) -> None:
    for person, value in zip(people, values, strict=True):
        services.rating_set(idea=idea, user=person, value=value)


def copy_in(seed_: SharedSeed, conversation: Conversation) -> Idea:
    return Idea.objects.get(seed=seed_, conversation=conversation)


# --- The service ---------------------------------------------------------------------------


def test_seeding_across_creates_one_seeded_idea_per_conversation_each_with_its_ranking_row(
    conversation: Conversation,
    transport: Conversation,
    fran: User,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    conversation.premoderation = True  # a facilitator's seeded idea is not held for review
    conversation.save()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        shared = seed(fran, [conversation, transport, conversation])  # a repeat counts once
    assert shared.organisation_id == conversation.organisation_id
    assert shared.created_by == fran
    assert (shared.title, shared.source_note) == ("Free buses on Sundays", NOTE)
    copies = list(Idea.objects.filter(seed=shared).order_by("conversation__slug"))
    assert [idea.conversation for idea in copies] == [transport, conversation]
    for idea in copies:
        assert idea.is_seeded
        assert idea.source_note == NOTE
        assert idea.author == fran
        assert idea.title == "Free buses on Sundays"
        assert idea.status == ContentStatus.PUBLISHED
    # Each copy got its ranking row, and each conversation's recompute was queued after the
    # commit (run eagerly here), which gave the only idea there its place.
    assert len(callbacks) == 2
    assert [IdeaRanking.objects.get(idea=idea, home_of=idea).rank for idea in copies] == [1, 1]


def test_seeding_is_all_or_nothing(
    conversation: Conversation, transport: Conversation, fran: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_add_idea = ranking_store.add_idea
    calls: list[Idea] = []

    def add_idea_failing_the_second_time(idea: Idea) -> None:
        calls.append(idea)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        real_add_idea(idea)

    monkeypatch.setattr(ranking_store, "add_idea", add_idea_failing_the_second_time)
    with pytest.raises(RuntimeError):
        seed(fran, [conversation, transport])
    assert len(calls) == 2  # the first copy was written, then rolled back with everything else
    assert not SharedSeed.objects.exists()
    assert not Idea.objects.exists()


def test_one_closed_conversation_refuses_the_whole_seeding(
    conversation: Conversation, transport: Conversation, fran: User
) -> None:
    transport.status = Conversation.Status.CLOSED
    transport.save()
    with pytest.raises(Refusal) as refused:
        seed(fran, [conversation, transport])
    assert refused.value.message == (
        "“Getting around”: This conversation is not taking new ideas, comments or ratings."
    )
    assert refused.value.field == "conversations"
    assert not SharedSeed.objects.exists()
    assert not Idea.objects.exists()


def test_a_conversation_not_taking_ideas_refuses_the_seeding(
    conversation: Conversation, transport: Conversation, fran: User
) -> None:
    transport.posting_open = False
    transport.save()
    with pytest.raises(Refusal, match="not taking new ideas or comments at the moment"):
        seed(fran, [conversation, transport])
    assert not Idea.objects.exists()


def test_a_conversation_of_another_organisation_is_refused(conversation: Conversation, fran: User) -> None:
    gwen = other_facilitator()
    cardiff = make_conversation(Organisation.objects.get(slug="cardiff"), slug="cardiff-talks")
    for user, chosen in ((fran, [conversation, cardiff]), (gwen, [conversation])):
        with pytest.raises(Refusal) as refused:
            seed(user, chosen)
        assert refused.value.forbidden
        assert "organisations you facilitate" in refused.value.message
    assert not SharedSeed.objects.exists()
    assert not Idea.objects.exists()


def test_residents_cannot_seed(conversation: Conversation, alice: User) -> None:
    with pytest.raises(Refusal, match="organisations you facilitate"):
        seed(alice, [conversation])
    assert not Idea.objects.exists()


def test_a_suspended_facilitator_is_refused_with_the_reason(conversation: Conversation, fran: User) -> None:
    dai = suspended("dai@example.org", "Dai")
    OrganisationRole.objects.create(organisation=conversation.organisation, user=dai)
    with pytest.raises(Refusal, match="Your account has been suspended by a council officer until"):
        seed(dai, [conversation])
    assert not SharedSeed.objects.exists()
    assert not Idea.objects.exists()


def test_no_conversation_and_no_note_are_refused(conversation: Conversation, fran: User) -> None:
    with pytest.raises(Refusal, match="Choose at least one conversation"):
        seed(fran, [])
    with pytest.raises(Refusal, match="Say where this idea comes from") as refused:
        seed(fran, [conversation], source_note="   ")
    assert refused.value.field == "source_note"
    assert not SharedSeed.objects.exists()


def test_an_officer_seeds_into_one_organisations_conversations_at_a_time(
    conversation: Conversation, olwen: User
) -> None:
    other_facilitator()
    cardiff = make_conversation(Organisation.objects.get(slug="cardiff"), slug="cardiff-talks")
    with pytest.raises(Refusal, match="Choose conversations of one organisation"):
        seed(olwen, [conversation, cardiff])
    assert not Idea.objects.exists()
    assert seed(olwen, [cardiff]).organisation.slug == "cardiff"


# --- The comparison ------------------------------------------------------------------------


@pytest.fixture
def worked_example(conversation: Conversation, transport: Conversation, fran: User) -> SharedSeed:
    """Two conversations, two age bands. In "wellbeing" the young rate 5, 5, 2, the older
    4, 2, 1, 1, and three people in no group 4, 4, 1; in "transport" two young people rate 1, 1
    and the older 5, 5, 4, 2."""
    organisation = conversation.organisation
    young, older = group(organisation, "Young people"), group(organisation, "Older people")
    conversation.target_groups.set([young, older])
    transport.target_groups.set([young, older])
    shared = seed(fran, [conversation, transport])
    youth, elders = members(young, 3, "young"), members(older, 4, "older")
    nobody = make_people(3, "ungrouped")
    rate(copy_in(shared, conversation), youth + elders + nobody, [5, 5, 2, 4, 2, 1, 1, 4, 4, 1])
    rate(copy_in(shared, transport), youth[:2] + elders, [1, 1, 5, 5, 4, 2])
    return shared


def test_the_side_by_side_figures_worked_by_hand(worked_example: SharedSeed) -> None:
    comparison = seed_comparison(worked_example)
    # Columns by conversation title: "Getting around" (transport), then "What would make life better?".
    assert [copy.conversation.slug for copy in comparison.copies] == ["transport", "wellbeing"]
    transport, wellbeing = (copy.figures for copy in comparison.copies)
    # Wellbeing: 10 ratings summing to 29, five of them 4 or 5. Transport: 6 summing to 18, three.
    assert wellbeing == Figures(count=10, mean=2.9, important_share=0.5)
    assert transport == Figures(count=6, mean=3.0, important_share=0.5)
    [age_bands] = comparison.kinds
    assert age_bands.label == "Age band"
    rows = {row.group.name_en: row.cells for row in age_bands.rows}
    assert list(rows) == ["Older people", "Young people"]
    # Young people: in transport only two ratings, withheld; in wellbeing 5, 5, 2 (12 / 3 = 4.0,
    # two of three important).
    assert rows["Young people"] == [
        Figures(count=2, mean=None, important_share=None),
        Figures(count=3, mean=4.0, important_share=2 / 3),
    ]
    assert rows["Young people"][0].too_few
    # Older people: in wellbeing 4, 2, 1, 1 (8 / 4 = 2.0, one of four). In transport they are
    # withheld although four rated: everyone (6 ratings, 18) less the older (4 ratings, 16)
    # would tell that the two young people both rated 1.
    assert rows["Older people"] == [
        Figures(count=4, mean=None, important_share=None),
        Figures(count=4, mean=2.0, important_share=0.25),
    ]
    assert rows["Older people"][0].withheld and not rows["Older people"][0].too_few


@pytest.mark.parametrize(
    ("everyone", "counts", "withheld"),
    [
        (10, [3, 4], [False, False]),  # three ratings left over: nobody singled out
        (6, [2, 4], [True, True]),  # 6 - 4 would give away the group of two
        (8, [3, 4], [True, False]),  # one person in no group: the smaller group goes too
        (9, [3, 4, 1], [True, False, True]),  # 9 - 4 leaves 5 once the group of 3 is withheld
        (5, [5], [False]),  # everyone is in the group: nothing is left to work out
        (4, [3], [True]),  # a group alone (a kind whose groups overlap): 4 - 3 gives one rating
        (2, [0, 2], [True, True]),
    ],
)
def test_cells_are_withheld_so_that_subtraction_singles_out_nobody(
    everyone: int, counts: list[int], withheld: list[bool]
) -> None:
    assert cells_to_withhold(everyone, counts) == withheld


def cells(page: str) -> list[list[str]]:
    table = page.split('id="comparison"', 1)[1].split("</table>", 1)[0]
    return [
        [
            html.unescape(" ".join(re.sub(r"<[^>]+>", " ", cell).split()))
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    ]


def test_the_comparison_page_shows_the_figures_and_withholds_small_counts(
    client: Client, worked_example: SharedSeed, fran: User
) -> None:
    client.force_login(fran)
    page = client.get(f"/conversations/seeds/{worked_example.pk}/").content.decode()
    assert cells(page) == [
        ["Who rated", "Getting around", "What would make life better?"],
        ["Everyone", "6 ratings average 3.0 50% important", "10 ratings average 2.9 50% important"],
        ["Age band"],
        ["Older people", "withheld", "4 ratings average 2.0 25% important"],
        ["Young people", "fewer than 3 ratings", "3 ratings average 4.0 67% important"],
    ]
    assert "Where fewer than 3 people rated, the figures are withheld" in page
    # Figures only: none of the raters is named anywhere on the page.
    for name in ("Young 0", "Older 0", "Ungrouped 0"):
        assert name not in page
    assert 'class="ve-table-scroll"' in page


def test_the_comparison_page_in_welsh(client: Client, worked_example: SharedSeed, fran: User) -> None:
    client.force_login(fran)
    page = client.get(f"/cy/conversations/seeds/{worked_example.pk}/").content.decode()
    rows = cells(page)
    # In Welsh the columns follow the Welsh titles: "Beth fyddai'n…" (wellbeing), then "Teithio".
    assert rows[0][1:] == ["Beth fyddai'n gwneud bywyd yn well?", "Teithio"]
    assert rows[1][1:] == [
        "10 sgôr cyfartaledd 2.9 50% yn bwysig",
        "6 sgôr cyfartaledd 3.0 50% yn bwysig",
    ]
    assert rows[3][2] == "wedi'u dal yn ôl"
    assert rows[4][2] == "llai na 3 sgôr"
    assert rows[3][0] == "Older people (cy)"


def test_a_hidden_copy_is_left_out(
    client: Client, worked_example: SharedSeed, transport: Conversation, fran: User
) -> None:
    Idea.objects.filter(seed=worked_example, conversation=transport).update(status=ContentStatus.HIDDEN)
    assert [copy.conversation.slug for copy in seed_comparison(worked_example).copies] == ["wellbeing"]
    client.force_login(fran)
    page = client.get(f"/conversations/seeds/{worked_example.pk}/").content.decode()
    assert cells(page)[0] == ["Who rated", "What would make life better?"]
    assert "Getting around" not in page
    Idea.objects.filter(seed=worked_example).update(status=ContentStatus.HIDDEN)
    page = client.get(f"/conversations/seeds/{worked_example.pk}/").content.decode()
    assert 'id="no-copies"' in page
    assert 'id="comparison"' not in page


def test_groups_come_from_each_conversations_own_or_its_organisations(
    organisation: Organisation, conversation: Conversation, transport: Conversation, fran: User
) -> None:
    carers = group(organisation, "Carers", TargetGroup.Kind.LIVED_EXPERIENCE)
    group(organisation, "Swansea East", TargetGroup.Kind.PLACE)
    transport.target_groups.set([carers])  # wellbeing names none: all the organisation's count
    kinds = seed_comparison(seed(fran, [conversation, transport])).kinds
    assert [(kind.label, [row.group.name_en for row in kind.rows]) for kind in kinds] == [
        ("Lived experience", ["Carers"]),
        ("Place", ["Swansea East"]),
    ]
    assert all(cell.count == 0 and cell.withheld for kind in kinds for row in kind.rows for cell in row.cells)


def _count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_comparison_page_runs_the_same_queries_however_many_conversations_and_groups(
    client: Client, organisation: Organisation, worked_example: SharedSeed, fran: User, olwen: User
) -> None:
    client.force_login(fran)
    small = _count_queries(client, f"/conversations/seeds/{worked_example.pk}/")
    conversations = [
        make_conversation(organisation, slug=f"talk-{n}", title_en=f"Talk {n}") for n in range(4)
    ]
    groups = [group(organisation, f"Band {n}") for n in range(3)]
    groups += [group(organisation, f"Carers {n}", TargetGroup.Kind.LIVED_EXPERIENCE) for n in range(2)]
    for conversation in conversations:
        conversation.target_groups.set(groups)
    larger = seed(fran, conversations)
    for n, target in enumerate(groups):
        people = members(target, 3, f"member{n}-")
        for conversation in conversations:
            rate(copy_in(larger, conversation), people, [4, 5, 3])
    large = _count_queries(client, f"/conversations/seeds/{larger.pk}/")
    assert small == large
    assert large <= 8  # session, person, seed, facilitator role, copies, links, groups, tallies
    comparison = seed_comparison(larger)
    assert len(comparison.copies) == 4
    assert sum(len(kind.rows) for kind in comparison.kinds) == 5
    assert comparison.kinds[0].rows[0].cells[0] == Figures(count=3, mean=4.0, important_share=2 / 3)


# --- The pages -----------------------------------------------------------------------------


def test_the_seed_pages_are_for_the_organisations_facilitators_and_officers(
    client: Client, worked_example: SharedSeed, alice: User, fran: User, olwen: User
) -> None:
    detail = f"/conversations/seeds/{worked_example.pk}/"
    for url in (NEW, LIST, detail):
        assert "/accounts/login/" in client.get(url)["Location"]
    client.force_login(alice)
    for url in (NEW, LIST, detail):
        assert client.get(url).status_code == 404
    assert client.post(NEW, {"title": "Sneaky"}).status_code == 404
    client.force_login(other_facilitator())
    assert client.get(detail).status_code == 404
    page = client.get(LIST).content.decode()
    assert 'id="no-seeds"' in page and "Free buses on Sundays" not in page
    for insider in (fran, olwen):
        client.force_login(insider)
        assert "Free buses on Sundays" in client.get(detail).content.decode()
        assert "Free buses on Sundays" in client.get(LIST).content.decode()


def test_the_form_lists_the_open_conversations_taking_ideas_that_the_facilitator_may_seed_into(
    client: Client,
    organisation: Organisation,
    conversation: Conversation,
    transport: Conversation,
    fran: User,
) -> None:
    make_conversation(organisation, slug="draft", title_en="A draft", status=Conversation.Status.DRAFT)
    make_conversation(organisation, slug="paused", title_en="Paused", posting_open=False)
    other_facilitator()
    make_conversation(
        Organisation.objects.get(slug="cardiff"), slug="cardiff-talks", title_en="Cardiff talks"
    )
    client.force_login(fran)
    page = client.get(NEW).content.decode()
    assert re.findall(r'<label class="govuk-label govuk-checkboxes__label"[^>]*>([^<]*)</label>', page) == [
        "Getting around",
        "What would make life better?",
    ]
    assert "Swansea Council</h3>" in page
    assert 'id="id_conversations_0"' in page


def test_seeding_through_the_form(
    client: Client, conversation: Conversation, transport: Conversation, fran: User
) -> None:
    client.force_login(fran)
    response = client.post(
        NEW,
        {
            "conversations": [conversation.pk, transport.pk],
            "title": "Free buses on Sundays",
            "body": "Cardiff ran free Sunday buses for a year.",
            "language": "en",
            "source_note": NOTE,
        },
    )
    shared = SharedSeed.objects.get()
    assert response["Location"] == f"/conversations/seeds/{shared.pk}/"
    assert Idea.objects.filter(seed=shared, is_seeded=True, source_note=NOTE).count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "The idea has been seeded into 2 conversations." in page


@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        ([], "Choose at least one conversation to seed the idea into."),
        (["cardiff"], "Choose conversations from the list."),
        (["not-a-number"], "Choose conversations from the list."),
    ],
)
def test_bad_input_shows_an_error_summary_and_changes_nothing(
    client: Client, conversation: Conversation, fran: User, chosen: list[str], message: str
) -> None:
    other_facilitator()
    cardiff = make_conversation(Organisation.objects.get(slug="cardiff"), slug="cardiff-talks")
    values = [str(cardiff.pk) if value == "cardiff" else value for value in chosen]
    client.force_login(fran)
    response = client.post(
        NEW,
        {"conversations": values, "title": "Free buses", "body": "x", "language": "en", "source_note": ""},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert '<h2 class="govuk-error-summary__title">There is a problem</h2>' in page
    assert f'<a href="#id_conversations_0">{message}</a>' in page
    assert "Describe your idea in at least 10 characters." in page
    assert "Say where this idea comes from" in page
    assert page.count('class="govuk-checkboxes__input"') == 1  # the form is shown again
    assert not SharedSeed.objects.exists()
    assert not Idea.objects.exists()


def test_a_refusal_from_the_service_is_shown_in_the_error_summary(
    client: Client, conversation: Conversation, transport: Conversation, olwen: User
) -> None:
    other_facilitator()
    cardiff = make_conversation(Organisation.objects.get(slug="cardiff"), slug="cardiff-talks")
    client.force_login(olwen)
    response = client.post(
        NEW,
        {
            "conversations": [conversation.pk, cardiff.pk],
            "title": "Free buses on Sundays",
            "body": "Cardiff ran free Sunday buses for a year.",
            "language": "en",
            "source_note": NOTE,
        },
    )
    assert response.status_code == 400
    assert "Choose conversations of one organisation" in response.content.decode()
    assert not Idea.objects.exists()


def test_a_group_link_ticks_the_conversations_for_that_group_and_says_so(
    client: Client,
    organisation: Organisation,
    conversation: Conversation,
    transport: Conversation,
    fran: User,
) -> None:
    young, older = group(organisation, "Young people"), group(organisation, "Older people")
    conversation.target_groups.set([older])
    transport.target_groups.set([young])
    everyone = make_conversation(organisation, slug="everyone", title_en="Everyone's talk")  # names no group
    client.force_login(fran)
    page = client.get(f"{NEW}?group={young.pk}").content.decode()
    assert "For the group “Young people” (Swansea Council)" in page
    ticked = re.findall(r'value="(\d+)" checked>', page)
    assert sorted(int(pk) for pk in ticked) == sorted([transport.pk, everyone.pk])
    # A group of another organisation, or none at all, ticks nothing and says nothing.
    other_facilitator()
    theirs = group(Organisation.objects.get(slug="cardiff"), "Cardiff students")
    for query in (f"?group={theirs.pk}", "?group=nonsense", "?group=99999"):
        page = client.get(NEW + query).content.decode()
        assert 'id="for-group"' not in page
        assert re.findall(r'value="(\d+)" checked>', page) == []


def test_a_suspended_facilitator_reads_the_page_but_cannot_seed(
    client: Client, conversation: Conversation
) -> None:
    dai = suspended("dai@example.org", "Dai")
    OrganisationRole.objects.create(organisation=conversation.organisation, user=dai)
    client.force_login(dai)
    page = client.get(NEW).content.decode()
    assert "Your account has been suspended" in page
    assert '<form method="post"' not in page
    client.post(
        NEW,
        {
            "conversations": [conversation.pk],
            "title": "Free buses",
            "body": "Cardiff ran free Sunday buses.",
            "language": "en",
            "source_note": NOTE,
        },
    )
    assert not Idea.objects.exists()


def test_the_list_is_newest_first_and_paginated(
    client: Client, conversation: Conversation, fran: User
) -> None:
    for number in range(21):
        seed(fran, [conversation], title=f"Seed number {number}")
    client.force_login(fran)
    page = client.get(LIST).content.decode()
    titles = re.findall(r">Seed number (\d+)</a>", page)
    assert titles == [str(number) for number in range(20, 0, -1)]
    assert "Page 1 of 2" in page
    assert re.findall(r">Seed number (\d+)</a>", client.get(LIST + "?page=2").content.decode()) == ["0"]


def test_links_to_the_seed_pages(
    client: Client, conversation: Conversation, transport: Conversation, fran: User, alice: User
) -> None:
    shared = seed(fran, [conversation, transport])
    idea = copy_in(shared, conversation)
    client.force_login(fran)
    assert 'href="/conversations/seeds/new/"' in client.get("/conversations/wellbeing/").content.decode()
    dashboard = client.get("/conversations/wellbeing/facilitate/").content.decode()
    assert 'href="/conversations/seeds/new/"' in dashboard
    assert 'href="/conversations/seeds/"' in dashboard
    comparison = f'href="/conversations/seeds/{shared.pk}/"'
    assert comparison in client.get(idea.get_absolute_url()).content.decode()
    client.force_login(alice)
    assert comparison not in client.get(idea.get_absolute_url()).content.decode()
    assert "/conversations/seeds/" not in client.get("/conversations/wellbeing/").content.decode()


def test_the_admin_shows_a_seed_with_its_copies_read_only(
    client: Client, conversation: Conversation, transport: Conversation, fran: User, olwen: User
) -> None:
    shared = seed(fran, [conversation, transport])
    client.force_login(olwen)
    page = client.get(f"/admin/conversations/sharedseed/{shared.pk}/change/").content.decode()
    assert "Free buses on Sundays" in page
    assert "Getting around" in page and "What would make life better?" in page
    assert 'name="_save"' not in page
    listing = client.get("/admin/conversations/sharedseed/").content.decode()
    assert "Free buses on Sundays" in listing
    assert "Add shared seed" not in listing


def test_a_second_copy_in_the_same_conversation_is_refused_by_the_database(
    conversation: Conversation, fran: User
) -> None:
    from django.db import IntegrityError, transaction

    shared = seed(fran, [conversation])
    with pytest.raises(IntegrityError), transaction.atomic():
        Idea.objects.create(
            conversation=conversation,
            author=fran,
            title="Again",
            body="Again",
            is_seeded=True,
            source_note=NOTE,
            seed=shared,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        make_user("x@example.org", "X")
        Idea.objects.create(conversation=conversation, author=fran, title="Not seeded", body="b", seed=shared)

"""Organisation pages and the regional / national roll-up: who is part of what, which
conversations and ideas a roll-up shows (public, open, visible ones only), the same number of
queries on any page, the admin's parent field, and the Welsh pages."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conversations import ranking, ranking_runs, services
from conversations.models import Conversation, Idea, IdeaRanking, RankingSummary
from tests.conftest import make_conversation
from tests.conversations.conftest import make_idea, make_people
from vocaleyes.models import Organisation, User

pytestmark = pytest.mark.django_db


def titles(html: str) -> list[str]:
    """Idea titles in the order the roll-up lists them."""
    return re.findall(
        r'<h3 class="govuk-heading-m[^"]*"><a class="govuk-link" href="[^"]+"[^>]*>([^<]+)</a>', html
    )


def make_organisation(
    slug: str, name_en: str, name_cy: str, level: str, parent: Organisation | None = None
) -> Organisation:
    return Organisation.objects.create(
        slug=slug,
        name_en=name_en,
        name_cy=name_cy,
        kind=Organisation.Kind.LOCAL_AUTHORITY,
        level=level,
        parent=parent,
    )


@pytest.fixture
def region(db: None) -> Organisation:
    return make_organisation(
        "swansea-bay", "Swansea Bay region", "Rhanbarth Bae Abertawe", Organisation.Level.REGIONAL
    )


@pytest.fixture
def swansea(organisation: Organisation, region: Organisation) -> Organisation:
    organisation.parent = region
    organisation.save()
    return organisation


@pytest.fixture
def neath(region: Organisation) -> Organisation:
    return make_organisation(
        "neath-port-talbot",
        "Neath Port Talbot Council",
        "Cyngor Castell-nedd Port Talbot",
        Organisation.Level.LOCAL,
        region,
    )


# --- The parent: one level up ------------------------------------------------------------


def test_a_parent_must_be_at_a_higher_level(region: Organisation, swansea: Organisation) -> None:
    wales = make_organisation("wales", "Wales", "Cymru", Organisation.Level.NATIONAL)
    region.parent = wales
    region.full_clean()  # regional under national: fine
    wales.parent = region
    with pytest.raises(ValidationError) as raised:
        wales.full_clean()
    assert "parent" in raised.value.message_dict
    other_local = make_organisation("gower", "Gower Council", "Cyngor Gŵyr", Organisation.Level.LOCAL)
    other_local.parent = swansea
    with pytest.raises(ValidationError):
        other_local.full_clean()


def test_the_admin_shows_why_a_parent_is_refused_and_changes_nothing(
    client: Client, olwen: User, region: Organisation
) -> None:
    wales = make_organisation("wales", "Wales", "Cymru", Organisation.Level.NATIONAL)
    client.force_login(olwen)
    response = client.post(
        f"/admin/vocaleyes/organisation/{wales.pk}/change/",
        {
            "name_en": "Wales",
            "name_cy": "Cymru",
            "slug": "wales",
            "kind": wales.kind,
            "level": Organisation.Level.NATIONAL,
            "parent": str(region.pk),  # a region cannot hold the nation
            "roles-TOTAL_FORMS": "0",
            "roles-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["parent"] == ["An organisation can only be part of one at a higher level."]
    wales.refresh_from_db()
    assert wales.parent_id is None


def test_the_admin_lists_members_and_offers_only_higher_levels_as_parents(
    client: Client, olwen: User, region: Organisation, swansea: Organisation, neath: Organisation
) -> None:
    client.force_login(olwen)
    page = client.get(f"/admin/vocaleyes/organisation/{region.pk}/change/").content.decode()
    assert "Member organisations" in page
    assert "Swansea Council" in page and "Neath Port Talbot Council" in page
    assert f'href="/admin/vocaleyes/organisation/{neath.pk}/change/"' in page
    local = client.get(f"/admin/vocaleyes/organisation/{swansea.pk}/change/")
    assert "None yet: an organisation joins this one" in local.content.decode()
    form = local.context["adminform"].form
    choices = set(form.fields["parent"].queryset.values_list("slug", flat=True))
    assert choices == {"swansea-bay"}  # not the local councils
    assert "regional or national" in str(form.fields["parent"].help_text)
    changelist = client.get("/admin/vocaleyes/organisation/?level__exact=regional").context["cl"]
    assert [organisation.slug for organisation in changelist.result_list] == ["swansea-bay"]


# --- The list of organisations ------------------------------------------------------------


def test_the_list_shows_organisations_with_listed_conversations_and_those_they_belong_to(
    client: Client, swansea: Organisation, neath: Organisation, region: Organisation
) -> None:
    make_conversation(swansea)
    make_conversation(neath, slug="neath-draft", status=Conversation.Status.DRAFT)
    make_organisation("lonely", "Nobody's Group", "Grŵp Neb", Organisation.Level.LOCAL)
    page = client.get("/organisations/").content.decode()
    assert "Swansea Council" in page
    assert "Swansea Bay region" in page  # through its member
    assert "Neath Port Talbot Council" not in page  # a draft is not listed
    assert "Nobody&#x27;s Group" not in page and "Nobody's Group" not in page
    assert page.index("Regional") < page.index("Local")


def test_the_footer_links_the_list_and_a_conversation_links_its_organisation(
    client: Client, swansea: Organisation, conversation: Conversation
) -> None:
    page = client.get("/conversations/wellbeing/").content.decode()
    assert 'href="/organisations/swansea/"' in page
    assert 'href="/organisations/"' in page


# --- An organisation's page ---------------------------------------------------------------


def test_a_local_organisation_shows_its_parent_and_open_conversations_only(
    client: Client, swansea: Organisation, conversation: Conversation
) -> None:
    make_conversation(swansea, slug="closed-one", title_en="Closed one", status=Conversation.Status.CLOSED)
    make_conversation(
        swansea, slug="secret-panel", title_en="Secret panel", visibility=Conversation.Visibility.INVITATION
    )
    make_conversation(swansea, slug="draft-one", title_en="Draft one", status=Conversation.Status.DRAFT)
    page = client.get("/organisations/swansea/").content.decode()
    assert "Swansea Council" in page and "Local" in page
    assert 'href="/organisations/swansea-bay/"' in page  # part of the region
    assert "What would make life better?" in page
    for hidden in ("Closed one", "Secret panel", "Draft one"):
        assert hidden not in page
    assert "Priorities across" not in page  # no members, no roll-up


def test_an_unknown_organisation_is_not_found(client: Client) -> None:
    assert client.get("/organisations/nowhere/").status_code == 404


def test_a_region_not_ranked_yet_says_so(
    client: Client,
    region: Organisation,
    swansea: Organisation,
    neath: Organisation,
    conversation: Conversation,
    alice: User,
) -> None:
    make_idea(conversation, alice)
    page = client.get("/organisations/swansea-bay/").content.decode()
    assert "Priorities across Swansea Bay region" in page
    assert "Not ranked yet" in page
    assert "Member organisations" in page and "Neath Port Talbot Council" in page
    assert RankingSummary.objects.filter(organisation=region).count() == 0  # a page never makes one


def test_a_region_lists_its_roll_up_with_each_ideas_conversation_and_organisation(
    client: Client,
    swansea: Organisation,
    neath: Organisation,
    region: Organisation,
    conversation: Conversation,
    alice: User,
) -> None:
    neath_talk = make_conversation(neath, slug="neath-talk", title_en="Neath's conversation")
    benches = make_idea(conversation, alice, title="More benches")
    buses = make_idea(neath_talk, alice, title="Later buses")
    for person in make_people(3, "rater"):
        services.rating_set(idea=benches, user=person, value=2)
        services.rating_set(idea=buses, user=person, value=5)
    ranking_runs.roll_up_recompute(organisation_id=region.pk)
    page = client.get("/organisations/swansea-bay/").content.decode()
    assert titles(page) == ["Later buses", "More benches"]
    assert "Priority rank 1" in page and "Priority rank 2" in page
    assert "3 ratings, average 5.0 out of 5" in page
    assert "Neath&#x27;s conversation" in page
    assert 'href="/organisations/neath-port-talbot/"' in page
    assert f'href="/conversations/neath-talk/ideas/{buses.pk}/"' in page
    assert "Priority ranking last updated on" in page


def test_two_councils_ideas_are_ranked_together_with_the_same_scores(
    client: Client,
    swansea: Organisation,
    neath: Organisation,
    region: Organisation,
    conversation: Conversation,
    alice: User,
) -> None:
    neath_talk = make_conversation(neath, slug="neath-talk")
    raters = make_people(4, "rater")
    # The same people rate in both councils' conversations.
    pattern = {"best": [5, 5, 5, 4], "middling": [3, 4, 3], "weak": [1, 2], "loved": [5, 5, 5, 5]}
    tallies = []
    for place, talk in (("Swansea", conversation), ("Neath", neath_talk)):
        for name, values in pattern.items():
            if (place, name) == ("Neath", "loved"):
                continue  # only Swansea has the loved idea
            idea = make_idea(talk, alice, title=f"{place} {name}")
            for person, value in zip(raters, values, strict=False):
                services.rating_set(idea=idea, user=person, value=value)
            tallies.append((idea.pk, [values.count(value) for value in range(1, 6)]))
    summary = ranking_runs.roll_up_recompute(organisation_id=region.pk)
    assert (summary.idea_count, summary.rating_count) == (7, 22)  # each person once per idea

    # The same priority score as every conversation's, with one prior across both councils.
    expected = {score.idea_id: score for score in ranking.rank(tallies).scores()}
    for row in IdeaRanking.objects.filter(ranking=summary):
        assert row.score == pytest.approx(expected[row.idea_id].score, abs=1e-6)
        assert row.rank == expected[row.idea_id].rank
        assert row.rating_count == expected[row.idea_id].rating_count
    page = client.get("/organisations/swansea-bay/").content.decode()
    order = titles(page)
    assert order[0] == "Swansea loved"
    assert [set(order[1:3]), set(order[3:5]), set(order[5:7])] == [
        {"Swansea best", "Neath best"},
        {"Swansea middling", "Neath middling"},
        {"Swansea weak", "Neath weak"},
    ]
    assert "Priority rank 1" in page and "Priority rank 7" in page


def test_the_roll_up_never_shows_invitation_only_draft_or_hidden_ideas(
    client: Client,
    swansea: Organisation,
    neath: Organisation,
    region: Organisation,
    conversation: Conversation,
    alice: User,
    olwen: User,
) -> None:
    panel = make_conversation(
        neath, slug="panel", title_en="Panel", visibility=Conversation.Visibility.INVITATION
    )
    draft = make_conversation(neath, slug="draft", title_en="Draft", status=Conversation.Status.DRAFT)
    neath_talk = make_conversation(neath, slug="neath-talk", title_en="Neath talk")
    shown = make_idea(conversation, alice, title="Shown idea")
    hidden = make_idea(conversation, alice, title="Hidden idea")
    later = make_idea(neath_talk, alice, title="Made private later")
    Idea.objects.create(conversation=panel, author=alice, title="Panel idea", body="x")
    Idea.objects.create(conversation=draft, author=alice, title="Draft idea", body="x")
    services.content_hide(item=hidden, officer=olwen, reason="Abusive language")
    summary = ranking_runs.roll_up_recompute(organisation_id=region.pk)
    assert set(IdeaRanking.objects.filter(ranking=summary).values_list("idea_id", flat=True)) == {
        shown.pk,
        later.pk,
    }
    # A conversation made invitation-only after the run drops out at once, before the next run.
    Conversation.objects.filter(pk=neath_talk.pk).update(visibility=Conversation.Visibility.INVITATION)
    page = client.get("/organisations/swansea-bay/").content.decode()
    assert titles(page) == ["Shown idea"]
    for title in ("Hidden idea", "Panel idea", "Draft idea", "Made private later", "Panel", "Draft"):
        assert f">{title}<" not in page
    assert "1 person took part in 1 open conversation." in page


def test_people_are_counted_once_across_the_conversations(
    client: Client,
    swansea: Organisation,
    neath: Organisation,
    region: Organisation,
    conversation: Conversation,
    alice: User,
    bob: User,
) -> None:
    neath_talk = make_conversation(neath, slug="neath-talk")
    panel = make_conversation(neath, slug="panel", visibility=Conversation.Visibility.INVITATION)
    first = make_idea(conversation, alice)
    second = make_idea(neath_talk, alice)
    raters = make_people(3, "rater")
    for person in raters:
        services.rating_set(idea=first, user=person, value=4)
        services.rating_set(idea=second, user=person, value=5)
    services.comment_create(idea=second, author=bob, body="Yes please")
    outsider = make_people(1, "panellist")[0]
    Idea.objects.create(conversation=panel, author=outsider, title="Panel only", body="x")
    page = client.get("/organisations/swansea-bay/").content.decode()
    # Alice (two ideas), three raters (in both conversations), Bob (a comment): five people;
    # the panellist's invitation-only conversation does not count.
    assert "5 people took part across 2 open conversations." in page


def test_page_1_and_page_100_take_the_same_number_of_queries(
    client: Client,
    swansea: Organisation,
    neath: Organisation,
    region: Organisation,
    conversation: Conversation,
    alice: User,
) -> None:
    Idea.objects.bulk_create(
        Idea(conversation=conversation, author=alice, title=f"Idea {n}", body="x") for n in range(2010)
    )
    ranking_runs.roll_up_recompute(organisation_id=region.pk)
    queries = []
    for number in (1, 100):
        with CaptureQueriesContext(connection) as captured:
            page = client.get(f"/organisations/swansea-bay/?page={number}").content.decode()
        queries.append(len(captured))
        assert len(titles(page)) == 20
    assert titles(page)[0] == "Idea 1980"  # rank 1,981: unrated ideas by age
    assert queries[0] == queries[1]
    # The organisation, its members (three levels), conversations, summary, order, ideas, figures, people.
    assert queries[0] <= 10, queries


# --- Welsh ------------------------------------------------------------------------------


def test_the_welsh_pages_read_in_welsh(
    client: Client,
    swansea: Organisation,
    neath: Organisation,
    region: Organisation,
    conversation: Conversation,
) -> None:
    page = client.get("/cy/organisations/swansea-bay/").content.decode()
    assert "Blaenoriaethau ar draws Rhanbarth Bae Abertawe" in page
    assert "Aelod-sefydliadau" in page
    assert "Heb eu gosod yn y drefn eto" in page
    assert "Priorities across" not in page and "Member organisations" not in page
    listing = client.get("/cy/organisations/").content.decode()
    assert "Sefydliadau" in listing and "Cyngor Abertawe" in listing and "Rhanbarthol" in listing

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Avg
from django.test import Client
from django.urls import reverse

from conversations import ranking_store
from conversations.models import Conversation, Idea, Rating
from conversations.ranking_store import Scope
from vocaleyes.models import DemographicConsent, GroupInvitation, GroupMembership, TargetGroup, User

pytestmark = pytest.mark.django_db

PANEL = "young-peoples-transport-panel"


def load(base_url: str = "http://testserver") -> str:
    out = StringIO()
    call_command("load_demo_groups", base_url=base_url, stdout=out)
    return out.getvalue()


def counts() -> tuple[int, ...]:
    return (
        TargetGroup.objects.count(),
        GroupMembership.objects.count(),
        DemographicConsent.objects.count(),
        User.objects.count(),
        Rating.objects.count(),
        Conversation.objects.count(),
        GroupInvitation.objects.count(),
    )


@pytest.fixture
def demo() -> str:
    call_command("load_demo", stdout=StringIO())
    return load()


def printed_link(output: str) -> str:
    match = re.search(r"http://testserver(/join/\S+/)", output)
    assert match, output
    return match.group(1)


def test_it_needs_the_swansea_demo_first() -> None:
    with pytest.raises(CommandError, match="load_demo"):
        load()


def test_running_it_twice_changes_nothing(demo: str) -> None:
    first = counts()
    again = load()
    assert counts() == first
    assert "(0 records created)" in again
    assert printed_link(again) == printed_link(demo)
    assert first[0] == 7 and first[5] == 4 and first[6] == 2
    assert User.objects.filter(email__endswith="@example.org").count() == 30


def test_groups_have_census_style_sizes_and_welsh_names(demo: str) -> None:
    groups = TargetGroup.objects.filter(organisation__slug="swansea-bay-wellbeing-board")
    assert groups.count() == 7
    for group in groups:
        assert group.name_cy and group.name_cy != group.name_en
        assert group.population_size and group.population_size > 0
        assert "Census 2021" in group.population_source
    kinds = set(groups.values_list("kind", flat=True))
    assert {"age_band", "welsh_language", "lived_experience", "place"} <= kinds
    assert groups.filter(self_declarable=True).exists() and groups.filter(self_declarable=False).exists()
    # Self-declared answers always come with consent; the rest came through an invitation.
    declared = GroupMembership.objects.filter(how=GroupMembership.How.SELF_DECLARED)
    # Each resident: an age band and Welsh or not; six are carers too.
    assert declared.count() == 30 * 2 + 6 and not declared.filter(consented_at=None).exists()
    assert DemographicConsent.objects.filter(given_at__isnull=False).count() == 30
    assert not GroupMembership.objects.filter(group__self_declarable=False).exclude(how="invitation").exists()


def test_the_printed_invitation_link_shows_its_join_page(demo: str, client: Client) -> None:
    link = printed_link(demo)
    response = client.get(link)
    assert response.status_code == 200
    assert "Young people aged 16 to 24" in response.content.decode()


def test_the_panel_is_for_its_group_only(demo: str, client: Client) -> None:
    panel = Conversation.objects.get(slug=PANEL)
    assert panel.visibility == Conversation.Visibility.INVITATION
    url = reverse("conversations:detail", args=[panel.slug])
    outsider = User.objects.get(email="arthur.jones@example.org")  # 65 and over
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    member = User.objects.get(email="alys.morgan@example.org")  # 16 to 24
    client.force_login(member)
    assert client.get(url).status_code == 200


def test_a_newcomer_joins_the_panel_through_the_printed_link(demo: str, client: Client) -> None:
    newcomer = User.objects.create_user(email="newcomer@example.com")
    client.force_login(newcomer)
    url = reverse("conversations:detail", args=[PANEL])
    assert client.get(url).status_code == 403
    joined = client.post(printed_link(demo))
    assert joined.status_code == 200
    assert "panel on transport (demo)" in joined.content.decode()
    assert client.get(url).status_code == 200


def top_idea(group_name: str) -> int:
    members = GroupMembership.objects.filter(group__name_en=group_name).values("user")
    ranked = (
        Rating.objects.filter(idea__conversation__slug="swansea-wellbeing", user__in=members)
        .values("idea")
        .annotate(mean=Avg("value"))
        .order_by("-mean")
    )
    first, second = ranked[0], ranked[1]
    assert first["mean"] > second["mean"]
    return int(first["idea"])


def test_the_groups_favour_different_ideas(demo: str) -> None:
    young = top_idea("Young people aged 16 to 24")
    adults = top_idea("Adults aged 25 to 64")
    older = top_idea("People aged 65 and over")
    assert len({young, adults, older}) == 3


def test_the_three_fair_orders_put_different_ideas_first(demo: str) -> None:
    conversation = Conversation.objects.get(slug="swansea-wellbeing")
    ideas = dict(Idea.objects.filter(conversation=conversation).values_list("title", "pk"))
    # Priority (every rating counts once): young people and people over 65 are 18 of the 30
    # demo residents and both rate the warm libraries highly; adults rate them 3.
    assert (
        ranking_store.order(Scope.of_conversation(conversation.pk))[0]
        == ideas["Warm, welcoming libraries in winter"]
    )
    # Representative: adults are 61% of Swansea (119,000 of 195,000) but 12 of the 30 raters,
    # so their unanimous 5s for the swimming lessons count for more.
    assert (
        ranking_store.order(Scope.representative(conversation.pk))[0]
        == ideas["Gwersi nofio am ddim i blant ysgol gynradd"]
    )
    # Consensus: every age band rates the hospital bus 4 or 5 at least half the time, while the
    # libraries get no 4 or 5 from adults and the swimming lessons none from the other bands.
    assert (
        ranking_store.order(Scope.consensus(conversation.pk))[0]
        == ideas["A bus that links the hill estates to Morriston Hospital"]
    )


def test_a_second_run_corrects_ratings_an_older_demo_gave(demo: str) -> None:
    alys = User.objects.get(email="alys.morgan@example.org")
    rating = Rating.objects.get(user=alys, idea__title="Warm, welcoming libraries in winter")
    Rating.objects.filter(pk=rating.pk).update(value=1)
    assert "(1 records created)" in load()
    rating.refresh_from_db()
    assert rating.value == 5

"""The demo's region and nation (``load_demo_regions``): who is part of what, the Townhill ideas
that give the region something to rank, idempotence, and the pages they make."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from conversations.models import Conversation, Idea, RankingSummary, Rating
from vocaleyes.models import Organisation

pytestmark = pytest.mark.django_db


def load() -> str:
    out = StringIO()
    call_command("load_demo_regions", stdout=out)
    return out.getvalue()


def counts() -> tuple[int, ...]:
    return (
        Organisation.objects.count(),
        Organisation.objects.filter(parent__isnull=False).count(),
        Idea.objects.count(),
        Rating.objects.count(),
        Conversation.objects.count(),
    )


@pytest.fixture
def demo() -> str:
    call_command("load_demo", stdout=StringIO())
    return load()


def test_it_needs_the_swansea_demo_first() -> None:
    with pytest.raises(CommandError, match="load_demo"):
        load()


def test_the_region_and_the_nation_hold_the_demo_organisations(demo: str) -> None:
    parent_of = dict(Organisation.objects.filter(parent__isnull=False).values_list("slug", "parent__slug"))
    assert parent_of == {
        "townhill-community-garden": "swansea-bay-region",
        "swansea-voluntary-action": "swansea-bay-region",
        "swansea-bay-region": "wales",
        "swansea-bay-wellbeing-board": "wales",
    }
    wales = Organisation.objects.get(slug="wales")
    assert (wales.name_en, wales.name_cy, wales.level) == ("Wales (demo)", "Cymru (demo)", "national")
    region = Organisation.objects.get(slug="swansea-bay-region")
    assert (region.name_cy, region.level) == ("Rhanbarth Bae Abertawe (demo)", "regional")
    assert set(wales.with_members_ids()) == set(Organisation.objects.values_list("pk", flat=True))
    assert Idea.objects.visible().filter(conversation__slug="townhill-green-spaces").count() == 3


def test_running_it_twice_changes_nothing(demo: str) -> None:
    first = counts()
    again = load()
    assert counts() == first
    assert "(0 records created)" in again


def test_it_leaves_a_parent_an_officer_chose_alone() -> None:
    call_command("load_demo", stdout=StringIO())
    elsewhere = Organisation.objects.create(
        slug="west-wales", name_en="West Wales", kind=Organisation.Kind.LOCAL_AUTHORITY, level="regional"
    )
    Organisation.objects.filter(slug="townhill-community-garden").update(parent=elsewhere)
    load()
    assert Organisation.objects.get(slug="townhill-community-garden").parent == elsewhere


def test_the_pages_show_the_region_and_the_nation(demo: str, client: Client) -> None:
    listing = client.get("/organisations/").content.decode()
    for name in ("Wales (demo)", "Swansea Bay region (demo)", "Townhill Community Garden (demo)"):
        assert name in listing
    page = client.get("/organisations/wales/").content.decode()
    assert "Priorities across Wales (demo)" in page
    assert "Swansea Bay region (demo)" in page  # a member
    summary = RankingSummary.objects.get(organisation__slug="wales")
    # The Swansea well-being ideas and Townhill's, ranked together.
    assert summary.computed_at is not None and summary.idea_count == 4 + 3
    assert "Raised beds that wheelchair users can reach" in page
    assert "A bus that links the hill estates to Morriston Hospital" in page
    region = client.get("/organisations/swansea-bay-region/").content.decode()
    assert "Raised beds that wheelchair users can reach" in region
    assert "Morriston Hospital" not in region  # the Public Services Board is Wales's, not the region's

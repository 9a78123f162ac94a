"""Posting, seeding and editing ideas: who may, what they see, what the database holds."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from conversations import services
from conversations.models import ContentStatus, Conversation, Idea, IdeaRanking, Rating
from tests.conftest import make_conversation
from tests.conversations.conftest import make_idea
from vocaleyes.errors import Refusal
from vocaleyes.models import Organisation, User

pytestmark = pytest.mark.django_db

NEW = "/conversations/wellbeing/ideas/new/"


def test_a_resident_posts_an_idea_and_lands_on_its_page(
    client: Client, conversation: Conversation, alice: User
) -> None:
    client.force_login(alice)
    response = client.post(
        NEW,
        {
            "title": "  Bus shelters in Morriston ",
            "body": "Two stops have no shelter.\nPeople wait in the rain.",
            "language": "en",
        },
        follow=True,
    )
    idea = Idea.objects.get()
    assert (idea.title, idea.author, idea.is_seeded, idea.status) == (
        "Bus shelters in Morriston",
        alice,
        False,
        ContentStatus.PUBLISHED,
    )
    assert IdeaRanking.objects.filter(idea=idea, ranking__conversation=conversation).exists()
    assert idea.ranking.rank is None  # the conversation's own ranking, unranked until the next run
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/conversations/wellbeing/ideas/{idea.pk}/"
    assert "Your idea has been posted" in page
    assert "<p>Two stops have no shelter.<br>People wait in the rain.</p>" in page


def test_an_anonymous_visitor_is_sent_to_sign_in_and_nothing_is_posted(
    client: Client, conversation: Conversation
) -> None:
    response = client.post(NEW, {"title": "Sneaky", "body": "Not signed in at all.", "language": "en"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert not Idea.objects.exists()


def test_anonymous_visitors_read_ideas_and_are_invited_to_sign_in(
    client: Client, conversation: Conversation, alice: User
) -> None:
    idea = make_idea(conversation, alice, title="Longer library hours")
    listing = client.get("/conversations/wellbeing/").content.decode()
    assert "Longer library hours" in listing
    assert "to post ideas, comment and rate them" in listing
    page = client.get(f"/conversations/wellbeing/ideas/{idea.pk}/").content.decode()
    assert "Sign in to rate this idea" in page
    assert "Sign in to comment" in page
    assert 'name="value"' not in page


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (
            {"title": "", "body": "A perfectly good description.", "language": "en"},
            "Give your idea a short title.",
        ),
        ({"title": "Hi", "body": "A perfectly good description.", "language": "en"}, "at least 3 characters"),
        (
            {"title": "x" * 151, "body": "A perfectly good description.", "language": "en"},
            "150 characters or fewer",
        ),
        ({"title": "A title", "body": "short", "language": "en"}, "at least 10 characters"),
        (
            {"title": "A title", "body": "A perfectly good description.", "language": "fr"},
            "Select a valid choice",
        ),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(
    client: Client, conversation: Conversation, alice: User, data: dict[str, str], error: str
) -> None:
    client.force_login(alice)
    response = client.post(NEW, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert error in page
    assert "<title>Error:" in page
    assert "There is a problem" in page
    assert not Idea.objects.exists()


def test_validation_messages_come_in_welsh_on_welsh_pages(
    client: Client, conversation: Conversation, bob: User
) -> None:
    client.force_login(bob)
    response = client.post("/cy" + NEW, {"title": "", "body": "", "language": "cy"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Rhowch deitl byr i'ch syniad." in page.replace("&#x27;", "'")
    assert "Disgrifiwch eich syniad." in page
    assert "Give your idea a short title." not in page


def test_a_closed_conversation_takes_no_new_ideas(
    client: Client, organisation: Organisation, alice: User
) -> None:
    make_conversation(organisation, slug="closed", status=Conversation.Status.CLOSED)
    client.force_login(alice)
    response = client.post(
        "/conversations/closed/ideas/new/",
        {"title": "Too late", "body": "After the close.", "language": "en"},
    )
    assert response.status_code == 302
    assert not Idea.objects.exists()
    assert "not taking new ideas" in client.get("/conversations/closed/").content.decode()


def test_nobody_can_post_into_a_conversation_they_cannot_see(
    client: Client, organisation: Organisation, alice: User
) -> None:
    make_conversation(organisation, slug="draft", status=Conversation.Status.DRAFT)
    client.force_login(alice)
    response = client.post(
        "/conversations/draft/ideas/new/", {"title": "Hidden", "body": "Into a draft.", "language": "en"}
    )
    assert response.status_code == 404
    assert not Idea.objects.exists()


def test_a_facilitator_seeds_an_idea_shown_as_seeded(
    client: Client, conversation: Conversation, fran: User
) -> None:
    client.force_login(fran)
    assert "Seed an idea from elsewhere" in client.get("/conversations/wellbeing/").content.decode()
    response = client.post(
        "/conversations/wellbeing/ideas/seed/",
        {
            "title": "Warm hubs in libraries",
            "body": "Libraries open as warm, welcoming spaces in winter.",
            "language": "en",
            "source_note": "Best practice from Cardiff",
        },
        follow=True,
    )
    idea = Idea.objects.get()
    assert (idea.is_seeded, idea.source_note, idea.author) == (True, "Best practice from Cardiff", fran)
    page = response.content.decode()
    assert "Seeded" in page
    assert "Best practice from Cardiff" in page
    listing = client.get("/conversations/wellbeing/").content.decode()
    assert "govuk-tag--blue" in listing


def test_seeding_needs_a_note_of_where_the_idea_comes_from(
    client: Client, conversation: Conversation, fran: User
) -> None:
    client.force_login(fran)
    response = client.post(
        "/conversations/wellbeing/ideas/seed/",
        {"title": "Warm hubs", "body": "Libraries as warm spaces.", "language": "en", "source_note": ""},
    )
    assert response.status_code == 400
    assert "Say where this idea comes from" in response.content.decode()
    assert not Idea.objects.exists()


def test_residents_cannot_seed_ideas(client: Client, conversation: Conversation, alice: User) -> None:
    client.force_login(alice)
    assert "Seed an idea" not in client.get("/conversations/wellbeing/").content.decode()
    response = client.post(
        "/conversations/wellbeing/ideas/seed/",
        {
            "title": "Pretend",
            "body": "Pretending to be a facilitator.",
            "language": "en",
            "source_note": "Me",
        },
    )
    assert response.status_code == 404
    assert not Idea.objects.exists()


def test_a_facilitator_of_another_organisation_cannot_seed_here(
    client: Client, conversation: Conversation, fran: User
) -> None:
    other = Organisation.objects.create(slug="other", name_en="Other", kind=Organisation.Kind.COMMUNITY_GROUP)
    make_conversation(other, slug="elsewhere")
    client.force_login(fran)
    response = client.post(
        "/conversations/elsewhere/ideas/seed/",
        {"title": "Not mine", "body": "Not my organisation.", "language": "en", "source_note": "Cardiff"},
    )
    assert response.status_code == 404
    assert not Idea.objects.exists()


def test_an_author_edits_their_idea_until_someone_rates_it(
    client: Client, conversation: Conversation, alice: User, bob: User, django_capture_on_commit_callbacks
) -> None:
    idea = make_idea(conversation, alice, title="Benches")
    client.force_login(alice)
    edit = f"/conversations/wellbeing/ideas/{idea.pk}/edit/"
    assert "Change your idea" in client.get(f"/conversations/wellbeing/ideas/{idea.pk}/").content.decode()
    response = client.post(
        edit, {"title": "More benches", "body": "Benches with backs and arms.", "language": "en"}
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert (idea.title, idea.body) == ("More benches", "Benches with backs and arms.")

    Rating.objects.create(idea=idea, user=bob, conversation=conversation, value=4)
    assert "Change your idea" not in client.get(f"/conversations/wellbeing/ideas/{idea.pk}/").content.decode()
    response = client.post(
        edit, {"title": "Something else", "body": "A different idea now.", "language": "en"}, follow=True
    )
    assert "This idea has been rated, so it can no longer be changed." in response.content.decode()
    idea.refresh_from_db()
    assert idea.title == "More benches"


def test_the_edit_page_and_the_service_refuse_with_one_and_the_same_refusal(
    conversation: Conversation, alice: User, bob: User
) -> None:
    idea = make_idea(conversation, alice, title="Benches")
    assert services.idea_update_refusal(idea=idea, editor=alice, has_ratings=False) is None
    refusal = services.idea_update_refusal(idea=idea, editor=alice, has_ratings=True)
    assert refusal is not None and refusal.forbidden
    assert str(refusal) == "This idea has been rated, so it can no longer be changed."
    Rating.objects.create(idea=idea, user=bob, conversation=conversation, value=4)
    with pytest.raises(Refusal) as raised:
        services.idea_update(idea=idea, editor=alice, title="Other", body="Another idea.", language="en")
    assert (str(raised.value), raised.value.forbidden) == (str(refusal), True)
    Conversation.objects.filter(pk=conversation.pk).update(status=Conversation.Status.CLOSED)
    conversation.refresh_from_db()
    refusal = services.idea_create_refusal(conversation=conversation, author=bob)
    assert refusal is not None and refusal.forbidden
    assert str(refusal) == "This conversation is not taking new ideas, comments or ratings."


def test_other_peoples_ideas_cannot_be_edited(
    client: Client, conversation: Conversation, alice: User, bob: User
) -> None:
    idea = make_idea(conversation, alice, title="Alice's idea")
    client.force_login(bob)
    edit = f"/conversations/wellbeing/ideas/{idea.pk}/edit/"
    assert client.get(edit).status_code == 404
    response = client.post(edit, {"title": "Bob's now", "body": "Taken over by Bob.", "language": "en"})
    assert response.status_code == 404
    idea.refresh_from_db()
    assert idea.title == "Alice's idea"


def test_hidden_and_pending_ideas_never_appear(
    client: Client, conversation: Conversation, alice: User, olwen: User
) -> None:
    shown = make_idea(conversation, alice, title="Shown to all")
    hidden = make_idea(conversation, alice, title="Hidden by a moderator")
    pending = make_idea(conversation, alice, title="Waiting for review")
    Idea.objects.filter(pk=hidden.pk).update(status=ContentStatus.HIDDEN)
    Idea.objects.filter(pk=pending.pk).update(status=ContentStatus.PENDING)
    for viewer in (None, alice, olwen):
        if viewer:
            client.force_login(viewer)
        listing = client.get("/conversations/wellbeing/?sort=newest").content.decode()
        assert shown.title in listing
        assert hidden.title not in listing
        assert pending.title not in listing
        # Its author (alice) is told what happened to it instead (issue 13); nobody else sees it.
        expected = 200 if viewer == alice else 404
        assert client.get(f"/conversations/wellbeing/ideas/{hidden.pk}/").status_code == expected
        assert client.get(f"/conversations/wellbeing/ideas/{pending.pk}/").status_code == expected
        assert client.get("/conversations/wellbeing/?q=Hidden").content.decode().count("ve-card") == 0


def test_an_idea_is_only_found_in_its_own_conversation(
    client: Client, organisation: Organisation, conversation: Conversation, alice: User
) -> None:
    make_conversation(organisation, slug="other")
    idea = make_idea(conversation, alice)
    assert client.get(f"/conversations/other/ideas/{idea.pk}/").status_code == 404


def test_the_back_link_sits_in_a_navigation_landmark(
    client: Client, conversation: Conversation, alice: User
) -> None:
    """axe's region rule: the back link before <main> is inside a landmark, not loose on the page."""
    client.force_login(alice)
    page = client.get(f"/conversations/{conversation.slug}/ideas/new/").content.decode()
    assert re.search(r'<nav aria-label="Back"><a [^>]*class="govuk-back-link">Back</a></nav>', page)
    welsh = client.get(f"/cy/conversations/{conversation.slug}/ideas/new/").content.decode()
    assert re.search(r'<nav aria-label="Yn ôl"><a [^>]*class="govuk-back-link">Yn ôl</a></nav>', welsh)

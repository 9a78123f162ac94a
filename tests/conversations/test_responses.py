"""You said, we did: official responses to ideas (who may give one, the events and the author's
email), following, the response on the idea page and the cards, the outcome page of a closed
conversation, and the action-list export's columns for responses and action groups."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conversations import ranking_runs, services
from conversations.models import (
    ActionGroup,
    ContentStatus,
    Conversation,
    Follow,
    FollowEvent,
    HoursGiven,
    Idea,
    IdeaResponse,
    Pledge,
)
from tests.conftest import make_conversation
from tests.conversations.conftest import make_idea
from tests.conversations.moderation import other_facilitator, streamed, suspended
from vocaleyes.errors import Refusal
from vocaleyes.models import Organisation, User

pytestmark = pytest.mark.django_db


def _group(conversation: Conversation, idea: Idea, by: User, name: str = "Bench builders") -> ActionGroup:
    group = ActionGroup.objects.create(
        conversation=conversation, name_en=name, name_cy="Adeiladwyr meinciau", created_by=by
    )
    group.ideas.add(idea)
    return group


# --- The service ---------------------------------------------------------------------------


def test_a_facilitator_responds_and_the_author_is_told_once(
    conversation: Conversation, alice: User, fran: User, django_capture_on_commit_callbacks
) -> None:
    idea = make_idea(conversation, alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = services.idea_respond(
            idea=idea, by=fran, status=IdeaResponse.Status.CONSIDERING, text_en="We are costing it."
        )
    assert IdeaResponse.objects.get(idea=idea) == response
    assert response.responded_by == fran
    assert list(FollowEvent.objects.values_list("kind", "idea_id")) == [("response", idea.pk)]
    (email,) = mail.outbox
    assert email.to == ["alice@example.org"]
    assert email.subject == "[VocalEyes] Your idea “More benches” has a response"
    assert "Swansea Council has responded to your idea “More benches”" in email.body
    assert "Status: Under consideration" in email.body
    assert "We are costing it." in email.body
    assert f"http://localhost:8000/conversations/wellbeing/ideas/{idea.pk}/" in email.body

    # The same again (a double click) changes nothing and tells nobody again.
    with django_capture_on_commit_callbacks(execute=True):
        services.idea_respond(
            idea=idea, by=fran, status=IdeaResponse.Status.CONSIDERING, text_en="We are costing it."
        )
    assert FollowEvent.objects.count() == 1
    assert len(mail.outbox) == 1

    # Reworded: followers hear of it, the author is not emailed again.
    with django_capture_on_commit_callbacks(execute=True):
        services.idea_respond(
            idea=idea, by=fran, status=IdeaResponse.Status.CONSIDERING, text_en="We are costing it now."
        )
    assert FollowEvent.objects.count() == 2
    assert len(mail.outbox) == 1


def test_a_change_of_status_is_an_event_and_tells_a_welsh_author_in_welsh(
    conversation: Conversation, bob: User, fran: User, django_capture_on_commit_callbacks
) -> None:
    idea = make_idea(conversation, bob, title="Meinciau", language="cy")
    group = _group(conversation, idea, fran)
    with django_capture_on_commit_callbacks(execute=True):
        services.idea_respond(idea=idea, by=fran, status="considering", text_cy="Rydym yn ei ystyried.")
        response = services.idea_respond(
            idea=idea, by=fran, status="accepted", text_cy="Byddwn yn ei wneud.", action_group=group
        )
    assert response.status == "accepted"
    assert response.action_group == group
    assert IdeaResponse.objects.count() == 1
    kinds = list(FollowEvent.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["response", "status"]
    first, second = mail.outbox
    assert first.to == second.to == ["bob@example.org"]
    assert second.subject == "[VocalEyes] Mae ymateb i'ch syniad “Meinciau”"
    assert "Statws: Derbyniwyd" in second.body
    assert "Byddwn yn ei wneud." in second.body
    assert "Adeiladwyr meinciau" in second.body
    assert "http://localhost:8000/cy/conversations/wellbeing/ideas/" in second.body


def test_not_taken_forward_needs_a_reason(conversation: Conversation, alice: User, fran: User) -> None:
    idea = make_idea(conversation, alice)
    with pytest.raises(Refusal) as refused:
        services.idea_respond(idea=idea, by=fran, status="not_taken", text_en="  ")
    assert refused.value.field == "text_en"
    assert "why" in refused.value.message
    with pytest.raises(Refusal):
        services.idea_respond(idea=idea, by=fran, status="maybe", text_en="Hmm")
    assert not IdeaResponse.objects.exists()
    assert not FollowEvent.objects.exists()
    services.idea_respond(idea=idea, by=fran, status="not_taken", text_en="The land is not ours.")
    assert IdeaResponse.objects.get().text_en == "The land is not ours."


@pytest.mark.parametrize("status", [ContentStatus.HIDDEN, ContentStatus.PENDING])
def test_hidden_or_pending_ideas_get_no_response(
    conversation: Conversation, alice: User, olwen: User, status: str
) -> None:
    idea = make_idea(conversation, alice)
    Idea.objects.filter(pk=idea.pk).update(status=status)
    idea.refresh_from_db()
    with pytest.raises(Refusal):
        services.idea_respond(idea=idea, by=olwen, status="accepted", text_en="Yes")
    assert not IdeaResponse.objects.exists()
    assert not FollowEvent.objects.exists()


def test_residents_and_other_organisations_facilitators_may_not_respond(
    conversation: Conversation, alice: User, bob: User
) -> None:
    idea = make_idea(conversation, alice)
    for person in (bob, alice, other_facilitator()):
        with pytest.raises(Refusal) as refused:
            services.idea_respond(idea=idea, by=person, status="accepted", text_en="Yes")
        assert refused.value.forbidden
    assert not IdeaResponse.objects.exists()


def test_an_action_group_of_another_conversation_is_refused(
    conversation: Conversation, alice: User, fran: User
) -> None:
    idea = make_idea(conversation, alice)
    elsewhere = make_conversation(conversation.organisation, slug="elsewhere")
    group = _group(elsewhere, make_idea(elsewhere, alice), fran)
    with pytest.raises(Refusal) as refused:
        services.idea_respond(idea=idea, by=fran, status="accepted", text_en="Yes", action_group=group)
    assert refused.value.field == "action_group"
    assert not IdeaResponse.objects.exists()


def test_follow_and_unfollow(conversation: Conversation, alice: User, bob: User, fran: User) -> None:
    idea = make_idea(conversation, alice)
    group = _group(conversation, idea, fran)
    first = services.follow(person=bob, idea=idea)
    assert services.follow(person=bob, idea=idea) == first  # following twice is one follow
    services.follow(person=bob, group=group)
    assert Follow.objects.filter(person=bob).count() == 2
    assert services.unfollow(person=bob, idea=idea) == 1
    assert list(Follow.objects.values_list("group_id", flat=True)) == [group.pk]
    with pytest.raises(Refusal):
        services.follow(person=suspended(), idea=idea)
    Idea.objects.filter(pk=idea.pk).update(status=ContentStatus.HIDDEN)
    idea.refresh_from_db()
    with pytest.raises(Refusal):
        services.follow(person=alice, idea=idea)


def test_follow_event_record_makes_one_event(conversation: Conversation, alice: User, fran: User) -> None:
    group = _group(conversation, make_idea(conversation, alice), fran)
    event = services.follow_event_record(kind=FollowEvent.Kind.UPDATE, group=group)
    assert list(FollowEvent.objects.all()) == [event]
    assert (event.kind, event.group_id, event.idea_id) == ("update", group.pk, None)


# --- Pages ---------------------------------------------------------------------------------


def test_the_facilitator_responds_with_the_form_and_everyone_sees_it(
    client: Client, conversation: Conversation, alice: User, fran: User
) -> None:
    idea = make_idea(conversation, alice)
    url = f"/conversations/wellbeing/ideas/{idea.pk}/"
    client.force_login(fran)
    assert "Respond to this idea" in client.get(url).content.decode()
    form = client.get(url + "respond/")
    assert form.status_code == 200
    assert 'name="status"' in form.content.decode()

    bad = client.post(url + "respond/", {"status": "not_taken", "text_en": "", "text_cy": ""})
    assert bad.status_code == 400
    assert "Say why the idea is not being taken forward." in bad.content.decode()
    assert not IdeaResponse.objects.exists()

    saved = client.post(
        url + "respond/", {"status": "accepted", "text_en": "We will fund it.", "text_cy": ""}
    )
    assert saved.status_code == 302
    assert IdeaResponse.objects.get(idea=idea).status == "accepted"

    client.logout()
    page = client.get(url).content.decode()
    assert "Our response" in page
    assert "We will fund it." in page
    assert "Accepted" in page
    assert "Respond to this idea" not in page
    listing = client.get("/conversations/wellbeing/").content.decode()
    assert 'govuk-tag govuk-tag--blue">Accepted</strong>' in listing


def test_residents_do_not_find_the_response_form(
    client: Client, conversation: Conversation, alice: User, bob: User
) -> None:
    idea = make_idea(conversation, alice)
    client.force_login(bob)
    assert client.get(f"/conversations/wellbeing/ideas/{idea.pk}/respond/").status_code == 404
    posted = client.post(
        f"/conversations/wellbeing/ideas/{idea.pk}/respond/", {"status": "done", "text_en": "x"}
    )
    assert posted.status_code == 404
    assert not IdeaResponse.objects.exists()


def test_the_follow_button_follows_and_unfollows(
    client: Client, conversation: Conversation, alice: User, bob: User
) -> None:
    idea = make_idea(conversation, alice)
    url = f"/conversations/wellbeing/ideas/{idea.pk}/"
    client.force_login(bob)
    assert ">Follow</button>" in client.get(url).content.decode()
    response = client.post("/conversations/follow/", {"idea": idea.pk, "action": "follow", "next": url})
    assert response.status_code == 302
    assert response["Location"] == url
    assert Follow.objects.filter(person=bob, idea=idea).exists()
    assert ">Stop following</button>" in client.get(url).content.decode()
    client.post(
        "/conversations/follow/", {"idea": idea.pk, "action": "unfollow", "next": "https://evil.example/"}
    )
    assert not Follow.objects.exists()


def test_anonymous_people_are_asked_to_sign_in_to_follow(
    client: Client, conversation: Conversation, alice: User
) -> None:
    idea = make_idea(conversation, alice)
    assert (
        "Sign in to follow this" in client.get(f"/conversations/wellbeing/ideas/{idea.pk}/").content.decode()
    )
    response = client.post("/conversations/follow/", {"idea": idea.pk})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Follow.objects.exists()


def test_a_closed_conversation_shows_what_happened_to_its_top_ideas(
    client: Client, conversation: Conversation, alice: User, bob: User, fran: User
) -> None:
    answered = make_idea(conversation, alice, title="Benches")
    waiting = make_idea(conversation, bob, title="Bins")
    group = _group(conversation, answered, fran)
    services.idea_respond(
        idea=answered, by=fran, status="done", text_en="Twelve benches installed.", action_group=group
    )
    hidden = make_idea(conversation, alice, title="Hidden one")
    Idea.objects.filter(pk=hidden.pk).update(status=ContentStatus.HIDDEN)

    assert client.get("/conversations/wellbeing/outcome/").status_code == 404  # still open
    Conversation.objects.filter(pk=conversation.pk).update(status=Conversation.Status.CLOSED)
    detail = client.get("/conversations/wellbeing/").content.decode()
    assert 'href="/conversations/wellbeing/outcome/"' in detail
    page = client.get("/conversations/wellbeing/outcome/").content.decode()
    assert "Twelve benches installed." in page
    assert "Bench builders" in page
    assert waiting.title in page and "No response yet." in page
    # The ideas an action group acts on say so, with its status, even without a response.
    _group(conversation, waiting, fran, name="Bin crew")
    page = client.get("/conversations/wellbeing/outcome/").content.decode()
    assert "Action groups working on it:" in page and "Bin crew" in page and "(Forming)" in page
    assert "Hidden one" not in page
    welsh = client.get("/cy/conversations/wellbeing/outcome/").content.decode()
    assert "Adeiladwyr meinciau" in welsh


def test_responses_on_the_cards_cost_the_conversation_page_no_queries(
    client: Client, conversation: Conversation, alice: User, fran: User
) -> None:
    ideas = [make_idea(conversation, alice, title=f"Idea {number}") for number in range(6)]
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    url = "/conversations/wellbeing/"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    without = count()
    group = _group(conversation, ideas[0], fran)
    for idea, status in zip(
        ideas, ["accepted", "done", "not_taken", "considering", "done", "accepted"], strict=True
    ):
        services.idea_respond(idea=idea, by=fran, status=status, text_en="Because.", action_group=group)
    assert count() == without
    page = client.get(url).content.decode()
    cards = page[page.index('id="ideas-heading"') : page.index("govuk-grid-column-one-third")]
    assert (
        cards.count('<strong class="govuk-tag govuk-tag--') == 6
    )  # the action group's own tag is beside them


def test_a_suspended_person_sees_no_follow_button(
    client: Client, conversation: Conversation, alice: User
) -> None:
    idea = make_idea(conversation, alice)
    client.force_login(suspended())
    page = client.get(f"/conversations/wellbeing/ideas/{idea.pk}/").content.decode()
    assert ">Follow</button>" not in page
    assert "Sign in to follow this" not in page


# --- The export ----------------------------------------------------------------------------


def test_the_export_has_the_response_and_the_action_groups_figures(
    client: Client, conversation: Conversation, alice: User, bob: User, fran: User
) -> None:
    idea = make_idea(conversation, alice, title="Benches")
    plain = make_idea(conversation, bob, title="Bins")
    group = _group(conversation, idea, fran)
    ActionGroup.objects.filter(pk=group.pk).update(status=ActionGroup.Status.ACTIVE)
    services.idea_respond(idea=idea, by=fran, status="accepted", text_en="We will.", text_cy="Fe wnawn ni.")
    now = timezone.now()
    bound = Pledge.objects.create(
        group=group, person=bob, kind="hours", minutes=180, status="bound", bound_at=now
    )
    Pledge.objects.create(
        group=group, person=alice, kind="skill", description="Joinery", status="bound", bound_at=now
    )
    Pledge.objects.create(
        group=group, person=fran, kind="hours", minutes=60, status="withdrawn", withdrawn_at=now
    )
    HoursGiven.objects.create(
        pledge=bound, minutes=90, given_on=date(2026, 5, 1), confirmed_by=fran, idempotency_key="k1"
    )
    client.force_login(fran)
    response = client.get("/conversations/wellbeing/facilitate/export/action-list.csv")
    rows = list(csv.reader(io.StringIO(streamed(response).decode("utf-8-sig"))))
    header = rows[0]
    columns = [
        "Response status",
        "Response",
        "Action group",
        "Action group status",
        "Pledges",
        "Hours pledged",
        "Hours given",
    ]
    assert header[-7:] == columns
    by_title = {row[1]: row[-7:] for row in rows[1:]}
    assert by_title["Benches"] == ["Accepted", "We will.", "Bench builders", "Active", "2", "3.0", "1.5"]
    assert by_title[plain.title] == ["", "", "", "", "", "", ""]

    welsh = client.get("/cy/conversations/wellbeing/facilitate/export/action-list.csv")
    rows = list(csv.reader(io.StringIO(streamed(welsh).decode("utf-8-sig"))))
    by_title = {row[1]: row[-7:] for row in rows[1:]}
    assert by_title["Benches"][:4] == ["Derbyniwyd", "Fe wnawn ni.", "Adeiladwyr meinciau", "Gweithredol"]


# --- The admin -----------------------------------------------------------------------------


def test_officers_list_responses_by_status_and_organisation(
    client: Client, conversation: Conversation, alice: User, fran: User, olwen: User
) -> None:
    accepted = make_idea(conversation, alice, title="Benches")
    refused = make_idea(conversation, alice, title="Fountains")
    services.idea_respond(idea=accepted, by=fran, status="accepted", text_en="Yes.")
    services.idea_respond(idea=refused, by=fran, status="not_taken", text_en="No water supply.")
    client.force_login(olwen)
    everything = client.get("/admin/conversations/idearesponse/").content.decode()
    assert "Benches" in everything and "Fountains" in everything
    only_accepted = client.get("/admin/conversations/idearesponse/?status__exact=accepted").content.decode()
    assert "Benches" in only_accepted and "Fountains" not in only_accepted
    cardiff = Organisation.objects.create(slug="cardiff", name_en="Cardiff Council", kind="local_authority")
    theirs = make_idea(make_conversation(cardiff, slug="cardiff-parks"), alice, title="Parks")
    services.idea_respond(idea=theirs, by=olwen, status="accepted", text_en="Yes.")
    by_organisation = client.get(
        f"/admin/conversations/idearesponse/?idea__conversation__organisation__id__exact={cardiff.pk}"
    ).content.decode()
    assert "Parks" in by_organisation and "Benches" not in by_organisation
    client.force_login(fran)
    # Not staff: sent to the admin's sign-in.
    assert client.get("/admin/conversations/idearesponse/").status_code == 302

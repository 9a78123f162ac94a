"""Rating ideas: the form, htmx, the one-rating-per-person rule (also under a real race) and
the background ranking that follows."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction
from django.db.utils import IntegrityError
from django.test import Client

from conversations import ranking_runs, ranking_store, services
from conversations.models import Conversation, IdeaRanking, RankingSummary, Rating
from conversations.ranking_store import Scope
from tests.conftest import make_conversation
from tests.conversations.conftest import make_idea, make_people
from vocaleyes.models import Organisation, User

pytestmark = pytest.mark.django_db


def rate_url(idea_id: int) -> str:
    return f"/conversations/wellbeing/ideas/{idea_id}/rate/"


def test_a_resident_rates_with_a_plain_form_and_comes_back_to_the_idea(
    client: Client, conversation: Conversation, alice: User, bob: User, django_capture_on_commit_callbacks
) -> None:
    idea = make_idea(conversation, bob)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(rate_url(idea.pk), {"value": "5"})
    assert response.status_code == 302
    assert response["Location"] == f"/conversations/wellbeing/ideas/{idea.pk}/#rating"
    rating = Rating.objects.get()
    assert (rating.user, rating.idea, rating.value, rating.conversation) == (alice, idea, 5, conversation)
    page = client.get(f"/conversations/wellbeing/ideas/{idea.pk}/").content.decode()
    assert "Your rating has been saved: Essential." in page
    assert "You rated this idea: Essential." in page


def test_htmx_gets_the_rating_control_back_updated_in_place(
    client: Client, conversation: Conversation, alice: User, bob: User
) -> None:
    idea = make_idea(conversation, bob)
    client.force_login(alice)
    response = client.post(rate_url(idea.pk), {"value": "2"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith("<form")
    assert "<html" not in page
    assert 'hx-post="/conversations/wellbeing/ideas/' in page
    assert "Saved. You rated this idea: Slightly important." in page
    assert 'value="2" checked' in page
    assert Rating.objects.get().value == 2


def test_a_rating_can_be_changed_and_stays_one_rating(
    client: Client, conversation: Conversation, alice: User, bob: User
) -> None:
    idea = make_idea(conversation, bob)
    client.force_login(alice)
    client.post(rate_url(idea.pk), {"value": "1"})
    first = Rating.objects.get()
    client.post(rate_url(idea.pk), {"value": "4"})
    rating = Rating.objects.get()
    assert (rating.pk, rating.value, rating.created) == (first.pk, 4, first.created)
    assert rating.updated > first.updated


def test_the_database_refuses_a_second_rating_by_the_same_person(
    conversation: Conversation, alice: User, bob: User
) -> None:
    idea = make_idea(conversation, bob)
    Rating.objects.create(idea=idea, user=alice, conversation=conversation, value=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(idea=idea, user=alice, conversation=conversation, value=4)
    assert Rating.objects.count() == 1


def test_the_database_refuses_a_value_off_the_scale(
    conversation: Conversation, alice: User, bob: User
) -> None:
    idea = make_idea(conversation, bob)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(idea=idea, user=alice, conversation=conversation, value=6)
    assert not Rating.objects.exists()


@pytest.mark.parametrize("value", ["0", "6", "", "important", "4.5"])
def test_a_value_off_the_scale_is_explained_and_not_saved(
    client: Client, conversation: Conversation, alice: User, bob: User, value: str
) -> None:
    idea = make_idea(conversation, bob)
    client.force_login(alice)
    response = client.post(rate_url(idea.pk), {"value": value})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose how important this idea is to you" in page
    assert "<title>Error:" in page
    htmx = client.post(rate_url(idea.pk), {"value": value}, headers={"HX-Request": "true"}).content.decode()
    assert "govuk-error-message" in htmx
    assert not Rating.objects.exists()


def test_nobody_rates_their_own_idea(client: Client, conversation: Conversation, alice: User) -> None:
    idea = make_idea(conversation, alice)
    client.force_login(alice)
    assert "you cannot rate it" in client.get(f"/conversations/wellbeing/ideas/{idea.pk}/").content.decode()
    response = client.post(rate_url(idea.pk), {"value": "5"})
    assert response.status_code == 400
    assert "You cannot rate your own idea." in response.content.decode()
    assert not Rating.objects.exists()


def test_an_anonymous_rating_goes_to_sign_in_and_back_to_the_idea(
    client: Client, conversation: Conversation, bob: User
) -> None:
    idea = make_idea(conversation, bob)
    response = client.post(rate_url(idea.pk), {"value": "5"})
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/conversations/wellbeing/ideas/{idea.pk}/"
    assert not Rating.objects.exists()


def test_ratings_close_with_the_conversation(
    client: Client, organisation: Organisation, alice: User, bob: User
) -> None:
    closed = make_conversation(organisation, slug="closed")
    idea = make_idea(closed, bob)
    Conversation.objects.filter(pk=closed.pk).update(status=Conversation.Status.CLOSED)
    client.force_login(alice)
    response = client.post(f"/conversations/closed/ideas/{idea.pk}/rate/", {"value": "5"})
    assert response.status_code == 400
    assert "not taking new ideas, comments or ratings" in response.content.decode()
    assert not Rating.objects.exists()


def test_rating_a_hidden_idea_is_not_found(
    client: Client, conversation: Conversation, alice: User, bob: User
) -> None:
    idea = make_idea(conversation, bob)
    type(idea).objects.filter(pk=idea.pk).update(status="hidden")
    client.force_login(alice)
    assert client.post(rate_url(idea.pk), {"value": "5"}).status_code == 404
    assert not Rating.objects.exists()


def test_rating_an_idea_not_shown_or_not_in_this_conversation_is_not_found(
    client: Client, conversation: Conversation, alice: User, bob: User
) -> None:
    pending, shown = make_idea(conversation, bob), make_idea(conversation, bob)
    type(pending).objects.filter(pk=pending.pk).update(status="pending")
    client.force_login(alice)
    assert client.post(rate_url(pending.pk), {"value": "5"}).status_code == 404
    assert client.post(rate_url(shown.pk + 1000), {"value": "5"}).status_code == 404
    make_conversation(conversation.organisation, slug="another")
    assert client.post(f"/conversations/another/ideas/{shown.pk}/rate/", {"value": "5"}).status_code == 404
    assert not Rating.objects.exists()


def test_the_rating_view_runs_a_fixed_handful_of_queries(
    client: Client, conversation: Conversation, alice: User, bob: User, django_assert_max_num_queries
) -> None:
    idea = make_idea(conversation, bob)
    client.force_login(alice)
    with django_assert_max_num_queries(7):
        client.post(rate_url(idea.pk), {"value": "3"}, headers={"HX-Request": "true"})
    assert Rating.objects.get().value == 3


# --- Under a real race -----------------------------------------------------------------------


def _in_thread(target: Callable[[], None], errors: list[BaseException]) -> threading.Thread:
    def run() -> None:
        try:
            target()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _needs_a_server_database() -> None:
    if connection.vendor == "sqlite":
        # The in-memory SQLite test database shares one cache between connections and refuses
        # a second writer outright ("table is locked") instead of letting it wait: a race
        # cannot even start. These run on Postgres (CI's second run, and the bench database).
        pytest.skip("needs a database server that lets two connections race (Postgres)")


def _wait_until(condition: Callable[[], bool], seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_ratings_by_one_person_leave_one_rating(conversation: Conversation, bob: User) -> None:
    """Two connections rate the same idea as the same person at the same time.

    The first holds its transaction open after writing; the second writes meanwhile. On
    Postgres the test checks (from a third connection) that the second really is waiting on
    the first's row, so the two did race; then both commit and one rating remains.
    """
    _needs_a_server_database()
    (alice,) = make_people(1, "racer")
    idea = make_idea(conversation, bob)
    first_wrote, release = threading.Event(), threading.Event()
    second_done = threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        with transaction.atomic():
            services.rating_set(idea=idea, user=alice, value=2)
            first_wrote.set()
            release.wait(20)

    def second() -> None:
        first_wrote.wait(20)
        with transaction.atomic():
            services.rating_set(idea=idea, user=alice, value=5)
        second_done.set()

    threads = [_in_thread(first, errors), _in_thread(second, errors)]
    try:
        assert first_wrote.wait(20)
        if connection.vendor == "postgresql":
            observer = connections.create_connection("default")
            try:

                def second_is_blocked() -> bool:
                    with observer.cursor() as cursor:
                        cursor.execute(
                            "SELECT count(*) FROM pg_stat_activity "
                            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                        )
                        return cursor.fetchone()[0] >= 1

                assert _wait_until(second_is_blocked), "the second rating never waited for the first"
            finally:
                observer.close()
            assert not second_done.is_set()
    finally:
        release.set()
        for thread in threads:
            thread.join(30)
    assert errors == []
    rating = Rating.objects.get(idea=idea, user=alice)
    assert rating.value == 5  # the later write wins; there is still one row
    assert Rating.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_posts_through_the_view_leave_one_rating(
    conversation: Conversation, bob: User
) -> None:
    _needs_a_server_database()
    (alice,) = make_people(1, "clicker")
    idea = make_idea(conversation, bob)
    start = threading.Barrier(2)
    errors: list[BaseException] = []
    statuses: list[int] = []

    def post(value: str) -> Callable[[], None]:
        def run() -> None:
            client = Client()
            client.force_login(alice)
            start.wait(10)
            statuses.append(client.post(rate_url(idea.pk), {"value": value}).status_code)

        return run

    threads = [_in_thread(post("1"), errors), _in_thread(post("4"), errors)]
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert statuses == [302, 302]
    assert Rating.objects.filter(idea=idea, user=alice).count() == 1
    assert Rating.objects.get().value in {1, 4}


# --- The background ranking ------------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_ranking_runs_after_ratings_and_the_page_follows_it(
    client: Client, conversation: Conversation, bob: User
) -> None:
    """Ratings through the real view queue the ranking task (eagerly here; through Redis to the
    real worker in CI); once it has run, the conversation page lists ideas in its order."""
    ideas = [make_idea(conversation, bob, title=title) for title in ("Apples", "Bananas", "Cherries")]
    summary = RankingSummary.objects.get(conversation=conversation)
    before = summary.computed_at
    raters = make_people(6, "rater")
    # Cherries: everyone says essential; Apples: mixed; Bananas: nobody cares.
    wanted = {
        "Apples": ["3", "4", "3", "2", "4", "3"],
        "Bananas": ["1", "1", "2", "1", "1", "1"],
        "Cherries": ["5"] * 6,
    }
    for person_number, person in enumerate(raters):
        client.force_login(person)
        for idea in ideas:
            response = client.post(rate_url(idea.pk), {"value": wanted[idea.title][person_number]})
            assert response.status_code == 302

    def ranked() -> bool:
        latest = RankingSummary.objects.get(conversation=conversation)
        return (
            ranking_store.queued_at(Scope.of_conversation(conversation.pk)) is None
            and latest.computed_at is not None
            and latest.computed_at != before
            and latest.rating_count == 18
        )

    assert _wait_until(ranked, seconds=60), "the ranking task did not run"
    ranks = dict(IdeaRanking.objects.values_list("idea__title", "rank"))
    assert ranks == {"Cherries": 1, "Apples": 2, "Bananas": 3}
    snapshot = IdeaRanking.objects.get(idea__title="Cherries")
    assert (snapshot.rating_count, snapshot.count_5, snapshot.rating_mean) == (6, 6, 5.0)

    page = Client().get("/conversations/wellbeing/").content.decode()
    assert page.index("Cherries") < page.index("Apples") < page.index("Bananas")
    assert "Priority rank 1" in page
    assert "Priority ranking last updated on" in page


def test_pages_show_the_stored_ranking_not_a_fresh_count(
    client: Client, conversation: Conversation, alice: User, bob: User
) -> None:
    """Ratings written without a ranking run do not move anything until the run happens."""
    first = make_idea(conversation, bob, title="First posted")
    second = make_idea(conversation, bob, title="Second posted")
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    Rating.objects.create(idea=second, user=alice, conversation=conversation, value=5)
    # Without a run, the stored order (by age, nothing rated) stands.
    page = client.get("/conversations/wellbeing/").content.decode()
    assert page.index("First posted") < page.index("Second posted")
    assert "0 ratings" in page
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    page = client.get("/conversations/wellbeing/").content.decode()
    assert page.index("Second posted") < page.index("First posted")
    assert IdeaRanking.objects.get(idea=first).rank == 2

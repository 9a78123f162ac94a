"""The anonymous conversation page cache (``conversations/page_cache.py``): anonymous readers
get a stored copy for one query until the conversation's version changes (a ranking run, a
moderation decision, an edit); nobody else ever gets it, and it never carries anyone's CSRF
token or messages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conversations import page_cache, ranking_runs, services
from conversations.models import ActionGroup, Conversation, Idea, Rating
from tests.conftest import clear_cache, make_conversation, make_user
from tests.conversations.conftest import make_idea, make_people
from tests.conversations.test_conversation_page import titles
from vocaleyes.models import Organisation, User

pytestmark = pytest.mark.django_db

URL = "/conversations/wellbeing/"


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def ideas(conversation: Conversation, bob: User) -> dict[str, Idea]:
    """Two ranked ideas: "Benches" rated higher than "Library", so first by priority; "Library"
    is the newer one, so first by newest."""
    made = {
        "Benches": make_idea(conversation, bob, title="Benches"),
        "Library": make_idea(conversation, bob, title="Library"),
    }
    for person in make_people(2, "rater"):
        services.rating_set(idea=made["Benches"], user=person, value=5)
        services.rating_set(idea=made["Library"], user=person, value=2)
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    return made


def get(client: Client, url: str = URL) -> tuple[str, int]:
    """The page's HTML and how many queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_a_second_anonymous_read_comes_from_the_cache_for_one_query(
    client: Client, ideas: dict[str, Idea]
) -> None:
    first, rendered = get(client)
    second, cached = get(Client())
    assert second == first
    assert titles(second) == ["Benches", "Library"]
    assert rendered >= 4
    assert cached == 1  # the version: the conversation, its rankings' times, its last decision


def test_what_the_version_does_not_cover_is_served_from_the_copy(
    client: Client, ideas: dict[str, Idea]
) -> None:
    """A change that neither a run nor a decision nor an edit records (here written straight
    to the table) stays out of the anonymous page until the copy expires: proof that the page
    is the stored copy, and why the copy's lifetime is short."""
    get(client)
    Idea.objects.filter(pk=ideas["Benches"].pk).update(title="Renamed benches")
    assert titles(get(client)[0]) == ["Benches", "Library"]
    clear_cache()  # as when TIMEOUT_SECONDS have passed
    assert titles(get(client)[0]) == ["Renamed benches", "Library"]


def test_the_copy_lives_for_timeout_seconds(
    client: Client, ideas: dict[str, Idea], monkeypatch: pytest.MonkeyPatch
) -> None:
    stored: list[int] = []
    original_set = page_cache.cache.set

    def recording_set(key: str, value: object, timeout: int) -> None:
        stored.append(timeout)
        original_set(key, value, timeout)

    monkeypatch.setattr(page_cache.cache, "set", recording_set)
    get(client)
    assert stored == [page_cache.TIMEOUT_SECONDS]
    assert 0 < page_cache.TIMEOUT_SECONDS <= 60


def test_a_new_ranking_run_replaces_the_copy(
    client: Client, conversation: Conversation, ideas: dict[str, Idea]
) -> None:
    assert titles(get(client)[0]) == ["Benches", "Library"]
    for person in make_people(12, "fan"):
        Rating.objects.create(idea=ideas["Library"], user=person, conversation=conversation, value=5)
    # Ratings alone do not change the figures pages show; the run that counts them does.
    page = get(client)[0]
    assert titles(page) == ["Benches", "Library"]
    assert "14 ratings" not in page
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    page, queries = get(client)
    assert titles(page) == ["Library", "Benches"]
    assert "14 ratings" in page
    assert queries > 1  # rendered again, not the old copy
    assert get(client)[1] == 1


def test_a_hidden_idea_leaves_the_copy_at_once_before_any_run(
    client: Client, conversation: Conversation, ideas: dict[str, Idea], olwen: User
) -> None:
    """No ranking run happens here (the test's transaction never commits, so the queued run
    never starts): the moderation decision alone changes the version."""
    for url in (URL, URL + "?sort=newest", "/cy" + URL, URL + "?q=Benches"):
        assert "Benches" in get(client, url)[0]
    computed_at = conversation.ranking.computed_at
    services.content_hide(item=ideas["Benches"], officer=olwen, reason="Not for public view.")
    for url in (URL, URL + "?sort=newest", "/cy" + URL, URL + "?q=Benches"):
        page, _ = get(client, url)
        assert "Benches" not in titles(page)
        assert "Library" in page or "q=Benches" in url
    conversation.ranking.refresh_from_db()
    assert conversation.ranking.computed_at == computed_at  # no run: the decision did it

    services.content_restore(item=ideas["Benches"], officer=olwen, reason="Reviewed: fine.")
    assert titles(get(client)[0]) == ["Benches", "Library"]


def test_a_comment_hidden_changes_the_count_at_once(
    client: Client, ideas: dict[str, Idea], olwen: User, alice: User
) -> None:
    comment = services.comment_create(idea=ideas["Library"], author=alice, body="Rude words")
    assert "1 comment" in get(client)[0]
    services.content_hide(item=comment, officer=olwen, reason="Rude.")
    page, _ = get(client)
    assert "1 comment" not in page
    assert "0 comments" in page


def test_an_edit_of_the_conversation_replaces_the_copy(
    client: Client, conversation: Conversation, ideas: dict[str, Idea], fran: User
) -> None:
    get(client)

    def edit(**changes: str) -> None:
        values = {
            "title_en": conversation.title_en,
            "title_cy": conversation.title_cy,
            "description_en": conversation.description_en,
            "description_cy": conversation.description_cy,
            "status": conversation.status,
            "visibility": conversation.visibility,
        }
        services.conversation_edit(
            user=fran, conversation=conversation, authors_start_action_groups=False, **{**values, **changes}
        )

    edit(title_en="A better seafront")
    assert "A better seafront" in get(client)[0]
    # No longer listed: the view decides (a draft is not found, an invitation-only one says
    # how to join), never the copy.
    edit(visibility=Conversation.Visibility.INVITATION)
    response = client.get(URL)
    assert response.status_code == 403
    assert "Benches" not in response.content.decode()
    edit(visibility=Conversation.Visibility.PUBLIC, status=Conversation.Status.DRAFT)
    assert client.get(URL).status_code == 404


def test_the_version_is_read_only_for_listed_conversations(
    conversation: Conversation, organisation: Organisation
) -> None:
    """Compiled once, run with each slug: the listed conversation's own row, nothing for the
    others (which the view then answers, refusing them)."""
    draft = make_conversation(organisation, slug="draft", status=Conversation.Status.DRAFT)
    invited = make_conversation(organisation, slug="invited", visibility=Conversation.Visibility.INVITATION)
    current = page_cache.version(conversation.slug)
    assert current is not None
    assert current[0] == conversation.pk
    assert page_cache.version(draft.slug) is None
    assert page_cache.version(invited.slug) is None
    assert page_cache.version("no-such-conversation") is None
    assert page_cache.version(conversation.slug) == current


def test_a_fair_order_run_changes_the_version(conversation: Conversation, age_bands: object) -> None:
    """The representative and consensus orders are swapped in after the conversation's own
    ranking, in the same run: their own times are in the version, so a page rendered between
    the two swaps is not kept past the second."""
    before = page_cache.version(conversation.slug)
    assert before is not None
    conversation.other_rankings.filter(order="consensus").update(computed_at=timezone.now())
    after = page_cache.version(conversation.slug)
    assert after is not None
    assert after != before
    assert after[:3] == before[:3]  # the conversation and its own ranking did not change


def test_an_official_response_and_a_new_action_group_show_at_once(
    client: Client, conversation: Conversation, ideas: dict[str, Idea], fran: User
) -> None:
    page = get(client)[0]
    assert "Accepted" not in page
    services.idea_respond(idea=ideas["Benches"], by=fran, status="accepted", text_en="We will.")
    page, queries = get(client)
    assert "Accepted" in page
    assert queries > 1
    ActionGroup.objects.create(
        conversation=conversation, name_en="Bench builders", name_cy="Adeiladwyr meinciau", created_by=fran
    )
    assert "Bench builders" in get(client)[0]


def test_languages_sorts_searches_and_pages_are_kept_apart(
    client: Client, conversation: Conversation, ideas: dict[str, Idea], bob: User
) -> None:
    for number in range(19):
        make_idea(conversation, bob, title=f"Extra {number:02d}")
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    expected = {
        URL: ("What would make life better?", "Benches"),
        "/cy" + URL: ("Beth fyddai&#x27;n gwneud bywyd yn well?", "Benches"),
        URL + "?sort=newest": ("Sort by", "Extra 18"),
        URL + "?q=Library": ("1 idea matches", "Library"),
        URL + "?page=2": ("Page 2 of 2", None),
    }
    for _round in range(2):  # rendered, then from the cache: each its own copy
        for url, (text, first_title) in expected.items():
            page, _ = get(client, url)
            assert text in page, url
            if first_title is not None:
                assert titles(page)[0] == first_title, url
    assert '<html lang="cy"' in get(client, "/cy" + URL)[0]
    assert '<html lang="en"' in get(client, URL)[0]
    assert get(client, URL + "?page=2")[1] == 1


def test_signed_in_people_never_get_the_anonymous_copy_nor_leave_theirs(
    client: Client, conversation: Conversation, ideas: dict[str, Idea], alice: User
) -> None:
    anonymous, _ = get(client)
    assert "to post ideas, comment and rate them" in anonymous
    alice_client = Client()
    alice_client.force_login(alice)
    Rating.objects.create(idea=ideas["Library"], user=alice, conversation=conversation, value=4)
    for _round in range(2):
        page, queries = get(alice_client)
        assert "Sign out" in page
        assert "Your profile" in page
        assert "You rated it: Very important" in page
        assert "to post ideas, comment and rate them" not in page
        assert queries > 1
    # And the anonymous copy is still the anonymous page.
    page, queries = get(Client())
    assert page == anonymous
    assert queries == 1


def test_a_suspended_person_gets_their_own_page(
    client: Client, conversation: Conversation, ideas: dict[str, Idea]
) -> None:
    get(client)
    sam = make_user("sam@example.org", "Sam", suspended_at=timezone.now(), suspension_reason="Spam.")
    client.force_login(sam)
    page, queries = get(client)
    assert "Sign out" in page
    assert "govuk-warning-text" in page  # told of the suspension in place of the forms
    assert "to post ideas, comment and rate them" not in page
    assert queries > 1


def test_the_anonymous_page_carries_no_csrf_token_and_sets_no_cookie(
    client: Client, ideas: dict[str, Idea]
) -> None:
    for _round in range(2):
        response = client.get(URL)
        assert "csrfmiddlewaretoken" not in response.content.decode()
        assert "csrftoken" not in response.cookies
        assert "sessionid" not in response.cookies


def _message_cookie(text: str) -> str:
    """The messages cookie a redirect after an action would leave (Django's cookie storage)."""
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    storage.add(constants.SUCCESS, text)
    response = HttpResponse()
    storage.update(response)
    return response.cookies[storage.cookie_name].value


def test_a_visitor_with_a_message_waiting_sees_it_and_it_is_never_stored(
    ideas: dict[str, Idea],
) -> None:
    get(Client())  # a copy exists
    visitor = Client()
    visitor.cookies[CookieStorage.cookie_name] = _message_cookie("You have signed out.")
    page, queries = get(visitor)
    assert "You have signed out." in page
    assert queries > 1
    clear_cache()
    visitor.cookies[CookieStorage.cookie_name] = _message_cookie("Your account has been deleted.")
    assert "Your account has been deleted." in get(visitor)[0]
    # Rendered with a message, the page was not kept: the next visitor gets theirs, rendered.
    page, queries = get(Client())
    assert "Your account has been deleted." not in page
    assert queries > 1


def test_other_parameters_and_htmx_requests_skip_the_cache(client: Client, ideas: dict[str, Idea]) -> None:
    get(client)
    assert get(client, URL + "?utm_source=newsletter")[1] > 1
    with CaptureQueriesContext(connection) as queries:
        client.get(URL, headers={"HX-Request": "true"})
    assert len(queries) > 1
    assert get(client)[1] == 1

"""Issue 13, "consistency and trust": the figures beside a rating agree with it, the score is
explained where it is shown, unrated ideas sit where the page says, and a closed conversation
shows what it was and what came of it."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client, RequestFactory
from django.utils import timezone

from conversations import ranking_runs, services
from conversations.admin import ConversationAdmin
from conversations.models import Conversation, Idea, IdeaResponse, Rating
from tests.conversations.conftest import make_idea, make_people
from vocaleyes.models import Organisation, User

pytestmark = pytest.mark.django_db


def titles(page: str) -> list[str]:
    """Idea titles in the order the conversation's list shows them."""
    return re.findall(
        r'<h3 class="govuk-heading-m[^"]*"><a class="govuk-link" href="[^"]+"[^>]*>([^<]+)</a>', page
    )


def text_of(page: str) -> str:
    """The page's words without tags, entities decoded and white space collapsed, to search in."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def rate_all(idea: Idea, people: list[User], value: int) -> None:
    for person in people:
        services.rating_set(idea=idea, user=person, value=value)


# --- The score, explained where it is shown; unrated ideas where the page says ---------------


@pytest.fixture
def rated_and_new(conversation: Conversation, bob: User) -> dict[str, Idea]:
    """Real ratings through the service: ten people rate one idea Essential (so the
    conversation's average is high), three rate one Very important and three rate one
    Important; one idea is new and unrated."""
    ideas = {
        title: make_idea(conversation, bob, title=title)
        for title in ("Loved by ten", "Three say very important", "Three say important", "Brand new")
    }
    people = make_people(10, "rater")
    rate_all(ideas["Loved by ten"], people, 5)
    rate_all(ideas["Three say very important"], people[:3], 4)
    rate_all(ideas["Three say important"], people[3:6], 3)
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    return ideas


def test_a_new_idea_comes_after_ideas_rated_above_average_and_before_those_rated_well_below(
    client: Client, rated_and_new: dict[str, Idea]
) -> None:
    page = client.get("/conversations/wellbeing/").content.decode()
    # The conversation's average is 4.1: three ratings of 3 are well below it, and the new
    # idea (scored as five ratings like the conversation's, made cautious) comes before them.
    assert titles(page) == ["Loved by ten", "Three say very important", "Brand new", "Three say important"]
    text = text_of(page)
    assert (
        "ideas that several people rated above the conversation's average come before it, and ideas "
        "that several people rated well below that average come after it, even if only three people "
        "rated them" in text
    )
    assert "An idea posted since the last update is listed after the ranked ideas" in text
    welsh = text_of(client.get("/cy/conversations/wellbeing/").content.decode())
    assert "Felly nid yw syniad newydd ar y brig nac ar y gwaelod" in welsh
    assert "hyd yn oed os mai dim ond tri pherson a'u sgoriodd" in welsh


def test_the_idea_page_explains_the_score_beside_it_not_only_in_the_collapsed_section(
    client: Client, conversation: Conversation, bob: User
) -> None:
    idea = make_idea(conversation, bob)
    other = make_idea(conversation, bob, title="Another idea")
    services.rating_set(idea=idea, user=make_people(1, "fan")[0], value=5)
    rate_all(other, make_people(3, "neighbour"), 3)
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    page = client.get(f"/conversations/wellbeing/ideas/{idea.pk}/").content.decode()
    # A single 5 among three 3s: "average 5.0" beside a much lower score, and the sentence
    # beside them says why (the conversation's smoothed average: (1+2+3·4+4+5·2)/9 = 3.22).
    assert "1 rating, average 5.0" in page
    assert "Priority score 2.71 out of 5" in page
    explained = re.search(r'<p class="govuk-body-s" id="score-explained">(.*?)</p>', page, re.S)
    assert explained is not None
    before_details = page.index('id="score-explained"') < page.index('class="govuk-details"')
    assert before_details
    assert text_of(explained.group(1)) == (
        "The priority score is not the average rating: it is a cautious estimate that counts the "
        "idea's ratings together with five imaginary ratings at the conversation's average (3.22 out "
        "of 5). So with few ratings it stays nearer that average, below the idea's own average when "
        "that is high, and it comes closer to the idea's own average as more people rate it."
    )
    welsh = client.get(f"/cy/conversations/wellbeing/ideas/{idea.pk}/").content.decode()
    assert "Nid y sgôr gyfartalog yw'r sgôr blaenoriaeth" in text_of(welsh)
    assert "(3.22 allan o 5)" in text_of(welsh)


def test_a_roll_up_explains_its_scores_beside_the_list(
    client: Client, organisation: Organisation, conversation: Conversation, alice: User
) -> None:
    region = Organisation.objects.create(
        slug="swansea-bay",
        name_en="Swansea Bay region",
        name_cy="Rhanbarth Bae Abertawe",
        kind=Organisation.Kind.LOCAL_AUTHORITY,
        level=Organisation.Level.REGIONAL,
    )
    organisation.parent = region
    organisation.save()
    benches, buses = make_idea(conversation, alice), make_idea(conversation, alice, title="Later buses")
    for person in make_people(3, "rater"):
        services.rating_set(idea=benches, user=person, value=2)
        services.rating_set(idea=buses, user=person, value=5)
    ranking_runs.roll_up_recompute(organisation_id=region.pk)
    page = text_of(client.get("/organisations/swansea-bay/").content.decode())
    # Outside the collapsed "How this list is worked out", with the roll-up's own average:
    # (1 + 2·4 + 3 + 4 + 5·4) / 11 = 3.27.
    assert (
        "The priority score is not the average rating: it is a cautious estimate that counts the "
        "idea's ratings together with five imaginary ratings at the average across these "
        "conversations (3.27 out of 5)." in page
    )
    welsh = text_of(client.get("/cy/organisations/swansea-bay/").content.decode())
    assert "ar y cyfartaledd ar draws y sgyrsiau hyn (3.27 allan o 5)" in welsh


# --- The figures beside the rating form agree with the rating just given ---------------------


def idea_url(idea: Idea, language: str = "en") -> str:
    prefix = "/cy" if language == "cy" else ""
    return f"{prefix}/conversations/wellbeing/ideas/{idea.pk}/"


@pytest.fixture
def rated_once(conversation: Conversation, bob: User) -> Idea:
    """An idea one neighbour rated Important, counted in the stored ranking."""
    idea = make_idea(conversation, bob)
    services.rating_set(idea=idea, user=make_people(1, "neighbour")[0], value=3)
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    return idea


@pytest.mark.parametrize(
    ("language", "included", "figures"),
    [
        ("en", "These figures include your rating: Essential.", "2 ratings, average 4.0"),
        ("cy", "Mae'r ffigurau hyn yn cynnwys eich sgôr: Hanfodol.", "2 sgôr, cyfartaledd 4.0"),
    ],
)
def test_after_the_ranking_runs_the_panel_counts_the_rating_and_says_so(
    client: Client,
    rated_once: Idea,
    alice: User,
    django_capture_on_commit_callbacks,
    language: str,
    included: str,
    figures: str,
) -> None:
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):  # the recompute runs after the rating
        client.post(f"{idea_url(rated_once, language)}rate/", {"value": "5"})
    page = text_of(client.get(idea_url(rated_once, language)).content.decode())
    assert included in page
    assert figures in page
    assert "not in these figures yet" not in page and "yn y ffigurau hyn eto" not in page


@pytest.mark.parametrize(
    ("language", "pending", "figures"),
    [
        (
            "en",
            "Your rating (Essential) is not in these figures yet: the ranking is updated within about "
            "7 seconds of a rating. Show the latest figures",
            "1 rating, average 3.0",
        ),
        (
            "cy",
            "Nid yw eich sgôr (Hanfodol) yn y ffigurau hyn eto: caiff y drefn ei diweddaru o fewn tua "
            "7 eiliad i sgôr. Dangos y ffigurau diweddaraf",
            "1 sgôr, cyfartaledd 3.0",
        ),
    ],
)
def test_before_the_ranking_runs_the_panel_says_the_rating_is_not_counted_yet(
    client: Client, rated_once: Idea, alice: User, language: str, pending: str, figures: str
) -> None:
    client.force_login(alice)
    # Without the on-commit recompute, as when the worker has not run yet.
    response = client.post(f"{idea_url(rated_once, language)}rate/", {"value": "5"})
    assert response.status_code == 302
    page = text_of(client.get(idea_url(rated_once, language)).content.decode())
    assert figures in page  # the stored figures, as of the last update …
    assert pending in page  # … and a plain sentence that they do not count the rating yet
    assert "Figures as of the last update" in page or "Ffigurau'r diweddariad diwethaf" in page


def test_an_idea_whose_only_rating_is_not_counted_yet_does_not_say_nobody_rated_it(
    client: Client, conversation: Conversation, alice: User, bob: User
) -> None:
    idea = make_idea(conversation, bob)
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    client.force_login(alice)
    client.post(f"{idea_url(idea)}rate/", {"value": "4"})
    page = text_of(client.get(idea_url(idea)).content.decode())
    assert "No ratings counted yet." in page
    assert "Nobody has rated this idea yet" not in page
    assert "Your rating (Very important) is not in these figures yet" in page


@pytest.mark.parametrize(
    ("language", "pending"),
    [
        ("en", "Your rating (Essential) is not in these figures yet"),
        ("cy", "Nid yw eich sgôr (Hanfodol) yn y ffigurau hyn eto"),
    ],
)
def test_with_htmx_the_panel_note_is_swapped_in_beside_the_figures_on_the_page(
    client: Client,
    rated_once: Idea,
    alice: User,
    django_capture_on_commit_callbacks,
    language: str,
    pending: str,
) -> None:
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{idea_url(rated_once, language)}rate/", {"value": "5"}, headers={"HX-Request": "true"}
        )
    body = response.content.decode()
    # The figures on the page were rendered before this rating, so the note beside them says
    # they do not count it yet and links to the page with the latest figures.
    note = re.search(r'<p id="priority-yours" hx-swap-oob="innerHTML">(.*?)</p>', body, re.S)
    assert note is not None
    assert pending in text_of(note.group(1))
    assert f'href="{idea_url(rated_once, language)}#priority-heading"' in note.group(1)


def test_with_htmx_an_invalid_rating_leaves_the_panel_note_alone(
    client: Client, rated_once: Idea, alice: User
) -> None:
    client.force_login(alice)
    response = client.post(f"{idea_url(rated_once)}rate/", {}, headers={"HX-Request": "true"})
    assert "priority-yours" not in response.content.decode()


# --- Rating with htmx: a live region already in the page, the same error summary ----------------


def test_the_idea_page_has_the_rating_live_region_outside_the_form_that_htmx_replaces(
    client: Client, rated_once: Idea, alice: User
) -> None:
    client.force_login(alice)
    page = client.get(idea_url(rated_once)).content.decode()
    status = re.search(r'<div ([^>]*id="rating-status"[^>]*)>', page)
    assert status is not None
    for attribute in ('role="status"', 'aria-live="polite"', 'tabindex="-1"'):
        assert attribute in status.group(1)
    assert page.index('id="rating-status"') < page.index('id="rating-form"')  # not inside it
    assert '<script src="/static/js/rating.js" type="module"></script>' in page


@pytest.mark.parametrize(
    ("language", "saved"),
    [
        ("en", "Saved. You rated this idea: Essential."),
        ("cy", "Wedi'i gadw. Eich sgôr i'r syniad hwn: Hanfodol."),
    ],
)
def test_with_htmx_the_message_goes_into_the_live_region_already_in_the_page(
    client: Client, rated_once: Idea, alice: User, language: str, saved: str
) -> None:
    client.force_login(alice)
    body = client.post(
        f"{idea_url(rated_once, language)}rate/", {"value": "5"}, headers={"HX-Request": "true"}
    ).content.decode()
    # Only the words, swapped into the existing region (innerHTML), so it is announced.
    status = re.search(r'<div id="rating-status" hx-swap-oob="innerHTML">(.*?)</div>', body, re.S)
    assert status is not None
    assert text_of(status.group(1)) == saved
    assert 'role="status"' not in body  # no second live region inserted with the response
    assert "govuk-error-summary" not in body


@pytest.mark.parametrize(
    ("language", "problem", "required"),
    [
        ("en", "There is a problem", "Choose how important this idea is to you."),
        ("cy", "Mae problem", "Dewiswch pa mor bwysig yw'r syniad hwn i chi."),
    ],
)
def test_with_htmx_an_unchosen_rating_comes_back_with_the_same_error_summary_as_without(
    client: Client, rated_once: Idea, alice: User, language: str, problem: str, required: str
) -> None:
    client.force_login(alice)
    url = f"{idea_url(rated_once, language)}rate/"
    body = client.post(url, {}, headers={"HX-Request": "true"}).content.decode()
    plain = client.post(url, {}).content.decode()
    summary_markup = re.compile(r'<div class="govuk-error-summary".*?</ul>', re.S)
    with_htmx, without = summary_markup.search(body), summary_markup.search(plain)
    assert with_htmx is not None and without is not None
    assert with_htmx.group(0) == without.group(0)
    assert problem in with_htmx.group(0)
    assert f'<a href="#id_value_0">{required}</a>' in html.unescape(with_htmx.group(0))
    assert body.lstrip().startswith("<form")  # the summary is in the swapped form
    assert 'id="id_value-error"' in body
    assert Rating.objects.filter(user=alice).count() == 0


# --- A closed conversation: what it was, when it ran, what came of it ------------------------


@pytest.fixture
def closed(conversation: Conversation, bob: User, fran: User) -> Conversation:
    """A conversation that ran from 3 March to 27 June 2025, with three rated ideas (the best
    one answered) and one nobody rated."""
    titles_and_values = (("Respite breaks", 5), ("Peer support groups", 4), ("A carers' card", 2))
    people = make_people(3, "carer")
    for title, value in titles_and_values:
        rate_all(make_idea(conversation, bob, title=title), people, value)
    make_idea(conversation, bob, title="Nobody rated this")
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    services.idea_respond(
        idea=Idea.objects.get(title="Respite breaks"),
        by=fran,
        status=IdeaResponse.Status.ACCEPTED,
        text_en="We fund two respite weeks a year.",
    )
    Conversation.objects.filter(pk=conversation.pk).update(
        status=Conversation.Status.CLOSED, opened_on=date(2025, 3, 3), closed_on=date(2025, 6, 27)
    )
    conversation.refresh_from_db()
    return conversation


@pytest.mark.parametrize(
    ("language", "ran", "responded", "outcome_link", "no_working_page"),
    [
        (
            "en",
            "It ran from 3 March 2025 to 27 June 2025.",
            "Swansea Council has responded to 1 of the 4 ideas people rated highest.",
            "See what happened to the top ideas",
            ("Search ideas", "Sort by", "How the priority ranking works", "Save rating"),
        ),
        (
            "cy",
            "Fe'i cynhaliwyd o 3 Mawrth 2025 i 27 Mehefin 2025.",
            "Mae Cyngor Abertawe wedi ymateb i 1 o'r 4 syniad a gafodd y sgôr uchaf gan bobl.",
            "Gweld beth ddigwyddodd i'r prif syniadau",
            ("Chwilio syniadau", "Sut mae'r drefn blaenoriaeth yn gweithio", "Cadw'r sgôr"),
        ),
    ],
)
def test_a_closed_conversation_shows_what_it_was_when_it_ran_and_what_came_of_it(
    client: Client,
    closed: Conversation,
    alice: User,
    language: str,
    ran: str,
    responded: str,
    outcome_link: str,
    no_working_page: tuple[str, ...],
) -> None:
    client.force_login(alice)
    prefix = "/cy" if language == "cy" else ""
    raw = client.get(f"{prefix}/conversations/wellbeing/").content.decode()
    page = text_of(raw)
    assert "Tell us your ideas." in page or "Rhannwch eich syniadau." in page  # what it was about
    assert ran in page
    assert responded in page
    assert outcome_link in page
    assert f'href="{prefix}/conversations/wellbeing/outcome/"' in raw
    # Its top ideas, in priority order, read only.
    # (The unrated idea comes before the one three people rated well below the average.)
    assert titles(raw) == [
        "Respite breaks",
        "Peer support groups",
        "Nobody rated this",
        "A carers&#x27; card",
    ]
    assert "<form" not in raw.split('id="outcome"')[1].split("</main>")[0]
    for working in no_working_page:
        assert working not in page
    # Its real dates, not the day it was set up.
    assert "Started" not in page and "Dechreuwyd" not in page
    assert ("Closed on 27 June 2025" in page) or ("Caewyd ar 27 Mehefin 2025" in page)


def test_a_closed_conversation_without_ideas_says_so_and_nothing_else(
    client: Client, conversation: Conversation
) -> None:
    Conversation.objects.filter(pk=conversation.pk).update(status=Conversation.Status.CLOSED)
    page = text_of(client.get("/conversations/wellbeing/").content.decode())
    assert "This conversation had no ideas." in page
    assert "0 ideas" not in page and "Search ideas" not in page
    assert "Started" not in page  # no dates known: none shown, rather than the day it was set up
    welsh = text_of(client.get("/cy/conversations/wellbeing/").content.decode())
    assert "Ni chafwyd unrhyw syniadau yn y sgwrs hon." in welsh


def test_an_open_conversation_keeps_its_working_page(client: Client, rated_and_new: dict[str, Idea]) -> None:
    page = text_of(client.get("/conversations/wellbeing/").content.decode())
    assert "Search ideas" in page and "How the priority ranking works" in page
    assert "What came of it" not in page


def test_closing_a_conversation_in_the_admin_records_the_day_it_closed(
    rf: RequestFactory, conversation: Conversation, olwen: User
) -> None:
    conversation.opened_on = date(2026, 1, 5)
    conversation.status = Conversation.Status.CLOSED

    class Form:
        changed_data = ["status"]

    request = rf.post("/admin/")
    request.user = olwen
    ConversationAdmin(Conversation, admin.site).save_model(request, conversation, Form(), True)
    conversation.refresh_from_db()
    assert (conversation.opened_on, conversation.closed_on) == (date(2026, 1, 5), timezone.localdate())


def test_a_conversation_cannot_close_before_it_opens(conversation: Conversation) -> None:
    conversation.opened_on, conversation.closed_on = date(2026, 5, 1), date(2026, 4, 30)
    with pytest.raises(ValidationError, match="A conversation cannot close before it opens"):
        conversation.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        conversation.save()


@pytest.mark.parametrize(
    ("language", "pending", "rated"),
    [
        ("en", "You rated it: Essential (not in these figures yet)", "You rated it: Essential"),
        ("cy", "(nid yw yn y ffigurau hyn eto)", "Hanfodol"),
    ],
)
def test_the_idea_card_says_when_its_figures_do_not_count_my_rating_yet(
    client: Client,
    rated_once: Idea,
    alice: User,
    django_capture_on_commit_callbacks,
    language: str,
    pending: str,
    rated: str,
) -> None:
    client.force_login(alice)
    list_url = f"{'/cy' if language == 'cy' else ''}/conversations/wellbeing/"
    client.post(f"{idea_url(rated_once)}rate/", {"value": "5"})  # the ranking has not run yet
    page = text_of(client.get(list_url).content.decode())
    assert pending in page
    with django_capture_on_commit_callbacks(execute=True):  # now it runs after the change
        client.post(f"{idea_url(rated_once)}rate/", {"value": "5"})
    page = text_of(client.get(list_url).content.decode())
    assert rated in page
    assert "not in these figures yet" not in page and "nid yw yn y ffigurau hyn eto" not in page

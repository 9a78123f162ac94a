"""The XSS and SQL-injection payloads (``tests/payloads.py``) through every text field of the
forms people submit (issue 14): each is stored exactly as typed or refused with a message next
to the field, never a server error; every page that shows it shows the characters typed, and
nothing a browser would run (``assert_harmless``); a search for it answers and matches only
what it should.

The main resident fields (an idea's title and description, a comment) get every payload in a
request of its own. The other fields get every payload too, sent together in one text where
the field is long enough, else the short ones; a failure names the form, the field and the
payload.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import models
from django.test import Client
from django.utils import timezone
from django.utils.http import urlencode

from budgeting.models import BudgetProject, BudgetRound, Proposal
from conversations import services
from conversations.models import (
    ActionGroup,
    ActionGroupUpdate,
    Comment,
    Conversation,
    HoursClaim,
    Idea,
    IdeaResponse,
    Pledge,
    Report,
    ReviewRequest,
)
from conversations.services.action import action_group_create
from tests.budgeting.conftest import make_round
from tests.conversations.conftest import make_idea
from tests.conversations.test_xss import _Page, assert_harmless
from tests.payloads import ALL, SQL, XSS
from timecredits.models import Account, Transfer
from timecredits.services import (
    MAX_MEMO_LENGTH,
    account_for_person,
    account_open_for_organisation,
    credits_earn,
)
from vocaleyes.models import Organisation, User
from vocaleyes.validators import HIDDEN_CHARACTERS

pytestmark = pytest.mark.django_db

IDEA_BODY = "A plain description of what would change."
IDEA_TITLE = "More benches"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def shows_as_text(client: Client, url: str, *payloads: str) -> _Page:
    """The page answers, would run nothing foreign, and shows each payload as its characters."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    page = assert_harmless(html)
    shows_each(html, page, url, payloads)
    return page


def shows_each(html: str, page: _Page, url: str, payloads: tuple[str, ...]) -> None:
    shown = shown_text(page)
    for payload in payloads:
        assert payload in shown, (url, payload)
        if "<" in payload:
            assert payload not in html, (url, "unescaped", payload)


def shown_text(page: _Page) -> str:
    """What a person reads: the text, and what is typed in the form fields."""
    values = (attributes.get("value", "") for tag, attributes in page.elements if tag == "input")
    return "".join(page.text) + "\n".join(values)


def admin_shows_as_text(client: Client, url: str, *payloads: str) -> None:
    """An admin page (or a page with charts): its own scripts only (from /static/, its
    translations, or JSON data), nothing else that runs, and each payload as text or as the
    value of a field."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    page = _Page(html)
    for tag, attributes in page.elements:
        if tag == "script":
            source = attributes.get("src", "")
            own = source.startswith("/static/") or source == "/admin/jsi18n/"
            assert own or attributes.get("type") == "application/json", attributes
        # The admin draws its own icons in SVG; what would run in one is an on* attribute.
        assert tag not in {"iframe", "object", "embed"}
        assert not [name for name in attributes if name.startswith("on")], (tag, attributes)
        for name in ("href", "src", "action"):
            assert not attributes.get(name, "").strip().lower().startswith("javascript:"), (tag, attributes)
    shows_each(html, page, url, payloads)


def refused_with_a_message(response: Any, field: str) -> None:
    """Refused on the page (not a server error), with the error summary and the field's message."""
    assert response.status_code in (200, 400), response.status_code
    page = assert_harmless(response.content.decode())
    summary = [a for tag, a in page.elements if tag == "div" and "govuk-error-summary" in a.get("class", "")]
    assert summary, "no error summary"
    assert any(tag == "p" and a.get("id", "").endswith(f"{field}-error") for tag, a in page.elements), (
        f"no message next to {field}"
    )


def payload_id(payload: str) -> str:
    return payload[:40].encode("unicode_escape").decode()


def post_and_check(
    client: Client,
    url: str,
    data: dict[str, Any],
    field: str,
    stored: Callable[[], models.QuerySet[Any]],
) -> Any | None:
    """Post the form; the thing it made (exactly one, read back from the database) or None
    when the form was refused with a message and nothing was stored."""
    before = stored().count()
    response = client.post(url, data)
    assert response.status_code < 500
    if response.status_code == 302:
        assert stored().count() == before + 1
        return stored().order_by("-pk").first()
    refused_with_a_message(response, field)
    assert stored().count() == before
    return None


# --- Ideas and comments: every payload in a request of its own ---------------------------------


@pytest.mark.parametrize("payload", ALL, ids=payload_id)
@pytest.mark.parametrize("field", ["title", "body"])
def test_idea_form(
    field: str, payload: str, conversation: Conversation, alice: User, bob: User, olwen: User
) -> None:
    client = signed_in(alice)
    data = {"title": IDEA_TITLE, "body": IDEA_BODY, "language": "en", field: payload}
    idea = post_and_check(client, "/conversations/wellbeing/ideas/new/", data, field, Idea.objects.all)
    if idea is None:
        # Refused only for being too short (the title needs 3 characters, the description 10).
        assert len(payload) < (3 if field == "title" else 10)
        return
    assert getattr(idea, field) == payload
    url = f"/conversations/wellbeing/ideas/{idea.pk}/"
    shows_as_text(client, url, payload)
    shows_as_text(signed_in(bob), f"/cy{url}", payload)
    shows_as_text(Client(), url, payload)
    shows_as_text(client, "/accounts/activity/", idea.title)
    shows_as_text(client, f"{url}edit/", payload)  # back in the form, in its field
    if field == "title":
        shows_as_text(Client(), "/conversations/wellbeing/", payload)
        shows_as_text(Client(), "/conversations/wellbeing/?sort=newest", payload)
    admin_shows_as_text(signed_in(olwen), f"/admin/conversations/idea/{idea.pk}/change/", payload)


@pytest.mark.parametrize("payload", ALL, ids=payload_id)
def test_comment_form(payload: str, conversation: Conversation, alice: User, bob: User, olwen: User) -> None:
    idea = make_idea(conversation, alice)
    client = signed_in(bob)
    url = f"/conversations/wellbeing/ideas/{idea.pk}/"
    comment = post_and_check(client, f"{url}comments/", {"body": payload}, "body", Comment.objects.all)
    assert comment is not None and comment.body == payload
    shows_as_text(client, url, payload)
    shows_as_text(Client(), url, payload)
    shows_as_text(client, "/accounts/activity/", payload)
    admin_shows_as_text(signed_in(olwen), f"/admin/conversations/comment/{comment.pk}/change/", payload)


# --- The other resident forms: the payloads packed into as few texts as the field allows -------


def texts(limit: int, payloads: list[str] = ALL) -> list[str]:
    """The payloads joined by spaces into texts of at most ``limit`` characters, in order."""
    packed: list[str] = []
    for payload in payloads:
        if packed and len(packed[-1]) + 1 + len(payload) <= limit:
            packed[-1] += " " + payload
        else:
            packed.append(payload)
    return packed


def test_report_details(conversation: Conversation, alice: User, bob: User, olwen: User) -> None:
    idea = make_idea(conversation, alice)
    url = f"/conversations/wellbeing/ideas/{idea.pk}/report/"
    [details] = texts(1000)
    report = post_and_check(
        signed_in(bob), url, {"reason": "other", "details": details}, "details", Report.objects.all
    )
    assert report is not None and report.details == details
    admin_shows_as_text(signed_in(olwen), f"/admin/conversations/report/{report.pk}/change/", *ALL)


def test_review_request_message(conversation: Conversation, alice: User, olwen: User) -> None:
    idea = make_idea(conversation, alice)
    services.content_hide(item=idea, officer=olwen, reason="Names a private person.")
    url = f"/conversations/wellbeing/ideas/{idea.pk}/"
    [message] = texts(1000)
    client = signed_in(alice)
    response = client.post(f"{url}review/", {"message": message})
    assert response.status_code == 302
    assert ReviewRequest.objects.get().message == message
    shows_as_text(client, url)
    shows_as_text(client, "/accounts/activity/")
    admin_shows_as_text(
        signed_in(olwen), f"/admin/conversations/reviewrequest/{ReviewRequest.objects.get().pk}/change/", *ALL
    )


def make_group(conversation: Conversation, fran: User) -> ActionGroup:
    return action_group_create(
        by=fran,
        ideas=[make_idea(conversation, fran, "Clean the beach")],
        name_en="Beach cleaners",
        name_cy="",
        purpose_en="Clean the beach once a month.",
        purpose_cy="",
    )


def test_pledge_description(conversation: Conversation, alice: User, fran: User, olwen: User) -> None:
    group = make_group(conversation, fran)
    [description] = texts(2000)
    client = signed_in(alice)
    response = client.post(
        f"/conversations/action/{group.pk}/pledge/", {"kind": "skill", "description": description}
    )
    assert response.status_code == 302
    pledge = Pledge.objects.get()
    assert pledge.description == description
    # The group page shows one's own pledge with the start of its description; the page to
    # withdraw it, all of it.
    shows_as_text(client, f"/conversations/action/{group.pk}/", XSS[0])
    shows_as_text(client, f"/conversations/action/pledges/{pledge.pk}/withdraw/", *ALL)
    shows_as_text(client, "/accounts/activity/")
    admin_shows_as_text(signed_in(olwen), f"/admin/conversations/pledge/{pledge.pk}/change/", *ALL)


def test_action_group_name_purpose_and_updates(
    conversation: Conversation, alice: User, fran: User, olwen: User
) -> None:
    idea = make_idea(conversation, alice)
    client = signed_in(fran)
    names = texts(200)
    [purpose] = texts(5000)
    group = post_and_check(
        client,
        f"/conversations/wellbeing/ideas/{idea.pk}/act/",
        {"name_en": names[0], "name_cy": names[1], "purpose_en": purpose, "purpose_cy": purpose},
        "name_en",
        ActionGroup.objects.all,
    )
    assert group is not None
    assert (group.name_en, group.name_cy, group.purpose_en, group.purpose_cy) == (
        names[0],
        names[1],
        purpose,
        purpose,
    )
    url = f"/conversations/action/{group.pk}/"
    for name in names[2:]:
        response = client.post(
            f"{url}edit/", {"name_en": name, "name_cy": "", "purpose_en": purpose, "status": "active"}
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        group.refresh_from_db()
        assert group.name_en == name
        shows_as_text(Client(), url, name)
        shows_as_text(Client(), "/conversations/action/", name)
    [update] = texts(5000)
    response = client.post(f"{url}updates/new/", {"body": update, "language": "en"})
    assert response.status_code == 302
    assert ActionGroupUpdate.objects.get().body == update
    shows_as_text(Client(), url, *ALL)
    shows_as_text(signed_in(alice), f"/cy{url}", *ALL)
    shows_as_text(client, f"{url}edit/", *ALL)
    admin_shows_as_text(signed_in(olwen), f"/admin/conversations/actiongroup/{group.pk}/change/", *ALL)


def test_profile_display_name(conversation: Conversation, alice: User, olwen: User) -> None:
    """Each payload as a name: taken exactly as typed and shown as text next to the idea, or
    refused with the reason (too long, or hidden characters), and the old name kept."""
    idea = make_idea(conversation, alice)
    client = signed_in(alice)
    taken = []
    for payload in ALL:
        response = client.post("/accounts/profile/", {"display_name": payload, "language": "en"})
        alice.refresh_from_db()
        if response.status_code == 302:
            assert alice.display_name == payload
            taken.append(payload)
            shows_as_text(Client(), f"/conversations/wellbeing/ideas/{idea.pk}/", payload)
            shows_as_text(client, "/accounts/profile/", payload)
        else:
            refused_with_a_message(response, "display_name")
            assert alice.display_name != payload
            assert len(payload) > 80 or HIDDEN_CHARACTERS.search(payload), payload
    assert len(taken) >= len(SQL)  # most are names someone may choose, odd as they are
    admin_shows_as_text(signed_in(olwen), f"/admin/vocaleyes/user/{alice.pk}/change/", alice.display_name)


def test_sign_up_display_name(client: Client) -> None:
    """The same names at sign-up: an account with the name exactly as typed, or the form again
    with the reason next to the name field and no account."""
    for index, payload in enumerate(ALL):
        email = f"person{index}@example.org"
        response = client.post(
            "/accounts/signup/",
            {
                "display_name": payload,
                "email": email,
                "password1": "a-long-and-unusual-passphrase",
                "password2": "a-long-and-unusual-passphrase",
            },
        )
        person = User.objects.filter(email=email).first()
        if response.status_code == 302:
            assert person is not None and person.display_name == payload
        else:
            refused_with_a_message(response, "display_name")
            assert person is None
            assert len(payload) > 80 or HIDDEN_CHARACTERS.search(payload), payload
        client.logout()
    assert User.objects.count() >= len(SQL)


# --- Budgeting: residents' proposals and the facilitators' rounds, projects and reviews ---------


def test_proposal_title_description_and_review_reason(
    conversation: Conversation, alice: User, fran: User, olwen: User
) -> None:
    budget_round = make_round(conversation, phase="proposals")
    client = signed_in(alice)
    [description] = texts(5000)
    for title in texts(200):
        proposal = post_and_check(
            client,
            f"/budgets/{budget_round.slug}/propose/",
            {"title": title, "description": description, "estimated_cost": "1200", "language": "en"},
            "title",
            Proposal.objects.all,
        )
        assert proposal is not None and (proposal.title, proposal.description) == (title, description)
    shows_as_text(client, "/accounts/activity/", *ALL)
    proposal = Proposal.objects.order_by("pk").first()
    assert proposal is not None
    review = f"/budgets/{budget_round.slug}/manage/proposals/{proposal.pk}/"
    shows_as_text(signed_in(fran), review, proposal.title, description)
    shows_as_text(signed_in(fran), f"/budgets/{budget_round.slug}/manage/")
    [reason] = texts(2000)
    response = signed_in(fran).post(review, {"decision": "not_feasible", "cost": "1200", "reason": reason})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.reason == reason
    shows_as_text(client, "/accounts/activity/", *ALL)
    admin_shows_as_text(signed_in(olwen), f"/admin/budgeting/proposal/{proposal.pk}/change/", *ALL)


ROUND = {
    "title_cy": "",
    "description_cy": "",
    "budget": "50000",
    "proposals_open": "2027-01-04T09:00",
    "review_opens": "2027-02-01T09:00",
    "voting_opens": "2027-03-01T09:00",
    "voting_closes": "2027-03-31T17:00",
    "ballot_type": "k_approval",
    "max_projects": "3",
    "rule": "greedy",
}


def test_round_and_project_text(conversation: Conversation, fran: User, olwen: User) -> None:
    client = signed_in(fran)
    [description] = texts(5000)
    titles = texts(200)
    budget_round = post_and_check(
        client,
        f"/budgets/new/{conversation.slug}/",
        {**ROUND, "title_en": titles[0], "description_en": description},
        "title_en",
        BudgetRound.objects.all,
    )
    assert budget_round is not None
    assert (budget_round.title_en, budget_round.description_en) == (titles[0], description)
    for title in titles[1:]:
        response = client.post(
            f"/budgets/{budget_round.slug}/manage/settings/",
            {**ROUND, "title_en": title, "description_en": description},
        )
        assert response.status_code == 302
        budget_round.refresh_from_db()
        assert budget_round.title_en == title
        shows_as_text(Client(), f"/budgets/{budget_round.slug}/", title, *ALL)
        shows_as_text(Client(), "/budgets/", title)
    base = f"/budgets/{budget_round.slug}/manage/projects/"
    categories = texts(100)
    for index, title in enumerate(titles):
        [reason] = texts(2000)
        project = post_and_check(
            client,
            f"{base}new/",
            {
                "title_en": title,
                "description_en": description,
                "category_en": categories[index % len(categories)],
                "cost": "4500",
                "ineligible_reason_en": reason,
            },
            "title_en",
            BudgetProject.objects.all,
        )
        assert project is not None
        assert (project.title_en, project.description_en, project.ineligible_reason_en) == (
            title,
            description,
            reason,
        )
        assert project.category_en == categories[index % len(categories)]
    assert project is not None
    shows_as_text(Client(), f"/budgets/{budget_round.slug}/", *titles)
    shows_as_text(client, f"/budgets/{budget_round.slug}/manage/", *titles)
    shows_as_text(client, f"{base}{project.pk}/", title, description, reason)
    admin_shows_as_text(signed_in(olwen), f"/admin/budgeting/budgetround/{budget_round.pk}/change/", *ALL)
    admin_shows_as_text(signed_in(olwen), f"/admin/budgeting/budgetproject/{project.pk}/change/", title)


# --- Facilitators' forms ------------------------------------------------------------------------


def test_conversation_setup_title_and_description(
    organisation: Organisation, fran: User, olwen: User
) -> None:
    """Each payload as a title (the address is made from it), and all of them in the
    descriptions."""
    client = signed_in(fran)
    [description] = texts(5000)
    for title in ALL:
        conversation = post_and_check(
            client,
            "/conversations/new/",
            {
                "organisation": str(organisation.pk),
                "title_en": title,
                "title_cy": title,
                "description_en": description,
                "description_cy": description,
                "status": "open",
                "visibility": "public",
            },
            "title_en",
            Conversation.objects.all,
        )
        assert conversation is not None
        assert (conversation.title_en, conversation.title_cy) == (title, title)
        assert (conversation.description_en, conversation.description_cy) == (description, description)
        url = conversation.get_absolute_url()
        shows_as_text(Client(), url, title, *ALL)
        # The dashboard draws its charts in SVG, as the admin draws its icons.
        admin_shows_as_text(client, f"{url}facilitate/", title)
        shows_as_text(client, f"{url}facilitate/edit/", title, *ALL)
    assert conversation is not None
    admin_shows_as_text(Client(), "/conversations/", *ALL)  # paged: the arrows are SVG
    admin_shows_as_text(client, "/conversations/facilitating/")  # charts too; titles paged
    shows_as_text(Client(), f"/organisations/{organisation.slug}/", *ALL)
    admin_shows_as_text(
        signed_in(olwen), f"/admin/conversations/conversation/{conversation.pk}/change/", *ALL
    )


def test_seeded_idea_source_note(conversation: Conversation, fran: User) -> None:
    client = signed_in(fran)
    for note in texts(200):
        idea = post_and_check(
            client,
            "/conversations/wellbeing/ideas/seed/",
            {"title": IDEA_TITLE, "body": IDEA_BODY, "language": "en", "source_note": note},
            "source_note",
            Idea.objects.all,
        )
        assert idea is not None and idea.source_note == note
        shows_as_text(Client(), f"/conversations/wellbeing/ideas/{idea.pk}/", note)
    shows_as_text(Client(), "/conversations/wellbeing/?sort=newest", *ALL)


def test_response_text(conversation: Conversation, alice: User, fran: User, olwen: User) -> None:
    idea = make_idea(conversation, alice)
    url = f"/conversations/wellbeing/ideas/{idea.pk}/"
    [text] = texts(5000)
    client = signed_in(fran)
    response = client.post(f"{url}respond/", {"status": "not_taken", "text_en": text, "text_cy": text})
    assert response.status_code == 302
    answer = IdeaResponse.objects.get()
    assert (answer.text_en, answer.text_cy) == (text, text)
    shows_as_text(Client(), url, *ALL)
    shows_as_text(signed_in(alice), f"/cy{url}", *ALL)
    shows_as_text(signed_in(alice), "/accounts/activity/")
    shows_as_text(client, f"{url}respond/", *ALL)
    admin_shows_as_text(signed_in(olwen), f"/admin/conversations/idearesponse/{answer.pk}/change/", *ALL)


def test_hours_claim_name(conversation: Conversation, fran: User, organisation: Organisation) -> None:
    account_open_for_organisation(organisation=organisation, kind=Account.Kind.ISSUING)
    group = make_group(conversation, fran)
    client = signed_in(fran)
    names = texts(200)
    for index, name in enumerate(names):
        claim = post_and_check(
            client,
            f"/conversations/action/{group.pk}/hours/claims/",
            {
                "claim-email": f"person{index}@example.org",
                "claim-name": name,
                "claim-language": "en",
                "claim-hours": "2",
                "claim-minutes": "0",
                "claim-given_on": timezone.localdate().isoformat(),
            },
            "claim-name",
            HoursClaim.objects.all,
        )
        assert claim is not None and claim.name == name
    shows_as_text(client, f"/conversations/action/{group.pk}/hours/", *ALL)


# --- Time credits: a gift's message and the memo of hours recorded ------------------------------


def test_gift_message(alice: User, bob: User, fran: User, organisation: Organisation, olwen: User) -> None:
    account_open_for_organisation(organisation=organisation, kind=Account.Kind.ISSUING)
    credits_earn(
        organisation=organisation,
        person=alice,
        minutes=600,
        recorded_by=fran,
        memo="Panel",
        idempotency_key="e1",
    )
    number = account_for_person(user=bob).number
    client = signed_in(alice)
    for message in texts(MAX_MEMO_LENGTH):
        form = client.get("/time-credits/give/").content.decode()
        key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', form)
        assert key is not None
        data = {"recipient": number, "hours": "0", "minutes": "5", "message": message}
        check = client.post("/time-credits/give/", {**data, "idempotency_key": key.group(1)}, follow=True)
        shows_as_text(client, "/time-credits/give/check/", message)
        confirm = dict(
            re.findall(r'<input type="hidden" name="(key|balance)" value="([^"]*)"', check.content.decode())
        )
        response = client.post("/time-credits/give/check/", confirm)
        assert response.status_code == 302
        assert Transfer.objects.filter(kind=Transfer.Kind.GIFT, memo=message).count() == 1
    shows_as_text(client, "/time-credits/", *ALL)
    shows_as_text(signed_in(bob), "/time-credits/", *ALL)
    gift = Transfer.objects.filter(kind=Transfer.Kind.GIFT).first()
    assert gift is not None
    admin_shows_as_text(signed_in(olwen), f"/admin/timecredits/transfer/{gift.pk}/change/", gift.memo)


def test_recorded_hours_memo(alice: User, fran: User, organisation: Organisation) -> None:
    account_open_for_organisation(organisation=organisation, kind=Account.Kind.ISSUING)
    client = signed_in(fran)
    for memo in texts(MAX_MEMO_LENGTH):
        form = client.get("/time-credits/record-hours/").content.decode()
        key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', form)
        assert key is not None
        response = client.post(
            "/time-credits/record-hours/",
            {
                "idempotency_key": key.group(1),
                "organisation": str(organisation.pk),
                "memo": memo,
                "form-TOTAL_FORMS": "1",
                "form-INITIAL_FORMS": "1",
                "form-0-email": "alice@example.org",
                "form-0-hours": "1",
                "form-0-minutes": "0",
            },
        )
        assert response.status_code == 302
        assert Transfer.objects.filter(kind=Transfer.Kind.EARN, memo=memo).count() == 1
    shows_as_text(signed_in(alice), "/time-credits/", *ALL)


# --- Search boxes -------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", SQL, ids=payload_id)
def test_the_idea_search_box(payload: str, conversation: Conversation, alice: User, fran: User) -> None:
    """A search for an SQL payload answers, shows the query back as typed, and finds only the
    ideas that contain it as text: none, then the one written with it."""
    for title in ("More benches", "Fewer potholes", "Cleaner beaches"):
        make_idea(conversation, alice, title)
    page = shows_as_text(Client(), f"/conversations/wellbeing/?{urlencode({'q': payload})}", payload)
    listed = [a["href"] for tag, a in page.elements if tag == "a" and "/ideas/" in a.get("href", "")]
    assert not [href for href in listed if re.search(r"/ideas/\d+/$", href)], listed
    with_it = make_idea(conversation, alice, "A plain title", body=f"It says {payload} in the middle.")
    for client in (Client(), signed_in(fran)):
        page = shows_as_text(
            client, f"/conversations/wellbeing/?{urlencode({'q': payload, 'sort': 'newest'})}"
        )
        found = {
            a["href"]
            for tag, a in page.elements
            if tag == "a" and re.search(r"/ideas/\d+/$", a.get("href", ""))
        }
        assert found == {f"/conversations/wellbeing/ideas/{with_it.pk}/"}, found


@pytest.mark.parametrize(
    "changelist",
    [
        "conversations/idea",
        "conversations/comment",
        "conversations/conversation",
        "conversations/report",
        "conversations/actiongroup",
        "budgeting/proposal",
        "timecredits/transfer",
        "vocaleyes/user",
    ],
)
def test_the_admin_search_boxes(
    changelist: str, conversation: Conversation, alice: User, olwen: User
) -> None:
    """Every payload in an officer's search box: the page answers, shows it back escaped, and
    the SQL ones find nothing (there is nothing with them in it)."""
    make_idea(conversation, alice)
    client = signed_in(olwen)
    for payload in ALL:
        response = client.get(f"/admin/{changelist}/?{urlencode({'q': payload})}")
        assert response.status_code == 200, (changelist, payload)
        admin_shows_as_text(client, f"/admin/{changelist}/?{urlencode({'q': payload})}", payload)
        if payload in SQL:  # nothing has them in it: no table of results
            assert 'id="result_list"' not in response.content.decode(), (changelist, payload)
    if changelist in ("conversations/idea", "conversations/conversation", "vocaleyes/user"):
        assert 'id="result_list"' in client.get(f"/admin/{changelist}/").content.decode()


def test_a_null_character_is_a_bad_request_and_stores_nothing(
    conversation: Conversation, alice: User
) -> None:
    """PostgreSQL cannot store or compare a NUL character: a form or a search with one is
    answered with the "problem with your request" page (``vocaleyes.middleware``), never a
    server error, and nothing is stored."""
    make_idea(conversation, alice)
    client = signed_in(alice)
    data = {"title": "Benches\x00", "body": IDEA_BODY, "language": "en"}
    for response in (
        client.post("/conversations/wellbeing/ideas/new/", data),
        client.get("/conversations/wellbeing/?q=%00"),
        client.get("/conversations/wellbeing/?q=%27%00%20OR%201=1"),
    ):
        assert response.status_code == 400
        assert "problem with your request" in "".join(assert_harmless(response.content.decode()).text)
    assert Idea.objects.count() == 1

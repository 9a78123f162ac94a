"""Action groups (issue 12, "from priority to action"): starting one from shown ideas, who may,
its status, coordinators and updates (told to followers), its public page, the forms, the
"Get involved" list and the admin."""

from __future__ import annotations

import html
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from budgeting.models import BudgetProject
from conversations import services
from conversations.models import (
    ActionGroup,
    ActionGroupCoordinator,
    ActionGroupUpdate,
    ContentStatus,
    Conversation,
    FollowEvent,
    Idea,
)
from tests.budgeting.conftest import make_projects, make_round
from tests.conftest import make_conversation, make_user
from tests.conversations.conftest import make_idea
from tests.conversations.moderation import other_facilitator, suspended
from vocaleyes.errors import Refusal
from vocaleyes.models import Organisation, User

pytestmark = pytest.mark.django_db

GET_INVOLVED = "/conversations/action/"


@pytest.fixture(autouse=True)
def _english_outside_requests() -> Iterator[None]:
    """Services called directly speak the thread's active language: each test starts in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def idea(conversation: Conversation, alice: User) -> Idea:
    return make_idea(conversation, alice, "Repair the playground")


def start(by: User, ideas: list[Idea], **extra: object) -> ActionGroup:
    values: dict[str, object] = {
        "name_en": "Playground friends",
        "name_cy": "Cyfeillion y maes chwarae",
        "purpose_en": "Repaint the swings and pick litter every month.",
        "purpose_cy": "Ailbeintio'r siglenni a chasglu sbwriel bob mis.",
    }
    values.update(extra)
    return services.action_group_create(by=by, ideas=ideas, **values)  # type: ignore[arg-type]


def url(group: ActionGroup, suffix: str = "") -> str:
    return f"/conversations/action/{group.pk}/{suffix}"


def page(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


# --- Starting one (the service) --------------------------------------------------------------


def test_a_facilitator_starts_a_group_from_a_shown_idea_and_coordinates_it(
    idea: Idea, fran: User, bob: User
) -> None:
    group = start(fran, [idea], coordinators=[bob])
    group.refresh_from_db()
    assert group.conversation_id == idea.conversation_id
    assert group.status == ActionGroup.Status.FORMING
    assert group.created_by == fran
    assert list(group.ideas.all()) == [idea]
    assert set(group.coordinators.all()) == {fran, bob}
    assert str(group.name) == "Playground friends"


def test_one_group_may_act_on_several_ideas_of_the_conversation(
    conversation: Conversation, idea: Idea, fran: User, bob: User
) -> None:
    other = make_idea(conversation, bob, "Benches by the swings")
    group = start(fran, [idea, other])
    assert set(group.ideas.all()) == {idea, other}


@pytest.mark.parametrize("status", [ContentStatus.HIDDEN, ContentStatus.PENDING])
def test_hidden_or_pending_ideas_get_no_action_group(idea: Idea, fran: User, status: str) -> None:
    Idea.objects.filter(pk=idea.pk).update(status=status)
    with pytest.raises(Refusal, match="Only ideas shown in the conversation"):
        start(fran, [idea])
    assert not ActionGroup.objects.exists()


def test_a_hidden_idea_cannot_join_a_shown_one(conversation: Conversation, idea: Idea, fran: User) -> None:
    hidden = make_idea(conversation, fran, "Hidden one")
    Idea.objects.filter(pk=hidden.pk).update(status=ContentStatus.HIDDEN)
    with pytest.raises(Refusal):
        start(fran, [idea, hidden])
    assert not ActionGroup.objects.exists()


def test_ideas_of_two_conversations_are_refused(
    organisation: Organisation, idea: Idea, fran: User, bob: User
) -> None:
    elsewhere = make_idea(make_conversation(organisation, slug="transport"), bob, "Sunday buses")
    with pytest.raises(Refusal, match="one conversation"):
        start(fran, [idea, elsewhere])
    assert not ActionGroup.objects.exists()


def test_no_ideas_at_all_is_refused(fran: User) -> None:
    with pytest.raises(Refusal, match="at least one idea"):
        start(fran, [])


def test_the_author_may_not_start_one_when_the_conversation_does_not_allow_it(
    idea: Idea, alice: User
) -> None:
    assert not idea.conversation.authors_start_action_groups
    with pytest.raises(Refusal) as refused:
        start(alice, [idea])
    assert refused.value.forbidden
    assert not ActionGroup.objects.exists()


def test_the_author_may_start_one_when_the_conversation_allows_it(
    conversation: Conversation, idea: Idea, alice: User, bob: User
) -> None:
    Conversation.objects.filter(pk=conversation.pk).update(authors_start_action_groups=True)
    idea.refresh_from_db()
    group = start(alice, [Idea.objects.get(pk=idea.pk)])
    assert list(group.coordinators.all()) == [alice]
    # ... but not from someone else's idea alone.
    bobs = make_idea(conversation, bob, "Bob's idea")
    with pytest.raises(Refusal):
        start(alice, [bobs])


def test_other_residents_and_other_organisations_facilitators_are_refused(idea: Idea, bob: User) -> None:
    for person in (bob, other_facilitator()):
        with pytest.raises(Refusal) as refused:
            start(person, [idea])
        assert refused.value.forbidden
    assert not ActionGroup.objects.exists()


def test_a_suspended_facilitator_is_refused(idea: Idea, fran: User) -> None:
    User.objects.filter(pk=fran.pk).update(suspended_at=timezone.now(), suspension_reason="Abuse.")
    fran.refresh_from_db()
    with pytest.raises(Refusal, match="suspended"):
        start(fran, [idea])
    assert not ActionGroup.objects.exists()


def test_a_name_in_one_language_and_a_purpose_are_needed(idea: Idea, fran: User) -> None:
    with pytest.raises(Refusal) as refused:
        start(fran, [idea], name_en="  ", name_cy="")
    assert refused.value.field == "name_en"
    with pytest.raises(Refusal) as refused:
        start(fran, [idea], purpose_en="", purpose_cy=" ")
    assert refused.value.field == "purpose_en"
    group = start(fran, [idea], name_en="", purpose_cy="")
    assert group.name_en == "" and group.name_cy == "Cyfeillion y maes chwarae"


def test_the_budget_project_must_be_the_organisations(
    conversation: Conversation, idea: Idea, fran: User
) -> None:
    ours = make_projects(make_round(conversation), ("Playground", 6000))[0]
    other_org = Organisation.objects.create(
        slug="cardiff", name_en="Cardiff", kind=Organisation.Kind.LOCAL_AUTHORITY
    )
    theirs = make_projects(
        make_round(make_conversation(other_org, slug="cardiff-parks"), slug="cf"), ("Path", 10)
    )[0]
    with pytest.raises(Refusal) as refused:
        start(fran, [idea], budget_project=theirs)
    assert refused.value.field == "budget_project"
    assert start(fran, [idea], budget_project=ours).budget_project == ours


# --- Status, updates and coordinators ------------------------------------------------------


def test_a_change_of_status_is_one_event_for_followers_and_the_same_status_none(
    idea: Idea, fran: User
) -> None:
    group = start(fran, [idea])
    services.action_group_set_status(by=fran, group=group, status=ActionGroup.Status.ACTIVE)
    services.action_group_set_status(by=fran, group=group, status=ActionGroup.Status.ACTIVE)
    group.refresh_from_db()
    assert group.status == ActionGroup.Status.ACTIVE
    events = list(FollowEvent.objects.values_list("kind", "group_id", "idea_id"))
    assert events == [(FollowEvent.Kind.STATUS, group.pk, None)]
    with pytest.raises(Refusal):
        services.action_group_set_status(by=fran, group=group, status="asleep")


def test_only_coordinators_facilitators_and_officers_run_a_group(
    idea: Idea, fran: User, alice: User, bob: User, olwen: User
) -> None:
    group = start(fran, [idea], coordinators=[alice])
    for person in (alice, olwen):
        services.action_group_post_update(by=person, group=group, body=f"News from {person}", language="en")
    with pytest.raises(Refusal) as refused:
        services.action_group_post_update(by=bob, group=group, body="Not mine", language="en")
    assert refused.value.forbidden
    with pytest.raises(Refusal):
        services.action_group_set_status(by=bob, group=group, status=ActionGroup.Status.STOPPED)
    assert ActionGroupUpdate.objects.count() == 2
    assert FollowEvent.objects.filter(kind=FollowEvent.Kind.UPDATE, group=group).count() == 2
    group.refresh_from_db()
    assert group.status == ActionGroup.Status.FORMING


def test_an_empty_update_is_refused_and_changes_nothing(idea: Idea, fran: User) -> None:
    group = start(fran, [idea])
    with pytest.raises(Refusal) as refused:
        services.action_group_post_update(by=fran, group=group, body="   ", language="en")
    assert refused.value.field == "body"
    assert not ActionGroupUpdate.objects.exists()
    assert not FollowEvent.objects.exists()


def test_facilitators_add_and_remove_coordinators_but_never_the_last(
    idea: Idea, fran: User, alice: User, bob: User
) -> None:
    group = start(fran, [idea], coordinators=[alice])
    with pytest.raises(Refusal):  # a coordinator who is a resident does not choose coordinators
        services.action_group_add_coordinator(by=alice, group=group, person=bob)
    services.action_group_add_coordinator(by=fran, group=group, person=bob)
    services.action_group_add_coordinator(by=fran, group=group, person=bob)  # once only
    assert set(group.coordinators.all()) == {fran, alice, bob}
    services.action_group_remove_coordinator(by=fran, group=group, person=alice)
    services.action_group_remove_coordinator(by=fran, group=group, person=fran)
    with pytest.raises(Refusal, match="at least one coordinator"):
        services.action_group_remove_coordinator(by=fran, group=group, person=bob)
    assert list(group.coordinators.all()) == [bob]


# --- The group's page ----------------------------------------------------------------------


def test_the_group_page_shows_its_purpose_ideas_coordinators_and_updates(
    client: Client, conversation: Conversation, idea: Idea, fran: User, alice: User, bob: User
) -> None:
    hidden = make_idea(conversation, bob, "A hidden idea")
    group = start(fran, [idea, hidden], coordinators=[alice])
    Idea.objects.filter(pk=hidden.pk).update(status=ContentStatus.HIDDEN)
    services.action_group_post_update(by=fran, group=group, body="We met on Saturday.", language="en")
    content = page(client, url(group))
    assert "Playground friends" in content
    assert "Repaint the swings" in content
    assert f'href="/conversations/wellbeing/ideas/{idea.pk}/"' in content
    assert "A hidden idea" not in content
    assert "Fran, Alice" in content
    assert "We met on Saturday." in content
    assert "Forming" in content
    # Visitors get no coordinator links.
    assert url(group, "edit/") not in content
    assert url(group, "updates/new/") not in content


def test_coordinators_see_their_links_and_other_residents_do_not(
    client: Client, idea: Idea, fran: User, alice: User, bob: User
) -> None:
    group = start(fran, [idea], coordinators=[alice])
    client.force_login(alice)
    content = page(client, url(group))
    assert url(group, "edit/") in content and url(group, "updates/new/") in content
    client.force_login(bob)
    content = page(client, url(group))
    assert url(group, "edit/") not in content
    assert client.get(url(group, "edit/")).status_code == 404
    assert client.get(url(group, "updates/new/")).status_code == 404


def test_a_draft_conversations_group_is_not_found(client: Client, idea: Idea, fran: User) -> None:
    group = start(fran, [idea])
    Conversation.objects.filter(pk=idea.conversation_id).update(status=Conversation.Status.DRAFT)
    assert client.get(url(group)).status_code == 404
    client.force_login(fran)
    assert client.get(url(group)).status_code == 200


def test_the_group_page_renders_in_welsh(client: Client, idea: Idea, fran: User) -> None:
    group = start(fran, [idea])
    content = page(client, f"/cy{url(group)}")
    assert "Cyfeillion y maes chwarae" in content
    assert "Ailbeintio'r siglenni" in content
    assert "Grŵp gweithredu" in content  # "Action group"
    assert "Y syniadau y mae'n gweithredu arnynt" in content
    assert "Cymryd rhan" in content  # the header link
    assert '<html lang="cy"' in content


# --- Starting one on the site --------------------------------------------------------------


def test_the_form_is_prefilled_with_the_ideas_title_and_offers_other_ideas(
    client: Client, conversation: Conversation, idea: Idea, fran: User, bob: User
) -> None:
    other = make_idea(conversation, bob, "Benches by the swings")
    hidden = make_idea(conversation, bob, "Something hidden")
    Idea.objects.filter(pk=hidden.pk).update(status=ContentStatus.HIDDEN)
    client.force_login(fran)
    new = f"/conversations/wellbeing/ideas/{idea.pk}/act/"
    content = page(client, new)
    assert 'value="Repair the playground"' in content
    assert "Benches by the swings" in content
    assert "Something hidden" not in content
    response = client.post(
        new,
        {
            "name_en": "Playground friends",
            "name_cy": "",
            "purpose_en": "Fix it up.",
            "purpose_cy": "",
            "ideas": [other.pk],
        },
    )
    group = ActionGroup.objects.get()
    assert response.status_code == 302 and response["Location"] == url(group)
    assert set(group.ideas.all()) == {idea, other}
    assert list(group.coordinators.all()) == [fran]


def test_bad_input_on_the_form_says_what_and_changes_nothing(client: Client, idea: Idea, fran: User) -> None:
    client.force_login(fran)
    response = client.post(
        f"/conversations/wellbeing/ideas/{idea.pk}/act/",
        {"name_en": "", "name_cy": "", "purpose_en": "", "purpose_cy": "", "ideas": ["99999"]},
    )
    assert response.status_code == 400
    content = html.unescape(response.content.decode())
    assert "There is a problem" in content
    assert "Give the action group a name in English or Welsh." in content
    assert "Choose ideas from the list." in content
    assert not ActionGroup.objects.exists()


def test_who_reaches_the_start_form(
    client: Client, conversation: Conversation, idea: Idea, bob: User
) -> None:
    new = f"/conversations/wellbeing/ideas/{idea.pk}/act/"
    assert client.get(new)["Location"].startswith("/accounts/login/")
    client.force_login(bob)  # another resident
    assert client.get(new).status_code == 404
    assert client.post(new, {"name_en": "Mine", "purpose_en": "Mine"}).status_code == 404
    carol = suspended()
    client.force_login(carol)
    response = client.get(new, follow=True)
    assert "suspended" in response.content.decode()
    Idea.objects.filter(pk=idea.pk).update(status=ContentStatus.PENDING)
    client.force_login(bob)
    assert client.get(new).status_code == 404
    assert not ActionGroup.objects.exists()


def test_the_idea_page_lists_its_groups_and_offers_to_start_one_to_those_allowed(
    client: Client, conversation: Conversation, idea: Idea, fran: User, alice: User, bob: User
) -> None:
    group = start(fran, [idea])
    idea_url = f"/conversations/wellbeing/ideas/{idea.pk}/"
    start_link = f"{idea_url}act/"
    content = page(client, idea_url)
    assert url(group) in content and start_link not in content
    client.force_login(fran)
    assert start_link in page(client, idea_url)
    client.force_login(alice)  # the author, where the conversation does not allow authors
    assert start_link not in page(client, idea_url)
    Conversation.objects.filter(pk=conversation.pk).update(authors_start_action_groups=True)
    assert start_link in page(client, idea_url)
    client.force_login(bob)
    assert start_link not in page(client, idea_url)


def test_the_conversation_page_lists_its_groups(client: Client, idea: Idea, fran: User) -> None:
    group = start(fran, [idea])
    content = page(client, "/conversations/wellbeing/")
    assert url(group) in content
    assert "Playground friends" in content


# --- Editing and posting updates -----------------------------------------------------------


def test_a_coordinator_changes_the_group_and_its_status(
    client: Client, conversation: Conversation, idea: Idea, fran: User, alice: User
) -> None:
    project = make_projects(make_round(conversation), ("Playground", 6000))[0]
    group = start(fran, [idea], coordinators=[alice])
    client.force_login(alice)
    edit = url(group, "edit/")
    assert 'value="Playground friends"' in page(client, edit)
    response = client.post(
        edit,
        {
            "name_en": "Playground crew",
            "name_cy": "",
            "purpose_en": "Swings.",
            "purpose_cy": "",
            "status": "active",
            "budget_project": project.pk,
        },
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.name_en, group.name_cy, group.status, group.budget_project) == (
        "Playground crew",
        "",
        "active",
        project,
    )
    assert FollowEvent.objects.filter(group=group, kind=FollowEvent.Kind.STATUS).count() == 1


def test_editing_with_bad_input_changes_nothing(client: Client, idea: Idea, fran: User) -> None:
    group = start(fran, [idea])
    client.force_login(fran)
    response = client.post(
        url(group, "edit/"),
        {"name_en": "", "name_cy": "", "purpose_en": "x", "purpose_cy": "", "status": "sleeping"},
    )
    assert response.status_code == 400
    assert "Choose one of the statuses listed." in html.unescape(response.content.decode())
    group.refresh_from_db()
    assert group.name_en == "Playground friends" and group.status == "forming"
    assert not FollowEvent.objects.exists()


def test_facilitators_manage_coordinators_on_the_edit_page(
    client: Client, idea: Idea, fran: User, alice: User, bob: User
) -> None:
    group = start(fran, [idea])
    client.force_login(fran)
    manage = url(group, "coordinators/")
    response = client.post(manage, {"email": "nobody@example.org"})
    assert response.status_code == 400
    assert "Nobody has an account with that email address" in html.unescape(response.content.decode())
    client.post(manage, {"email": "BOB@example.org"})
    assert set(group.coordinators.all()) == {fran, bob}
    client.post(manage, {"remove": str(fran.pk)})
    assert list(group.coordinators.all()) == [bob]
    client.force_login(bob)  # a resident coordinator does not choose coordinators
    assert client.post(manage, {"email": "alice@example.org"}).status_code == 404
    assert "Add the coordinator" not in page(client, url(group, "edit/"))


def test_a_coordinator_posts_an_update_shown_on_the_timeline(
    client: Client, idea: Idea, fran: User, alice: User
) -> None:
    group = start(fran, [idea], coordinators=[alice])
    client.force_login(alice)
    response = client.post(url(group, "updates/new/"), {"body": "Paint arrives Friday.", "language": "en"})
    assert response.status_code == 302
    update = ActionGroupUpdate.objects.get()
    assert (update.author, update.body, update.language) == (alice, "Paint arrives Friday.", "en")
    assert FollowEvent.objects.filter(group=group, kind=FollowEvent.Kind.UPDATE).count() == 1
    assert "Paint arrives Friday." in page(client, url(group))
    response = client.post(url(group, "updates/new/"), {"body": "", "language": "en"})
    assert response.status_code == 400
    assert ActionGroupUpdate.objects.count() == 1


def test_a_suspended_coordinator_is_told_why_and_posts_nothing(
    client: Client, idea: Idea, fran: User
) -> None:
    carol = make_user("carol@example.org", "Carol")
    group = start(fran, [idea], coordinators=[carol])
    User.objects.filter(pk=carol.pk).update(suspended_at=timezone.now(), suspension_reason="Abuse.")
    client.force_login(carol)
    response = client.post(url(group, "updates/new/"), {"body": "Hello", "language": "en"}, follow=True)
    assert "suspended" in response.content.decode()
    assert not ActionGroupUpdate.objects.exists()


# --- Get involved ----------------------------------------------------------------------------


def test_get_involved_lists_forming_and_active_groups_of_listed_conversations_newest_first(
    client: Client,
    organisation: Organisation,
    conversation: Conversation,
    idea: Idea,
    fran: User,
    alice: User,
) -> None:
    first = start(fran, [idea], name_en="First group")
    second = start(fran, [idea], name_en="Second group")
    done = start(fran, [idea], name_en="Finished group")
    services.action_group_set_status(by=fran, group=done, status=ActionGroup.Status.DONE)
    draft = make_conversation(organisation, slug="draft")
    hidden_away = start(fran, [make_idea(draft, fran, "Draft idea")], name_en="Draft group")
    Conversation.objects.filter(pk=draft.pk).update(status=Conversation.Status.DRAFT)
    services.action_group_post_update(by=fran, group=second, body="News", language="en")
    content = page(client, GET_INVOLVED)
    assert content.index("Second group") < content.index("First group")
    assert "Finished group" not in content and "Draft group" not in content
    assert url(first) in content and url(done) not in content and url(hidden_away) not in content
    assert "1 idea · 0 people pledged · 1 update" in content
    assert 'aria-current="page"' in content  # the header link is the current page


def test_get_involved_says_when_there_is_nothing_to_join(client: Client) -> None:
    assert "There are no action groups to join at the moment." in page(client, GET_INVOLVED)


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_get_involved_and_the_group_page_run_the_same_queries_however_many_groups(
    client: Client, conversation: Conversation, fran: User, bob: User, signed_in: bool
) -> None:
    if signed_in:
        client.force_login(bob)
    ideas = [make_idea(conversation, bob, f"Idea {n}") for n in range(3)]
    group = start(fran, ideas[:1])
    services.action_group_post_update(by=fran, group=group, body="One", language="en")
    small = _queries(client, GET_INVOLVED)
    small_group = _queries(client, url(group))
    for n in range(12):
        other = start(fran, ideas, name_en=f"Group {n}")
        services.action_group_post_update(by=fran, group=other, body="News", language="en")
    for n in range(5):
        services.action_group_post_update(by=fran, group=group, body=f"More {n}", language="en")
    group.ideas.add(*ideas)
    assert _queries(client, GET_INVOLVED) == small
    assert _queries(client, url(group)) == small_group
    assert small <= 5


def test_ActionGroup_counts_on_get_involved_count_only_shown_ideas(
    client: Client, conversation: Conversation, fran: User, bob: User
) -> None:
    ideas = [make_idea(conversation, bob, f"Idea {n}") for n in range(3)]
    start(fran, ideas)
    Idea.objects.filter(pk=ideas[0].pk).update(status=ContentStatus.HIDDEN)
    assert "2 ideas" in page(client, GET_INVOLVED)


# --- Admin -----------------------------------------------------------------------------------


def test_officers_filter_groups_in_the_admin_and_a_status_change_there_tells_followers(
    client: Client, idea: Idea, fran: User, olwen: User, bob: User
) -> None:
    group = start(fran, [idea])
    client.force_login(olwen)
    listing = page(client, "/admin/conversations/actiongroup/?status__exact=forming")
    assert "Playground friends" in listing
    assert "Playground friends" not in page(client, "/admin/conversations/actiongroup/?status__exact=done")
    change = f"/admin/conversations/actiongroup/{group.pk}/change/"
    assert "Repair the playground" in page(client, change)
    response = client.post(
        change,
        {
            "status": "active",
            "budget_project": "",
            "name_en": "Playground friends",
            "purpose_en": "Swings.",
            "name_cy": "",
            "purpose_cy": "",
            "coordinator_roles-TOTAL_FORMS": "2",
            "coordinator_roles-INITIAL_FORMS": "1",
            "coordinator_roles-0-id": str(group.coordinator_roles.get().pk),
            "coordinator_roles-0-group": str(group.pk),
            "coordinator_roles-1-group": str(group.pk),
            "coordinator_roles-1-user": str(bob.pk),
            "updates-TOTAL_FORMS": "0",
            "updates-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    group.refresh_from_db()
    assert group.status == "active" and group.purpose_en == "Swings."
    assert FollowEvent.objects.filter(group=group, kind=FollowEvent.Kind.STATUS).count() == 1
    assert set(ActionGroupCoordinator.objects.filter(group=group).values_list("user", flat=True)) == {
        fran.pk,
        bob.pk,
    }


def test_budget_projects_offered_on_the_edit_page_are_the_organisations(
    client: Client, conversation: Conversation, organisation: Organisation, idea: Idea, fran: User
) -> None:
    make_projects(make_round(conversation), ("Our playground", 6000))
    other_org = Organisation.objects.create(
        slug="cardiff", name_en="Cardiff", kind=Organisation.Kind.LOCAL_AUTHORITY
    )
    theirs = make_projects(
        make_round(make_conversation(other_org, slug="cf-parks"), slug="cf"), ("Their path", 10)
    )[0]
    group = start(fran, [idea])
    client.force_login(fran)
    content = page(client, url(group, "edit/"))
    assert "Our playground" in content and "Their path" not in content
    response = client.post(
        url(group, "edit/"),
        {"name_en": "X group", "purpose_en": "Y", "status": "forming", "budget_project": theirs.pk},
    )
    assert response.status_code == 400
    assert BudgetProject.objects.filter(action_groups=group).count() == 0


def test_get_involved_and_the_start_forms_errors_speak_welsh(client: Client, idea: Idea, fran: User) -> None:
    start(fran, [idea])
    content = page(client, f"/cy{GET_INVOLVED}")
    assert "Cyfeillion y maes chwarae" in content
    assert "1 syniad · 0 o bobl wedi addo · 0 diweddariad" in content
    client.force_login(fran)
    response = client.post(
        f"/cy/conversations/wellbeing/ideas/{idea.pk}/act/",
        {"name_en": "", "name_cy": "", "purpose_en": "", "purpose_cy": ""},
    )
    assert response.status_code == 400
    welsh = html.unescape(response.content.decode())
    assert "Rhowch enw i'r grŵp gweithredu yn Saesneg neu yn Gymraeg." in welsh
    assert "Dywedwch beth fydd y grŵp gweithredu yn ei wneud" in welsh
    assert ActionGroup.objects.count() == 1

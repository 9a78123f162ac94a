"""Invitation links to a target group: each outcome, and its message in English and Welsh."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core import signing
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone, translation

from tests.conftest import make_conversation, make_user
from vocaleyes import services
from vocaleyes.errors import Refusal
from vocaleyes.models import GroupInvitation, GroupMembership, Organisation, TargetGroup, User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def panel(organisation: Organisation) -> TargetGroup:
    return TargetGroup.objects.create(
        organisation=organisation,
        name_en="Citizens' panel",
        name_cy="Panel dinasyddion",
        kind=TargetGroup.Kind.OTHER,
        self_declarable=False,
    )


def invite(group: TargetGroup, by: User, *, max_uses: int = 5, days: int = 7) -> GroupInvitation:
    return services.invitation_create(
        group=group, by=by, expires_at=timezone.now() + timedelta(days=days), max_uses=max_uses
    )


def test_a_facilitator_invites_and_a_resident_joins(panel: TargetGroup, fran: User, alice: User) -> None:
    invitation = invite(panel, fran)
    joined = services.invitation_accept(token=services.invitation_token(invitation), user=alice)
    assert joined.group == panel and not joined.already_member
    membership = GroupMembership.objects.get(user=alice, group=panel)
    assert membership.how == GroupMembership.How.INVITATION
    invitation.refresh_from_db()
    assert invitation.uses == 1


def test_the_link_stays_the_same(panel: TargetGroup, fran: User) -> None:
    invitation = invite(panel, fran)
    assert services.invitation_token(invitation) == services.invitation_token(
        GroupInvitation.objects.get(pk=invitation.pk)
    )


def test_an_officer_invites_to_any_organisation(panel: TargetGroup, olwen: User) -> None:
    assert invite(panel, olwen).created_by == olwen


def test_residents_and_other_organisations_facilitators_cannot_invite(
    panel: TargetGroup, alice: User
) -> None:
    other = Organisation.objects.create(
        slug="cardiff", name_en="Cardiff", kind="local_authority", level="local"
    )
    elsewhere = make_user("gwen@example.org", "Gwen")
    other.roles.create(user=elsewhere)
    for person in (alice, elsewhere):
        with pytest.raises(Refusal) as refused:
            invite(panel, person)
        assert refused.value.forbidden
        assert "Only council officers and the organisation's facilitators" in str(refused.value)
    assert not GroupInvitation.objects.exists()


def test_an_invitation_needs_a_use_and_a_future_expiry(panel: TargetGroup, fran: User) -> None:
    with pytest.raises(Refusal) as refused:
        invite(panel, fran, max_uses=0)
    assert refused.value.field == "max_uses"
    with pytest.raises(Refusal) as refused:
        invite(panel, fran, days=-1)
    assert refused.value.field == "expires_at"


def test_a_member_already_takes_no_use(panel: TargetGroup, fran: User, alice: User) -> None:
    invitation = invite(panel, fran, max_uses=1)
    token = services.invitation_token(invitation)
    services.invitation_accept(token=token, user=alice)
    again = services.invitation_accept(token=token, user=alice)
    assert again.already_member
    invitation.refresh_from_db()
    assert invitation.uses == 1
    assert GroupMembership.objects.filter(user=alice).count() == 1


def refusal(token: str, user: User, language: str = "en") -> str:
    with translation.override(language), pytest.raises(Refusal) as refused:
        services.invitation_accept(token=token, user=user)
    assert refused.value.forbidden
    assert not GroupMembership.objects.filter(user=user).exists()
    return str(refused.value)


EXPIRED = ("This invitation has expired.", "Mae'r gwahoddiad hwn wedi dod i ben.")
REVOKED = (
    "This invitation has been withdrawn by the organiser.",
    "Mae'r trefnydd wedi tynnu'r gwahoddiad hwn yn ôl.",
)
USED_UP = ("used by as many people as it allows", "gan gynifer o bobl ag y mae'n ei ganiatáu")
TAMPERED = ("This invitation link is not valid.", "Nid yw'r ddolen wahoddiad hon yn ddilys.")


@pytest.mark.parametrize(("language", "index"), [("en", 0), ("cy", 1)])
def test_an_expired_invitation(
    panel: TargetGroup, fran: User, alice: User, language: str, index: int
) -> None:
    invitation = invite(panel, fran)
    GroupInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert EXPIRED[index] in refusal(services.invitation_token(invitation), alice, language)


@pytest.mark.parametrize(("language", "index"), [("en", 0), ("cy", 1)])
def test_a_revoked_invitation(panel: TargetGroup, fran: User, alice: User, language: str, index: int) -> None:
    invitation = services.invitation_revoke(invitation=invite(panel, fran), by=fran)
    assert invitation.revoked_by == fran and invitation.revoked_at is not None
    assert REVOKED[index] in refusal(services.invitation_token(invitation), alice, language)


@pytest.mark.parametrize(("language", "index"), [("en", 0), ("cy", 1)])
def test_a_used_up_invitation(
    panel: TargetGroup, fran: User, alice: User, bob: User, language: str, index: int
) -> None:
    invitation = invite(panel, fran, max_uses=1)
    token = services.invitation_token(invitation)
    services.invitation_accept(token=token, user=bob)
    assert USED_UP[index] in refusal(token, alice, language)
    invitation.refresh_from_db()
    assert invitation.uses == 1


@pytest.mark.parametrize(("language", "index"), [("en", 0), ("cy", 1)])
def test_a_tampered_or_unknown_token(
    panel: TargetGroup, fran: User, alice: User, language: str, index: int
) -> None:
    invitation = invite(panel, fran)
    token = services.invitation_token(invitation)
    forged_secret = signing.Signer(salt=services.INVITATION_SALT).sign_object([invitation.pk, "guessed"])
    unknown = signing.Signer(salt=services.INVITATION_SALT).sign_object(
        [invitation.pk + 1000, invitation.secret]
    )
    other_salt = signing.Signer().sign_object([invitation.pk, invitation.secret])
    for bad in (token[:-2] + "xx", forged_secret, unknown, other_salt, "nonsense"):
        assert TAMPERED[index] in refusal(bad, alice, language)


def test_the_expiry_takes_priority_over_nothing_but_a_revocation(
    panel: TargetGroup, fran: User, alice: User
) -> None:
    invitation = invite(panel, fran)
    GroupInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    services.invitation_revoke(invitation=invitation, by=fran)
    assert REVOKED[0] in refusal(services.invitation_token(invitation), alice)


def test_revoking_keeps_the_people_who_joined(panel: TargetGroup, fran: User, alice: User) -> None:
    invitation = invite(panel, fran)
    services.invitation_accept(token=services.invitation_token(invitation), user=alice)
    services.invitation_revoke(invitation=invitation, by=fran)
    assert GroupMembership.objects.filter(user=alice, group=panel).exists()


def test_a_resident_cannot_revoke(panel: TargetGroup, fran: User, alice: User) -> None:
    invitation = invite(panel, fran)
    with pytest.raises(Refusal):
        services.invitation_revoke(invitation=invitation, by=alice)
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_a_suspended_person_cannot_join(panel: TargetGroup, fran: User, alice: User) -> None:
    alice.suspended_at = timezone.now()
    alice.suspension_reason = "Abuse"
    alice.save()
    invitation = invite(panel, fran)
    assert "suspended" in refusal(services.invitation_token(invitation), alice)
    invitation.refresh_from_db()
    assert invitation.uses == 0


# The join page.


def join_url(invitation: GroupInvitation, language: str = "en") -> str:
    prefix = "/cy" if language == "cy" else ""
    return f"{prefix}/join/{services.invitation_token(invitation)}/"


def test_visitors_see_the_group_and_are_sent_to_sign_in_and_back(
    client: Client, panel: TargetGroup, fran: User
) -> None:
    url = join_url(invite(panel, fran))
    text = client.get(url).content.decode()
    assert "Join Citizens&#x27; panel" in text and "Swansea Council" in text
    assert f"/accounts/login/?next={quote(url)}" in text
    assert f"/accounts/signup/?next={quote(url)}" in text
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert not GroupMembership.objects.exists()


def test_the_page_is_in_welsh(client: Client, panel: TargetGroup, fran: User) -> None:
    text = client.get(join_url(invite(panel, fran), "cy")).content.decode().replace("&#x27;", "'")
    assert "Ymuno â'r grŵp Panel dinasyddion" in text and "Cyngor Abertawe" in text


def test_signed_in_people_join_with_a_button(
    client: Client, panel: TargetGroup, fran: User, alice: User, organisation: Organisation
) -> None:
    conversation = make_conversation(organisation, slug="panel", visibility="invitation")
    conversation.target_groups.add(panel)
    url = join_url(invite(panel, fran))
    client.force_login(alice)
    assert "Join the group" in client.get(url).content.decode()
    assert not GroupMembership.objects.exists()  # following the link alone changes nothing
    response = client.post(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "govuk-panel--confirmation" in text and "You have joined the group" in text
    assert "/conversations/panel/" in text
    assert GroupMembership.objects.filter(user=alice, group=panel).exists()
    assert client.get("/conversations/panel/").status_code == 200
    assert "You are already in this group" in client.post(url).content.decode()


def test_the_outcome_in_welsh(client: Client, panel: TargetGroup, fran: User, bob: User) -> None:
    client.force_login(bob)
    text = client.post(join_url(invite(panel, fran), "cy")).content.decode().replace("&#x27;", "'")
    assert "Rydych chi wedi ymuno â'r grŵp" in text


@pytest.mark.parametrize("language", ["en", "cy"])
def test_links_that_do_not_work_say_why(
    client: Client, panel: TargetGroup, fran: User, alice: User, language: str
) -> None:
    client.force_login(alice)
    index = 0 if language == "en" else 1
    expired = invite(panel, fran)
    GroupInvitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    revoked = services.invitation_revoke(invitation=invite(panel, fran), by=fran)
    for invitation, message in ((expired, EXPIRED), (revoked, REVOKED)):
        for method in (client.get, client.post):
            response = method(join_url(invitation, language))
            assert response.status_code == 403
            assert message[index] in response.content.decode().replace("&#x27;", "'")
    response = client.get(join_url(expired, language).replace("/join/", "/join/x"))
    assert response.status_code == 404
    assert TAMPERED[index] in response.content.decode().replace("&#x27;", "'")
    assert not GroupMembership.objects.exists()


# The admin (officers).


def test_an_officer_creates_an_invitation_and_copies_its_link(
    client: Client, panel: TargetGroup, olwen: User
) -> None:
    client.force_login(olwen)
    expires = timezone.localtime(timezone.now() + timedelta(days=14))
    response = client.post(
        "/admin/vocaleyes/groupinvitation/add/",
        {
            "group": panel.pk,
            "expires_at_0": expires.strftime("%Y-%m-%d"),
            "expires_at_1": expires.strftime("%H:%M:%S"),
            "max_uses": 30,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    invitation = GroupInvitation.objects.get()
    assert invitation.created_by == olwen and invitation.max_uses == 30 and len(invitation.secret) >= 24
    link = f"http://testserver/join/{services.invitation_token(invitation)}/"
    listing = client.get("/admin/vocaleyes/groupinvitation/").content.decode()
    assert link in listing and "0 / 30" in listing and "Working" in listing
    assert link in client.get(f"/admin/vocaleyes/groupinvitation/{invitation.pk}/change/").content.decode()


def test_the_admin_refuses_an_expiry_in_the_past(client: Client, panel: TargetGroup, olwen: User) -> None:
    client.force_login(olwen)
    response = client.post(
        "/admin/vocaleyes/groupinvitation/add/",
        {"group": panel.pk, "expires_at_0": "2020-01-01", "expires_at_1": "10:00:00", "max_uses": 3},
    )
    assert response.status_code == 200
    assert "Choose an expiry time in the future." in response.content.decode()
    assert not GroupInvitation.objects.exists()


def test_an_officer_revokes_invitations(client: Client, panel: TargetGroup, olwen: User, fran: User) -> None:
    invitation = invite(panel, fran)
    client.force_login(olwen)
    response = client.post(
        "/admin/vocaleyes/groupinvitation/",
        {"action": "revoke", "_selected_action": [invitation.pk]},
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_by == olwen and invitation.revoked_at is not None
    assert "Revoked" in client.get("/admin/vocaleyes/groupinvitation/").content.decode()


# Under a real race.


@pytest.mark.django_db(transaction=True)
def test_two_people_cannot_both_take_the_last_use(panel: TargetGroup, fran: User) -> None:
    """The first person's transaction holds the invitation's row after joining; the second
    person's accept meanwhile must wait for it, then find the invitation used up."""
    if connection.vendor == "sqlite":
        # The in-memory SQLite test database refuses a second writer outright ("table is
        # locked") instead of letting it wait: a race cannot start. Runs on Postgres.
        pytest.skip("needs a database server that lets two connections race (Postgres)")
    first_person, second_person = make_user("one@example.org", "One"), make_user("two@example.org", "Two")
    token = services.invitation_token(invite(panel, fran, max_uses=1))
    first_joined, release, second_done = threading.Event(), threading.Event(), threading.Event()
    outcomes: dict[str, object] = {}

    def first() -> None:
        try:
            with translation.override("en"), transaction.atomic():
                outcomes["first"] = services.invitation_accept(token=token, user=first_person)
                first_joined.set()
                release.wait(20)
        finally:
            connection.close()

    def second() -> None:
        try:
            first_joined.wait(20)
            with translation.override("en"):
                outcomes["second"] = services.invitation_accept(token=token, user=second_person)
        except Refusal as refusal:
            outcomes["second"] = refusal
        finally:
            second_done.set()
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    assert first_joined.wait(20)
    assert not second_done.wait(1), "the second accept did not wait for the first one's lock"
    release.set()
    for thread in threads:
        thread.join(30)
    assert isinstance(outcomes["second"], Refusal)
    assert USED_UP[0] in str(outcomes["second"])
    assert list(GroupMembership.objects.values_list("user__email", flat=True)) == ["one@example.org"]
    assert GroupInvitation.objects.get().uses == 1

"""Target groups and the groups people say they belong to: private, with consent, withdrawable."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone, translation

from conversations.models import Conversation
from tests.conversations.conftest import make_idea
from vocaleyes import services
from vocaleyes.errors import Refusal
from vocaleyes.models import DemographicConsent, GroupMembership, Organisation, TargetGroup, User

pytestmark = pytest.mark.django_db

HEADER = "name_en,name_cy,kind,population_size,population_source\n"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Services answer in the active language; these tests read the English (or say otherwise)."""
    with translation.override("en"):
        yield


@pytest.fixture
def carers(organisation: Organisation) -> TargetGroup:
    return TargetGroup.objects.create(
        organisation=organisation,
        name_en="Unpaid carers",
        name_cy="Gofalwyr di-dâl",
        kind=TargetGroup.Kind.LIVED_EXPERIENCE,
        population_size=24_000,
        population_source="Census 2021",
    )


@pytest.fixture
def young(organisation: Organisation) -> TargetGroup:
    return TargetGroup.objects.create(
        organisation=organisation,
        name_en="Aged 16 to 24",
        name_cy="16 i 24 oed",
        kind=TargetGroup.Kind.AGE_BAND,
    )


@pytest.fixture
def panel(organisation: Organisation) -> TargetGroup:
    return TargetGroup.objects.create(
        organisation=organisation,
        name_en="Citizens' panel",
        name_cy="Panel dinasyddion",
        kind=TargetGroup.Kind.OTHER,
        self_declarable=False,
    )


# --- the models' rules ------------------------------------------------------------------------


def test_a_group_name_is_unique_within_its_organisation(
    carers: TargetGroup, organisation: Organisation
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        TargetGroup.objects.create(organisation=organisation, name_en="Unpaid carers", kind="other")
    other = Organisation.objects.create(slug="gwynedd", name_en="Gwynedd", kind="local_authority")
    TargetGroup.objects.create(organisation=other, name_en="Unpaid carers", kind="other")


@pytest.mark.parametrize(
    "values",
    [
        {"name_en": ""},
        {"population_size": 0},
        {"population_size": None, "population_source": "Census 2021"},
    ],
    ids=["no English name", "size zero", "source without a size"],
)
def test_a_group_must_read_sensibly(organisation: Organisation, values: dict[str, object]) -> None:
    fields: dict[str, object] = {"name_en": "Carers", "kind": "other", "population_size": 10, **values}
    with pytest.raises(IntegrityError), transaction.atomic():
        TargetGroup.objects.create(organisation=organisation, **fields)


def test_a_self_declared_membership_needs_consent_and_is_held_once(alice: User, carers: TargetGroup) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        GroupMembership.objects.create(user=alice, group=carers, how=GroupMembership.How.SELF_DECLARED)
    GroupMembership.objects.create(user=alice, group=carers, how=GroupMembership.How.INVITATION)
    with pytest.raises(IntegrityError), transaction.atomic():
        GroupMembership.objects.create(
            user=alice, group=carers, how=GroupMembership.How.SELF_DECLARED, consented_at=timezone.now()
        )


def test_the_name_follows_the_language(carers: TargetGroup) -> None:
    with translation.override("cy"):
        assert str(carers) == "Gofalwyr di-dâl"
    with translation.override("en"):
        assert str(carers) == "Unpaid carers"


# --- declaring and withdrawing ---------------------------------------------------------------


def test_declaring_records_consent_and_the_groups(
    alice: User, carers: TargetGroup, young: TargetGroup
) -> None:
    services.groups_declare(user=alice, groups=[carers, young], consent=True)
    assert set(alice.group_memberships.values_list("group__name_en", "how")) == {
        ("Unpaid carers", "self_declared"),
        ("Aged 16 to 24", "self_declared"),
    }
    assert all(m.consented_at for m in alice.group_memberships.all())
    consent = DemographicConsent.objects.get(user=alice)
    assert consent.given_at is not None and consent.withdrawn_at is None
    # Declaring again replaces the answers: an unticked group goes.
    services.groups_declare(user=alice, groups=[young], consent=True)
    assert list(alice.group_memberships.values_list("group__name_en", flat=True)) == ["Aged 16 to 24"]


def test_declaring_without_consent_is_refused(alice: User, carers: TargetGroup) -> None:
    with pytest.raises(Refusal) as refused:
        services.groups_declare(user=alice, groups=[carers], consent=False)
    assert refused.value.field == "consent"
    assert not GroupMembership.objects.exists() and not DemographicConsent.objects.exists()


def test_a_group_that_is_not_self_declarable_is_refused(
    alice: User, carers: TargetGroup, panel: TargetGroup
) -> None:
    with pytest.raises(Refusal) as refused:
        services.groups_declare(user=alice, groups=[carers, panel], consent=True)
    assert refused.value.field == "groups"
    assert not GroupMembership.objects.exists()


def test_a_suspended_person_may_not_declare(alice: User, carers: TargetGroup) -> None:
    alice.suspended_at = timezone.now()
    alice.suspended_until = timezone.now() + timedelta(days=3)
    alice.suspension_reason = "Abuse"
    alice.save()
    with pytest.raises(Refusal) as refused:
        services.groups_declare(user=alice, groups=[carers], consent=True)
    assert refused.value.forbidden and "suspended" in str(refused.value)
    assert not GroupMembership.objects.exists()


def test_withdrawing_deletes_only_the_self_declared_answers(
    alice: User, bob: User, carers: TargetGroup, young: TargetGroup, panel: TargetGroup
) -> None:
    services.groups_declare(user=alice, groups=[carers, young], consent=True)
    services.groups_declare(user=bob, groups=[carers], consent=True)
    GroupMembership.objects.create(user=alice, group=panel, how=GroupMembership.How.INVITATION)
    assert services.groups_withdraw(user=alice) == 2
    assert list(alice.group_memberships.values_list("group__name_en", "how")) == [
        ("Citizens' panel", "invitation")
    ]
    assert bob.group_memberships.count() == 1  # someone else's answers stay
    consent = DemographicConsent.objects.get(user=alice)
    assert consent.given_at is None and consent.withdrawn_at is not None


# --- the CSV import ------------------------------------------------------------------------------


def _csv(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8"))


def test_an_officer_imports_groups(olwen: User, organisation: Organisation) -> None:
    result = services.target_groups_import_csv(
        organisation=organisation,
        file=_csv(
            "\ufeff" + HEADER + "Welsh speakers,Siaradwyr Cymraeg,welsh_language,55000,Census 2021\n"
            "Sketty,Sgeti,Place,,\n"
        ),
        officer=olwen,
    )
    assert (result.created, result.updated) == (2, 0)
    speakers = TargetGroup.objects.get(name_en="Welsh speakers")
    assert (speakers.name_cy, speakers.kind, speakers.population_size, speakers.population_source) == (
        "Siaradwyr Cymraeg",
        "welsh_language",
        55000,
        "Census 2021",
    )
    assert TargetGroup.objects.get(name_en="Sketty").kind == "place"


def test_an_import_with_problems_lists_each_by_line_and_writes_nothing(
    olwen: User, organisation: Organisation
) -> None:
    text = (
        HEADER
        + "Welsh speakers,Siaradwyr Cymraeg,welsh_language,55000,Census 2021\n"
        + ",Dim enw,place,10,\n"
        + "Carers,Gofalwyr,hobbies,-5,\n"
        + "Sketty,Sgeti,place,,Census 2021\n"
        + "Welsh speakers,,welsh_language,1,\n"
    )
    with pytest.raises(services.ImportRefusal) as refused:
        services.target_groups_import_csv(organisation=organisation, file=_csv(text), officer=olwen)
    problems = refused.value.problems
    assert [p.split(":")[0] for p in problems] == ["Line 3", "Line 4", "Line 4", "Line 5", "Line 6"]
    assert "English name is missing" in problems[0]
    assert "kind must be one of" in problems[1] and "whole number" in problems[2]
    assert "without a population size" in problems[3] and "twice" in problems[4]
    assert not TargetGroup.objects.exists()


def test_a_file_with_the_wrong_columns_is_refused(olwen: User, organisation: Organisation) -> None:
    with pytest.raises(services.ImportRefusal) as refused:
        services.target_groups_import_csv(
            organisation=organisation, file=_csv("name,size\nA,1\n"), officer=olwen
        )
    assert refused.value.problems[0].startswith("Line 1:")


def test_reimporting_updates_the_sizes(olwen: User, organisation: Organisation, carers: TargetGroup) -> None:
    result = services.target_groups_import_csv(
        organisation=organisation,
        file=_csv(HEADER + "Unpaid carers,Gofalwyr di-dâl,lived_experience,25500,Census 2021 (updated)\n"),
        officer=olwen,
    )
    assert (result.created, result.updated) == (0, 1)
    carers.refresh_from_db()
    assert (carers.population_size, carers.population_source) == (25500, "Census 2021 (updated)")
    assert TargetGroup.objects.count() == 1


def test_only_officers_import(fran: User, organisation: Organisation) -> None:
    with pytest.raises(Refusal) as refused:
        services.target_groups_import_csv(
            organisation=organisation, file=_csv(HEADER + "Sketty,Sgeti,place,,\n"), officer=fran
        )
    assert refused.value.forbidden and not TargetGroup.objects.exists()


# --- the admin ---------------------------------------------------------------------------------


def test_the_admin_import_page_imports_and_lists_problems(
    client: Client, olwen: User, organisation: Organisation
) -> None:
    client.force_login(olwen)
    changelist = client.get("/admin/vocaleyes/targetgroup/").content.decode()
    assert 'href="/admin/vocaleyes/targetgroup/import/"' in changelist
    bad = SimpleUploadedFile("groups.csv", (HEADER + "Sketty,Sgeti,nowhere,,\n").encode(), "text/csv")
    page = client.post("/admin/vocaleyes/targetgroup/import/", {"organisation": organisation.pk, "file": bad})
    assert page.status_code == 200
    assert "Line 2: the kind must be one of" in page.content.decode()
    good = SimpleUploadedFile("groups.csv", (HEADER + "Sketty,Sgeti,place,,\n").encode(), "text/csv")
    done = client.post(
        "/admin/vocaleyes/targetgroup/import/", {"organisation": organisation.pk, "file": good}
    )
    assert done.status_code == 302
    assert TargetGroup.objects.filter(organisation=organisation, name_en="Sketty").exists()


def test_a_resident_cannot_open_the_import_page(client: Client, alice: User) -> None:
    client.force_login(alice)
    response = client.get("/admin/vocaleyes/targetgroup/import/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_admin_shows_counts_never_names(
    client: Client, olwen: User, alice: User, bob: User, carers: TargetGroup
) -> None:
    services.groups_declare(user=alice, groups=[carers], consent=True)
    services.groups_declare(user=bob, groups=[carers], consent=True)
    client.force_login(olwen)
    response = client.get("/admin/vocaleyes/targetgroup/")
    assert response.context["cl"].result_list[0].self_declared_count == 2
    for page in [response, client.get(f"/admin/vocaleyes/targetgroup/{carers.pk}/change/")]:
        html = page.content.decode()
        assert "Alice" not in html and "alice@example.org" not in html
    assert client.get("/admin/vocaleyes/groupmembership/").status_code == 404


# --- the profile page -----------------------------------------------------------------------


def test_the_profile_explains_the_groups_in_english_and_welsh(
    client: Client, alice: User, carers: TargetGroup, panel: TargetGroup
) -> None:
    client.force_login(alice)
    english = client.get("/accounts/profile/").content.decode()
    assert "Groups you belong to (optional)" in english and "Nobody else sees your answers" in english
    assert "Unpaid carers" in english and "Citizens&#x27; panel" not in english  # not self-declarable
    welsh = client.get("/cy/accounts/profile/").content.decode()
    assert "Grwpiau rydych chi'n perthyn iddyn nhw (dewisol)" in welsh
    assert "Gofalwyr di-dâl" in welsh and "Does neb arall yn gweld eich atebion" in welsh
    # A group named only in English is marked as English on the Welsh page.
    TargetGroup.objects.create(organisation=carers.organisation, name_en="Sketty", kind="place")
    welsh = client.get("/cy/accounts/profile/").content.decode()
    assert 'lang="en">Sketty</label>' in welsh and 'lang="en">Gofalwyr' not in welsh


def test_the_profile_saves_groups_with_consent(client: Client, alice: User, carers: TargetGroup) -> None:
    client.force_login(alice)
    response = client.post(
        "/accounts/profile/", {"action": "groups", "groups-consent": "on", "groups-groups": [carers.pk]}
    )
    assert response.status_code == 302
    assert list(alice.group_memberships.values_list("group", flat=True)) == [carers.pk]
    page = client.get("/accounts/profile/").content.decode()
    assert f'value="{carers.pk}" checked' in page and "Withdraw and delete my answers" in page


def test_the_profile_shows_the_refusal_beside_the_consent_box(
    client: Client, alice: User, carers: TargetGroup
) -> None:
    client.force_login(alice)
    response = client.post("/accounts/profile/", {"action": "groups", "groups-groups": [carers.pk]})
    html = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in html
    assert 'id="id_groups-consent-error"' in html and 'href="#id_groups-consent"' in html
    assert not GroupMembership.objects.exists()


def test_the_profile_withdraws_and_deletes_the_answers(
    client: Client, alice: User, carers: TargetGroup
) -> None:
    services.groups_declare(user=alice, groups=[carers], consent=True)
    client.force_login(alice)
    response = client.post("/accounts/profile/", {"action": "withdraw"}, follow=True)
    assert not GroupMembership.objects.filter(user=alice).exists()
    assert "Your answers about your groups have been deleted." in response.content.decode()


def test_the_profile_form_still_saves_the_name(client: Client, alice: User) -> None:
    client.force_login(alice)
    client.post("/accounts/profile/", {"display_name": "Alys", "language": "cy"})
    alice.refresh_from_db()
    assert (alice.display_name, alice.language) == ("Alys", "cy")


def test_other_residents_never_see_someone_s_groups(
    client: Client,
    alice: User,
    bob: User,
    carers: TargetGroup,
    young: TargetGroup,
    conversation: Conversation,
) -> None:
    services.groups_declare(user=alice, groups=[young], consent=True)
    idea = make_idea(conversation, alice)
    client.force_login(bob)
    pages = [
        f"/conversations/{conversation.slug}/",
        f"/conversations/{conversation.slug}/ideas/{idea.pk}/",
        "/accounts/profile/",
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert "Alice" in html or url == "/accounts/profile/"
        # Bob's own profile offers the group to tick, but never as ticked: it is Alice's answer.
        assert f'value="{young.pk}" checked' not in html
        if url != "/accounts/profile/":
            assert "Aged 16 to 24" not in html and "16 i 24 oed" not in html


def test_the_privacy_notice_says_what_is_kept(client: Client) -> None:
    assert "The groups you belong to" in client.get("/privacy/").content.decode()
    assert "Y grwpiau rydych chi'n perthyn iddyn nhw" in client.get("/cy/privacy/").content.decode()


def test_a_refused_group_is_linked_from_the_error_summary(
    client: Client, alice: User, carers: TargetGroup, panel: TargetGroup
) -> None:
    client.force_login(alice)
    # A group that is not offered (not self-declarable) is not a valid choice of the form.
    response = client.post(
        "/accounts/profile/", {"action": "groups", "groups-consent": "on", "groups-groups": [panel.pk]}
    )
    html = response.content.decode()
    assert 'href="#id_groups-groups_0"' in html and 'id="id_groups-groups_0"' in html
    assert 'id="id_groups-groups-error"' in html and "Choose groups from the list." in html
    assert not GroupMembership.objects.exists()


def test_a_suspended_person_is_told_why_on_the_profile(
    client: Client, alice: User, carers: TargetGroup
) -> None:
    alice.suspended_at = timezone.now()
    alice.suspension_reason = "Abuse"
    alice.save()
    client.force_login(alice)
    response = client.post(
        "/accounts/profile/", {"action": "groups", "groups-consent": "on", "groups-groups": [carers.pk]}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Your account has been suspended" in html
    # The summary links to the form's first box (the prefix is in the id already).
    assert 'href="#id_groups-consent"' in html
    assert not GroupMembership.objects.exists()


def test_the_import_page_speaks_welsh_to_a_welsh_officer(client: Client, olwen: User) -> None:
    client.force_login(olwen)
    html = client.get("/cy/admin/vocaleyes/targetgroup/import/").content.decode()
    assert "Mewnforio grwpiau o CSV" in html and "Ffeil CSV" in html
    assert "Mewnforio grwpiau o CSV" in client.get("/cy/admin/vocaleyes/targetgroup/").content.decode()

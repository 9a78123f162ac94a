"""Rate limits on writes (issue 14): each named write is refused with a 429 in the person's
language once over its budget, writes nothing, lifts after its window; per person and per
address; GET pages are never limited."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from conversations.models import ActionGroup, Comment, Conversation, Idea, Pledge, Rating, Report
from tests.conftest import clear_cache, make_user
from tests.conversations.conftest import make_idea
from timecredits import services as credit_services
from timecredits.models import Account, PartnerOffer, Transfer
from vocaleyes import throttle
from vocaleyes.models import Organisation, User
from vocaleyes.settings import env_rate_limits

pytestmark = pytest.mark.django_db

Response = Any  # the test client's response

# A whole hour since the epoch: windows of an hour start here.
START = 1_800_000_000.0
NAMES = ["idea", "comment", "rating", "report", "pledge", "gift", "token", "ballot"]


def budgets(text: str) -> dict[str, str]:
    return dict.fromkeys(NAMES, text)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """The counters' clock, at the start of an hour; tests move it on. The cache starts empty."""
    now = [START]
    monkeypatch.setattr(throttle, "now", lambda: now[0])
    clear_cache()
    yield now
    clear_cache()


@pytest.fixture
def one_each(clock: list[float]) -> Iterator[list[float]]:
    """One of each write per person an hour; the address's budget out of the way."""
    with override_settings(
        VOCALEYES_RATE_LIMITS=budgets("1/h"), VOCALEYES_RATE_LIMITS_PER_IP=budgets("1000/h")
    ):
        yield clock


def make_group(conversation: Conversation, creator: User, name: str) -> ActionGroup:
    group = ActionGroup.objects.create(
        conversation=conversation, created_by=creator, name_en=name, name_cy=name
    )
    group.ideas.add(make_idea(conversation, creator, f"Idea for {name}"))
    return group


def with_credits(organisation: Organisation, fran: User, person: User) -> None:
    credit_services.account_open_for_organisation(organisation=organisation, kind=Account.Kind.ISSUING)
    credit_services.credits_earn(
        organisation=organisation,
        person=person,
        minutes=600,
        recorded_by=fran,
        memo="Citizen panel",
        idempotency_key=f"earn-{person.pk}",
    )


def give(client: Client, recipient: User, key: str, prefix: str = "") -> Response:
    """Fill in the give form (not limited: it moves nothing), then confirm on the check page."""
    number = credit_services.account_for_person(user=recipient).number
    answered = client.post(
        f"{prefix}/time-credits/give/",
        {"recipient": number, "hours": "1", "message": "Diolch", "idempotency_key": key * 32},
    )
    assert answered.status_code == 302, answered.content.decode()
    page = client.get(reverse("timecredits:gift_check")).content.decode()
    fields = dict(re.findall(r'<input type="hidden" name="(key|balance)" value="([^"]*)"', page))
    return client.post(f"{prefix}/time-credits/give/check/", fields)


class Write:
    """One named write, twice: ``first`` and ``second`` each write one row when allowed."""

    def __init__(
        self,
        name: str,
        model: type[Model],
        do: Callable[[Client, int, str], Response],
    ) -> None:
        self.name, self.model, self.do = name, model, do

    def rows(self) -> int:
        if self.model is Transfer:
            return Transfer.objects.filter(kind=Transfer.Kind.GIFT).count()
        return self.model._default_manager.count()


@pytest.fixture
def writes(conversation: Conversation, organisation: Organisation, fran: User, bob: User) -> dict[str, Write]:
    """Each named write, as a resident does it. ``do(client, n, prefix)`` is the n-th (0 or 1)."""
    ideas = [make_idea(conversation, bob, f"Bob's idea {n}") for n in range(2)]
    groups = [make_group(conversation, fran, f"Group {n}") for n in range(2)]
    base = "/conversations/wellbeing/ideas"

    def idea(client: Client, n: int, prefix: str) -> Response:
        data = {"title": f"Idea number {n}", "body": "A longer explanation of the idea.", "language": "en"}
        return client.post(f"{prefix}{base}/new/", data)

    def comment(client: Client, n: int, prefix: str) -> Response:
        return client.post(f"{prefix}{base}/{ideas[0].pk}/comments/", {"body": f"Comment {n}"})

    def rating(client: Client, n: int, prefix: str) -> Response:
        return client.post(f"{prefix}{base}/{ideas[n].pk}/rate/", {"value": "4"})

    def report(client: Client, n: int, prefix: str) -> Response:
        return client.post(f"{prefix}{base}/{ideas[n].pk}/report/", {"reason": "offensive", "details": ""})

    def pledge(client: Client, n: int, prefix: str) -> Response:
        return client.post(
            f"{prefix}/conversations/action/{groups[n].pk}/pledge/", {"kind": "hours", "hours": "1"}
        )

    def gift(client: Client, n: int, prefix: str) -> Response:
        return give(client, fran, "ab"[n], prefix)

    return {
        "idea": Write("idea", Idea, idea),
        "comment": Write("comment", Comment, comment),
        "rating": Write("rating", Rating, rating),
        "report": Write("report", Report, report),
        "pledge": Write("pledge", Pledge, pledge),
        "gift": Write("gift", Transfer, gift),
    }


LIMITED_EN = {
    "idea": "You have posted a lot of ideas in a short time.",
    "comment": "You have written a lot of comments in a short time.",
    "rating": "You have rated a lot of ideas in a short time.",
    "report": "You have sent a lot of reports in a short time.",
    "pledge": "You have made a lot of pledges in a short time.",
    "gift": "You have given or spent time credits a lot of times in a short time.",
}
LIMITED_CY = {
    "idea": "Rydych wedi cyflwyno llawer o syniadau mewn amser byr.",
    "comment": "Rydych wedi ysgrifennu llawer o sylwadau mewn amser byr.",
    "rating": "Rydych wedi sgorio llawer o syniadau mewn amser byr.",
    "report": "Rydych wedi anfon llawer o adroddiadau mewn amser byr.",
    "pledge": "Rydych wedi gwneud llawer o addewidion mewn amser byr.",
    "gift": "Rydych wedi rhoi neu wario credydau amser lawer gwaith mewn amser byr.",
}
# START + an hour, on the page's clock (Europe/London).
RETRY_AT = timezone.localtime(datetime.fromtimestamp(START + 3600, tz=UTC)).strftime("%H:%M")


def resident(organisation: Organisation, fran: User, email: str, language: str = "en") -> Client:
    person = make_user(email, email.split("@")[0].title(), language=language)
    with_credits(organisation, fran, person)
    client = Client()
    client.force_login(person)
    return client


@pytest.mark.parametrize("name", ["idea", "comment", "rating", "report", "pledge", "gift"])
@pytest.mark.parametrize("language", ["en", "cy"])
def test_each_write_is_refused_over_its_budget_in_the_persons_language_and_writes_nothing(
    name: str,
    language: str,
    one_each: list[float],
    writes: dict[str, Write],
    organisation: Organisation,
    fran: User,
) -> None:
    write = writes[name]
    client = resident(organisation, fran, "dewi@example.org", language)
    prefix = "/cy" if language == "cy" else ""
    before = write.rows()
    allowed = write.do(client, 0, prefix)
    assert allowed.status_code == 302, allowed.content.decode()
    assert write.rows() == before + 1

    refused = write.do(client, 1, prefix)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"
    assert write.rows() == before + 1  # the second was never written
    page = refused.content.decode()
    if language == "cy":
        assert '<html lang="cy"' in page
        assert LIMITED_CY[name] in page and "Nid oes dim wedi'i gadw." in page
        assert f"Gallwch roi cynnig arall arni ar ôl {RETRY_AT}." in page
    else:
        assert LIMITED_EN[name] in page and "Nothing has been saved." in page
        assert f"You can try again after {RETRY_AT}." in page


@pytest.mark.parametrize("name", ["idea", "comment", "rating", "report", "pledge", "gift"])
def test_the_limit_lifts_when_its_window_ends(
    name: str, one_each: list[float], writes: dict[str, Write], organisation: Organisation, fran: User
) -> None:
    write = writes[name]
    client = resident(organisation, fran, "dewi@example.org")
    before = write.rows()
    assert write.do(client, 0, "").status_code == 302
    one_each[0] = START + 3599
    assert write.do(client, 1, "").status_code == 429
    one_each[0] = START + 3600
    assert write.do(client, 1, "").status_code == 302
    assert write.rows() == before + 2


def test_retry_after_counts_down_to_the_end_of_the_window(
    one_each: list[float], writes: dict[str, Write], organisation: Organisation, fran: User
) -> None:
    client = resident(organisation, fran, "dewi@example.org")
    writes["comment"].do(client, 0, "")
    one_each[0] = START + 3000
    assert writes["comment"].do(client, 1, "")["Retry-After"] == "600"


def test_one_persons_limit_does_not_stop_another(
    one_each: list[float], writes: dict[str, Write], organisation: Organisation, fran: User
) -> None:
    dewi = resident(organisation, fran, "dewi@example.org")
    eira = resident(organisation, fran, "eira@example.org")
    write = writes["comment"]
    assert write.do(dewi, 0, "").status_code == 302
    assert write.do(dewi, 1, "").status_code == 429
    assert write.do(eira, 0, "").status_code == 302
    # Nor does one limit stop another of the same person's writes.
    assert writes["rating"].do(dewi, 0, "").status_code == 302
    assert Comment.objects.count() == 2


def test_the_address_limit_catches_two_accounts_from_one_address(
    clock: list[float], writes: dict[str, Write], organisation: Organisation, fran: User
) -> None:
    dewi = resident(organisation, fran, "dewi@example.org")
    eira = resident(organisation, fran, "eira@example.org")
    other_place = resident(organisation, fran, "ffion@example.org")
    write = writes["comment"]
    with override_settings(
        VOCALEYES_RATE_LIMITS=budgets("10/h"), VOCALEYES_RATE_LIMITS_PER_IP=budgets("2/h")
    ):
        assert write.do(dewi, 0, "").status_code == 302
        assert write.do(eira, 0, "").status_code == 302
        refused = write.do(eira, 1, "")
        assert refused.status_code == 429 and refused["Retry-After"] == "3600"
        assert write.do(dewi, 1, "").status_code == 429
        other_place.defaults["REMOTE_ADDR"] = "192.0.2.7"
        assert write.do(other_place, 0, "").status_code == 302
    assert Comment.objects.count() == 3


def test_get_pages_are_never_limited(
    clock: list[float], writes: dict[str, Write], organisation: Organisation, fran: User
) -> None:
    client = resident(organisation, fran, "dewi@example.org")
    idea = Idea.objects.first()
    group = ActionGroup.objects.first()
    assert idea is not None and group is not None
    pages = [
        "/conversations/wellbeing/ideas/new/",
        f"/conversations/wellbeing/ideas/{idea.pk}/",
        f"/conversations/wellbeing/ideas/{idea.pk}/report/",
        f"/conversations/action/{group.pk}/pledge/",
        "/time-credits/give/",
    ]
    with override_settings(VOCALEYES_RATE_LIMITS=budgets("0/h"), VOCALEYES_RATE_LIMITS_PER_IP=budgets("0/h")):
        for _ in range(3):
            for url in pages:
                assert client.get(url).status_code == 200, url
        assert writes["comment"].do(client, 0, "").status_code == 429


def test_htmx_gets_the_same_status_with_a_short_fragment(
    one_each: list[float], writes: dict[str, Write], organisation: Organisation, fran: User
) -> None:
    client = resident(organisation, fran, "dewi@example.org")
    idea = Idea.objects.first()
    assert idea is not None
    url = f"/cy/conversations/wellbeing/ideas/{idea.pk}/rate/"
    assert client.post(url, {"value": "5"}, headers={"HX-Request": "true"}).status_code == 200
    refused = client.post(url, {"value": "1"}, headers={"HX-Request": "true"})
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert refused["HX-Reswap"] == "beforebegin"
    fragment = refused.content.decode()
    assert "<html" not in fragment and 'role="alert"' in fragment
    assert LIMITED_CY["rating"] in fragment
    assert Rating.objects.get().value == 5


def test_the_token_limit_applies_to_any_view_it_wraps(clock: list[float], alice: User) -> None:
    @throttle.throttle("token")
    def make_token(request: HttpRequest) -> HttpResponse:
        return HttpResponse("made")

    request = RequestFactory().post("/tokens/")
    request.user = alice
    with override_settings(VOCALEYES_RATE_LIMITS={"token": "2/m"}, VOCALEYES_RATE_LIMITS_PER_IP={}):
        assert [make_token(request).status_code for _ in range(3)] == [200, 200, 429]
        refused = make_token(request)
        assert refused["Retry-After"] == "60"
        assert "You have asked for a lot of API tokens in a short time." in refused.content.decode()


@pytest.mark.parametrize(
    ("text", "count", "seconds"),
    [("10/h", 10, 3600), ("5/15m", 5, 900), (" 3 / d ", 3, 86400), ("0/s", 0, 1)],
)
def test_budgets_are_read_from_text(text: str, count: int, seconds: int) -> None:
    assert throttle.parse_budget(text) == throttle.Budget(count, seconds)


def test_the_environment_overrides_some_limits_and_keeps_the_defaults_of_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VOCALEYES_RATE_LIMITS", "idea=3/h, gift=1/15m")
    assert env_rate_limits("VOCALEYES_RATE_LIMITS", "idea=10/h,comment=30/h,gift=20/h") == {
        "idea": "3/h",
        "comment": "30/h",
        "gift": "1/15m",
    }
    monkeypatch.setenv("VOCALEYES_RATE_LIMITS", "idea=lots")
    with pytest.raises(ImproperlyConfigured, match="idea=lots"):
        env_rate_limits("VOCALEYES_RATE_LIMITS", "")
    monkeypatch.setenv("VOCALEYES_RATE_LIMITS", "ideas=5/h")  # a misspelt name is not ignored
    with pytest.raises(ImproperlyConfigured, match="'ideas' is not one of idea, comment"):
        env_rate_limits("VOCALEYES_RATE_LIMITS", "")


def test_the_suite_runs_with_budgets_no_test_reaches() -> None:
    from django.conf import settings

    assert all(throttle.parse_budget(b).count >= 10_000 for b in settings.VOCALEYES_RATE_LIMITS.values())
    assert set(settings.VOCALEYES_RATE_LIMITS) == set(NAMES) == set(throttle.LIMITED)


def test_spending_credits_on_an_offer_counts_against_the_gift_limit(
    one_each: list[float], organisation: Organisation, fran: User
) -> None:
    partner = Organisation.objects.create(
        slug="leisure",
        name_en="Leisure Centre",
        name_cy="Canolfan Hamdden",
        kind=Organisation.Kind.THIRD_SECTOR,
    )
    credit_services.account_open_for_organisation(organisation=partner, kind=Account.Kind.RECEIVING)
    swim = PartnerOffer.objects.create(organisation=partner, title_en="A swim", title_cy="Nofio", price=60)
    client = resident(organisation, fran, "dewi@example.org", "cy")
    url = f"/cy/time-credits/offers/{swim.pk}/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"idempotency_key": "a" * 32}).status_code == 302
    refused = client.post(url, {"idempotency_key": "b" * 32})
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert LIMITED_CY["gift"] in refused.content.decode()
    assert Transfer.objects.filter(kind=Transfer.Kind.SPEND).count() == 1
    assert client.get(url).status_code == 200


def test_the_address_is_the_visitors_behind_a_trusted_proxy(alice: User) -> None:
    request = RequestFactory().post(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4, 10.0.0.1"
    )
    assert throttle.client_ip(request) == "10.0.0.1"
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert throttle.client_ip(request) == "10.0.0.1"
    with override_settings(TRUSTED_PROXY_COUNT=2):
        assert throttle.client_ip(request) == "198.51.100.4"

"""``/api/v1/budget-rounds/{slug}/my-ballot/``: a person's own ballot, cast and replaced through
the ballot service with the voting page's rules and refusals; anyone else's never shown."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from budgeting import services
from budgeting.models import Ballot, BudgetProject, BudgetRound, Vote
from conversations.models import Conversation
from tests.budgeting.conftest import make_projects, make_round, set_phase
from tests.conftest import clear_cache
from vocaleyes import services as account_services
from vocaleyes import throttle
from vocaleyes.models import User

pytestmark = pytest.mark.django_db

# What people might type where a number belongs: script and SQL, none of which may reach a query.
PAYLOADS = [
    '<script>alert("title")</script>',
    '<img src=x onerror=alert("body")>',
    "1; DROP TABLE budgeting_vote; --",
    "1 OR 1=1",
    "' OR '1'='1",
    "1' UNION SELECT password FROM vocaleyes_user --",
]

NOT_AN_OBJECT = "Send each choice as an object with a project, and points if the ballot has them."


def client_for(user: User) -> APIClient:
    """A client carrying a real API token of ``user``'s."""
    client = APIClient()
    _token, text = account_services.api_token_create(user=user, name="tests")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {text}")
    return client


def url(budget_round: BudgetRound) -> str:
    return f"/api/v1/budget-rounds/{budget_round.slug}/my-ballot/"


def chosen(budget_round: BudgetRound, user: User) -> dict[str, int]:
    """What the database holds for ``user``'s ballot: {project title: points}."""
    return dict(
        Vote.objects.filter(ballot__round=budget_round, ballot__voter=user)
        .values_list("project__title_en", "points")
        .order_by("project__code")
    )


@pytest.fixture
def round_(conversation: Conversation) -> BudgetRound:
    return make_round(conversation)


@pytest.fixture
def projects(round_: BudgetRound) -> dict[str, BudgetProject]:
    made = make_projects(
        round_, ("Playground", 60000), ("Benches", 30000), ("Cycle path", 50000), ("Trees", 10000)
    )
    return {project.title_en: project for project in made}


def body(*projects: BudgetProject, points: int | None = None) -> dict[str, Any]:
    return {
        "choices": [
            {"project": project.pk} if points is None else {"project": project.pk, "points": points}
            for project in projects
        ]
    }


def put(client: APIClient, budget_round: BudgetRound, data: Any, **extra: Any) -> Any:
    return client.put(url(budget_round), data=data, format="json", **extra)


def test_a_ballot_is_cast_then_replaced_and_a_receipt_emailed(
    round_: BudgetRound,
    projects: dict[str, BudgetProject],
    alice: User,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    client = client_for(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = put(client, round_, body(projects["Playground"], projects["Benches"]))
    assert response.status_code == 200, response.content
    data = response.json()
    assert [choice["title"] for choice in data["choices"]] == ["Playground", "Benches"]
    assert data["total_cost"] == "90000.00" and data["can_change"] is True
    assert data["receipt"].endswith(Ballot.objects.get(voter=alice).get_absolute_url())
    assert chosen(round_, alice) == {"Playground": 1, "Benches": 1}
    assert [message.to for message in mail.outbox] == [["alice@example.org"]]

    response = put(client, round_, body(projects["Trees"]))
    assert response.status_code == 200
    assert chosen(round_, alice) == {"Trees": 1}
    assert Ballot.objects.filter(round=round_, voter=alice).count() == 1
    assert client.get(url(round_)).json()["choices"][0]["title"] == "Trees"


def test_nobody_sees_anyone_elses_ballot(
    round_: BudgetRound, projects: dict[str, BudgetProject], alice: User, bob: User
) -> None:
    services.ballot_submit(budget_round=round_, voter=bob, choices={projects["Benches"].pk: 1})
    # Alice has not voted: Bob's ballot is not hers to see, and the address names no ballot.
    response = client_for(alice).get(url(round_))
    assert response.status_code == 404
    assert response.json() == {
        "detail": "You have not voted in this round.",
        "code": "not_found",
        "fields": {},
    }
    services.ballot_submit(budget_round=round_, voter=alice, choices={projects["Trees"].pk: 1})
    data = client_for(alice).get(url(round_)).json()
    assert [choice["title"] for choice in data["choices"]] == ["Trees"]
    assert set(data) == {"id", "round", "cast", "changed", "choices", "total_cost", "can_change", "receipt"}
    assert "bob" not in str(data).lower() and "Benches" not in str(data)
    # Alice replacing her ballot leaves Bob's alone.
    put(client_for(alice), round_, body(projects["Benches"]))
    assert chosen(round_, bob) == {"Benches": 1}
    assert APIClient().get(url(round_)).status_code == 401


def test_a_ballot_over_budget_is_refused_and_the_old_one_kept(
    round_: BudgetRound, projects: dict[str, BudgetProject], alice: User
) -> None:
    services.ballot_submit(budget_round=round_, voter=alice, choices={projects["Trees"].pk: 1})
    response = put(client_for(alice), round_, body(projects["Playground"], projects["Cycle path"]))
    assert response.status_code == 409
    message = (
        "Your choices cost £110,000, which is more than the budget of £100,000. "
        "Remove a project or choose cheaper ones."
    )
    assert response.json() == {"detail": message, "code": "ballot_rules", "fields": {"choices": [message]}}
    assert chosen(round_, alice) == {"Trees": 1}


def test_the_round_rules_are_the_ballot_services(conversation: Conversation, alice: User) -> None:
    k_round = make_round(conversation, slug="k-fund", ballot_type="k_approval", max_projects=2)
    a, b, c = make_projects(k_round, ("A", 10), ("B", 10), ("C", 10))
    response = put(client_for(alice), k_round, body(a, b, c))
    assert response.status_code == 409
    assert response.json()["fields"]["choices"] == ["You can choose up to 2 projects. You chose 3."]

    points_round = make_round(conversation, slug="points-fund", ballot_type="cumulative", points=10)
    x, y = make_projects(points_round, ("X", 10), ("Y", 10))
    client = client_for(alice)
    response = put(client, points_round, {"choices": [{"project": x.pk, "points": 4}, {"project": y.pk}]})
    assert response.status_code == 409
    assert "your points add up to 5. Make them add up to exactly 10." in response.json()["detail"]
    six = {"project": y.pk, "points": 6}
    response = put(client, points_round, {"choices": [{"project": x.pk, "points": 4}, six]})
    assert response.status_code == 200
    assert chosen(points_round, alice) == {"X": 4, "Y": 6}

    response = put(client_for(alice), k_round, body(a, points=2))
    no_points = "Each project is either chosen or not: this ballot has no points."
    assert response.json()["fields"]["choices"] == [no_points]
    assert not Ballot.objects.filter(round=k_round).exists()


def test_an_ineligible_project_cannot_be_chosen(round_: BudgetRound, alice: User) -> None:
    project = services.project_create(
        budget_round=round_,
        title_en="Car park",
        cost=Decimal(10),
        eligible=False,
        ineligible_reason_en="Not ours.",
    )
    response = put(client_for(alice), round_, body(project))
    assert response.status_code == 409
    not_eligible = "“Car park” is not eligible, so it cannot be voted for: Not ours."
    assert response.json()["fields"]["choices"] == [not_eligible]
    assert not Ballot.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "choices", "This field is required."),
        ({"choices": None}, "choices", "This field is required."),
        ({"choices": "Playground"}, "choices", "Give the choices as a list."),
        ({"choices": {"project": 1}}, "choices", "Give the choices as a list."),
        ({"choices": [7]}, "choices", NOT_AN_OBJECT),
        ({"choices": [{"points": 1}]}, "choices", "This field is required."),
        ({"choices": [{"project": "x"}]}, "choices", "Give a whole number."),
        ({"choices": [{"project": 1.5}]}, "choices", "Give a whole number."),
        ({"choices": [{"project": True}]}, "choices", "Give a whole number."),
        ({"choices": [{"project": 0}]}, "choices", "Give a number of at least 1."),
        ({"choices": [{"project": 2**40}]}, "choices", "Give a number no larger than 2147483647."),
        ({"choices": [{"project": 1, "points": -1}]}, "choices", "Give a number of at least 1."),
        ({"choices": [{"project": 1, "points": "lots"}]}, "choices", "Give a whole number."),
    ],
)
def test_a_malformed_ballot_is_400_with_the_field_and_writes_nothing(
    round_: BudgetRound, projects: dict[str, BudgetProject], alice: User, data: Any, field: str, message: str
) -> None:
    response = put(client_for(alice), round_, data)
    assert response.status_code == 400, response.content
    answer = response.json()
    assert answer["code"] == "invalid" and answer["fields"][field] == [message]
    assert not Ballot.objects.exists()


def test_unknown_projects_and_another_rounds_are_409_duplicates_and_none_400(
    round_: BudgetRound, projects: dict[str, BudgetProject], conversation: Conversation, alice: User
) -> None:
    other_round = make_round(conversation, slug="other-fund")
    (elsewhere,) = make_projects(other_round, ("Elsewhere", 10))
    client = client_for(alice)
    not_here = "One or more of the projects you chose are not in this budget round."
    for data in (
        {"choices": [{"project": 999999}]},
        body(projects["Trees"], elsewhere),
    ):
        response = put(client, round_, data)
        assert response.status_code == 409  # well formed: the round has no such project (its state)
        assert response.json()["fields"] == {"choices": [not_here]}
    response = put(client, round_, body(projects["Trees"], projects["Trees"]))
    assert response.status_code == 400
    assert response.json()["fields"] == {"choices": ["Choose each project at most once."]}
    response = put(client, round_, {"choices": []})
    assert response.status_code == 400
    assert response.json()["fields"] == {"choices": ["Choose at least one project."]}
    assert not Ballot.objects.exists()


def test_a_body_that_is_not_a_ballot_is_400(round_: BudgetRound, alice: User) -> None:
    client = client_for(alice)
    response = client.put(url(round_), data="{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"
    response = put(client, round_, [1, 2])
    assert response.status_code == 400
    assert response.json()["detail"] == "Send the ballot as a JSON object with its choices."
    assert not Ballot.objects.exists()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_script_and_sql_where_a_project_belongs_are_refused_as_text(
    round_: BudgetRound, projects: dict[str, BudgetProject], alice: User, payload: str
) -> None:
    client = client_for(alice)
    as_points = {"project": projects["Trees"].pk, "points": payload}
    for data in ({"choices": [{"project": payload}]}, {"choices": [as_points]}):
        response = put(client, round_, data)
        assert response.status_code == 400
        assert response.json()["fields"] == {"choices": ["Give a whole number."]}
    assert not Ballot.objects.exists() and Vote.objects.count() == 0
    assert BudgetProject.objects.filter(round=round_).count() == 4


def test_voting_not_open_is_403_with_the_date(
    conversation: Conversation, round_: BudgetRound, projects: dict[str, BudgetProject], alice: User
) -> None:
    later = make_round(conversation, slug="later", phase="review")
    (project,) = make_projects(later, ("Later", 10))
    response = put(client_for(alice), later, body(project))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert response.json()["detail"].startswith("Voting has not opened yet. It opens on ")

    services.ballot_submit(budget_round=round_, voter=alice, choices={projects["Trees"].pk: 1})
    set_phase(round_, "results")
    response = put(client_for(alice), round_, {"choices": "even a malformed body"})
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Voting closed on ")
    assert chosen(round_, alice) == {"Trees": 1}
    # Reading one's ballot after the close still works.
    assert client_for(alice).get(url(round_)).json()["can_change"] is False


def test_a_suspended_person_reads_their_ballot_and_cannot_change_it(
    round_: BudgetRound, projects: dict[str, BudgetProject], alice: User
) -> None:
    services.ballot_submit(budget_round=round_, voter=alice, choices={projects["Trees"].pk: 1})
    client = client_for(alice)
    alice.suspended_at = timezone.now()
    alice.suspension_reason = "Repeated abuse."
    alice.save(update_fields=["suspended_at", "suspension_reason"])
    assert client.get(url(round_)).status_code == 200
    for data in (body(projects["Benches"]), {"choices": "nonsense"}):
        response = put(client, round_, data)
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
        assert response.json()["detail"].startswith("Your account has been suspended by a council officer")
    assert chosen(round_, alice) == {"Trees": 1}


def test_refusals_are_in_welsh_when_asked(
    round_: BudgetRound, projects: dict[str, BudgetProject], bob: User
) -> None:
    client = client_for(bob)
    welsh = {"HTTP_ACCEPT_LANGUAGE": "cy"}
    response = put(client, round_, body(projects["Playground"], projects["Cycle path"]), **welsh)
    assert response.status_code == 409 and response["Content-Language"] == "cy"
    assert response.json()["detail"].startswith("Mae eich dewisiadau'n costio £110,000")
    response = put(client, round_, body(projects["Trees"], projects["Trees"]), **welsh)
    assert response.json()["fields"] == {"choices": ["Dewiswch bob prosiect unwaith yn unig."]}
    response = put(client, round_, {"choices": [{"project": "x"}]}, **welsh)
    assert response.json()["fields"] == {"choices": ["Rhowch rif cyfan."]}
    response = put(client, round_, {}, **welsh)
    assert response.json()["fields"] == {"choices": ["Mae angen y maes hwn."]}
    response = client.get(url(round_), HTTP_ACCEPT_LANGUAGE="cy")
    assert response.json()["detail"] == "Nid ydych wedi pleidleisio yn y cylch hwn."
    response = client.put(f"/cy{url(round_)}", data=body(projects["Trees"], projects["Trees"]), format="json")
    assert response.json()["fields"] == {"choices": ["Dewiswch bob prosiect unwaith yn unig."]}
    assert not Ballot.objects.exists()


def test_saving_a_ballot_again_and_again_meets_the_ballot_rate_limit(
    round_: BudgetRound, projects: dict[str, BudgetProject], alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each saved ballot emails a receipt: a looping client is stopped, and nothing more is saved."""
    monkeypatch.setattr(throttle, "now", lambda: 1_800_000_000.0)  # the start of an hour
    clear_cache()
    client = client_for(alice)
    with override_settings(VOCALEYES_RATE_LIMITS={"ballot": "1/h"}, VOCALEYES_RATE_LIMITS_PER_IP={}):
        assert put(client, round_, body(projects["Playground"])).status_code == 200
        refused = put(client, round_, body(projects["Trees"]), HTTP_ACCEPT_LANGUAGE="cy")
        assert refused.status_code == 429
        assert refused.json()["detail"].startswith("Rydych wedi cadw eich pleidlais lawer gwaith")
        assert client.get(url(round_)).status_code == 200  # reads are never counted
    assert chosen(round_, alice) == {"Playground": 1}
    clear_cache()

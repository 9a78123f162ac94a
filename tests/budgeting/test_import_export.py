"""pabulib import and export: a past election becomes a round; any round's anonymised ballots
download as a .pb file that re-imports (or recomputes with pb_outcome) to the same outcome."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from budgeting import pabulib, services
from budgeting.exports import round_pb_text
from budgeting.models import Ballot, BudgetRound, Tally
from budgeting.rules import compute
from conversations.models import Conversation
from tests.budgeting.conftest import make_projects, make_round, set_phase
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

PABULIB = Path(__file__).resolve().parents[3] / "shared" / "pabulib"
SMALL_PB = """META
key;value
description;Small test election
country;Wales
unit;Abertawe
instance;2024
budget;100
vote_type;approval
rule;equalshares/add1
date_begin;01.03.2024
date_end;15.03.2024
currency;GBP
PROJECTS
project_id;cost;votes;name;category
p1;60;3;Playground;play
p2;40;3;Benches;places
p3;30;2;Trees;green
VOTES
voter_id;vote;age
v1;p1,p2;34
v2;p1,p2;51
v3;p1,p2;19
v4;p3;77
v5;p3;40
v6;;22
"""


def count(budget_round: BudgetRound, capture: Any) -> Tally:
    with capture(execute=True):
        tally = services.tally_request(budget_round=budget_round)
    tally.refresh_from_db()
    assert tally.status == Tally.Status.DONE, tally.error
    return tally


def winners(tally: Tally, primary: bool = True) -> list[str]:
    outcome = tally.outcomes.get(is_primary=primary)
    return list(
        outcome.lines.exclude(position=None).order_by("position").values_list("project__code", flat=True)
    )


def test_pb_import_creates_a_round_from_a_past_election(
    conversation: Conversation, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    path = tmp_path / "small.pb"
    path.write_text(SMALL_PB, encoding="utf-8")
    out = io.StringIO()
    call_command("pb_import", str(path), "--conversation", conversation.slug, stdout=out)
    assert (
        "Created round 'small' in 'wellbeing': 3 projects, 6 ballots, rule equal-shares (add1+greedy)"
        in out.getvalue()
    )

    budget_round = BudgetRound.objects.get(slug="small")
    assert (budget_round.title_en, budget_round.budget, budget_round.currency, budget_round.ballot_type) == (
        "Small test election",
        100,
        "GBP",
        "approval",
    )
    assert budget_round.phase == "results" and budget_round.voting_closes.date().isoformat() == "2024-03-15"
    assert list(budget_round.projects.values_list("code", "title_en", "cost", "category_en")) == [
        ("p1", "Playground", 60, "play"),
        ("p2", "Benches", 40, "places"),
        ("p3", "Trees", 30, "green"),
    ]
    assert set(Ballot.objects.values_list("kind", flat=True)) == {"imported"}
    assert sorted(Ballot.objects.values_list("paper_reference", flat=True)) == [
        "v1",
        "v2",
        "v3",
        "v4",
        "v5",
        "v6",
    ]

    tally = count(budget_round, django_capture_on_commit_callbacks)
    assert tally.ballots == 6  # the empty ballot counts as a voter
    expected = compute(pabulib.loads(SMALL_PB).profile, "equal-shares", "add1+greedy")
    assert winners(tally) == [["p1", "p2", "p3"][j] for j in expected.selected]


def test_pb_import_says_what_is_wrong(conversation: Conversation, tmp_path: Path) -> None:
    path = tmp_path / "broken.pb"
    path.write_text("META\nkey;value\nbudget;100\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"is not a valid \.pb file"):
        call_command("pb_import", str(path), "--conversation", conversation.slug)
    with pytest.raises(CommandError, match="There is no conversation with the slug 'nowhere'"):
        call_command("pb_import", str(path), "--conversation", "nowhere")
    assert not BudgetRound.objects.exists()


@pytest.mark.parametrize(
    ("ballot_type", "rule", "completion"),
    [
        ("approval", "equal-shares", "add1+greedy"),
        ("approval", "greedy", "none"),
        ("k_approval", "equal-shares", "none"),
        ("cumulative", "equal-shares", "add1+greedy"),
    ],
)
def test_an_exported_round_reimports_to_the_same_outcome(
    conversation: Conversation,
    olwen,
    django_capture_on_commit_callbacks,
    ballot_type: str,
    rule: str,
    completion: str,
) -> None:
    extra: dict[str, Any] = (
        {"max_projects": 3}
        if ballot_type == "k_approval"
        else {"points": 5}
        if ballot_type == "cumulative"
        else {}
    )
    budget_round = make_round(
        conversation, ballot_type=ballot_type, rule=rule, completion=completion, **extra
    )
    projects = make_projects(
        budget_round,
        *[(f"Project {n}", cost) for n, cost in enumerate([40000, 25000, 30000, 15000, 20000, 10000])],
    )
    patterns = [[0, 1], [0, 3], [1, 2, 5], [2, 4], [4, 5], [0, 2], [3], [1, 3, 5]]
    for n in range(24):
        chosen = patterns[(n * 7) % len(patterns)]
        if ballot_type == "cumulative":
            points = [5 - len(chosen) + 1] + [1] * (len(chosen) - 1)
            choices = {projects[i].pk: p for i, p in zip(chosen, points, strict=True)}
        else:
            choices = {projects[i].pk: 1 for i in chosen}
        if n % 3:
            services.ballot_submit(
                budget_round=budget_round, voter=make_user(f"v{n}@example.org", f"V{n}"), choices=choices
            )
        else:
            services.paper_ballot_enter(
                budget_round=budget_round, officer=olwen, paper_reference=f"P{n}", choices=choices
            )
    set_phase(budget_round, "results")
    original = count(budget_round, django_capture_on_commit_callbacks)

    text = round_pb_text(budget_round)
    election = pabulib.loads(text)
    copy = services.round_import_pabulib(conversation=conversation, election=election, slug="copy")
    assert (copy.rule, copy.completion, copy.ballot_type) == (rule, completion, ballot_type)
    again = count(copy, django_capture_on_commit_callbacks)

    assert winners(again) == winners(original)
    assert winners(again, primary=False) == winners(original, primary=False)
    assert again.outcomes.get(is_primary=True).spent == original.outcomes.get(is_primary=True).spent


def test_the_export_is_anonymous(
    conversation: Conversation, olwen, alice, django_capture_on_commit_callbacks
) -> None:
    budget_round = make_round(conversation)
    a, b = make_projects(budget_round, ("A", 100), ("B", 200))
    services.ballot_submit(budget_round=budget_round, voter=alice, choices={b.pk: 1})
    services.paper_ballot_enter(
        budget_round=budget_round, officer=olwen, paper_reference="SECRET-REF", choices={a.pk: 1}
    )
    text = round_pb_text(budget_round)
    assert "alice" not in text.lower() and "SECRET-REF" not in text and "olwen" not in text.lower()
    votes = text.split("VOTES\n")[1].splitlines()
    # Numbered 1..n in an order set by what the ballots hold, not when or by whom.
    assert votes == ["voter_id;vote", "1;001", "2;002"]


def test_the_download_link_appears_with_the_results(
    client: Client, conversation: Conversation, alice, django_capture_on_commit_callbacks, tmp_path: Path
) -> None:
    budget_round = make_round(conversation)
    (a,) = make_projects(budget_round, ("A", 100))
    services.ballot_submit(budget_round=budget_round, voter=alice, choices={a.pk: 1})
    download = f"/budgets/{budget_round.slug}/results/ballots.pb"
    assert client.get(download).status_code == 404  # voting is still open
    set_phase(budget_round, "results")
    count(budget_round, django_capture_on_commit_callbacks)
    assert download in client.get(f"/budgets/{budget_round.slug}/results/").content.decode()
    response = client.get(download)
    assert response["Content-Disposition"] == f'attachment; filename="{budget_round.slug}.pb"'
    # Anyone can recompute the result from it with pb_outcome.
    path = tmp_path / "round.pb"
    path.write_bytes(response.content)
    out = io.StringIO()
    call_command(
        "pb_outcome",
        str(path),
        "--rule",
        "equal-shares",
        "--completion",
        "add1+greedy",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert out.getvalue().split() == ["001"]


@pytest.mark.skipif(not PABULIB.is_dir(), reason="the shared pabulib files are not here")
@pytest.mark.parametrize(
    "name", ["Poland_Czestochowa_2020_Grabowka", "Netherlands_Assen_2024", "Switzerland_Zurich_S5"]
)
def test_a_real_election_imports_counts_and_exports_to_the_same_outcome(
    conversation: Conversation, name: str, django_capture_on_commit_callbacks
) -> None:
    election = pabulib.load(PABULIB / f"{name}.pb")
    budget_round = services.round_import_pabulib(
        conversation=conversation,
        election=election,
        slug="real",
        rule="equal-shares",
        completion="add1+greedy",
    )
    tally = count(budget_round, django_capture_on_commit_callbacks)
    ids = election.profile.project_ids
    expected = compute(election.profile, "equal-shares", "add1+greedy")
    assert winners(tally) == [ids[j] for j in expected.selected]
    assert winners(tally, primary=False) == [ids[j] for j in compute(election.profile, "greedy").selected]

    copy = services.round_import_pabulib(
        conversation=conversation, election=pabulib.loads(round_pb_text(budget_round)), slug="real-again"
    )
    assert winners(count(copy, django_capture_on_commit_callbacks)) == winners(tally)

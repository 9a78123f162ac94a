"""Reading and writing pabulib ``.pb`` files."""

from __future__ import annotations

import itertools
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from budgeting import pabulib
from budgeting.pabulib import PabulibElection, PabulibError
from budgeting.rules import Profile, compute

from . import pabutools_oracle as oracle
from .test_rules_worked_examples import approval_example, cumulative_example

PABULIB = Path(__file__).resolve().parents[3] / "shared" / "pabulib"
SMALL = [
    "Poland_Czestochowa_2020_Grabowka",  # cumulative, a quoted project name
    "Netherlands_Assen_2024",
    "Switzerland_Zurich_S5",
    "Poland_Krakow_2018_Bienczyce",  # ordinal
    "Poland_Warszawa_2017_Anin",  # categories with commas
    "Poland_Wieliczka_2023_Green_Budget",  # quoted fields
]
COMBOS = [("greedy", "none"), ("equal-shares", "none"), ("equal-shares", "add1+greedy")]

needs_data = pytest.mark.skipif(not PABULIB.is_dir(), reason="the shared pabulib files are not here")


@cache
def load(name: str) -> PabulibElection:
    return pabulib.load(PABULIB / f"{name}.pb")


def ballots(profile: Profile) -> list[Any]:
    """Each voter's ballot as a set of project ids, or {id: points}."""
    starts = profile.ballot_starts.tolist()
    ids = [profile.project_ids[p] for p in profile.ballot_projects.tolist()]
    if profile.ballot_points is None:
        return [set(ids[a:b]) for a, b in itertools.pairwise(starts)]
    points = profile.ballot_points.tolist()
    return [dict(zip(ids[a:b], points[a:b], strict=True)) for a, b in itertools.pairwise(starts)]


def outcomes(profile: Profile) -> list[tuple[int, ...]]:
    return [compute(profile, rule, completion).selected for rule, completion in COMBOS]  # type: ignore[arg-type]


MINIMAL = """META
key;value
description;Example
budget;100
vote_type;approval
PROJECTS
project_id;cost;name
a;60;Playground
b;40;"Benches; lots of them"
VOTES
voter_id;vote
v1;a,b
v2;b
"""


@needs_data
@pytest.mark.parametrize("name", SMALL)
def test_it_reads_what_pabutools_reads(name: str) -> None:
    election = load(name)
    instance, their = oracle.load(str(PABULIB / f"{name}.pb"))
    profile = election.profile
    assert profile.budget == Fraction(
        int(instance.budget_limit.numerator), int(instance.budget_limit.denominator)
    )
    costs = {p.name: Fraction(int(p.cost.numerator), int(p.cost.denominator)) for p in instance}
    assert dict(zip(profile.project_ids, profile.costs, strict=True)) == costs
    assert profile.num_voters == their.num_ballots()
    expected: list[Any]
    if profile.ballot_points is None:
        expected = [{p.name for p in ballot} for ballot in their]
    else:
        expected = [{p.name: int(points) for p, points in ballot.items()} for ballot in their]
    assert ballots(profile) == expected


@needs_data
@pytest.mark.parametrize("name", SMALL)
def test_writing_and_reading_back_keeps_the_election_and_its_outcomes(name: str) -> None:
    election = load(name)
    again = pabulib.loads(pabulib.dumps(election))
    assert again.meta == election.meta
    assert again.projects == election.projects
    assert again.voter_ids == election.voter_ids
    assert again.voter_columns == election.voter_columns
    assert again.profile.budget == election.profile.budget
    assert again.profile.costs == election.profile.costs
    assert np.array_equal(again.profile.ballot_starts, election.profile.ballot_starts)
    assert np.array_equal(again.profile.ballot_projects, election.profile.ballot_projects)
    if election.profile.ballot_points is not None:
        assert again.profile.ballot_points is not None
        assert np.array_equal(again.profile.ballot_points, election.profile.ballot_points)
    assert outcomes(again.profile) == outcomes(election.profile)


@pytest.mark.parametrize("example", [approval_example, cumulative_example])
def test_an_exported_round_reimports_to_the_same_outcome(example: Any, tmp_path: Path) -> None:
    profile = example()
    exported = PabulibElection.from_profile(
        profile,
        meta={"description": "Swansea 2026", "country": "Wales", "unit": "Swansea", "instance": "2026"},
        projects=[{"name": f"Project {pid}"} for pid in profile.project_ids],
        voter_ids=[f"anon-{i}" for i in range(profile.num_voters)],
    )
    path = tmp_path / "round.pb"
    path.write_text(pabulib.dumps(exported), encoding="utf-8")

    again = pabulib.load(path)
    assert again.meta["num_votes"] == str(profile.num_voters)
    assert again.meta["vote_type"] == ("approval" if profile.is_approval else "cumulative")
    assert [row["name"] for row in again.projects] == [f"Project {pid}" for pid in profile.project_ids]
    assert [row["votes"] for row in again.projects] == [str(v) for v in profile.supporter_counts()]
    assert outcomes(again.profile) == outcomes(profile)
    # And the reference parser reads our file to the same winners.
    instance, their = oracle.load(str(path))
    for rule, completion in COMBOS:
        ours = compute(again.profile, rule, completion)  # type: ignore[arg-type]
        assert [profile.project_ids[j] for j in ours.selected] == oracle.outcome(
            instance, their, rule, completion
        )


def test_it_reads_quoted_fields_and_keeps_them_on_the_way_out() -> None:
    election = pabulib.loads(MINIMAL)
    assert election.projects[1]["name"] == "Benches; lots of them"
    assert '"Benches; lots of them"' in pabulib.dumps(election)
    assert ballots(election.profile) == [{"a", "b"}, {"b"}]


def test_it_accepts_a_byte_order_mark_windows_line_ends_and_blank_lines() -> None:
    text = "\ufeff" + MINIMAL.replace("\n", "\r\n").replace("PROJECTS", "\r\nPROJECTS")
    election = pabulib.loads(text)
    assert election.profile.project_ids == ("a", "b")
    assert election.voter_ids == ["v1", "v2"]
    assert ballots(election.profile) == [{"a", "b"}, {"b"}]


def test_money_is_read_exactly() -> None:
    text = MINIMAL.replace("budget;100", "budget;100.5").replace("a;60;", "a;60,25;")
    profile = pabulib.loads(text).profile
    assert profile.budget == Fraction(201, 2)
    assert profile.costs[0] == Fraction(241, 4)
    assert "budget;100.5" in pabulib.dumps(pabulib.loads(text))


def test_none_cells_empty_ballots_and_repeated_projects_follow_pabutools() -> None:
    text = MINIMAL.replace("v2;b\n", "v2;none\nv3;b,a,b\nv4;a,,b,\n")
    profile = pabulib.loads(text).profile
    # An empty ballot still counts as a voter (a share of the budget under Equal Shares).
    assert profile.num_voters == 4
    assert ballots(profile) == [{"a", "b"}, set(), {"a", "b"}, {"a", "b"}]


def test_points_are_read_with_the_last_value_kept_for_a_repeated_project() -> None:
    text = (
        "META\nkey;value\nbudget;10\nvote_type;cumulative\n"
        "PROJECTS\nproject_id;cost\nx;5\ny;5\n"
        "VOTES\nvoter_id;vote;points;age\n1;x,y;3,2;40\n2;y,x,y;1,1,4;none\n3;;;33\n"
    )
    election = pabulib.loads(text)
    assert ballots(election.profile) == [{"x": 3, "y": 2}, {"y": 4, "x": 1}, {}]
    assert election.voter_columns == {"age": ["40", "none", "33"]}


def test_fractional_points_are_scaled_and_written_back() -> None:
    text = (
        "META\nkey;value\nbudget;10\nvote_type;scoring\n"
        "PROJECTS\nproject_id;cost\nx;5\ny;5\n"
        "VOTES\nvoter_id;vote;points\n1;x,y;1.5,0.25\n"
    )
    election = pabulib.loads(text)
    assert election.points_denominator == 4
    assert ballots(election.profile) == [{"x": 6, "y": 1}]
    assert "1;x,y;1.5,0.25" in pabulib.dumps(election)


def test_ordinal_ballots_keep_their_order_and_count_as_approval() -> None:
    text = MINIMAL.replace("vote_type;approval", "vote_type;ordinal").replace("v1;a,b", "v1;b,a")
    election = pabulib.loads(text)
    assert election.profile.is_approval
    assert election.profile.ballot_projects.tolist()[:2] == [1, 0]
    assert "v1;b,a" in pabulib.dumps(election)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("v1;a,b", "v1;a,z"), r"Line 12: the ballot names project 'z'"),
        (("vote_type;approval", "vote_type;borda"), "vote_type"),
        (("budget;100\n", ""), "no budget"),
        (("a;60;", "a;sixty;"), "line 8: cost: 'sixty' is not a number"),
        (("a;60;", "a;-60;"), "negative"),
        (("b;40;", "a;40;"), "listed twice"),
        (("v2;b", "v2;b;extra"), "Line 13: 3 fields"),
        (("VOTES\n", "BALLOTS\n"), "no VOTES section"),
    ],
)
def test_it_explains_what_is_wrong_with_a_bad_file(change: tuple[str, str], message: str) -> None:
    with pytest.raises(PabulibError, match=message):
        pabulib.loads(MINIMAL.replace(*change))


def test_it_needs_points_for_cumulative_ballots() -> None:
    text = MINIMAL.replace("vote_type;approval", "vote_type;cumulative")
    with pytest.raises(PabulibError, match="points column"):
        pabulib.loads(text)
    text = text.replace("voter_id;vote\nv1;a,b\nv2;b", "voter_id;vote;points\nv1;a,b;1\nv2;b;1")
    with pytest.raises(PabulibError, match="Line 12: the vote and points lists differ"):
        pabulib.loads(text)


@needs_data
def test_it_reads_a_large_file() -> None:
    election = load_large()
    assert election.profile.num_voters == 90494
    assert election.profile.num_projects == 160
    assert election.meta["vote_type"] == "approval"
    assert int(election.projects[0]["votes"]) == election.profile.supporter_counts()[0]


@cache
def load_large() -> PabulibElection:
    return pabulib.load(PABULIB / "Poland_Lodz_2022.pb")

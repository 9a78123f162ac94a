"""``python manage.py pb_outcome``: recompute an outcome from a .pb file."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from budgeting import pabulib

from .test_rules_worked_examples import overspending_example


def run(*args: str) -> tuple[list[str], str]:
    out, err = StringIO(), StringIO()
    call_command("pb_outcome", *args, stdout=out, stderr=err)
    return out.getvalue().splitlines(), err.getvalue()


@pytest.fixture
def pb_file(tmp_path: Path) -> Path:
    election = pabulib.PabulibElection.from_profile(
        overspending_example(),
        meta={"description": "Worked example", "country": "Wales", "unit": "Abertawe", "instance": "2026"},
    )
    path = tmp_path / "example.pb"
    path.write_text(pabulib.dumps(election), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--rule", "greedy"], ["A", "B"]),
        (["--rule", "equal-shares"], ["A"]),
        (["--rule", "equal-shares", "--completion", "add1"], ["A"]),
        (["--rule", "equal-shares", "--completion", "add1+greedy"], ["A", "B"]),
    ],
)
def test_it_prints_the_funded_projects_in_selection_order(
    pb_file: Path, options: list[str], expected: list[str]
) -> None:
    lines, err = run(str(pb_file), *options)
    assert lines == expected
    assert "computed in" in err
    assert " s " in err


def test_it_reports_the_spend_on_stderr_not_stdout(pb_file: Path) -> None:
    lines, err = run(str(pb_file), "--rule", "greedy")
    assert "2 projects funded, 100 of 100 spent" in err
    assert all("spent" not in line for line in lines)


def test_it_refuses_a_completion_for_greedy(pb_file: Path) -> None:
    with pytest.raises(CommandError, match="equal-shares only"):
        run(str(pb_file), "--rule", "greedy", "--completion", "add1")


def test_it_explains_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "nowhere.pb"), "--rule", "greedy")


def test_it_explains_a_malformed_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.pb"
    path.write_text(
        "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;50\n"
        "VOTES\nvoter_id;vote\n1;1,7\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=r"not a valid \.pb file.*project '7'"):
        run(str(path), "--rule", "greedy")

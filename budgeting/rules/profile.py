"""The profile: a budget, the projects and the ballots, in compressed sparse rows.

:class:`Profile` holds the budget, the projects' ids (strings, also the tie-breaking key) and
exact costs (``int``/``Decimal``/``Fraction``; money is never a float), and the ballots in
compressed sparse rows: voter ``v`` voted for ``ballot_projects[ballot_starts[v]:ballot_starts[v+1]]``
with ``ballot_points`` (same slice) for cumulative ballots, ``None`` for approval. Build it with
:meth:`Profile.from_ballots` (lists), :meth:`Profile.from_votes` (one row per vote, as a
database query returns them) or :func:`budgeting.pabulib.load`. Empty ballots count as voters.

A profile is validated once, when built, and never changes; what the rules derive from it
(scaled money, merged ballots) lives in :mod:`budgeting.rules.prepared`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import cast

import numpy as np

Money = int | Decimal | Fraction


class ProfileError(ValueError):
    """The profile is malformed (the message says how)."""


# -- the profile -------------------------------------------------------------------------------


def _exact(value: object, what: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | Decimal | Fraction):
        raise ProfileError(f"{what} must be an int, Decimal or Fraction, not {type(value).__name__}.")
    exact = Fraction(value)
    if exact < 0:
        raise ProfileError(f"{what} must not be negative.")
    return exact


@dataclass(frozen=True, eq=False)
class Profile:
    """A budget, the projects and the ballots (see the module docstring for the layout)."""

    budget: Fraction
    project_ids: tuple[str, ...]
    costs: tuple[Fraction, ...]
    ballot_starts: np.ndarray
    ballot_projects: np.ndarray
    ballot_points: np.ndarray | None = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "budget", _exact(self.budget, "The budget"))
        ids = tuple(str(i) for i in self.project_ids)
        if len(set(ids)) != len(ids):
            raise ProfileError("Project ids must be unique.")
        set_(self, "project_ids", ids)
        if len(self.costs) != len(ids):
            raise ProfileError("There must be one cost per project.")
        set_(
            self,
            "costs",
            tuple(_exact(c, f"The cost of project {i}") for i, c in zip(ids, self.costs, strict=True)),
        )

        starts = np.ascontiguousarray(self.ballot_starts, dtype=np.int64)
        projects = np.ascontiguousarray(self.ballot_projects, dtype=np.int64)
        if starts.ndim != 1 or len(starts) == 0 or starts[0] != 0 or starts[-1] != len(projects):
            raise ProfileError("ballot_starts must run from 0 to the number of votes.")
        if np.any(np.diff(starts) < 0):
            raise ProfileError("ballot_starts must not decrease.")
        if len(projects) and (projects.min() < 0 or projects.max() >= len(ids)):
            raise ProfileError("A ballot names a project index out of range.")
        set_(self, "ballot_starts", starts)
        set_(self, "ballot_projects", projects)
        if self.ballot_points is not None:
            points = np.asarray(self.ballot_points)
            if points.shape != projects.shape:
                raise ProfileError("There must be one points value per vote.")
            if points.dtype.kind not in "iu" and not np.all(np.equal(np.mod(points, 1), 0)):
                raise ProfileError("Points must be whole numbers.")
            points = np.ascontiguousarray(points, dtype=np.int64)
            if len(points) and points.min() < 0:
                raise ProfileError("Points must not be negative.")
            set_(self, "ballot_points", points)
        if len(projects):
            voter = np.repeat(np.arange(len(starts) - 1), np.diff(starts))
            key = np.sort(voter * len(ids) + projects)
            if np.any(key[1:] == key[:-1]):
                raise ProfileError("A ballot names the same project twice.")

    # -- construction helpers --

    @classmethod
    def from_ballots(
        cls,
        *,
        budget: Money,
        project_ids: Sequence[str],
        costs: Sequence[Money],
        ballots: Iterable[Sequence[int] | Mapping[int, int]],
    ) -> Profile:
        """Approval ballots as sequences of project indexes, or cumulative ones as {index: points}."""
        starts = [0]
        projects: list[int] = []
        points: list[int] = []
        kinds = set()
        for ballot in ballots:
            if isinstance(ballot, Mapping):
                kinds.add("points")
                projects.extend(ballot.keys())
                points.extend(ballot.values())
            else:
                kinds.add("approval")
                projects.extend(ballot)
            starts.append(len(projects))
        if len(kinds) > 1:
            raise ProfileError("Mix of approval and cumulative ballots.")
        return cls(
            budget=cast(Fraction, budget),
            project_ids=tuple(project_ids),
            costs=cast(tuple[Fraction, ...], tuple(costs)),
            ballot_starts=np.array(starts, dtype=np.int64),
            ballot_projects=np.array(projects, dtype=np.int64),
            ballot_points=np.array(points, dtype=np.int64) if kinds == {"points"} else None,
        )

    @classmethod
    def from_votes(
        cls,
        *,
        budget: Money,
        project_ids: Sequence[str],
        costs: Sequence[Money],
        num_voters: int,
        voters: Sequence[int] | np.ndarray,
        projects: Sequence[int] | np.ndarray,
        points: Sequence[int] | np.ndarray | None = None,
    ) -> Profile:
        """One row per vote (voter index, project index[, points]) in any order.

        Voters are ``0..num_voters-1``; voters without a row have an empty ballot. Within a
        ballot the rows keep their given order.
        """
        voter_arr = np.asarray(voters, dtype=np.int64)
        project_arr = np.asarray(projects, dtype=np.int64)
        if voter_arr.shape != project_arr.shape:
            raise ProfileError("voters and projects must have the same length.")
        if len(voter_arr) and (voter_arr.min() < 0 or voter_arr.max() >= num_voters):
            raise ProfileError("A vote names a voter index out of range.")
        order = np.argsort(voter_arr, kind="stable")
        starts = np.zeros(num_voters + 1, dtype=np.int64)
        np.cumsum(np.bincount(voter_arr, minlength=num_voters), out=starts[1:])
        return cls(
            budget=cast(Fraction, budget),
            project_ids=tuple(project_ids),
            costs=cast(tuple[Fraction, ...], tuple(costs)),
            ballot_starts=starts,
            ballot_projects=project_arr[order],
            ballot_points=None if points is None else np.asarray(points)[order],
        )

    # -- simple facts --

    @property
    def num_voters(self) -> int:
        return len(self.ballot_starts) - 1

    @property
    def num_projects(self) -> int:
        return len(self.project_ids)

    @property
    def is_approval(self) -> bool:
        return self.ballot_points is None

    def supporter_counts(self) -> np.ndarray:
        """Per project, the number of voters who approved it (or gave it points)."""
        projects = self.ballot_projects
        if self.ballot_points is not None:
            projects = projects[self.ballot_points > 0]
        return np.bincount(projects, minlength=self.num_projects)

    def scores(self) -> np.ndarray:
        """Per project, its votes: approvals, or total points for cumulative ballots."""
        if self.ballot_points is None:
            return self.supporter_counts()
        totals = np.bincount(self.ballot_projects, weights=self.ballot_points, minlength=self.num_projects)
        if totals.max(initial=0) < 2**53:  # float sums of whole numbers are exact below this
            return totals.astype(np.int64)
        exact = [0] * self.num_projects
        for project, points in zip(self.ballot_projects.tolist(), self.ballot_points.tolist(), strict=True):
            exact[project] += points
        return np.array(exact, dtype=object)

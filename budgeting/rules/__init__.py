"""Outcome rules for participatory budgeting: greedy by votes and the Method of Equal Shares.

Pure and ORM-free (numpy only), so the Django layer, the ``pb_outcome`` command, the Celery
tally and anyone with a ``.pb`` file compute the same thing. Outcomes are identical to
pabutools 1.2.3, the field's reference implementation (checked by the tests on the small
pabulib instances and by ``bench/pb_rules.py`` on all of them), and much faster.

Usage::

    from budgeting.rules import Profile, compute

    profile = Profile.from_ballots(
        budget=100, project_ids=["a", "b", "c"], costs=[60, 40, 30],
        ballots=[[0], [0, 1], [2]],                    # approval: project indexes
    )                                                   # cumulative: [{0: 3, 2: 2}, ...]
    outcome = compute(profile, "equal-shares", completion="add1+greedy")
    outcome.selected         # (0, 2): project indexes in selection order
    outcome.shares[0]        # how project 0's cost was shared among its supporters
    outcome.rejections[1]    # why project 1 lost

The package, by concern:

- :mod:`~budgeting.rules.profile`: :class:`Profile`, the input (validated, immutable).
- :mod:`~budgeting.rules.outcome`: :class:`Outcome`, :class:`Share`, :class:`Rejection`, the
  output, and the names of rules, completions and engines.
- :mod:`~budgeting.rules.prepared`: what the rules derive once per profile (money scaled to
  integers, identical ballots merged).
- :mod:`~budgeting.rules.greedy`: greedy by votes.
- :mod:`~budgeting.rules.equal_shares`: the Method of Equal Shares and its explanations;
  :mod:`~budgeting.rules.completions`: add1 and add1+greedy, with add1's skipping certificate;
  :mod:`~budgeting.rules.runs`: what one run records.
- Two engines run Equal Shares, chosen by ``engine=``: :mod:`~budgeting.rules.fast`
  (``"fast"``, the default: float64 over numpy arrays, every decision closer than a relative
  1e-9 settled in exact fractions or the run redone exactly) and :mod:`~budgeting.rules.exact`
  (``"exact"``: fractions throughout, the same algorithm as pabutools; the reference the tests
  compare the fast engine with). Each computes ``rho`` in one place. Greedy is exact integer
  arithmetic whichever is asked for.

Ties: whenever two projects are exactly tied (same votes for greedy; same ``rho`` for Equal
Shares, compared exactly), the one whose id comes first in plain string order wins: the ids
are compared as Python strings, so ``"10" < "9"``. This is pabutools' default
``lexico_tie_breaking``.
"""

from __future__ import annotations

from .equal_shares import equal_shares
from .fast import TOLERANCE
from .greedy import greedy
from .outcome import (
    COMPLETIONS,
    ENGINES,
    RULES,
    Completion,
    Engine,
    Outcome,
    Reason,
    Rejection,
    Rule,
    Share,
    Stage,
)
from .profile import Money, Profile, ProfileError

__all__ = [
    "COMPLETIONS",
    "ENGINES",
    "RULES",
    "TOLERANCE",
    "Completion",
    "Engine",
    "Money",
    "Outcome",
    "Profile",
    "ProfileError",
    "Reason",
    "Rejection",
    "Rule",
    "Share",
    "Stage",
    "compute",
    "equal_shares",
    "greedy",
]


def compute(
    profile: Profile,
    rule: Rule,
    completion: Completion = "none",
    *,
    explain: bool = True,
    engine: Engine = "fast",
) -> Outcome:
    """The outcome of ``rule`` (``"greedy"`` or ``"equal-shares"``) on ``profile``.

    ``explain=False`` skips the explanation data (``shares`` and ``rejections`` stay empty):
    the winners, stages, spend and votes alone, as ``pb_outcome`` prints them. ``engine``
    chooses how Equal Shares computes (``"fast"`` or ``"exact"``; same outcomes).
    """
    if engine not in ENGINES:
        raise ValueError(f"Unknown engine {engine!r}; choose from {', '.join(ENGINES)}.")
    if rule == "greedy":
        if completion != "none":
            raise ValueError("Completions apply to Equal Shares only.")
        return greedy(profile, explain=explain)
    if rule == "equal-shares":
        return equal_shares(profile, completion=completion, explain=explain, engine=engine)
    raise ValueError(f"Unknown rule {rule!r}; choose from {', '.join(RULES)}.")

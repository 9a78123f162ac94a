"""The record of one Equal Shares run, which both engines fill in the same way.

A run is Equal Shares at one per-voter budget (``budget / n + k`` units: ``k`` is the add1
step). Besides the funded projects it keeps, per step, the ``rho`` paid and, when the fast
engine knows it, the utility ``U`` with ``rho == cost / U`` exactly: what the add1 certificate
(:func:`budgeting.rules.completions.certify`) builds on. Explanation data (``shares``, and what
the supporters of each unfunded project still held) is filled only when asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .outcome import Share
from .prepared import Prepared


@dataclass
class Run:
    selected: list[int]
    k: int  # the per-voter budget was budget / n + k units
    overspent: bool = False
    # For each step after the free projects: rho, and U with rho == cost / U exactly, if known.
    rhos: list[float] = field(default_factory=list)
    exact_utils: list[int | None] = field(default_factory=list)
    certifiable: bool = True
    shares: dict[int, Share] = field(default_factory=dict)
    supporters_money: dict[int, float] = field(default_factory=dict)


def make_share(
    prep: Prepared, project: int, step: int, rho: float, full: float, short: float, total: float
) -> Share:
    """The :class:`Share` of a funded project, from the run's scaled figures: ``full`` and
    ``short`` supporters paid the full share and all they had, ``total`` in all."""
    if prep.approval:
        rho_real, full_share = rho, rho * prep.cost_int[project] / prep.unit
    else:
        rho_real = full_share = rho / prep.unit
    return Share(
        project=project,
        step=step,
        rho=rho_real,
        full_share=full_share,
        supporters=prep.supporters[project],
        paid_full_share=round(full),
        paid_all_they_had=round(short),
        total_paid=total / prep.unit,
    )


def record_money_left(prep: Prepared, run: Run, money: Callable[[int], float]) -> None:
    """What each unfunded project's supporters still hold when the run stops."""
    chosen = set(run.selected)
    for j in range(prep.m):
        if j not in chosen and prep.supporters[j] > 0:
            run.supporters_money[j] = money(j) / prep.unit

"""Participatory budgeting: rounds, projects, ballots and counted outcomes.

One module per concern, all importable from here: :mod:`.rounds` (``Phase``, ``BudgetRound``,
``BudgetProject``), :mod:`.proposals` (``Proposal``: residents' project proposals and their
review), :mod:`.ballots` (``Ballot``, ``PaperBallot``, ``Vote``) and :mod:`.tallies`
(``Tally``, ``Outcome``, ``OutcomeProject``).

A ``BudgetRound`` belongs to a conversation and runs through four phases fixed by dates
(proposals, review, voting, results: results begin when voting closes). It has a total budget in
one currency, a ballot type (approval within the budget, k-approval, or cumulative points) and
an outcome rule (greedy by votes, or the Method of Equal Shares with a completion). The rules
themselves are pure functions in :mod:`budgeting.rules`; this module only stores their inputs
and results.

``BudgetProject``s are what people vote for, optionally grown out of an idea in the same
conversation (shown while the idea is published). Each has a ``code``, unique in its round: the id
written to the pabulib export and the key the rules break exact ties by (lowest code first), so
an exported round recomputes to the same outcome. Projects made here get codes ``001``,
``002``... (creation order); imported ones keep their pabulib ids. Ineligible projects stay
visible with the reason, take no votes and are left out of the count.

A ``Ballot`` is one voter's choice in one round: online (a ``voter``, at most one per round,
changeable until voting closes), paper (typed in by an officer, no voter, a ``paper_reference``
unique in the round) or imported from a past election's ``.pb`` file. The three are counted
the same. Its ``Vote`` rows carry the points (1 for approval ballots) and repeat the round, so
the count reads a round's votes from one index without a join.

A count is a ``Tally``: queued, running (with a progress figure the results page polls), done
or failed; at most one is live per round. A finished tally stores two ``Outcome``s, the round's
own rule and the other rule for comparison, each with one ``OutcomeProject`` row per project:
its votes, its place among the winners, how Equal Shares shared its cost, or why it lost.
"""

from __future__ import annotations

from .ballots import Ballot, PaperBallot, Vote
from .proposals import Proposal, ProposalQuerySet
from .rounds import BudgetProject, BudgetRound, BudgetRoundQuerySet, Phase
from .tallies import Outcome, OutcomeProject, Tally, TallyQuerySet

__all__ = [
    "Ballot",
    "BudgetProject",
    "BudgetRound",
    "BudgetRoundQuerySet",
    "Outcome",
    "OutcomeProject",
    "PaperBallot",
    "Phase",
    "Proposal",
    "ProposalQuerySet",
    "Tally",
    "TallyQuerySet",
    "Vote",
]

"""Writes for participatory budgeting, one module per concern, all importable from here:

- :mod:`.ballots`: ``ballot_check``, ``voting_check``, ``ballot_submit``, paper ballots
  (``paper_ballot_enter``, ``paper_ballot_change``, ``paper_phase_check``), ``voter_check``
  and ``ballot_send_receipt``;
- :mod:`.rounds`: ``round_create``, ``project_create``, and for the facilitator pages
  ``round_edit``, ``project_add``, ``project_edit``, ``project_remove`` (refused with
  ``outcome_fixed_refusal`` once voting has started);
- :mod:`.proposals`: ``proposal_submit`` (residents, proposals phase only), ``proposal_review``
  (facilitators, until voting opens: feasible puts it on the ballot, not feasible needs a reason);
- :mod:`.tallies`: ``tally_request``, ``tally_run``;
- :mod:`.imports`: ``round_import_pabulib``.

Every function is keyword-only, typed and atomic, and checks its input before writing: a "no"
is a :class:`vocaleyes.errors.Refusal` with its message in the active language, and nothing is
written. Who may call what is decided in :mod:`budgeting.permissions` by the callers (views,
admin, commands); these functions enforce the rules of the round itself (phase, budget, k,
points), which hold whoever calls.
"""

from __future__ import annotations

from .ballots import (
    ballot_check,
    ballot_send_receipt,
    ballot_submit,
    paper_ballot_change,
    paper_ballot_enter,
    paper_phase_check,
    voter_check,
    voting_check,
)
from .imports import round_import_pabulib
from .proposals import proposal_review, proposal_submit, proposal_submit_refusal
from .rounds import (
    outcome_fixed_refusal,
    project_add,
    project_create,
    project_edit,
    project_remove,
    round_create,
    round_edit,
    round_slug_for,
)
from .tallies import tally_request, tally_run

__all__ = [
    "ballot_check",
    "ballot_send_receipt",
    "ballot_submit",
    "outcome_fixed_refusal",
    "paper_ballot_change",
    "paper_ballot_enter",
    "paper_phase_check",
    "project_add",
    "project_create",
    "project_edit",
    "project_remove",
    "proposal_review",
    "proposal_submit",
    "proposal_submit_refusal",
    "round_create",
    "round_edit",
    "round_import_pabulib",
    "round_slug_for",
    "tally_request",
    "tally_run",
    "voter_check",
    "voting_check",
]

"""Writes for participatory budgeting: ballots (online and paper), counts, projects and imports.

Every function is keyword-only, atomic, and checks its input before writing: bad input raises
:class:`BallotError` (or :class:`TallyError`) with messages in the active language and writes
nothing. Who may call what is decided in :mod:`budgeting.permissions` by the callers (views,
admin, commands); these functions enforce the rules of the round itself (phase, budget, k,
points), which hold whoever calls.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from conversations.models import Conversation
from vocaleyes.permissions import is_suspended, suspension_message

from . import pabulib
from .counting import load_round
from .formatting import format_money
from .models import (
    Ballot,
    BudgetProject,
    BudgetRound,
    Outcome,
    OutcomeProject,
    Phase,
    Tally,
    Vote,
)
from .rules import Outcome as RulesOutcome
from .rules import compute

logger = logging.getLogger(__name__)


class BallotError(ValidationError):
    """The ballot breaks the round's rules; ``messages`` says how, in the voter's language."""


class TallyError(ValidationError):
    """The count cannot start (voting is not over)."""


# -- checking a ballot -------------------------------------------------------------------------


def _when(value: datetime) -> str:
    return date_format(timezone.localtime(value), "j F Y, H:i")


def voting_check(*, budget_round: BudgetRound, now: datetime | None = None) -> None:
    """Raise unless voting is open in ``budget_round`` now."""
    now = now or timezone.now()
    phase = budget_round.phase_at(now)
    if phase == Phase.VOTING:
        return
    if phase == Phase.RESULTS:
        raise BallotError(
            _("Voting closed on %(date)s, so ballots can no longer be cast or changed.")
            % {"date": _when(budget_round.voting_closes)}
        )
    raise BallotError(
        _("Voting has not opened yet. It opens on %(date)s.") % {"date": _when(budget_round.voting_opens)}
    )


def ballot_check(*, budget_round: BudgetRound, choices: Mapping[int, int]) -> list[BudgetProject]:
    """Check ``choices`` ({project id: points}; 1 for approval ballots) against the round's
    ballot rules and return the chosen projects. Raises :class:`BallotError` listing every
    problem. Choices with zero points are not choices."""
    choices = {int(k): int(v) for k, v in choices.items() if int(v) != 0}
    errors: list[str] = []
    if any(points < 0 for points in choices.values()):
        errors.append(_("Points cannot be negative."))
    projects = list(BudgetProject.objects.filter(pk__in=choices.keys()).order_by("code"))
    found = {p.pk for p in projects if p.round_id == budget_round.pk}
    if len(found) != len(choices):
        errors.append(_("One or more of the projects you chose are not in this budget round."))
    projects = [p for p in projects if p.round_id == budget_round.pk]
    for project in projects:
        if not project.eligible:
            errors.append(
                _("“%(title)s” is not eligible, so it cannot be voted for: %(reason)s")
                % {"title": project.title, "reason": project.ineligible_reason}
            )
    if not choices:
        errors.append(
            _("Give points to at least one project.")
            if budget_round.ballot_type == BudgetRound.BallotType.CUMULATIVE
            else _("Choose at least one project.")
        )
    elif budget_round.ballot_type == BudgetRound.BallotType.CUMULATIVE:
        total = sum(choices.values())
        if total != budget_round.points:
            errors.append(
                _(
                    "You have %(points)s points to spread and your points add up to %(total)s. "
                    "Make them add up to exactly %(points)s."
                )
                % {"points": budget_round.points, "total": total}
            )
    else:
        if any(points != 1 for points in choices.values()):
            errors.append(_("Each project is either chosen or not: this ballot has no points."))
        if budget_round.ballot_type == BudgetRound.BallotType.APPROVAL:
            cost = sum((p.cost for p in projects), Decimal(0))
            if cost > budget_round.budget:
                errors.append(
                    _(
                        "Your choices cost %(cost)s, which is more than the budget of %(budget)s. "
                        "Remove a project or choose cheaper ones."
                    )
                    % {
                        "cost": format_money(cost, budget_round.currency),
                        "budget": format_money(budget_round.budget, budget_round.currency),
                    }
                )
        elif budget_round.max_projects is not None and len(choices) > budget_round.max_projects:
            errors.append(
                ngettext(
                    "You can choose up to %(k)s project. You chose %(n)s.",
                    "You can choose up to %(k)s projects. You chose %(n)s.",
                    budget_round.max_projects,
                )
                % {"k": budget_round.max_projects, "n": len(choices)}
            )
    if errors:
        raise BallotError(errors)
    return projects


def _set_votes(ballot: Ballot, choices: Mapping[int, int]) -> None:
    ballot.votes.all().delete()
    Vote.objects.bulk_create(
        Vote(ballot=ballot, round_id=ballot.round_id, project_id=pk, points=points)
        for pk, points in sorted(choices.items())
        if points
    )


def _clean_choices(budget_round: BudgetRound, choices: Mapping[int, int]) -> dict[int, int]:
    return {int(k): int(v) for k, v in choices.items() if int(v) != 0}


# -- ballots -------------------------------------------------------------------------------------


def ballot_submit(
    *,
    budget_round: BudgetRound,
    voter: Any,
    choices: Mapping[int, int],
    base_url: str = "",
    now: datetime | None = None,
) -> Ballot:
    """Cast ``voter``'s ballot in ``budget_round``, or replace it: one per voter per round, changeable
    while voting is open. Queues a receipt email in the voter's language after commit.
    ``base_url`` (scheme and host) makes the email's link absolute."""
    if is_suspended(voter):
        raise BallotError(suspension_message(voter))
    choices = _clean_choices(budget_round, choices)
    with transaction.atomic():
        voting_check(budget_round=budget_round, now=now)
        ballot_check(budget_round=budget_round, choices=choices)
        # Lock the voter's ballot so two submissions (two tabs, a double click) apply one
        # after the other rather than interleaving their votes.
        ballot = Ballot.objects.select_for_update().filter(round=budget_round, voter=voter).first()
        if ballot is None:
            try:
                with transaction.atomic():  # a savepoint: the other submission may create it first
                    ballot = Ballot.objects.create(round=budget_round, voter=voter, kind=Ballot.Kind.ONLINE)
            except IntegrityError:
                ballot = Ballot.objects.select_for_update().get(round=budget_round, voter=voter)
        else:
            ballot.save(update_fields=["updated"])
        _set_votes(ballot, choices)
        ballot_id = ballot.pk

        def queue_receipt() -> None:
            from .tasks import send_ballot_receipt

            send_ballot_receipt.delay(ballot_id, base_url)

        transaction.on_commit(queue_receipt)
    return ballot


def paper_ballot_enter(
    *,
    budget_round: BudgetRound,
    officer: Any,
    paper_reference: str,
    choices: Mapping[int, int],
    now: datetime | None = None,
) -> Ballot:
    """Enter a paper ballot, typed in by an officer: no voter, the number on the paper as its
    reference (unique in the round, so the same paper cannot be entered twice). Accepted once
    voting has opened, and after it closes (papers collected by the deadline are typed in
    before the count). Checked against the same rules as an online ballot."""
    choices = _clean_choices(budget_round, choices)
    reference = paper_reference.strip()
    with transaction.atomic():
        paper_phase_check(budget_round=budget_round, now=now)
        errors: list[str] = []
        if not reference:
            errors.append(_("Give the paper ballot's reference number."))
        elif Ballot.objects.filter(round=budget_round, paper_reference=reference).exists():
            errors.append(
                _("A ballot with the paper reference %(reference)s is already entered in this round.")
                % {"reference": reference}
            )
        try:
            ballot_check(budget_round=budget_round, choices=choices)
        except BallotError as exc:
            errors.extend(exc.messages)
        if errors:
            raise BallotError(errors)
        try:
            with transaction.atomic():
                ballot = Ballot.objects.create(
                    round=budget_round, kind=Ballot.Kind.PAPER, paper_reference=reference, entered_by=officer
                )
        except IntegrityError as exc:  # entered by someone else a moment ago
            raise BallotError(
                _("A ballot with the paper reference %(reference)s is already entered in this round.")
                % {"reference": reference}
            ) from exc
        _set_votes(ballot, choices)
    return ballot


def paper_ballot_change(
    *, ballot: Ballot, officer: Any, choices: Mapping[int, int], now: datetime | None = None
) -> Ballot:
    """Correct a paper ballot's choices (a typing mistake), under the same rules."""
    if ballot.kind != Ballot.Kind.PAPER:
        raise BallotError(_("Only paper ballots can be changed here."))
    choices = _clean_choices(ballot.round, choices)
    with transaction.atomic():
        locked = Ballot.objects.select_for_update().select_related("round").get(pk=ballot.pk)
        paper_phase_check(budget_round=locked.round, now=now)
        ballot_check(budget_round=locked.round, choices=choices)
        locked.entered_by = officer
        locked.save(update_fields=["entered_by", "updated"])
        _set_votes(locked, choices)
    return locked


def paper_phase_check(*, budget_round: BudgetRound, now: datetime | None = None) -> None:
    if budget_round.phase_at(now or timezone.now()) not in (Phase.VOTING, Phase.RESULTS):
        raise BallotError(
            _("Paper ballots can be entered once voting has opened, on %(date)s.")
            % {"date": _when(budget_round.voting_opens)}
        )


def ballot_send_receipt(*, ballot_id: int, base_url: str = "") -> bool:
    """Email the voter what their ballot holds, in their language. False if there is no one to
    send to (paper ballots, deleted ballots)."""
    ballot = (
        Ballot.objects.select_related("round", "voter").filter(pk=ballot_id, kind=Ballot.Kind.ONLINE).first()
    )
    if ballot is None or ballot.voter is None or not ballot.voter.email:
        return False
    budget_round = ballot.round
    votes = list(ballot.votes.select_related("project").order_by("project__code"))
    with translation.override(ballot.voter.language or "en"):
        context = {
            "ballot": ballot,
            "round": budget_round,
            "voter": ballot.voter,
            "votes": votes,
            "total_cost": format_money(
                sum((v.project.cost for v in votes), Decimal(0)), budget_round.currency
            ),
            "budget": format_money(budget_round.budget, budget_round.currency),
            "is_cumulative": budget_round.ballot_type == BudgetRound.BallotType.CUMULATIVE,
            "closes": _when(budget_round.voting_closes),
            "url": base_url.rstrip("/") + ballot.get_absolute_url(),
            "round_url": base_url.rstrip("/") + budget_round.get_absolute_url(),
        }
        subject = _("Your ballot in %(round)s") % {"round": budget_round.title}
        body = render_to_string("budgeting/email/ballot_receipt.txt", context)
    send_mail(subject, body, None, [ballot.voter.email])
    return True


# -- rounds and projects ---------------------------------------------------------------------------


def round_create(*, conversation: Conversation, slug: str, **fields: Any) -> BudgetRound:
    """A round, checked like the admin form checks it (phases in order, k and points)."""
    budget_round = BudgetRound(conversation=conversation, slug=slug, **fields)
    budget_round.full_clean()
    budget_round.save()
    return budget_round


def project_create(
    *, budget_round: BudgetRound, cost: Decimal, code: str = "", **fields: Any
) -> BudgetProject:
    """A project in ``budget_round``. Without a ``code`` it gets the next free number, zero-padded to
    three digits (``001``, ``002``...), so code order is creation order."""
    with transaction.atomic():
        # Lock the round so two projects created at once do not take the same number.
        BudgetRound.objects.select_for_update().filter(pk=budget_round.pk).first()
        if not code:
            code = f"{budget_round.projects.count() + 1:03d}"
            while budget_round.projects.filter(code=code).exists():
                code = f"{int(code) + 1:03d}"
        project = BudgetProject(round=budget_round, code=code, cost=cost, **fields)
        project.full_clean()
        project.save()
    return project


# -- counting ----------------------------------------------------------------------------------


def tally_request(
    *, budget_round: BudgetRound, requested_by: Any = None, now: datetime | None = None
) -> Tally:
    """Queue a count of ``budget_round`` (after commit). Idempotent: while a count is queued or
    running, that count is returned and nothing new is queued, so a double click counts once."""
    if budget_round.phase_at(now or timezone.now()) != Phase.RESULTS:
        raise TallyError(
            _("Votes can be counted once voting has closed, on %(date)s.")
            % {"date": _when(budget_round.voting_closes)}
        )
    with transaction.atomic():
        live = Tally.objects.live().filter(round=budget_round).first()
        if live is not None:
            return live
        try:
            with transaction.atomic():
                tally = Tally.objects.create(round=budget_round, requested_by=requested_by)
        except IntegrityError:  # another request queued one a moment ago
            return Tally.objects.live().get(round=budget_round)

        def queue() -> None:
            from .tasks import tally_round

            tally_round.delay(tally.pk)

        transaction.on_commit(queue)
    return tally


@dataclass
class _Computed:
    outcome: RulesOutcome
    duration_ms: int


def _progress(tally: Tally, progress: int, **fields: Any) -> None:
    # Written outside any transaction so the results page sees it at once.
    Tally.objects.filter(pk=tally.pk).update(progress=progress, **fields)


def tally_run(*, tally_id: int) -> Tally:
    """Count a queued tally: load the ballots, compute the round's rule and the other rule for
    comparison, and store both outcomes. Progress is written as it goes. A tally that is not
    queued (already taken by another worker, or redelivered) is left alone. Failures are
    recorded on the tally and logged, never half-stored."""
    claimed = Tally.objects.filter(pk=tally_id, status=Tally.Status.QUEUED).update(
        status=Tally.Status.RUNNING, started=timezone.now(), progress=5
    )
    tally = Tally.objects.select_related("round").get(pk=tally_id)
    if not claimed:
        return tally
    budget_round = tally.round
    started = time.perf_counter()
    try:
        data = load_round(budget_round)
        _progress(tally, 30, ballots=data.profile.num_voters, votes=data.votes)
        primary = _compute(data.profile, budget_round.rule, budget_round.completion)
        _progress(tally, 60)
        other_rule, other_completion = budget_round.comparison_rule
        other = _compute(data.profile, other_rule, other_completion)
        _progress(tally, 85)
        with transaction.atomic():
            _store(tally, data.projects, primary, is_primary=True)
            _store(tally, data.projects, other, is_primary=False)
            Tally.objects.filter(pk=tally.pk).update(
                status=Tally.Status.DONE,
                progress=100,
                finished=timezone.now(),
                duration_ms=int((time.perf_counter() - started) * 1000),
            )
    except Exception as exc:
        logger.exception("Count %s of budget round %s failed", tally.pk, budget_round.pk)
        Tally.objects.filter(pk=tally.pk).update(
            status=Tally.Status.FAILED, finished=timezone.now(), error=f"{type(exc).__name__}: {exc}"[:2000]
        )
    tally.refresh_from_db()
    return tally


def _compute(profile: Any, rule: str, completion: str) -> _Computed:
    started = time.perf_counter()
    outcome = compute(profile, rule, completion)  # type: ignore[arg-type]
    return _Computed(outcome, int((time.perf_counter() - started) * 1000))


def _decimal(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"))


def _store(tally: Tally, projects: list[Any], computed: _Computed, *, is_primary: bool) -> Outcome:
    result = computed.outcome
    outcome = Outcome.objects.create(
        tally=tally,
        rule=result.rule,
        completion=result.completion,
        is_primary=is_primary,
        budget=_decimal(result.budget),
        spent=_decimal(result.spent),
        per_voter_budget=float(result.per_voter_budget) if result.per_voter_budget is not None else None,
        duration_ms=computed.duration_ms,
    )
    position = {project: place for place, project in enumerate(result.selected, start=1)}
    stage = dict(zip(result.selected, result.stages, strict=True))
    lines = []
    for index, project in enumerate(projects):
        share = result.shares.get(index)
        rejection = result.rejections.get(index)
        lines.append(
            OutcomeProject(
                outcome=outcome,
                project_id=project.pk,
                votes=result.votes[index],
                score=result.scores[index],
                position=position.get(index),
                stage=stage.get(index, ""),
                rho=share.rho if share else None,
                full_share=share.full_share if share else None,
                paid_full_share=share.paid_full_share if share else None,
                paid_all_they_had=share.paid_all_they_had if share else None,
                total_paid=share.total_paid if share else None,
                reason=rejection.reason if rejection else "",
                budget_left=_decimal(rejection.budget_left) if rejection else None,
                supporters_money=rejection.supporters_money if rejection else None,
            )
        )
    OutcomeProject.objects.bulk_create(lines)
    return outcome


# -- pabulib import --------------------------------------------------------------------------------


def _pabulib_date(text: str | None) -> datetime | None:
    for pattern in ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            parsed = datetime.strptime((text or "").strip(), pattern)
        except ValueError:
            continue
        return timezone.make_aware(parsed)
    return None


def _pabulib_rule(text: str) -> tuple[str, str]:
    text = text.strip().lower()
    if text.startswith("equalshares") or text.startswith("mes"):
        if "add1" in text or "completion" in text:
            return BudgetRound.Rule.EQUAL_SHARES, BudgetRound.Completion.ADD1_GREEDY
        return BudgetRound.Rule.EQUAL_SHARES, BudgetRound.Completion.NONE
    return BudgetRound.Rule.GREEDY, BudgetRound.Completion.NONE


def round_import_pabulib(
    *,
    conversation: Conversation,
    election: pabulib.PabulibElection,
    slug: str,
    title_en: str = "",
    title_cy: str = "",
    rule: str = "",
    completion: str = "",
    now: datetime | None = None,
    batch_size: int = 5000,
) -> BudgetRound:
    """Create a round from a past election read from a ``.pb`` file: its projects (ids kept as
    codes, so ties break as in the file) and its ballots as imported, anonymous ballots. The
    round's phases are the election's dates when the file has them, and in any case already
    over, so it can be counted at once. The ballots are the election's record and are not held
    to our ballot rules (a file may have ballots over budget, say)."""
    meta = election.meta
    profile = election.profile
    now = now or timezone.now()
    begins = _pabulib_date(meta.get("date_begin"))
    ends = _pabulib_date(meta.get("date_end"))
    if ends is None or ends > now:
        ends = now
    if begins is None or begins >= ends:
        begins = ends - timedelta(days=14)
    vote_type = election.vote_type
    fields: dict[str, Any] = {}
    if vote_type in pabulib.POINTS_TYPES:
        sums = (
            [int(s) for s in _ballot_sums(profile.ballot_starts, profile.ballot_points)]
            if profile.ballot_points is not None
            else []
        )
        max_points = meta.get("max_sum_points", "").strip()
        fields["ballot_type"] = BudgetRound.BallotType.CUMULATIVE
        fields["points"] = (int(max_points) if max_points.isdigit() else 0) or max(sums or [1]) or 1
    elif vote_type == "choose-1":
        fields.update(ballot_type=BudgetRound.BallotType.K_APPROVAL, max_projects=1)
    elif meta.get("max_length", "").strip().isdigit() and int(meta["max_length"]) < profile.num_projects:
        fields.update(ballot_type=BudgetRound.BallotType.K_APPROVAL, max_projects=int(meta["max_length"]))
    else:
        fields["ballot_type"] = BudgetRound.BallotType.APPROVAL
    file_rule, file_completion = _pabulib_rule(meta.get("rule", ""))
    fields["rule"] = rule or file_rule
    fields["completion"] = completion or (
        file_completion if fields["rule"] == file_rule else BudgetRound.Completion.NONE
    )
    if fields["rule"] == BudgetRound.Rule.GREEDY:
        fields["completion"] = BudgetRound.Completion.NONE
    description = meta.get("description", "")
    place = ", ".join(x for x in (meta.get("unit", ""), meta.get("instance", "")) if x)
    if not title_en and not title_cy:
        title_en = (description or place or slug)[:200]

    with transaction.atomic():
        budget_round = round_create(
            conversation=conversation,
            slug=slug,
            title_en=title_en,
            title_cy=title_cy,
            description_en=_import_note(meta),
            budget=_money(profile.budget),
            currency=(meta.get("currency") or "GBP")[:3].upper(),
            proposals_open=begins,
            review_opens=begins,
            voting_opens=begins,
            voting_closes=ends,
            **fields,
        )
        projects = BudgetProject.objects.bulk_create(
            BudgetProject(
                round=budget_round,
                code=project_id,
                title_en=(row.get("name") or project_id)[:200],
                description_en=row.get("description", ""),
                category_en=row.get("category", "")[:100],
                cost=_money(profile.costs[index]),
            )
            for index, (project_id, row) in enumerate(
                zip(profile.project_ids, election.projects, strict=True)
            )
        )
        project_pks = [p.pk for p in projects]
        if any(pk is None for pk in project_pks):  # backends without RETURNING
            by_code = dict(budget_round.projects.values_list("code", "pk"))
            project_pks = [by_code[code] for code in profile.project_ids]
        _import_ballots(budget_round, election, project_pks, batch_size)
    return budget_round


def _ballot_sums(starts: Any, points: Any) -> list[int]:
    import numpy as np

    totals = np.add.reduceat(points, starts[:-1]) if len(points) else np.zeros(len(starts) - 1)
    empty = starts[:-1] == starts[1:]
    totals = np.where(empty, 0, totals)
    return [int(t) for t in totals]


def _money(value: Fraction) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    rounded = exact.quantize(Decimal("0.01"))
    if rounded != exact:
        raise BallotError(
            _("The file has an amount (%(amount)s) that is not whole pence or cents.") % {"amount": exact}
        )
    return rounded


def _import_note(meta: Mapping[str, str]) -> str:
    parts = [meta.get("description", "")]
    details = [
        f"{key}: {meta[key]}"
        for key in ("country", "unit", "instance", "date_begin", "date_end")
        if meta.get(key)
    ]
    if details:
        parts.append("; ".join(details))
    parts.append("Imported from a pabulib .pb file.")
    return "\n".join(p for p in parts if p)


def _import_ballots(
    budget_round: BudgetRound, election: pabulib.PabulibElection, project_pks: list[int], batch_size: int
) -> None:
    profile = election.profile
    starts = profile.ballot_starts.tolist()
    projects = profile.ballot_projects.tolist()
    points = profile.ballot_points.tolist() if profile.ballot_points is not None else None
    seen: set[str] = set()
    references = []
    for number, voter_id in enumerate(election.voter_ids, start=1):
        reference = (voter_id or str(number))[:60]
        if reference in seen:  # files are not always careful about unique voter ids
            reference = f"{reference[:50]}#{number}"
        seen.add(reference)
        references.append(reference)
    for first in range(0, profile.num_voters, batch_size):
        last = min(first + batch_size, profile.num_voters)
        ballots = Ballot.objects.bulk_create(
            Ballot(round=budget_round, kind=Ballot.Kind.IMPORTED, paper_reference=references[v])
            for v in range(first, last)
        )
        ids = [b.pk for b in ballots]
        if any(pk is None for pk in ids):
            by_reference = dict(
                Ballot.objects.filter(
                    round=budget_round, paper_reference__in=references[first:last]
                ).values_list("paper_reference", "pk")
            )
            ids = [by_reference[references[v]] for v in range(first, last)]
        votes = []
        for offset, voter in enumerate(range(first, last)):
            for at in range(starts[voter], starts[voter + 1]):
                value = 1 if points is None else points[at]
                if value > 0:  # a zero on a points ballot is no support (and no vote row)
                    votes.append(
                        Vote(
                            ballot_id=ids[offset],
                            round_id=budget_round.pk,
                            project_id=project_pks[projects[at]],
                            points=value,
                        )
                    )
        Vote.objects.bulk_create(votes, batch_size=batch_size)

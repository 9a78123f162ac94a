"""Ballots: checking one against its round's rules, casting it online, typing in a paper one,
and the receipt email.

Every refusal is a :class:`vocaleyes.errors.Refusal` in the active language, raised before
anything is written. A ballot with several problems is refused once, with every problem in the
message (one sentence each), so the voter can put them all right in one go; its ``field`` is
``"choices"``. Refusals about *when* (voting not open, a suspended voter, a ballot that is not
paper) are ``forbidden``: nothing the person can correct on the ballot.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vocaleyes.emails import one_line
from vocaleyes.errors import Refusal
from vocaleyes.models import User
from vocaleyes.permissions import check_not_suspended, is_suspended, suspension_message

from ..formatting import format_moment, format_money
from ..models import Ballot, BudgetProject, BudgetRound, Phase, Vote


def voting_check(*, budget_round: BudgetRound, now: datetime | None = None) -> None:
    """Refuse unless voting is open in ``budget_round`` now."""
    phase = budget_round.phase_at(now or timezone.now())
    if phase == Phase.VOTING:
        return
    if phase == Phase.RESULTS:
        raise Refusal(
            _("Voting closed on %(date)s, so ballots can no longer be cast or changed.")
            % {"date": format_moment(budget_round.voting_closes)},
            forbidden=True,
        )
    raise Refusal(
        _("Voting has not opened yet. It opens on %(date)s.")
        % {"date": format_moment(budget_round.voting_opens)},
        forbidden=True,
    )


def voter_check(*, budget_round: BudgetRound, voter: User, now: datetime | None = None) -> None:
    """Refuse unless ``voter`` may cast a ballot in ``budget_round`` now: not suspended (that
    reason first: it outlasts the round), and voting open."""
    if is_suspended(voter):
        raise Refusal(suspension_message(voter), forbidden=True)
    voting_check(budget_round=budget_round, now=now)


def paper_phase_check(*, budget_round: BudgetRound, now: datetime | None = None) -> None:
    """Refuse unless paper ballots may be typed in now: from the opening of voting, and after
    the close for papers collected by the deadline."""
    if budget_round.phase_at(now or timezone.now()) not in (Phase.VOTING, Phase.RESULTS):
        raise Refusal(
            _("Paper ballots can be entered once voting has opened, on %(date)s.")
            % {"date": format_moment(budget_round.voting_opens)},
            field="round",
            forbidden=True,
        )


def ballot_check(*, budget_round: BudgetRound, choices: Mapping[int, int]) -> list[BudgetProject]:
    """Check ``choices`` ({project id: points}; 1 for approval ballots) against the round's
    ballot rules and return the chosen projects. Refuses with every problem in one message.
    Choices with zero points are not choices."""
    choices = _clean_choices(choices)
    projects = list(BudgetProject.objects.filter(round=budget_round, pk__in=choices.keys()).order_by("code"))
    problems = _ballot_problems(budget_round, choices, projects)
    if problems:
        raise Refusal(" ".join(problems), field="choices")
    return projects


def _ballot_problems(
    budget_round: BudgetRound, choices: dict[int, int], projects: list[BudgetProject]
) -> list[str]:
    """Every way ``choices`` breaks the round's rules, one sentence each; ``projects`` are the
    chosen projects that are in the round."""
    problems: list[str] = []
    if any(points < 0 for points in choices.values()):
        problems.append(_("Points cannot be negative."))
    if len(projects) != len(choices):
        problems.append(_("One or more of the projects you chose are not in this budget round."))
    for project in projects:
        if not project.eligible:
            problems.append(
                _("“%(title)s” is not eligible, so it cannot be voted for: %(reason)s")
                % {"title": project.title, "reason": project.ineligible_reason}
            )
    cumulative = budget_round.ballot_type == BudgetRound.BallotType.CUMULATIVE
    if not choices:
        problems.append(
            _("Give points to at least one project.") if cumulative else _("Choose at least one project.")
        )
    elif cumulative:
        total = sum(choices.values())
        if total != budget_round.points:
            problems.append(
                _(
                    "You have %(points)s points to spread and your points add up to %(total)s. "
                    "Make them add up to exactly %(points)s."
                )
                % {"points": budget_round.points, "total": total}
            )
    else:
        if any(points != 1 for points in choices.values()):
            problems.append(_("Each project is either chosen or not: this ballot has no points."))
        if budget_round.ballot_type == BudgetRound.BallotType.APPROVAL:
            cost = sum((p.cost for p in projects), Decimal(0))
            if cost > budget_round.budget:
                problems.append(
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
            problems.append(
                ngettext(
                    "You can choose up to %(k)s project. You chose %(n)s.",
                    "You can choose up to %(k)s projects. You chose %(n)s.",
                    budget_round.max_projects,
                )
                % {"k": budget_round.max_projects, "n": len(choices)}
            )
    return problems


def _clean_choices(choices: Mapping[int, int]) -> dict[int, int]:
    return {int(k): int(v) for k, v in choices.items() if int(v) != 0}


def _set_votes(ballot: Ballot, choices: Mapping[int, int]) -> None:
    ballot.votes.all().delete()
    Vote.objects.bulk_create(
        Vote(ballot=ballot, round_id=ballot.round_id, project_id=pk, points=points)
        for pk, points in sorted(choices.items())
        if points
    )


def ballot_submit(
    *,
    budget_round: BudgetRound,
    voter: User,
    choices: Mapping[int, int],
    base_url: str = "",
    now: datetime | None = None,
) -> Ballot:
    """Cast ``voter``'s ballot in ``budget_round``, or replace it: one per voter per round,
    changeable while voting is open. Queues a receipt email in the voter's language after
    commit. ``base_url`` (scheme and host) makes the email's link absolute."""
    choices = _clean_choices(choices)
    with transaction.atomic():
        voter_check(budget_round=budget_round, voter=voter, now=now)
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
            from ..tasks import send_ballot_receipt

            send_ballot_receipt.delay(ballot_id, base_url)

        transaction.on_commit(queue_receipt)
    return ballot


def _paper_taken(reference: str) -> Refusal:
    return Refusal(
        _("A ballot with the paper reference %(reference)s is already entered in this round.")
        % {"reference": reference},
        field="paper_reference",
    )


def paper_ballot_enter(
    *,
    budget_round: BudgetRound,
    officer: User,
    paper_reference: str,
    choices: Mapping[int, int],
    now: datetime | None = None,
) -> Ballot:
    """Enter a paper ballot, typed in by an officer: no voter, the number on the paper as its
    reference (unique in the round, so the same paper cannot be entered twice). Accepted once
    voting has opened, and after it closes (papers collected by the deadline are typed in
    before the count). Checked against the same rules as an online ballot. Not by a suspended
    officer."""
    check_not_suspended(officer)
    choices = _clean_choices(choices)
    reference = paper_reference.strip()
    with transaction.atomic():
        paper_phase_check(budget_round=budget_round, now=now)
        if not reference:
            raise Refusal(_("Give the paper ballot's reference number."), field="paper_reference")
        if Ballot.objects.filter(round=budget_round, paper_reference=reference).exists():
            raise _paper_taken(reference)
        ballot_check(budget_round=budget_round, choices=choices)
        try:
            with transaction.atomic():
                ballot = Ballot.objects.create(
                    round=budget_round, kind=Ballot.Kind.PAPER, paper_reference=reference, entered_by=officer
                )
        except IntegrityError as exc:  # entered by someone else a moment ago
            raise _paper_taken(reference) from exc
        _set_votes(ballot, choices)
    return ballot


def paper_ballot_change(
    *, ballot: Ballot, officer: User, choices: Mapping[int, int], now: datetime | None = None
) -> Ballot:
    """Correct a paper ballot's choices (a typing mistake), under the same rules."""
    check_not_suspended(officer)
    if ballot.kind != Ballot.Kind.PAPER:
        raise Refusal(_("Only paper ballots can be changed here."), forbidden=True)
    choices = _clean_choices(choices)
    with transaction.atomic():
        locked = Ballot.objects.select_for_update().select_related("round").get(pk=ballot.pk)
        paper_phase_check(budget_round=locked.round, now=now)
        ballot_check(budget_round=locked.round, choices=choices)
        locked.entered_by = officer
        locked.save(update_fields=["entered_by", "updated"])
        _set_votes(locked, choices)
    return locked


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
            "closes": format_moment(budget_round.voting_closes),
            "url": base_url.rstrip("/") + ballot.get_absolute_url(),
            "round_url": base_url.rstrip("/") + budget_round.get_absolute_url(),
        }
        subject = one_line(_("Your ballot in %(round)s") % {"round": budget_round.title})
        body = render_to_string("budgeting/email/ballot_receipt.txt", context)
    send_mail(subject, body, None, [ballot.voter.email])
    return True

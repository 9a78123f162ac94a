"""Everything the service holds about one person, for "Download your data" (issue 14).

``personal_data(user)`` reads it with a fixed number of queries whatever the person has done (one
per kind of record, ``values()`` rows with the names of what they point at), and returns plain
JSON-ready data: the profile, email addresses, groups and consent, ideas, comments, ratings,
ballots and their votes, proposals, pledges and hours given, hours claimed, follows, reports and
review requests, the time-credit account with its whole statement, the gifts given and
received with their messages (a gift received is shown on the person's statement already), and
the person's API tokens (names and dates, never their digests).

Nothing about anybody else is included beyond the public name of who a gift came from or went to
and the titles of public things (conversations, ideas, action groups, rounds). Deleting the
account is ``vocaleyes.deletion``.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import QuerySet
from django.utils import timezone

from budgeting.models import Ballot, Proposal, Vote
from conversations.models import (
    Comment,
    Follow,
    HoursClaim,
    HoursGiven,
    Idea,
    Pledge,
    Rating,
    Report,
    ReviewRequest,
)
from timecredits.models import Account, Entry, Transfer

from .models import ApiToken, DemographicConsent, GroupMembership, User


def _rows(queryset: QuerySet[Any], *fields: str) -> list[dict[str, Any]]:
    return list(queryset.values(*fields))


def _ledger(user: User) -> dict[str, Any] | None:
    """The person's account, its statement oldest first, and their gifts (3 queries)."""
    account = Account.objects.filter(user=user).first()
    if account is None:
        return None
    entries = list(
        Entry.objects.filter(account=account)
        .order_by("seq")
        .values(
            "seq",
            "created",
            "kind",
            "amount",
            "balance_after",
            "transfer_id",
            "transfer__memo",
            "transfer__reference",
            "transfer__offer__title_en",
            "transfer__organisation__name_en",
        )
    )
    # The other side of each gift: whose account it came from or went to (their public name only).
    # A subquery rather than a list of ids, so that it is one query even when there is no gift.
    gifts = Entry.objects.filter(account=account, kind=Transfer.Kind.GIFT).values("transfer_id")
    others = {
        leg.transfer_id: leg
        for leg in Entry.objects.filter(transfer_id__in=gifts)
        .exclude(account=account)
        .select_related("account__user")
    }
    statement: list[dict[str, Any]] = []
    given: list[dict[str, Any]] = []
    received: list[dict[str, Any]] = []
    for entry in entries:
        statement.append(
            {
                "line": entry["seq"],
                "recorded": entry["created"],
                "kind": entry["kind"],
                "minutes": entry["amount"],
                "balance_after_minutes": entry["balance_after"],
                "memo": entry["transfer__memo"],
                "reference": entry["transfer__reference"],
                "offer": entry["transfer__offer__title_en"],
                "organisation": entry["transfer__organisation__name_en"],
            }
        )
        if entry["kind"] == Transfer.Kind.GIFT:
            other = others.get(entry["transfer_id"])
            gift = {
                "recorded": entry["created"],
                "minutes": abs(entry["amount"]),
                "message": entry["transfer__memo"],
                "account_number": other.account.number if other else None,
                "name": other.account.owner_name if other else None,
            }
            (given if entry["amount"] < 0 else received).append(gift)
    return {
        "number": account.number,
        "opened": account.created,
        "balance_minutes": account.balance,
        "statement": statement,
        "gifts_given": given,
        "gifts_received": received,
    }


def personal_data(user: User) -> dict[str, Any]:
    """All the person's data as JSON-ready dicts and lists (a fixed number of queries)."""
    consent = DemographicConsent.objects.filter(user=user).values("given_at", "withdrawn_at").first()
    votes: dict[int, list[dict[str, Any]]] = {}
    for vote in Vote.objects.filter(ballot__voter=user).values("ballot_id", "project__title_en", "points"):
        votes.setdefault(vote["ballot_id"], []).append(
            {"project": vote["project__title_en"], "points": vote["points"]}
        )
    ballots = _rows(
        Ballot.objects.filter(voter=user),
        "id",
        "round__slug",
        "round__title_en",
        "kind",
        "created",
        "updated",
    )
    for ballot in ballots:
        ballot["votes"] = votes.get(ballot["id"], [])
    return {
        "exported": timezone.now(),
        "profile": {
            "display_name": user.display_name,
            "email": user.email,
            "preferred_language": user.language,
            "joined": user.date_joined,
            "last_signed_in": user.last_login,
            "suspended_on": user.suspended_at,
            "suspended_until": user.suspended_until,
            "suspension_reason": user.suspension_reason,
        },
        "email_addresses": _rows(EmailAddress.objects.filter(user=user), "email", "verified", "primary"),
        "groups": _rows(
            GroupMembership.objects.filter(user=user).order_by("created"),
            "group__name_en",
            "group__name_cy",
            "group__kind",
            "group__organisation__name_en",
            "how",
            "consented_at",
            "created",
        ),
        "consent_to_keep_groups": consent,
        "ideas": _rows(
            Idea.objects.filter(author=user).order_by("created"),
            "id",
            "conversation__slug",
            "title",
            "body",
            "language",
            "status",
            "created",
            "updated",
        ),
        "comments": _rows(
            Comment.objects.filter(author=user).order_by("created"),
            "id",
            "idea_id",
            "idea__title",
            "body",
            "language",
            "status",
            "created",
            "updated",
        ),
        "ratings": _rows(
            Rating.objects.filter(user=user).order_by("created"),
            "idea_id",
            "idea__title",
            "conversation__slug",
            "value",
            "created",
            "updated",
        ),
        "ballots": ballots,
        "proposals": _rows(
            Proposal.objects.filter(proposer=user).order_by("created"),
            "round__slug",
            "title",
            "description",
            "estimated_cost",
            "language",
            "decision",
            "reason",
            "created",
        ),
        "pledges": _rows(
            Pledge.objects.filter(person=user).order_by("created"),
            "id",
            "group__name_en",
            "kind",
            "minutes",
            "description",
            "threshold",
            "deadline",
            "status",
            "created",
        ),
        "hours_given": _rows(
            HoursGiven.objects.filter(pledge__person=user).order_by("given_on"),
            "pledge_id",
            "pledge__group__name_en",
            "minutes",
            "given_on",
            "confirmed_at",
        ),
        "hours_claimed": _rows(
            HoursClaim.objects.filter(claimed_by=user).order_by("claimed_at"),
            "group__name_en",
            "minutes",
            "given_on",
            "claimed_at",
        ),
        "follows": _rows(
            Follow.objects.filter(person=user).order_by("created"),
            "idea_id",
            "idea__title",
            "group__name_en",
            "created",
        ),
        "reports": _rows(
            Report.objects.filter(reporter=user).order_by("created"),
            "conversation__slug",
            "idea_id",
            "comment_id",
            "reason",
            "details",
            "created",
        ),
        "review_requests": _rows(
            ReviewRequest.objects.filter(author=user).order_by("created"),
            "conversation__slug",
            "idea_id",
            "comment_id",
            "message",
            "created",
        ),
        "time_credits": _ledger(user),
        # Names and dates only: a token's prefix and digest are keys, not data about the person.
        "api_tokens": _rows(
            ApiToken.objects.filter(user=user).order_by("created_at", "pk"),
            "name",
            "created_at",
            "last_used_at",
            "revoked_at",
        ),
    }

"""Deleting an account, by the person or after years without signing in (issue 14).

What goes: everything that says who the person is or what they told us privately — their name,
email addresses, password, API tokens, demographic answers and consent, roles, follows and digests, the
messages they wrote on gifts, and their name and email on hours claims; any invitation link they
made is revoked; every session ends (the password hash changes and the account is inactive, so
Django refuses each session at its next request).

What stays, anonymised: the ``User`` row itself, as a *tombstone* (``deleted_at`` set, email
``deleted-<id>@invalid``, no name, unusable password, inactive), so that their ratings, ballots,
pledges, hours and ledger lines stay attached to it. Rankings, budget outcomes and every
balance therefore come out exactly as before (``tests/vocaleyes/test_data_rights.py`` recomputes
them). Ideas, comments, proposals and action-group news stay too, shown as by "Former resident":
other people's ratings, comments and responses hang on them, and a conversation with holes in it
no longer makes sense (the practice of GOV.UK and Decidim: anonymise authorship, keep the
contribution). Reports and review requests stay with the moderation decisions they led to.

A person with time credits left (above zero) is refused, with a message telling them to give or
spend them first: silently forfeiting someone's hours is worse than asking, and a forfeit would
need an account to receive it that the ledger does not have. Retention does the same: such an
account is kept and counted as skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from conversations.models import ActionGroupCoordinator, DigestSent, Follow, HoursClaim
from timecredits.amounts import format_minutes
from timecredits.models import Account
from timecredits.services import gift_memos_redact

from .errors import Refusal
from .models import ApiToken, DemographicConsent, GroupInvitation, GroupMembership, OrganisationRole, User


def tombstone_email(user: User) -> str:
    return f"deleted-{user.pk}@invalid"


def account_delete_refusal(*, user: User) -> Refusal | None:
    """Why this account cannot be deleted now (None if it can): time credits left in it."""
    balance = Account.objects.filter(user=user).values_list("balance", flat=True).first() or 0
    if balance > 0:
        return Refusal(
            _(
                "You still have %(balance)s of time credits. Give them to someone or spend them "
                "before you delete your account."
            )
            % {"balance": format_minutes(balance)},
            forbidden=True,
        )
    return None


def account_delete(*, user: User, now: datetime | None = None) -> User:
    """Delete ``user``'s personal data and leave an anonymised tombstone (see the module's
    docstring). Refuses while they hold time credits. Idempotent: a deleted account is returned
    as it is."""
    now = now or timezone.now()
    with transaction.atomic():
        # Lock the person and their account: a gift arriving while we check the balance waits,
        # and is then refused because the account is inactive.
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.deleted_at is not None:
            return user
        list(Account.objects.select_for_update().filter(user=user))
        refusal = account_delete_refusal(user=user)
        if refusal is not None:
            raise refusal
        email = user.email
        EmailAddress.objects.filter(user=user).delete()
        ApiToken.objects.filter(user=user).delete()  # their names are the person's words
        GroupMembership.objects.filter(user=user).delete()
        DemographicConsent.objects.filter(user=user).delete()
        OrganisationRole.objects.filter(user=user).delete()
        ActionGroupCoordinator.objects.filter(user=user).delete()
        Follow.objects.filter(person=user).delete()
        DigestSent.objects.filter(person=user).delete()
        GroupInvitation.objects.filter(created_by=user, revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=user
        )
        HoursClaim.objects.filter(
            Q(claimed_by=user) | Q(claimed_by__isnull=True, email__iexact=email)
        ).update(email=tombstone_email(user), name="")
        gift_memos_redact(sender=user)
        user.email = tombstone_email(user)
        user.display_name = ""
        user.first_name = ""
        user.last_name = ""
        user.set_unusable_password()
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.deleted_at = now
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
    return user


@dataclass(frozen=True)
class RetentionRun:
    deleted: int
    skipped: int


def inactive_accounts(*, years: int, now: datetime | None = None) -> list[User]:
    """People (not officers) who have not signed in, or never did since joining, for ``years``."""
    cutoff = (now or timezone.now()) - timedelta(days=round(365.25 * years))
    return list(
        User.objects.alias(last_seen=Coalesce("last_login", "date_joined"))
        .filter(deleted_at__isnull=True, is_staff=False, last_seen__lt=cutoff)
        .order_by("pk")
    )


def accounts_delete_inactive(*, now: datetime | None = None) -> RetentionRun:
    """Delete every account inactive for ``ACCOUNT_RETENTION_YEARS`` (0: keep everyone), each in
    its own transaction with ``account_delete``; one still holding credits is skipped."""
    years = settings.ACCOUNT_RETENTION_YEARS
    if years <= 0:
        return RetentionRun(deleted=0, skipped=0)
    deleted = skipped = 0
    for user in inactive_accounts(years=years, now=now):
        try:
            account_delete(user=user, now=now)
        except Refusal:
            skipped += 1
        else:
            deleted += 1
    return RetentionRun(deleted=deleted, skipped=skipped)

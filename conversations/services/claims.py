"""Hours given by someone without an account yet, and claiming them.

A coordinator records the hours with the person's email address (``hours_claim_create``); we
email them a link in the language chosen, a signed token of the claim's id and secret (as
``vocaleyes.services.invitation_token`` does for group invitations). Once they have an account
and follow the link, ``hours_claim_accept`` locks the claim's row and credits their time-credit
account through the same ledger path as ``pledge_hours_confirm``, once: the claim records who
claimed it and the transfer, and a second accept is refused.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from timecredits.amounts import format_minutes
from timecredits.services.checks import check_minutes
from vocaleyes.emails import render_subject
from vocaleyes.errors import Refusal
from vocaleyes.permissions import is_suspended, suspension_message

from .. import permissions
from ..models import ActionGroup, HoursClaim
from .pledges import _credit

if TYPE_CHECKING:
    from vocaleyes.models import User

CLAIM_SALT = "conversations.hours-claim"
CLAIM_DAYS = 60


class ClaimRefusal(Refusal):
    """A claim link that does not credit this person; ``claim`` is set when the token was genuine."""

    def __init__(self, message: str, *, claim: HoursClaim | None = None) -> None:
        super().__init__(message, forbidden=True)
        self.claim = claim


def hours_claim_token(claim: HoursClaim) -> str:
    """The token in the claim's link: its id and secret, signed (URL-safe)."""
    return signing.Signer(salt=CLAIM_SALT).sign_object([claim.pk, claim.secret])


def hours_claim_url(claim: HoursClaim) -> str:
    """The claim's absolute link, for the email."""
    path = reverse("conversations:hours_claim", kwargs={"token": hours_claim_token(claim)})
    return settings.SITE_URL.rstrip("/") + path


def hours_claim_create(
    *, group: ActionGroup, email: str, name: str, language: str, minutes: int, given_on: date, by: User
) -> HoursClaim:
    """A coordinator records ``minutes`` given on ``given_on`` by someone without an account;
    they are emailed a link to claim them (on commit, in ``language``)."""
    if is_suspended(by):
        raise Refusal(suspension_message(by), forbidden=True)
    if not permissions.can_coordinate(by, group):
        raise Refusal(_("Only a coordinator of this action group can record hours."), forbidden=True)
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise Refusal(_("Enter an email address like name@example.com."), field="email") from None
    if language not in dict(settings.LANGUAGES):
        raise Refusal(_("Choose the language for the email."), field="language")
    check_minutes(minutes)
    if given_on > timezone.localdate():
        raise Refusal(_("The date cannot be in the future."), field="given_on")
    claim = HoursClaim.objects.create(
        group=group,
        email=email,
        name=name.strip()[:200],
        language=language,
        minutes=minutes,
        given_on=given_on,
        recorded_by=by,
        secret=secrets.token_urlsafe(24),
        expires_at=timezone.now() + timedelta(days=CLAIM_DAYS),
    )
    from ..tasks import send_hours_claim

    # robust: an email that cannot be queued must not undo the record of the hours.
    transaction.on_commit(partial(send_hours_claim.delay, claim.pk), robust=True)
    return claim


def hours_claim_send(*, claim_id: int) -> bool:
    """Email the person their link to claim the hours, in the language the coordinator chose."""
    claim = HoursClaim.objects.select_related("group__conversation__organisation").get(pk=claim_id)
    if claim.claimed_at is not None:
        return False
    with translation.override(claim.language):
        context = {
            "claim": claim,
            "group": claim.group,
            "time": format_minutes(claim.minutes),
            "day": date_format(claim.given_on, "DATE_FORMAT"),
            "days": CLAIM_DAYS,
            "url": hours_claim_url(claim),
            "organisation": claim.group.conversation.organisation,
        }
        subject = render_subject("conversations/email/hours_claim_subject.txt", context)
        body = render_to_string("conversations/email/hours_claim_message.txt", context)
    send_mail(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [claim.email],
    )
    return True


def hours_claim_from_token(token: str) -> HoursClaim:
    """The claim a genuine token names (a tampered or unknown token is refused)."""
    try:
        pk, secret = signing.Signer(salt=CLAIM_SALT).unsign_object(token)
        claim = HoursClaim.objects.select_related("group__conversation__organisation").get(pk=pk)
    except (signing.BadSignature, ValueError, TypeError, HoursClaim.DoesNotExist):
        claim = None
    if claim is None or not secrets.compare_digest(str(claim.secret), str(secret)):
        raise ClaimRefusal(
            _(
                "This link is not valid. Check that you copied the whole link from the email, "
                "or ask the action group's coordinator to record your hours again."
            )
        )
    return claim


def hours_claim_problem(claim: HoursClaim, *, now: datetime | None = None) -> str:
    """Why these hours cannot be claimed any more ("" while they can)."""
    if claim.claimed_at is not None:
        return _("These hours have already been claimed, and the time credits are on a statement.")
    if claim.expires_at <= (now or timezone.now()):
        return _(
            "This link has expired: hours must be claimed within %(days)s days. "
            "Ask the action group's coordinator to record your hours again."
        ) % {"days": CLAIM_DAYS}
    return ""


def hours_claim_status(claim: HoursClaim, *, now: datetime | None = None) -> str:
    """In a word, for the coordinators' page and the admin."""
    if claim.claimed_at is not None:
        return _("Claimed")
    if claim.expires_at <= (now or timezone.now()):
        return _("Expired")
    return _("Waiting to be claimed")


def hours_claim_accept(*, token: str, user: User) -> HoursClaim:
    """The person credits the claim's hours to their own time-credit account, once."""
    found = hours_claim_from_token(token)
    if is_suspended(user):
        raise ClaimRefusal(suspension_message(user), claim=found)
    with transaction.atomic():
        claim = (
            HoursClaim.objects.select_for_update(of=("self",))
            .select_related("group__conversation__organisation")
            .get(pk=found.pk)
        )
        if problem := hours_claim_problem(claim):
            raise ClaimRefusal(problem, claim=claim)
        if claim.recorded_by_id == user.pk:
            # As with pledges: nobody credits their own hours.
            raise ClaimRefusal(
                _("You cannot claim hours you recorded yourself. Ask another coordinator to record them."),
                claim=claim,
            )
        transfer = _credit(
            group=claim.group,
            person=user,
            minutes=claim.minutes,
            by=claim.recorded_by,
            key=f"claim:{claim.pk}",
        )
        claim.claimed_by = user
        claim.claimed_at = timezone.now()
        claim.transfer = transfer
        claim.save(update_fields=["claimed_by", "claimed_at", "transfer"])
    return claim

"""Receipts: the email a person gets when credits reach them (sent by a Celery task after commit)."""

from __future__ import annotations

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from vocaleyes.emails import render_subject

from ..amounts import format_minutes
from ..models import Account, Entry, Transfer


def transfer_send_receipts(*, transfer: Transfer) -> int:
    """Email the person credited by an earn or a gift, in their own language. Returns emails sent."""
    templates = {Transfer.Kind.EARN: "credits_earned", Transfer.Kind.GIFT: "gift_received"}
    template = templates.get(transfer.kind)  # type: ignore[call-overload]
    if template is None:
        return 0
    credited = (
        Entry.objects.filter(transfer=transfer, amount__gt=0, account__kind=Account.Kind.PERSON)
        .select_related("account__user")
        .first()
    )
    if credited is None or credited.account.user is None:
        return 0
    recipient = credited.account.user
    sender = transfer.recorded_by
    with translation.override(recipient.language):
        context = {
            "recipient": recipient,
            "sender_name": sender.public_name,
            "organisation": transfer.organisation,
            "amount": format_minutes(transfer.amount),
            "balance": format_minutes(credited.balance_after),
            "transfer": transfer,
        }
        subject = render_subject(f"timecredits/email/{template}_subject.txt", context)
        body = render_to_string(f"timecredits/email/{template}_body.txt", context)
    return send_mail(subject, body, None, [recipient.email])

"""Blanking the messages a person wrote on their gifts, when they delete their account (issue 14).

The one change the ledger allows after the fact (migration 0005): a gift's ``memo`` and
``memo_language`` set to ``''``. Nothing else about the transfer, and nothing about its entries,
changes, so every balance, statement line and reconciliation check stays as it was.
"""

from __future__ import annotations

from django.db import transaction

from vocaleyes.models import User

from ..models import Transfer


def gift_memos_redact(*, sender: User) -> int:
    """Blank the message on every gift ``sender`` gave; return how many were blanked."""
    with transaction.atomic():
        gifts = Transfer.objects.filter(kind=Transfer.Kind.GIFT, recorded_by=sender).exclude(
            memo="", memo_language=""
        )
        return gifts.update(memo="", memo_language="")

"""What the time-credits API reads and answers.

Amounts are whole minutes (the ledger's unit) and, beside them, the words the pages show
("1 hour 30 minutes", "1 awr 30 munud"), in the language of the request.

The gift's input is checked by the page's own rules: the amount by the services' ``check_minutes``
and the recipient and message by the give page's ``GiftForm`` (the account number's shape, an
open account of a person, not the giver's own), so the API says no with the same sentences as the
page, field by field. Only what the JSON adds (types, the idempotency key) is checked here.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import exceptions, serializers

from vocaleyes.api import schema
from vocaleyes.errors import Refusal

from ..amounts import MAX_MINUTES_PER_TRANSFER, format_minutes, split_minutes
from ..forms import GiftForm
from ..models import Account, Transfer
from ..selectors import StatementLine
from ..services import MAX_MEMO_LENGTH
from ..services.checks import check_minutes

# An account number as the API takes it (the give page also reads spaces and lower case in it).
ACCOUNT_NUMBER = r"^[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}$"

# The statement's cursor for the schema: ``before`` or ``after`` (or neither), never both. An
# object parameter exploded into the query string is how OpenAPI 3.0 says "at most one of".
STATEMENT_CURSOR: dict[str, Any] = {
    "type": "object",
    "properties": {
        "before": {
            "type": "integer",
            "minimum": 1,
            "description": "Lines older than this line number (the `next` link sets it).",
        },
        "after": {
            "type": "integer",
            "minimum": 0,
            "description": "Lines newer than this line number (the `previous` link sets it).",
        },
    },
    "maxProperties": 1,
}

# A client's key for one gift: a UUID fits, as does any short word of its own making.
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
IDEMPOTENCY_HEADER = "Idempotency-Key"

# The API's one error body, described once for every app.
ErrorSerializer = schema.ErrorSerializer


class AmountSerializer(serializers.Serializer[Any]):
    minutes = serializers.IntegerField(help_text="Whole minutes (60 minutes are one time credit).")
    text = serializers.CharField(help_text="As the pages show it, in the language of the request.")


def amount(minutes: int) -> dict[str, Any]:
    return {"minutes": minutes, "text": format_minutes(minutes)}


@extend_schema_field(AmountSerializer)
class AmountField(serializers.Field):
    """An amount in minutes, answered as ``{"minutes": 90, "text": "1 hour 30 minutes"}``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value: int) -> dict[str, Any]:
        return amount(value)


class AccountSerializer(serializers.ModelSerializer[Account]):
    organisation: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="For an organisation's account: the organisation's slug; null for a person's.",
    )
    balance = AmountField()

    class Meta:
        model = Account
        fields = ["number", "kind", "organisation", "balance"]


class MeSerializer(serializers.Serializer[Any]):
    account = AccountSerializer(help_text="Your own account: give its number to people who give to you.")
    organised_accounts = AccountSerializer(
        many=True,
        help_text="The accounts of the organisations you organise (for officers: all of them).",
    )
    statement = serializers.URLField(help_text="Your statement.")


class StatementLineSerializer(serializers.Serializer[StatementLine]):
    line = serializers.IntegerField(
        source="entry.seq", help_text="The line's number in the account: 1, 2, 3..."
    )
    created = serializers.DateTimeField(source="entry.created")
    kind = serializers.ChoiceField(source="entry.kind", choices=Transfer.Kind.choices)
    kind_display = serializers.SerializerMethodField(help_text="The kind, in the language of the request.")
    description = serializers.CharField(help_text="The line in words, as the statement page says it.")
    note = serializers.CharField(
        help_text="The memo, gift message or reversal reason, as written; may be blank."
    )
    note_language = serializers.CharField(
        source="transfer.memo_language", help_text='The note\'s language, "en" or "cy"; "" when not known.'
    )
    counterparties = serializers.ListField(
        child=serializers.CharField(), help_text="Who the credits came from or went to (public names)."
    )
    paid_in = serializers.SerializerMethodField()
    paid_out = serializers.SerializerMethodField()
    balance_after = AmountField(source="entry.balance_after")
    transfer = serializers.UUIDField(source="entry.transfer_id")
    reference = serializers.CharField(
        source="transfer.reference", allow_null=True, help_text="A spend's reference, shown at the door."
    )

    def get_kind_display(self, line: StatementLine) -> str:
        return str(Transfer.Kind(line.entry.kind).label)

    @extend_schema_field(AmountSerializer(allow_null=True))
    def get_paid_in(self, line: StatementLine) -> dict[str, Any] | None:
        return amount(line.entry.paid_in) if line.entry.paid_in else None

    @extend_schema_field(AmountSerializer(allow_null=True))
    def get_paid_out(self, line: StatementLine) -> dict[str, Any] | None:
        return amount(line.entry.paid_out) if line.entry.paid_out else None


class StatementPageSerializer(serializers.Serializer[Any]):
    """A page of lines, newest first, with links to the pages either side (keyset on ``line``)."""

    next = serializers.URLField(allow_null=True, help_text="Older lines, or null on the oldest page.")
    previous = serializers.URLField(allow_null=True, help_text="Newer lines, or null on the newest page.")
    results = StatementLineSerializer(many=True)


class StatementQuerySerializer(serializers.Serializer[Any]):
    """The statement's paging (the page's filters are read by its own ``StatementFilterForm``)."""

    before = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Lines older than this line number (the `next` link sets it).",
        error_messages={key: _("Enter a line number of 1 or more.") for key in ("invalid", "min_value")},
    )
    after = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="Lines newer than this line number (the `previous` link sets it).",
        error_messages={key: _("Enter a line number of 0 or more.") for key in ("invalid", "min_value")},
    )
    page_size = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=100,
        help_text="Lines a page: 25 unless asked, at most 100.",
        error_messages={
            key: _("Enter a page size from 1 to 100.") for key in ("invalid", "min_value", "max_value")
        },
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # The schema says so too (``STATEMENT_CURSOR``: one of the two at most).
        if "before" in attrs and "after" in attrs:
            raise serializers.ValidationError(
                {"after": [_("Ask for lines before a line or after it, not both.")]}
            )
        return attrs


# The schema documents the header alone (required there): a client sending both a header and a
# body field would have to keep them equal, which no schema can say. The body field still works.
@extend_schema_serializer(exclude_fields=["idempotency_key"])
class GiftRequestSerializer(serializers.Serializer[Any]):
    """A gift: to an account number, an amount in minutes, and a message if you like.

    Send an ``Idempotency-Key`` header (or the ``idempotency_key`` field), new for each gift: a
    request sent again with the same key (after a timeout, say) gives nothing more and answers
    with the gift already given.
    """

    default_error_messages = {
        "invalid": _("Send a JSON object with the recipient, the minutes and, if you like, a message.")
    }

    recipient = serializers.CharField(
        trim_whitespace=False,
        validators=[RegexValidator(ACCOUNT_NUMBER, message=_("Enter an account number like 7KQ4-M2XD."))],
        help_text="The account number of the person you are giving to, like 7KQ4-M2XD.",
        error_messages={
            "required": _("Enter the account number of the person you are giving to"),
            "blank": _("Enter the account number of the person you are giving to"),
            "null": _("Enter the account number of the person you are giving to"),
            "invalid": _("Enter an account number like 7KQ4-M2XD."),
        },
    )
    minutes = serializers.IntegerField(
        help_text=f"How much time, in whole minutes: from 1 to {MAX_MINUTES_PER_TRANSFER}.",
        error_messages={
            key: _("Enter the time as a whole number of minutes, like 90 for 1 hour 30 minutes.")
            for key in ("required", "null", "invalid", "max_string_length")
        },
    )
    message = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,  # the give page's form trims it, and counts its length after
        help_text="Shown to them on their statement and in the email we send them.",
        error_messages={key: _("Write the message as text.") for key in ("invalid", "null")},
    )
    message_language = serializers.ChoiceField(
        choices=[("", ""), ("en", "en"), ("cy", "cy")],
        required=False,
        default="",
        help_text='The language the message is written in ("en" or "cy"), if you know it.',
        error_messages={"invalid_choice": _("Give the message's language as “en” or “cy”, or leave it out.")},
    )
    idempotency_key = serializers.CharField(
        required=False,
        help_text=f"Instead of the {IDEMPOTENCY_HEADER} header: up to 64 letters, digits, - or _.",
        error_messages={key: _("Send the idempotency key as text.") for key in ("invalid", "null", "blank")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # For the schema only: ``check_minutes`` and the give page's form say no, in their words.
        minutes = self.fields["minutes"]
        minutes.min_value, minutes.max_value = 1, MAX_MINUTES_PER_TRANSFER  # type: ignore[attr-defined]
        self.fields["message"].max_length = MAX_MEMO_LENGTH  # type: ignore[attr-defined]

    def validate_recipient(self, recipient: str) -> str:
        # ``$`` lets a final newline through; the schema's pattern (ECMA) does not.
        if not re.fullmatch(ACCOUNT_NUMBER.rstrip("$"), recipient):
            raise serializers.ValidationError(_("Enter an account number like 7KQ4-M2XD."))
        return recipient

    def validate_minutes(self, minutes: int) -> int:
        try:
            check_minutes(minutes, field=None)
        except Refusal as refusal:
            raise serializers.ValidationError(refusal.message) from None
        return minutes

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["idempotency_key"] = self._idempotency_key(attrs.get("idempotency_key"))
        hours, minutes = split_minutes(attrs["minutes"])
        form = GiftForm(
            {
                "recipient": attrs["recipient"],
                "hours": hours,
                "minutes": minutes,
                "message": attrs["message"],
                "idempotency_key": uuid.uuid4().hex,  # the form's own; the API's key is the client's
            },
            sender=self.context["sender"],
        )
        if not form.is_valid():
            self._refuse_recipient(form)
            # The form asks for hours and minutes; the API for minutes alone.
            renamed = {"hours": "minutes", "__all__": "non_field_errors"}
            errors: dict[str, list[str]] = {}
            for name, messages in form.errors.items():
                errors.setdefault(renamed.get(name, name), []).extend(str(message) for message in messages)
            raise serializers.ValidationError(errors)
        attrs["recipient"] = form.cleaned_data["recipient"]  # the Account, with its person
        attrs["message"] = form.cleaned_data["message"]
        return attrs

    def _refuse_recipient(self, form: GiftForm) -> None:
        """A well-formed account number the give page refuses, when nothing else is wrong: nobody
        has it (404: the page's "there is no account with the number ..." carries the number) or
        it is the giver's own (403: you may not give to yourself). Said in the page's words."""
        errors = form.errors.as_data()
        if list(errors) != ["recipient"]:
            return
        [error] = errors["recipient"]
        message = " ".join(error.messages)
        if isinstance(error.params, dict) and "number" in error.params:
            raise exceptions.NotFound(message, code="no_such_account")
        raise exceptions.PermissionDenied(message, code="own_account")

    def _idempotency_key(self, in_body: str | None) -> str:
        in_header = self.context.get("idempotency_header")
        if in_header is not None and in_body is not None and in_header != in_body:
            raise serializers.ValidationError(
                {"idempotency_key": [_("The Idempotency-Key header and the idempotency_key field differ.")]}
            )
        key = in_header if in_header is not None else in_body
        if key is None:
            raise serializers.ValidationError(
                {
                    "idempotency_key": [
                        _(
                            "Send an Idempotency-Key header, new for each gift, "
                            "so that a retry gives only once."
                        )
                    ]
                }
            )
        if not IDEMPOTENCY_KEY.match(key):
            raise serializers.ValidationError(
                {
                    "idempotency_key": [
                        _("Use an idempotency key of up to 64 letters, digits, hyphens or underscores.")
                    ]
                }
            )
        return key


class RecipientSerializer(serializers.Serializer[Account]):
    number = serializers.CharField()
    name = serializers.CharField(source="user.public_name", help_text="Their public name.")


class GiftSerializer(serializers.Serializer[Any]):
    """A gift given: what the give page's receipt shows (built by the view as a dict)."""

    id = serializers.UUIDField(help_text="The transfer.")
    replayed = serializers.BooleanField(
        help_text="True when this key had already given this gift: nothing more was taken."
    )
    detail = serializers.CharField(help_text="What happened, in the language of the request.")
    recipient = RecipientSerializer()
    amount = AmountField()
    message = serializers.CharField()
    message_language = serializers.CharField(help_text='"en", "cy", or "" when not known.')
    created = serializers.DateTimeField()
    balance_after = AmountField(help_text="Your balance straight after this gift.")

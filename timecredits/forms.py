"""Forms for time credits. They check input; the services decide and write.

Every form that moves credits carries an idempotency key in a hidden field, made when the form is
first shown: pressing the button twice, or reloading after a slow network, sends the same key, and
the service records one transfer. Views prefix the key with the action and the person's id, so one
person's key can never answer another's request.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vocaleyes.models import Organisation, User

from .amounts import MAX_MINUTES_PER_TRANSFER, MINUTES_PER_HOUR, to_minutes
from .models import Account, Transfer
from .services import MAX_MEMO_LENGTH

NUMERIC = {"inputmode": "numeric", "autocomplete": "off"}
_KEY = re.compile(r"^[0-9a-f]{32}$")
_ACCOUNT_NUMBER = re.compile(r"^[A-Z0-9]{4}-?[A-Z0-9]{4}$")


class IdempotentForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=32)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)

    def clean_idempotency_key(self) -> str:
        key = self.cleaned_data["idempotency_key"]
        if not _KEY.match(key):
            raise ValidationError(_("This form has expired. Please try again."))
        return str(key)

    def key_for(self, action: str, user: User) -> str:
        return f"{action}:{user.pk}:{self.cleaned_data['idempotency_key']}"


class DurationMixin(forms.Form):
    """Hours and minutes, entered separately (as people say them), checked as whole minutes."""

    hours = forms.IntegerField(
        label=_("Hours"), min_value=0, max_value=100, required=False, widget=forms.TextInput(attrs=NUMERIC)
    )
    minutes = forms.IntegerField(
        label=_("Minutes"), min_value=0, max_value=59, required=False, widget=forms.TextInput(attrs=NUMERIC)
    )

    def duration(self) -> int:
        return to_minutes(self.cleaned_data.get("hours") or 0, self.cleaned_data.get("minutes") or 0)

    def check_duration(self) -> None:
        if "hours" in self.errors or "minutes" in self.errors:
            return
        total = self.duration()
        if total <= 0:
            self.add_error("hours", _("Enter how much time, in hours and minutes."))
        elif total > MAX_MINUTES_PER_TRANSFER:
            self.add_error("hours", _("Enter at most 100 hours at a time."))


class GiftForm(IdempotentForm):
    """Who to give to, how much time (hours and minutes in one fieldset) and a message.

    Each field says what is wrong with it and what to do, in the person's language, rather than
    Django's generic "This field is required": the error summary links to the field at fault.
    """

    recipient = forms.CharField(
        label=_("Their account number"),
        max_length=12,
        help_text=_(
            "Ask the person for the account number shown on their time credits page, like 7KQ4-M2XD."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter the account number of the person you are giving to"),
            "max_length": _("Enter an account number like 7KQ4-M2XD."),
        },
    )
    hours = forms.IntegerField(
        label=_("Hours"),
        min_value=0,
        max_value=MAX_MINUTES_PER_TRANSFER // MINUTES_PER_HOUR,
        required=False,
        widget=forms.TextInput(attrs=NUMERIC),
        error_messages={
            key: _("Enter the number of hours, from 0 to 100")
            for key in ("invalid", "min_value", "max_value")
        },
    )
    minutes = forms.IntegerField(
        label=_("Minutes"),
        min_value=0,
        max_value=MINUTES_PER_HOUR - 1,
        required=False,
        widget=forms.TextInput(attrs=NUMERIC),
        error_messages={
            key: _("Enter the number of minutes, from 0 to 59")
            for key in ("invalid", "min_value", "max_value")
        },
    )
    message = forms.CharField(
        label=_("Message (optional)"),
        max_length=MAX_MEMO_LENGTH,
        required=False,
        widget=forms.Textarea,
        help_text=_("They will see it on their statement and in the email we send them."),
    )

    field_order = ["recipient", "hours", "minutes", "message", "idempotency_key"]

    def __init__(self, *args: Any, sender: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sender = sender

    def clean_recipient(self) -> Account:
        raw = re.sub(r"\s+", "", self.cleaned_data["recipient"]).upper()
        if not _ACCOUNT_NUMBER.match(raw):
            raise ValidationError(_("Enter an account number like 7KQ4-M2XD."))
        number = raw if "-" in raw else f"{raw[:4]}-{raw[4:]}"
        account = (
            Account.objects.people()
            .select_related("user")
            .filter(number=number, user__is_active=True)
            .first()
        )
        if account is None:
            raise ValidationError(
                _("There is no account with the number %(number)s: check the number with the person"),
                params={"number": number},
            )
        if account.user_id == self.sender.pk:
            raise ValidationError(
                _("That is your own account number. Enter the number of the person you are giving to.")
            )
        return account

    def duration(self) -> int:
        return to_minutes(self.cleaned_data.get("hours") or 0, self.cleaned_data.get("minutes") or 0)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "hours" in self.errors or "minutes" in self.errors:
            return cleaned
        total = self.duration()
        if total <= 0:
            self.add_error("hours", _("Enter an amount of more than 0 minutes"))
        elif total > MAX_MINUTES_PER_TRANSFER:
            self.add_error("hours", _("Enter at most 100 hours at a time."))
        return cleaned


class GiftConfirmForm(forms.Form):
    """The check page's confirm button: which waiting gift, and the balance the page showed."""

    key = forms.RegexField(regex=r"^[0-9a-f]{32}-[0-9a-f]{16}$", widget=forms.HiddenInput)
    balance = forms.IntegerField(widget=forms.HiddenInput)


class SpendForm(IdempotentForm):
    pass


class StatementFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("All types")), *Transfer.Kind.choices],
        widget=forms.RadioSelect,
    )
    date_from = forms.DateField(
        label=_("From (date)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("To (date)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("date_from", "date_to"):
            self.fields[name].widget.input_type = "date"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        return cleaned


class RecordHoursForm(IdempotentForm):
    organisation = forms.ModelChoiceField(
        label=_("Organisation giving the credits"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
    )
    memo = forms.CharField(
        label=_("What was the volunteering?"),
        max_length=MAX_MEMO_LENGTH,
        help_text=_(
            "For example: citizen panel on bus routes, 12 March. People see this on their statement."
        ),
    )

    field_order = ["organisation", "memo", "idempotency_key"]

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations
        if not self.is_bound and len(organisations) == 1:
            self.initial["organisation"] = organisations[0].pk


class VolunteerRowForm(DurationMixin):
    email = forms.EmailField(
        label=_("Email address"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )

    field_order = ["email", "hours", "minutes"]

    def clean_email(self) -> User | None:
        email = self.cleaned_data.get("email")
        if not email:
            return None
        person = User.objects.filter(email__iexact=email, is_active=True).first()
        if person is None:
            raise ValidationError(_("No one with this email address has a VocalEyes account."))
        return person

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        empty_time = not cleaned.get("hours") and not cleaned.get("minutes")
        if cleaned.get("email") is None and "email" not in self.errors:
            if not empty_time:
                self.add_error("email", _("Enter the email address of the person who gave this time."))
            return cleaned
        self.check_duration()
        return cleaned


class BaseVolunteerFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        people = [form.cleaned_data.get("email") for form in self.forms if form.cleaned_data.get("email")]
        if not people:
            raise ValidationError(_("Enter at least one person and the time they gave."))
        if len({person.pk for person in people}) != len(people):
            raise ValidationError(_("Each person can appear only once. Add their time together in one row."))

    def volunteers(self) -> list[tuple[User, int]]:
        return [
            (form.cleaned_data["email"], form.duration())
            for form in self.forms
            if form.cleaned_data.get("email")
        ]


VolunteerFormSet = forms.formset_factory(
    VolunteerRowForm, formset=BaseVolunteerFormSet, extra=0, max_num=50, absolute_max=50, validate_max=True
)


class ReverseForm(IdempotentForm):
    reason = forms.CharField(
        label=_("Reason for the reversal"),
        max_length=MAX_MEMO_LENGTH,
        widget=forms.Textarea,
        help_text=_("Shown on the statements of everyone this transfer touched."),
    )


class ReferenceCheckForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference"),
        max_length=16,
        help_text=_("The reference the person shows you, like ABCDE-23456."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_reference(self) -> str:
        raw = re.sub(r"\s+", "", self.cleaned_data["reference"]).upper()
        if len(raw) == 10 and "-" not in raw:
            raw = f"{raw[:5]}-{raw[5:]}"
        return raw

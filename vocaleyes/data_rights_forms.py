"""The confirmation of "Delete your account" (issue 14)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User


class AccountDeleteForm(forms.Form):
    """The person types the email address they sign in with: a deliberate step a stray click
    cannot take, which works for everyone whether or not they have a password."""

    email = forms.CharField(
        label=_("Your email address"),
        help_text=_("Type the email address you sign in with, to confirm."),
        max_length=254,
        error_messages={"required": _("Enter the email address you sign in with")},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["email"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip()
        if email.casefold() != self.user.email.casefold():
            raise forms.ValidationError(_("Enter the email address you sign in with, exactly as it is"))
        return email

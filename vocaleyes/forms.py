from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import User


class SignupForm(forms.Form):
    """Extra sign-up fields; allauth adds email and password (ACCOUNT_SIGNUP_FORM_CLASS)."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        help_text=_(
            "The name other people see next to your ideas and comments. You can use your first name."
        ),
        error_messages={"required": _("Enter a display name.")},
    )

    field_order = ["display_name"]

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter a display name."))
        return name

    def signup(self, request: HttpRequest, user: User) -> None:
        user.display_name = self.cleaned_data["display_name"]
        # Email is sent in the language the person signed up in; they can change it on their profile.
        user.language = "cy" if (get_language() or "").startswith("cy") else "en"
        user.save(update_fields=["display_name", "language"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "language"]
        widgets: dict[str, Any] = {"language": forms.RadioSelect}
        error_messages: dict[str, Any] = {
            "display_name": {"required": _("Enter a display name.")},
            "language": {"invalid_choice": _("Choose English or Welsh.")},
        }

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter a display name."))
        return name

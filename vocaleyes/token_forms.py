"""The form that names a new API token on the profile page (issue 14)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ApiToken
from .validators import HIDDEN_CHARACTERS


class ApiTokenForm(forms.Form):
    prefix = "token"  # its field ids stay apart from the profile form's on the same page

    name = forms.CharField(
        label=_("Name"),
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text=_("What the token is for, so you know which one to revoke: for example, “ward map”."),
        error_messages={
            "required": _("Give the token a name, so you know which one to revoke."),
            "max_length": _("The name must be %(limit_value)d characters or fewer."),
        },
    )

    def clean_name(self) -> str:
        # The model's own validator speaks of display names; the same rule, said of a token.
        name: str = self.cleaned_data["name"]
        if HIDDEN_CHARACTERS.search(name):
            raise forms.ValidationError(
                _(
                    "The name must not include line breaks, hidden characters or characters "
                    "that change the direction of text."
                ),
                code="hidden_characters",
            )
        return name

"""The form with which an author asks for a review of their hidden idea or comment."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ReviewRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Why should it be shown again? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea,
        help_text=_("Only council officers see this."),
        error_messages={
            "max_length": _("Keep this to %(limit_value)d characters or fewer (it has %(show_value)d)."),
        },
    )

"""The coordinators' form for hours given by someone without an account yet. It checks input;
``services.claims`` decides and writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from timecredits.forms import DurationMixin

from .pledge_forms import DATE


class HoursClaimForm(DurationMixin):
    email = forms.EmailField(
        label=_("Their email address"),
        help_text=_("We email them a link to claim the time credits when they have an account."),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    name = forms.CharField(
        label=_("Their name (optional)"),
        help_text=_("How you know them, for the email and this page."),
        max_length=200,
        required=False,
    )
    language = forms.ChoiceField(
        label=_("Language for the email"), choices=settings.LANGUAGES, widget=forms.RadioSelect
    )
    given_on = forms.DateField(label=_("Date given"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["email", "name", "language", "hours", "minutes", "given_on"])
        # Labelled apart from the pledges' forms above them on the same page.
        self.fields["hours"].label = _("Their hours")
        self.fields["minutes"].label = _("Their minutes")
        if not self.is_bound:
            self.initial.setdefault("given_on", timezone.localdate().isoformat())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.check_duration()
        return cleaned

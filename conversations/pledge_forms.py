"""Forms for pledges and hours given. They check input; ``services.pledges`` decides and writes."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from timecredits.forms import NUMERIC, DurationMixin, IdempotentForm

from .models import Pledge

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PledgeForm(DurationMixin):
    kind = forms.ChoiceField(
        label=_("What are you pledging?"), choices=Pledge.Kind.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("What kind of help"),
        help_text=_("For time, what you could do (optional). For a skill or a resource, what you can offer."),
        required=False,
        max_length=2000,
        widget=forms.Textarea,
    )
    threshold = forms.IntegerField(
        label=_("Only if this many other people also pledge (optional)"),
        help_text=_("Leave empty to pledge whatever others do."),
        min_value=1,
        max_value=1000,
        required=False,
        widget=forms.TextInput(attrs=NUMERIC),
    )
    deadline = forms.DateField(
        label=_("By this date (for a pledge with a condition)"),
        help_text=_("If not enough people have pledged by the end of this day, your pledge lapses."),
        required=False,
        widget=DATE,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The time fields come after what is pledged.
        self.order_fields(["kind", "hours", "minutes", "description", "threshold", "deadline"])
        self.fields["hours"].help_text = _("For a pledge of time: hours and minutes.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") == Pledge.Kind.HOURS:
            self.check_duration()
        elif cleaned.get("kind") and not (cleaned.get("description") or "").strip():
            self.add_error("description", _("Say what you can offer."))
        threshold, day = cleaned.get("threshold"), cleaned.get("deadline")
        if "threshold" not in self.errors and "deadline" not in self.errors:
            if threshold is not None and day is None:
                self.add_error("deadline", _("Say by when the others should pledge."))
            elif day is not None and threshold is None:
                self.add_error("threshold", _("Say how many other people should also pledge."))
            elif day is not None and day <= timezone.localdate():
                self.add_error("deadline", _("The date must be in the future."))
        return cleaned

    def pledge_values(self) -> dict[str, Any]:
        """The service's keywords."""
        data = self.cleaned_data
        day = data.get("deadline")
        deadline = timezone.make_aware(datetime.combine(day, time(23, 59, 59))) if day is not None else None
        return {
            "kind": data["kind"],
            "minutes": self.duration() if data["kind"] == Pledge.Kind.HOURS else 0,
            "description": data.get("description") or "",
            "threshold": data.get("threshold"),
            "deadline": deadline,
        }


class HoursGivenForm(IdempotentForm, DurationMixin):
    given_on = forms.DateField(label=_("Date given"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            # As the date input sends it (the template would print a date object localised).
            self.initial.setdefault("given_on", timezone.localdate().isoformat())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.check_duration()
        return cleaned

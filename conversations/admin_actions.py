"""Admin actions that need a reason: an intermediate page, then one service call per object.

The changelist posts the selected objects to the action; the action answers with a page asking
for the reason (and, for suspensions, how long), which posts back to the same action with
``confirm``. Each object then goes through its service (``content_hide``, ``user_suspend``, …),
which checks the officer's permission, records the decision in the moderation log and tells the
person concerned. Objects a service refuses (already hidden, say) are left as they were and
listed in a warning.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from vocaleyes.errors import Refusal


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_(
            "Recorded in the moderation log. When something is hidden or someone suspended, "
            "the person is sent it."
        ),
        error_messages={"required": _("Give a reason for this decision.")},
    )


class SuspensionForm(ReasonForm):
    DURATIONS = [
        ("7", _("7 days")),
        ("30", _("30 days")),
        ("90", _("90 days")),
        ("", _("Until an officer lifts it")),
    ]
    duration = forms.ChoiceField(
        label=_("For how long"), choices=DURATIONS, initial="7", widget=forms.RadioSelect, required=False
    )

    def until(self) -> Any:
        days = self.cleaned_data.get("duration")
        return timezone.now() + timedelta(days=int(days)) if days else None


def confirm_with_reason(
    modeladmin: admin.ModelAdmin[Any],
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    action: str,
    title: str,
    button: str,
    apply: Callable[[Any, forms.Form], object],
    form_class: type[ReasonForm] = ReasonForm,
) -> TemplateResponse | None:
    """Ask for a reason, then ``apply(obj, form)`` to each selected object."""
    objects = list(queryset)
    if "confirm" in request.POST:
        form = form_class(request.POST)
        if form.is_valid():
            done = 0
            refused: list[str] = []
            for obj in objects:
                try:
                    apply(obj, form)
                except Refusal as refusal:
                    refused.append(str(refusal))
                else:
                    done += 1
            if done:
                modeladmin.message_user(
                    request,
                    ngettext(
                        "%(action)s: done for %(count)d item.", "%(action)s: done for %(count)d items.", done
                    )
                    % {"action": title, "count": done},
                    messages.SUCCESS,
                )
            if refused:
                modeladmin.message_user(
                    request,
                    ngettext(
                        "%(count)d item was left as it was: %(reasons)s",
                        "%(count)d items were left as they were: %(reasons)s",
                        len(refused),
                    )
                    % {"count": len(refused), "reasons": " ".join(refused[:10])},
                    messages.WARNING,
                )
            return None
    else:
        form = form_class()
    opts: Any = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "button": button,
        "objects": objects,
        "form": form,
        "action": action,
        "opts": opts,
        "app_label": opts.app_label,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "select_across": request.POST.get("select_across", "0"),
        "media": modeladmin.media,
    }
    return TemplateResponse(request, "admin/conversations/confirm_with_reason.html", context)

"""The facilitator page for a conversation's invitation links (``…/facilitate/invitations/``).

For the conversation's target groups (or, when it has none yet, the organisation's groups), a
facilitator or officer creates invitation links, copies them, sees uses, expiry and status, and
revokes them. The rules are ``vocaleyes.services``' invitation functions; everyone else gets a
404, as for the other facilitator pages.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from vocaleyes import services
from vocaleyes.errors import Refusal
from vocaleyes.models import GroupInvitation, TargetGroup

from .facilitator_views import _get_conversation_to_facilitate, _person
from .models import Conversation


class InvitationForm(forms.Form):
    group = forms.ModelChoiceField(queryset=TargetGroup.objects.none(), label=gettext_lazy("Group"))
    days = forms.IntegerField(
        label=gettext_lazy("Days the link works for"), min_value=1, max_value=365, initial=14
    )
    max_uses = forms.IntegerField(
        label=gettext_lazy("How many people may join with it"), min_value=1, max_value=100_000, initial=50
    )

    def __init__(self, *args: object, groups: QuerySet[TargetGroup], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["group"].queryset = groups  # type: ignore[attr-defined]


def _groups(conversation: Conversation) -> QuerySet[TargetGroup]:
    groups = conversation.target_groups.all()
    if not groups.exists():
        groups = TargetGroup.objects.filter(organisation_id=conversation.organisation_id)
    return groups.select_related("organisation")


def _page(
    request: HttpRequest, conversation: Conversation, form: InvitationForm, status: int = 200
) -> HttpResponse:
    groups = list(form.fields["group"].queryset)  # type: ignore[attr-defined]
    invitations = (
        GroupInvitation.objects.filter(group__in=groups).select_related("group").order_by("-created")
    )
    rows = [
        {
            "invitation": invitation,
            "link": request.build_absolute_uri(
                reverse("join", kwargs={"token": services.invitation_token(invitation)})
            ),
            "status": services.invitation_status(invitation),
        }
        for invitation in invitations
    ]
    context = {"conversation": conversation, "form": form, "rows": rows, "has_groups": bool(groups)}
    return render(request, "conversations/invitations.html", context, status=status)


@login_required
def invitations(request: HttpRequest, slug: str) -> HttpResponse:
    conversation = _get_conversation_to_facilitate(request, slug)
    groups = _groups(conversation)
    if request.method != "POST":
        return _page(request, conversation, InvitationForm(groups=groups))
    form = InvitationForm(request.POST, groups=groups)
    if not form.is_valid():
        return _page(request, conversation, form, status=400)
    try:
        services.invitation_create(
            group=form.cleaned_data["group"],
            by=_person(request),
            expires_at=timezone.now() + timedelta(days=form.cleaned_data["days"]),
            max_uses=form.cleaned_data["max_uses"],
        )
    except Refusal as refusal:
        refusal.add_to(form)
        return _page(request, conversation, form, status=400)
    messages.success(request, gettext_lazy("The invitation link has been made. Copy it from the list below."))
    return redirect("conversations:invitations", slug=conversation.slug)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    conversation = _get_conversation_to_facilitate(request, slug)
    invitation = get_object_or_404(
        GroupInvitation.objects.select_related("group"), pk=invitation_id, group__in=_groups(conversation)
    )
    try:
        services.invitation_revoke(invitation=invitation, by=_person(request))
    except Refusal as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, gettext_lazy("The invitation link no longer works."))
    return redirect("conversations:invitations", slug=conversation.slug)

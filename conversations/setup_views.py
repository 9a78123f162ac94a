"""Facilitator pages that start a conversation and edit one (the admin keeps the plumbing).

Starting one is for anyone who facilitates an organisation (and officers): others get a 404, as
for a page that does not exist. Editing is for the conversation's facilitators
(``permissions.can_facilitate``), 404 for everyone else. A suspended facilitator sees why in
place of the form. Plain forms: no JavaScript needed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from vocaleyes.errors import Refusal
from vocaleyes.models import User
from vocaleyes.permissions import is_suspended, suspension_message

from . import permissions, services
from .models import Conversation
from .setup_forms import ConversationCreateForm, ConversationForm

FIELDS = [
    "title_en",
    "title_cy",
    "description_en",
    "description_cy",
    "status",
    "visibility",
    "authors_start_action_groups",
]


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # behind login_required
    return request.user


@login_required
@require_http_methods(["GET", "POST"])
def conversation_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    organisations = permissions.organisations_to_start_in(user).order_by("name_en", "name_cy", "pk")
    if not organisations.exists():
        raise Http404
    suspension = suspension_message(user) if is_suspended(user) else None
    if request.method == "POST" and suspension is None:
        form = ConversationCreateForm(request.POST, organisations=organisations)
        if form.is_valid():
            data = form.cleaned_data
            try:
                conversation = services.conversation_create(
                    user=user, organisation=data["organisation"], **{name: data[name] for name in FIELDS}
                )
            except Refusal as refusal:
                refusal.add_to(form)
            else:
                messages.success(request, gettext_lazy("The conversation has been created."))
                return redirect("conversations:facilitate", slug=conversation.slug)
        status = 400
    else:
        wanted = organisations.filter(slug=request.GET.get("organisation", "")).first()
        only = organisations.first() if organisations.count() == 1 else None
        form = ConversationCreateForm(
            initial={
                "organisation": wanted or only,
                "status": Conversation.Status.DRAFT,
                "visibility": Conversation.Visibility.PUBLIC,
            },
            organisations=organisations,
        )
        status = 200
    return render(
        request,
        "conversations/conversation_form.html",
        {"form": form, "conversation": None, "suspension": suspension},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def conversation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    conversation = get_object_or_404(Conversation.objects.select_related("organisation"), slug=slug)
    user = _user(request)
    if not permissions.can_facilitate(user, conversation):
        raise Http404
    suspension = suspension_message(user) if is_suspended(user) else None
    if request.method == "POST" and suspension is None:
        form = ConversationForm(request.POST)
        if form.is_valid():
            try:
                services.conversation_edit(
                    user=user, conversation=conversation, **{name: form.cleaned_data[name] for name in FIELDS}
                )
            except Refusal as refusal:
                refusal.add_to(form)
            else:
                messages.success(request, gettext_lazy("Your changes have been saved."))
                return redirect("conversations:facilitate", slug=conversation.slug)
        status = 400
    else:
        form = ConversationForm(initial={name: getattr(conversation, name) for name in FIELDS})
        status = 200
    return render(
        request,
        "conversations/conversation_form.html",
        {"form": form, "conversation": conversation, "suspension": suspension},
        status=status,
    )

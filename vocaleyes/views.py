from __future__ import annotations

import time
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse, translate_url
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from conversations.models import Conversation
from conversations.permissions import ByInvitation

from . import services
from .api.plain_errors import error_response, is_api
from .errors import Refusal
from .forms import GroupsForm, ProfileForm
from .models import DemographicConsent, GroupMembership, Heartbeat, User
from .request_id import current_request_id
from .token_forms import ApiTokenForm


def home(request: HttpRequest) -> HttpResponse:
    conversations = (
        Conversation.objects.listed().open().select_related("organisation").order_by("-created")[:12]
    )
    return render(request, "pages/home.html", {"conversations": conversations})


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 403 page (``handler403``): an invitation-only conversation says how to join."""
    if isinstance(exception, ByInvitation):
        conversation = exception.conversation
        context = {"conversation": conversation, "organisation": conversation.organisation}
        return render(request, "conversations/by_invitation.html", context, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 404 page (``handler404``); JSON on the API's addresses."""
    if is_api(request):
        return error_response(404, gettext("Nothing was found at this address."), "not_found")
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 400 page (``handler400``: a request Django refuses before any view); JSON on the API."""
    if is_api(request):
        return error_response(400, gettext("The request could not be understood."), "bad_request")
    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page (``handler500``), with the request's id as an error reference a resident can
    quote; the log lines about the failure carry the same id (issue 14). Rendered without the
    request, like Django's own: the context processors might be what failed. No traceback."""
    context = {"request_id": current_request_id()}
    if is_api(request):
        detail = gettext("Something went wrong on our side. Quote this reference if you contact us: %(id)s.")
        return error_response(500, detail % {"id": context["request_id"]}, "server_error")
    return HttpResponseServerError(loader.render_to_string("500.html", context))


# The accessibility statement's dates: when it was written and the site last tested (issue 13),
# and when it is to be reviewed. Change them when the statement is reviewed.
STATEMENT_PREPARED = date(2026, 12, 7)
STATEMENT_LAST_TESTED = date(2026, 12, 7)
STATEMENT_REVIEW_BY = date(2027, 6, 7)


def accessibility(request: HttpRequest) -> HttpResponse:
    context = {
        "contact_email": settings.CONTACT_EMAIL,
        "prepared": STATEMENT_PREPARED,
        "last_tested": STATEMENT_LAST_TESTED,
        "review_by": STATEMENT_REVIEW_BY,
    }
    return render(request, "pages/accessibility.html", context)


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html", {"retention_years": settings.ACCOUNT_RETENTION_YEARS})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The person's profile, with their optional groups (``action`` says which form was sent)."""
    user: User = request.user  # type: ignore[assignment]
    action = request.POST.get("action") if request.method == "POST" else None
    form = ProfileForm(request.POST if action is None and request.method == "POST" else None, instance=user)
    if action is None and request.method == "POST" and form.is_valid():
        form.save()
        # Whoever has just chosen a language sees their profile in it; the message is lazy
        # (vocaleyes.flash) so that it is in that language too.
        messages.success(request, gettext_lazy("Your profile has been saved."))
        return redirect(translate_url(reverse("profile"), user.language))
    mine = GroupMembership.objects.filter(user=user, how=GroupMembership.How.SELF_DECLARED)
    consent = DemographicConsent.objects.filter(user=user, given_at__isnull=False).exists()
    initial = {"groups": list(mine.values_list("group_id", flat=True)), "consent": consent}
    groups_form = GroupsForm(request.POST if action == "groups" else None, prefix="groups", initial=initial)
    if action == "groups" and groups_form.is_valid():
        try:
            services.groups_declare(
                user=user,
                groups=groups_form.cleaned_data["groups"],
                consent=groups_form.cleaned_data["consent"],
            )
        except Refusal as refusal:
            refusal.add_to(groups_form)
        else:
            messages.success(request, gettext_lazy("Your groups have been saved."))
            return redirect(reverse("profile") + "#groups")
    if action == "withdraw":
        services.groups_withdraw(user=user)
        messages.success(request, gettext_lazy("Your answers about your groups have been deleted."))
        return redirect(reverse("profile") + "#groups")
    context = {
        "form": form,
        "groups_form": groups_form,
        "has_consented": consent,
        # Made and revoked by vocaleyes.token_views; revoked ones stay listed as revoked.
        "api_tokens": user.api_tokens.all(),
        "token_form": ApiTokenForm(),
    }
    return render(request, "account/profile.html", context)


def _check_database() -> dict[str, object]:
    started = time.perf_counter()
    try:
        Heartbeat.objects.exists()  # one round trip to the database, through the ORM
    except Exception as exc:  # a health check reports every failure
        return {"status": "error", "error": exc.__class__.__name__}
    return {
        "status": "ok",
        "vendor": connection.vendor,
        "ms": round((time.perf_counter() - started) * 1000, 1),
    }


def _check_broker() -> dict[str, object]:
    if not settings.REDIS_URL:
        return {"status": "not configured", "mode": "tasks run in-process (eager)"}
    import redis

    started = time.perf_counter()
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
    except Exception as exc:
        return {"status": "error", "error": exc.__class__.__name__}
    return {"status": "ok", "ms": round((time.perf_counter() - started) * 1000, 1)}


def _worker_heartbeat() -> dict[str, object]:
    if not settings.REDIS_URL:
        return {"status": "in-process"}
    beat = Heartbeat.objects.filter(name="worker").first()
    if beat is None:
        return {"status": "never seen"}
    age = (timezone.now() - beat.beat_at).total_seconds()
    return {"status": "ok" if age < 180 else "stale", "last_seen_seconds_ago": round(age)}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database = _check_database()
    broker = _check_broker()
    body: dict[str, object] = {"database": database, "broker": broker}
    if database["status"] == "ok":
        body["worker"] = _worker_heartbeat()
    healthy = database["status"] == "ok" and broker["status"] != "error"
    body["status"] = "ok" if healthy else "error"
    return JsonResponse(body, status=200 if healthy else 503)

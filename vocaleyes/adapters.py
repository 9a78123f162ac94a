from __future__ import annotations

import html
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import filter_users_by_email
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.urls import translate_url
from django.utils import translation
from django.utils.functional import lazy

from .client_ip import client_ip
from .emails import one_line

if TYPE_CHECKING:
    from .models import User

# Links allauth puts in its emails; each points at a page under i18n_patterns.
EMAIL_LINK_KEYS = ("activate_url", "password_reset_url", "signup_url")


class AccountAdapter(DefaultAccountAdapter):
    """Send account emails in the recipient's language, whatever page triggered them, with
    links to the pages in that language (a Welsh email should not open an English page).

    The emails' words are ours (``templates/account/email/``): a greeting by name when we know
    the recipient, sentence case, and no host name ("on 127.0.0.1:8000") in the subject or body,
    only in the links."""

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        user = context.get("user") or self.address_owner(email)
        language = self.recipient_language(email, user)
        # allauth built the links in the language of the request; translate_url needs that
        # language still active to resolve them, so this happens before the override.
        links = {key: translate_url(context[key], language) for key in EMAIL_LINK_KEYS if context.get(key)}
        # Anything still reading the site (a template we have not replaced) says "VocalEyes",
        # not the server's host name (we do not use django.contrib.sites).
        site = get_current_site(allauth_context.request)
        brand = {"current_site": SimpleNamespace(name="VocalEyes", domain=site.domain)}
        with translation.override(language):
            super().send_mail(template_prefix, email, {**context, "user": user, **links, **brand})

    def format_email_subject(self, subject: str) -> str:
        """The subject as our templates write it: a sentence naming VocalEyes, with no
        "[site]" prefix, on one line."""
        return one_line(subject)

    def address_owner(self, email: str) -> User | None:
        """The account an address belongs to, for mail whose context has no user (someone
        tried to sign up with an address that already has an account)."""
        owners = filter_users_by_email(email)
        return owners[0] if owners else None

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        """Send the person on to the next page (``?next=``, else home) in their preferred
        language: someone who reads Welsh and signs in from an English page lands on the Welsh
        one. The language switch stays on every page and changes only that page (GOV.UK's
        pattern): switching to read one page is not a decision about every page and email, which
        the profile's setting is."""
        response = super().post_login(request, user, **kwargs)
        language = getattr(user, "language", "")
        if isinstance(response, HttpResponseRedirect) and language:
            # translate_url resolves the path in the active language (the sign-in page's), so
            # this runs before anything else changes it; a URL it cannot resolve is kept.
            response["Location"] = translate_url(response["Location"], language)
        return response

    def add_message(
        self,
        request: HttpRequest,
        level: int,
        message_template: str | None = None,
        message_context: dict[str, Any] | None = None,
        extra_tags: str = "",
        message: str | None = None,
    ) -> None:
        """allauth's messages ("You have signed in …") as lazy text, which ``vocaleyes.flash``
        keeps in each language: the page after signing in may not be in the sign-in page's."""
        if message is None and message_template:
            try:
                get_template(message_template)
            except TemplateDoesNotExist:
                return
            context = message_context or {}

            def render() -> str:
                text = render_to_string(message_template, context, allauth_context.request)
                return html.unescape(text.strip())

            if not render():  # allauth's templates say nothing in some cases
                return
            message = lazy(render, str)()
        super().add_message(request, level, extra_tags=extra_tags, message=message)

    def get_client_ip(self, request: HttpRequest) -> str:
        """The visitor's address for allauth's per-address rate limits, read as
        ``vocaleyes.client_ip`` reads it (``TRUSTED_PROXY_COUNT``/``TRUSTED_CLIENT_IP_HEADER``):
        behind the proxy, the visitor's rather than the proxy's, so one person's failed sign-ins
        do not lock out everybody (security probe, issue 14)."""
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """The key of the per-account sign-in lockout (allauth's ``login_failed`` rate, "5 an
        account in 5 minutes"): the address alone, in one spelling.

        allauth puts the site's domain in front, which without ``django.contrib.sites`` is the
        request's Host header: ``localhost``, ``LOCALHOST``, ``localhost.`` and
        ``localhost:8001`` each had their own five attempts (security probe, issue 14). We serve
        one site, so the account is the whole key. allauth reads this one method both to count
        a failure and to clear the count after a password reset, so both follow it."""
        login = credentials.get("email", credentials.get("username", ""))
        return "account:" + str(login).strip().casefold()

    def recipient_language(self, email: str, user: User | None = None) -> str:
        """The recipient's preferred language; for mail without a user in its context (someone
        tried to sign up with an address that already has an account) the address's owner's;
        the page's language for addresses nobody owns."""
        if user is None:
            user = self.address_owner(email)
        language = user.language if user is not None else None
        return language or translation.get_language() or "en"

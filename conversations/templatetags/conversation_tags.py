"""Template helpers for ideas and comments.

``idea_card`` renders one entry of a conversation's idea list in Python rather than as an
included template: the list shows 20 cards on the busiest page of the site, and building each
card from a dozen template tags (plural translations, number and date formatting, URL reversal)
cost more time than the database queries behind the page. The strings are translated the same
way, with gettext and ngettext.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from django import template
from django.utils.dates import MONTHS
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import get_language, gettext, ngettext

from conversations.models import Comment, Idea, RatingValue
from conversations.text import render_plain_text

register = template.Library()

EXCERPT_LENGTH = 240


@register.filter
def plain_text(value: str) -> SafeString:
    """Plain text a person typed, as safe HTML paragraphs with links (see ``conversations.text``)."""
    return render_plain_text(value or "")


@register.filter
def percent_of(part: int, whole: int) -> int:
    """``part`` as a whole percentage of ``whole`` (0 when there is nothing to divide)."""
    return round(100 * part / whole) if whole else 0


@register.simple_tag
def lang_if_other(language: str, current: str) -> str:
    """The ``lang`` attribute for text written in a language other than the page's."""
    return "" if language == current[:2] else format_html(' lang="{}"', language)


def excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    """The start of a text, cut at a word boundary, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    cut = text[: length - 1].rsplit(" ", 1)[0]
    return f"{cut}…"


@lru_cache(maxsize=8)
def _month_names(language: str) -> tuple[str, ...]:
    """The month names of ``language`` (the active one: it is the cache key)."""
    return ("", *(str(MONTHS[number]) for number in range(1, 13)))


def short_date(moment: datetime, *, with_time: bool = False) -> str:
    """ "22 November 2026" (", 14:05" with the time) in local time and the active language:
    what the ``date:"j F Y"`` filter gives, at a fraction of its cost, for lists of many."""
    local = localtime(moment)
    text = f"{local.day} {_month_names(get_language() or 'en')[local.month]} {local.year}"
    return f"{text}, {local:%H:%M}" if with_time else text


# Translations do not change while the process runs, and a page of cards asks for the same
# few strings many times: each language's are looked up once (the language is the cache key).
@lru_cache(maxsize=8)
def _card_texts(language: str) -> dict[str, str]:
    return {
        "rank": gettext("Priority rank %(rank)s"),
        "unranked": gettext("Not ranked yet"),
        "mean": gettext("average %(mean)s out of 5"),
        "seeded": gettext("Seeded"),
        "rated": gettext("You rated it: %(label)s"),
        "seeded_by": gettext("Seeded by %(name)s on %(date)s"),
        "posted_by": gettext("Posted by %(name)s on %(date)s"),
    }


@lru_cache(maxsize=2048)
def _ratings_text(language: str, count: int) -> str:
    return ngettext("%(count)s rating", "%(count)s ratings", count) % {"count": count}


@lru_cache(maxsize=2048)
def _comments_text(language: str, count: int) -> str:
    return ngettext("%(count)s comment", "%(count)s comments", count) % {"count": count}


def byline(idea: Idea, language: str | None = None) -> str:
    texts = _card_texts(language or get_language() or "en")
    message = texts["seeded_by"] if idea.is_seeded else texts["posted_by"]
    return message % {"name": idea.author.public_name, "date": short_date(idea.created)}


@register.simple_tag(takes_context=True)
def idea_card(context: template.Context, idea: Idea) -> SafeString:
    """One idea in the conversation's list: title, excerpt, priority figures, byline.

    Plain string building with ``escape`` on every value a person typed (title, description,
    source note) rather than ``format_html``, which escapes every argument again."""
    active = get_language() or "en"
    texts = _card_texts(active)
    lang = f' lang="{escape(idea.language)}"' if idea.language != active[:2] else ""
    snapshot = idea.ranking
    figures = texts["rank"] % {"rank": snapshot.rank} if snapshot.rank else texts["unranked"]
    figures += " · " + _ratings_text(active, snapshot.rating_count)
    if snapshot.rating_mean is not None:
        figures += ", " + texts["mean"] % {"mean": f"{snapshot.rating_mean:.1f}"}
    figures += " · " + _comments_text(active, idea.comment_count)
    seeded = ""
    if idea.is_seeded:
        seeded = (
            '<p class="govuk-body-s govuk-!-margin-bottom-2"><strong class="govuk-tag govuk-tag--blue">'
            f"{escape(texts['seeded'])}</strong> {escape(idea.source_note)}</p>"
        )
    mine = getattr(idea, "my_rating", None)
    mine_html = ""
    if mine:
        label = texts["rated"] % {"label": RatingValue(mine).label}
        mine_html = f"<li><strong>{escape(label)}</strong></li>"
    url = escape(f"{context['idea_url_prefix']}{idea.pk}/")
    return mark_safe(  # noqa: S308 - every value above is escaped
        '<li class="ve-card"><h3 class="govuk-heading-m govuk-!-margin-bottom-2">'
        f'<a class="govuk-link" href="{url}"{lang}>{escape(idea.title)}</a></h3>{seeded}'
        f'<p class="govuk-body govuk-!-margin-bottom-2"{lang}>{escape(excerpt(idea.body))}</p>'
        '<ul class="govuk-list govuk-body-s govuk-!-margin-bottom-0">'
        f"<li>{escape(figures)}</li><li>{escape(byline(idea, active))}</li>{mine_html}</ul></li>"
    )


def _comment(
    comment: Comment, item_class: str, body_class: str, report_prefix: str = "", viewer_id: int | None = None
) -> SafeString:
    report = ""
    if report_prefix and comment.author_id != viewer_id:
        report = format_html(
            ' · <a class="govuk-link" href="{}{}/report/">'
            '{}<span class="govuk-visually-hidden"> {}</span></a>',
            report_prefix,
            comment.pk,
            gettext("Report"),
            gettext("the comment by %(name)s") % {"name": comment.author.public_name},
        )
    return format_html(
        '<li class="{}" id="comment-{}">'
        '<p class="govuk-body-s govuk-!-margin-bottom-1"><strong>{}</strong> · {}{}</p>'
        '<div class="{}">{}</div>',
        item_class,
        comment.pk,
        comment.author.public_name,
        short_date(comment.created, with_time=True),
        report,
        body_class,
        render_plain_text(comment.body),
    )


@register.simple_tag
def comment_thread(
    comment: Comment, replies: list[Comment], report_prefix: str = "", viewer_id: int | None = None
) -> SafeString:
    """A top-level comment and its replies, up to (not including) the closing ``</li>``, so the
    template can add the reply form. Built in Python for the same reason as ``idea_card``: an
    idea page shows up to fifty threads. With ``report_prefix`` (the comments' URL prefix),
    each comment not by ``viewer_id`` gets a "Report" link."""
    html = _comment(comment, "ve-card", "govuk-body", report_prefix, viewer_id)
    if not replies:
        return html
    items = format_html_join(
        "",
        "{}</li>",
        (
            (
                _comment(
                    reply,
                    "govuk-inset-text govuk-!-margin-top-2 govuk-!-margin-bottom-2",
                    "govuk-body govuk-!-margin-bottom-0",
                    report_prefix,
                    viewer_id,
                ),
            )
            for reply in replies
        ),
    )
    label = gettext("Replies to %(name)s") % {"name": comment.author.public_name}
    return format_html(
        '{}<ul class="govuk-list govuk-!-margin-left-4" aria-label="{}">{}</ul>', html, label, items
    )


@register.simple_tag
def reply_link(comment: Comment, page_number: int) -> SafeString:
    """The "Reply" link that opens a reply form under this comment (works without JavaScript)."""
    page = f"&page={page_number}" if page_number > 1 else ""
    return format_html(
        '<p class="govuk-body-s govuk-!-margin-bottom-0"><a class="govuk-link" href="?reply={}{}#reply-{}">'
        '{}<span class="govuk-visually-hidden"> {}</span></a></p>',
        comment.pk,
        page,
        comment.pk,
        gettext("Reply"),
        gettext("to %(name)s") % {"name": comment.author.public_name},
    )


@lru_cache(maxsize=64)
def _rating_parts(language: str | None, chosen: int | None) -> tuple[str, str, str, str, str]:
    """What the rating control shows that depends only on the language and the value chosen:
    the radios, the legend, the button, and the two status lines (just saved; chosen before).
    Worked out once per pair; ``language`` is the active one, so ``gettext`` answers in it."""
    label = str(RatingValue(chosen).label) if chosen else ""
    saved = (
        format_html(
            "<strong>{}</strong>", gettext("Saved. You rated this idea: %(label)s.") % {"label": label}
        )
        if chosen
        else ""
    )
    before = (
        escape(gettext("You rated this idea: %(label)s. You can change your rating.") % {"label": label})
        if chosen
        else ""
    )
    radios = format_html_join(
        "",
        '<div class="govuk-radios__item"><input class="govuk-radios__input" id="id_value_{}" name="value" '
        'type="radio" value="{}"{}><label class="govuk-label govuk-radios__label" for="id_value_{}">'
        "{} \u2013 {}</label></div>",
        (
            (index, value, mark_safe(" checked") if value == chosen else "", index, value, value_label)
            for index, (value, value_label) in enumerate(RatingValue.choices)
        ),
    )
    legend = escape(gettext("How important is this idea to you?"))
    button = escape(gettext("Change rating") if chosen else gettext("Save rating"))
    return str(radios), legend, button, str(saved), str(before)


def rating_control(
    *, action: str, csrf_token: str, chosen: int | None, errors: list[str], just_saved: bool
) -> SafeString:
    """The rating form: radios 1 to 5, a button, and a status line that screen readers
    announce. A plain form without JavaScript; with htmx it posts itself and is swapped for
    the server's fresh copy. Built in Python, from parts worked out once per language and
    value (``_rating_parts``): it is the whole response to the busiest write."""
    radios, legend, button, saved, before = _rating_parts(get_language(), chosen)
    status = saved if just_saved else before
    error_html = format_html_join(
        "",
        '<p id="id_value-error" class="govuk-error-message">'
        '<span class="govuk-visually-hidden">{}</span> {}</p>',
        ((gettext("Error:"), error) for error in errors),
    )
    group_error = " govuk-form-group--error" if errors else ""
    described = ' aria-describedby="id_value-error"' if errors else ""
    action = escape(action)
    # Every part is escaped above (the radios, legend, button and status by _rating_parts).
    return mark_safe(  # noqa: S308
        f'<form method="post" action="{action}" id="rating-form" hx-post="{action}" hx-target="this" '
        'hx-swap="outerHTML" novalidate>'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">'
        f'<div role="status" class="govuk-body" id="rating-status">{status}</div>'
        f'<div class="govuk-form-group{group_error}"><fieldset class="govuk-fieldset"{described}>'
        f'<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{legend}</legend>{error_html}'
        f'<div class="govuk-radios govuk-radios--small" data-module="govuk-radios">{radios}</div>'
        "</fieldset></div>"
        f'<button type="submit" class="govuk-button" data-module="govuk-button">{button}</button></form>'
    )


@register.simple_tag(takes_context=True)
def rating_form(context: template.Context) -> SafeString:
    return rating_control(
        action=context["rating_action"],
        csrf_token=str(context.get("csrf_token", "")),
        chosen=context["my_rating"],
        errors=list(context["rating_errors"]),
        just_saved=context["just_saved"],
    )

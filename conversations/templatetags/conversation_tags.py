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
from django.utils.html import format_html, format_html_join
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


def byline(idea: Idea) -> str:
    date = short_date(idea.created)
    if idea.is_seeded:
        return gettext("Seeded by %(name)s on %(date)s") % {"name": idea.author.public_name, "date": date}
    return gettext("Posted by %(name)s on %(date)s") % {"name": idea.author.public_name, "date": date}


@register.simple_tag(takes_context=True)
def idea_card(context: template.Context, idea: Idea) -> SafeString:
    """One idea in the conversation's list: title, excerpt, priority figures, byline."""
    language = str(context.get("LANGUAGE_CODE") or "en")[:2]
    lang = format_html(' lang="{}"', idea.language) if idea.language != language else ""
    url = f"{context['idea_url_prefix']}{idea.pk}/"
    snapshot = idea.ranking
    if snapshot.rank:
        figures = [gettext("Priority rank %(rank)s") % {"rank": snapshot.rank}]
    else:
        figures = [gettext("Not ranked yet")]
    ratings = ngettext("%(count)s rating", "%(count)s ratings", snapshot.rating_count) % {
        "count": snapshot.rating_count
    }
    if snapshot.rating_mean is not None:
        ratings += ", " + gettext("average %(mean)s out of 5") % {"mean": f"{snapshot.rating_mean:.1f}"}
    figures.append(ratings)
    figures.append(
        ngettext("%(count)s comment", "%(count)s comments", idea.comment_count)
        % {"count": idea.comment_count}
    )
    items = [" · ".join(figures), byline(idea)]
    mine = (context.get("my_ratings") or {}).get(idea.pk)
    seeded = ""
    if idea.is_seeded:
        seeded = format_html(
            '<p class="govuk-body-s govuk-!-margin-bottom-2">'
            '<strong class="govuk-tag govuk-tag--blue">{}</strong> {}</p>',
            gettext("Seeded"),
            idea.source_note,
        )
    mine_html = (
        format_html(
            "<li><strong>{}</strong></li>",
            gettext("You rated it: %(label)s") % {"label": RatingValue(mine).label},
        )
        if mine
        else ""
    )
    return format_html(
        '<li class="ve-card">'
        '<h3 class="govuk-heading-m govuk-!-margin-bottom-2">'
        '<a class="govuk-link" href="{url}"{lang}>{title}</a></h3>'
        "{seeded}"
        '<p class="govuk-body govuk-!-margin-bottom-2"{lang}>{excerpt}</p>'
        '<ul class="govuk-list govuk-body-s govuk-!-margin-bottom-0">{items}{mine}</ul>'
        "</li>",
        url=url,
        lang=lang,
        title=idea.title,
        seeded=seeded,
        excerpt=excerpt(idea.body),
        items=format_html_join("", "<li>{}</li>", ((item,) for item in items)),
        mine=mine_html,
    )


def _comment(comment: Comment, item_class: str, body_class: str) -> SafeString:
    return format_html(
        '<li class="{}" id="comment-{}">'
        '<p class="govuk-body-s govuk-!-margin-bottom-1"><strong>{}</strong> · {}</p>'
        '<div class="{}">{}</div>',
        item_class,
        comment.pk,
        comment.author.public_name,
        short_date(comment.created, with_time=True),
        body_class,
        render_plain_text(comment.body),
    )


@register.simple_tag
def comment_thread(comment: Comment, replies: list[Comment]) -> SafeString:
    """A top-level comment and its replies, up to (not including) the closing ``</li>``, so the
    template can add the reply form. Built in Python for the same reason as ``idea_card``: an
    idea page shows up to fifty threads."""
    html = _comment(comment, "ve-card", "govuk-body")
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


def rating_control(
    *, action: str, csrf_token: str, chosen: int | None, errors: list[str], just_saved: bool
) -> SafeString:
    """The rating form: radios 1 to 5, a button, and a status line that screen readers
    announce. A plain form without JavaScript; with htmx it posts itself and is swapped for
    the server's fresh copy. Built in Python: it is the whole response to the busiest write."""
    label = str(RatingValue(chosen).label) if chosen else ""
    status: str
    if just_saved:
        status = format_html(
            "<strong>{}</strong>", gettext("Saved. You rated this idea: %(label)s.") % {"label": label}
        )
    elif chosen:
        status = gettext("You rated this idea: %(label)s. You can change your rating.") % {"label": label}
    else:
        status = ""
    error_html = format_html_join(
        "",
        '<p id="id_value-error" class="govuk-error-message">'
        '<span class="govuk-visually-hidden">{}</span> {}</p>',
        ((gettext("Error:"), error) for error in errors),
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
    return format_html(
        '<form method="post" action="{action}" id="rating-form" hx-post="{action}" hx-target="this" '
        'hx-swap="outerHTML" novalidate>'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">'
        '<div role="status" class="govuk-body" id="rating-status">{status}</div>'
        '<div class="govuk-form-group{group_error}"><fieldset class="govuk-fieldset"{described}>'
        '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{legend}</legend>{errors}'
        '<div class="govuk-radios govuk-radios--small" data-module="govuk-radios">{radios}</div>'
        "</fieldset></div>"
        '<button type="submit" class="govuk-button" data-module="govuk-button">{button}</button></form>',
        action=action,
        csrf=csrf_token,
        status=status,
        group_error=" govuk-form-group--error" if errors else "",
        described=mark_safe(' aria-describedby="id_value-error"') if errors else "",
        legend=gettext("How important is this idea to you?"),
        errors=error_html,
        radios=radios,
        button=gettext("Change rating") if chosen else gettext("Save rating"),
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

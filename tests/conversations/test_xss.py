"""Nothing a person types can run as script in someone else's browser."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client

from conversations.models import Comment, Conversation, Idea
from vocaleyes.models import User

pytestmark = pytest.mark.django_db

TITLE = '<script>alert("title")</script>'
BODY = (
    '<img src=x onerror=alert("body")> and <a href="javascript:alert(1)">click</a>\n'
    'https://example.org/"><script>alert(2)</script>'
)
COMMENT = '<svg onload=alert("comment")></svg><iframe src="https://evil.example"></iframe>'
NOTE = '<b onmouseover=alert("note")>Cardiff</b>'


class _Page(HTMLParser):
    """Every element and attribute a browser would build from the page, and its text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def assert_harmless(html: str) -> _Page:
    page = _Page(html)
    scripts = [attributes.get("src", "") for tag, attributes in page.elements if tag == "script"]
    # The site's own three scripts: the js-enabled class switch, GOV.UK Frontend and htmx; and
    # on an idea page where one may rate, the rating form's focus handling.
    site = ["/static/js/js-enabled.js", "/static/js/init.js", "/static/vendor/htmx/htmx.min.js"]
    assert scripts in (site, [*site, "/static/js/rating.js"])
    for tag, attributes in page.elements:
        assert tag not in {"iframe", "svg", "object", "embed"}
        assert not [name for name in attributes if name.startswith("on")], (tag, attributes)
        for name in ("href", "src", "action"):
            assert not attributes.get(name, "").strip().lower().startswith("javascript:"), (tag, attributes)
        if tag == "img":
            assert attributes["src"].startswith("/static/")
    return page


def test_a_script_in_a_title_body_and_comment_is_shown_as_text(
    client: Client, conversation: Conversation, alice: User, bob: User, fran: User
) -> None:
    client.force_login(alice)
    client.post("/conversations/wellbeing/ideas/new/", {"title": TITLE, "body": BODY, "language": "en"})
    idea = Idea.objects.get()
    assert (idea.title, idea.body) == (TITLE, BODY)  # stored as typed: it is text, not HTML
    client.force_login(fran)
    client.post(
        "/conversations/wellbeing/ideas/seed/",
        {"title": "Seeded one", "body": "Seeded description here.", "language": "en", "source_note": NOTE},
    )
    client.force_login(bob)
    client.post(f"/conversations/wellbeing/ideas/{idea.pk}/comments/", {"body": COMMENT})
    assert Comment.objects.get().body == COMMENT

    idea_page = assert_harmless(client.get(f"/conversations/wellbeing/ideas/{idea.pk}/").content.decode())
    text = "".join(idea_page.text)
    assert TITLE in text
    assert '<img src=x onerror=alert("body")> and <a href="javascript:alert(1)">click</a>' in text
    assert COMMENT in text
    links = [attributes["href"] for tag, attributes in idea_page.elements if tag == "a"]
    assert "https://example.org/" in links  # the address was linked, cut before the quote

    for url in (
        "/conversations/wellbeing/",
        "/cy/conversations/wellbeing/?sort=newest",
        "/conversations/wellbeing/?q=script",
    ):
        listing = assert_harmless(client.get(url).content.decode())
        text = "".join(listing.text)
        assert TITLE in text
        assert NOTE in text

    seeded = Idea.objects.get(is_seeded=True)
    seeded_page = assert_harmless(client.get(f"/conversations/wellbeing/ideas/{seeded.pk}/").content.decode())
    assert NOTE in "".join(seeded_page.text)

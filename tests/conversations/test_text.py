from __future__ import annotations

from html.parser import HTMLParser

from conversations.text import render_plain_text


class _Elements(HTMLParser):
    """The tags and attributes in a piece of HTML, and its text as a browser would read it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    return parser


def test_markup_is_shown_as_text() -> None:
    typed = '<script>alert("x")</script><b onclick="x()">bold</b>'
    parsed = parse(render_plain_text(typed))
    assert [tag for tag, _ in parsed.tags] == ["p"]
    assert "".join(parsed.text) == typed


def test_line_breaks_become_paragraphs_and_breaks() -> None:
    assert render_plain_text("one\ntwo\n\nthree") == "<p>one<br>two</p><p>three</p>"
    assert render_plain_text("a\r\n\r\nb") == "<p>a</p><p>b</p>"


def test_web_addresses_become_safe_links() -> None:
    html = render_plain_text("See https://example.org/a?b=1&c=2. Thanks")
    assert (
        '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener noreferrer">'
        "https://example.org/a?b=1&amp;c=2</a>. Thanks"
    ) in html


def test_only_http_addresses_are_linked() -> None:
    parsed = parse(render_plain_text("javascript:alert(1) and data:text/html,<b>x</b>"))
    assert [tag for tag, _ in parsed.tags] == ["p"]
    assert "".join(parsed.text) == "javascript:alert(1) and data:text/html,<b>x</b>"


def test_an_address_cannot_break_out_of_its_attribute() -> None:
    parsed = parse(
        render_plain_text('https://example.org/"onmouseover="alert(1) and https://x.org/<img src=x>')
    )
    for tag, attributes in parsed.tags:
        assert tag in {"p", "a"}
        if tag == "a":
            assert set(attributes) == {"href", "rel"}
            assert str(attributes["href"]).startswith("https://")
            assert '"' not in str(attributes["href"])


def test_empty_text_is_empty() -> None:
    assert render_plain_text("  \n ") == ""

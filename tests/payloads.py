"""Hostile text, for tests that send it through every text field (forms and API alike).

Each payload is a plain string, one line, with no space at either end (forms trim what is
typed, so "stored exactly as typed" can be compared as is). They are what people really type
at a site to see whether it breaks: the XSS list tries to get script run in another person's
browser; the SQL list tries to change a query, or to match everything in a search box.
"""

from __future__ import annotations

XSS = [
    # A script tag, plainly.
    '<script>alert("xss")</script>',
    # Event-handler attributes on elements that need no script tag.
    '<img src=x onerror=alert("img")>',
    '<body onload=alert("body")><b onmouseover=alert(1)>hover</b>',
    # javascript: URLs, in a link and as a bare address a linkifier might pick up.
    '<a href="javascript:alert(1)">click</a> javascript:alert(document.cookie)',
    # SVG and iframes, which carry their own script.
    '<svg onload=alert("svg")></svg><iframe src="https://evil.example/"></iframe>',
    # Breaking out of an attribute or a textarea the value is written into.
    "\"><script>alert('attr')</script><input value=\"",
    "'><img src=x onerror=alert(2)></textarea><script>alert(3)</script>",
    # Template syntax: Django's (and a front-end framework's) must not be evaluated.
    "{{ request.user.password }} {% debug %} {{7*7}} ${7*7}",
    # Markdown-ish links and images, with javascript: and a data: URL.
    "[click me](javascript:alert(1)) ![x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    # A link whose address ends in a quote and a tag, for the linkifier.
    'https://example.org/"><script>alert(4)</script>',
    # Unicode tricks: fullwidth angle brackets, a right-to-left override, a zero-width joiner
    # inside a tag name, and an encoded tag that must stay the characters typed.
    "\uff1cscript\uff1ealert(5)\uff1c/script\uff1e \u202egnp.exe <scr\u200dipt>alert(6)</scr\u200dipt>",
    "&lt;script&gt;alert(7)&lt;/script&gt; %3Cscript%3Ealert(8)%3C/script%3E",
]

SQL = [
    "' OR '1'='1",
    "'; DROP TABLE conversations_idea; --",
    '" OR ""="',
    "1; SELECT pg_sleep(5)",
    "%",
    "_",
    "\\'; --\\",
    "' UNION SELECT email, password FROM vocaleyes_user --",
    "%' OR 1=1 --",
]

ALL = XSS + SQL

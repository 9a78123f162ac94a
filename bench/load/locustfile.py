"""The load bench's workload, for locust (``bench/load/run.sh`` runs it headless).

Each locust user is one resident's browser making requests back to back (no think time), so
16 users are 16 connections always busy. ``LOAD_SCENARIO`` picks what they do; ``mixed`` is
all of it at once, weighted like a day's traffic (mostly anonymous reading):

=========================  ===================================================================
ceiling                    ``/bench/ceiling/``, the trivial view (``load_urls``)
anonymous                  the conversation page, signed out: priority (3 in 5), newest or most
                           discussed; page 1 half the time, 2-10 a third, 11-100 the rest;
                           Welsh one time in five (``page_cache`` serves most of these)
anonymous_uncached         the same with a parameter the page cache does not know, so every
                           page is rendered: the page without the cache, for comparison
conversation               the same pages, signed in (never from the cache)
idea                       an idea page, signed in
api                        the API's ideas list (``/api/v1/conversations/<slug>/ideas/`` when
                           it exists, else ``/api/conversations/<slug>/ideas/``), pages 1-50
search                     the conversation page searched (``?q=``) for a word, signed in
rate                       a rating, posted as htmx does (CSRF header), "Saved." expected
comment                    a comment, posted as the form does (CSRF field), a redirect expected
=========================  ===================================================================

``LOAD_STATE`` is the JSON ``prepare.py`` wrote: people (session and CSRF cookies), ideas,
words.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from locust import FastHttpUser, constant, events, task

STATE = json.loads(Path(os.environ["LOAD_STATE"]).read_text())
SCENARIO = os.environ.get("LOAD_SCENARIO", "mixed")
SLUG = STATE["slug"]
BASE = f"/conversations/{SLUG}/"
API_PATHS = [f"/api/v1/conversations/{SLUG}/ideas/", f"/api/conversations/{SLUG}/ideas/"]
SORTS = ["priority", "priority", "priority", "newest", "discussed"]

_numbers = itertools.count()
api_path = API_PATHS[1]


@events.test_start.add_listener
def _choose_api(environment: Any, **_kwargs: Any) -> None:
    """The versioned API's ideas list if the server has it, else the old one."""
    global api_path
    import urllib.request

    try:
        with urllib.request.urlopen(environment.host + API_PATHS[0], timeout=30) as answer:  # noqa: S310
            api_path = API_PATHS[0] if answer.status == 200 else API_PATHS[1]
    except OSError:
        api_path = API_PATHS[1]


class Resident(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        number = next(_numbers)
        self.rng = random.Random(number)
        self.session, self.csrf = STATE["people"][number % len(STATE["people"])]
        actions = SCENARIOS[SCENARIO]
        self.actions = [action for action, _weight in actions]
        self.weights = [weight for _action, weight in actions]

    @task
    def step(self) -> None:
        self.rng.choices(self.actions, self.weights)[0](self)

    # --- What a request carries -----------------------------------------------------------

    def signed_in(self, **extra: str) -> dict[str, str]:
        return {"Cookie": f"sessionid={self.session}; csrftoken={self.csrf}", **extra}

    def listing(self, **extra: str | int) -> str:
        """A conversation page's address: language, sort and page as readers choose them."""
        roll = self.rng.random()
        page = 1 if roll < 0.5 else self.rng.randint(2, 10) if roll < 0.85 else self.rng.randint(11, 100)
        sort = self.rng.choice(SORTS)
        params: dict[str, str | int] = {**({"sort": sort} if sort != "priority" else {}), **extra}
        if page > 1:
            params["page"] = page
        prefix = "/cy" if self.rng.random() < 0.2 else ""
        return prefix + BASE + (f"?{urlencode(params)}" if params else "")

    def idea(self) -> int:
        return int(self.rng.choice(STATE["ideas"]))

    # --- The requests ---------------------------------------------------------------------

    def ceiling(self) -> None:
        self.client.get("/bench/ceiling/", name="ceiling (trivial view)")

    def anonymous(self) -> None:
        self.client.get(self.listing(), name="conversation page, anonymous")

    def anonymous_uncached(self) -> None:
        url = self.listing(nocache=self.rng.randint(1, 10**9))
        self.client.get(url, name="conversation page, anonymous, uncached")

    def conversation(self) -> None:
        self.client.get(self.listing(), headers=self.signed_in(), name="conversation page, signed in")

    def idea_page(self) -> None:
        url = f"{BASE}ideas/{self.idea()}/"
        self.client.get(url, headers=self.signed_in(), name="idea page, signed in")

    def api(self) -> None:
        page = self.rng.randint(1, STATE["api_pages"])
        self.client.get(f"{api_path}?page={page}", name="API ideas list")

    def search(self) -> None:
        url = f"{BASE}?{urlencode({'q': self.rng.choice(STATE['words'])})}"
        self.client.get(url, headers=self.signed_in(), name="search, signed in")

    def rate(self) -> None:
        headers = self.signed_in(
            **{
                "X-CSRFToken": self.csrf,
                "HX-Request": "true",
                "Content-Type": "application/x-www-form-urlencoded",
            }
        )
        with self.client.post(
            f"{BASE}ideas/{self.idea()}/rate/",
            data=f"value={self.rng.randint(1, 5)}",
            headers=headers,
            name="rating POST",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or b"Saved." not in (response.content or b""):
                response.failure(f"not saved: {response.status_code}")

    def comment(self) -> None:
        body = urlencode({"csrfmiddlewaretoken": self.csrf, "body": "Load test: a comment to count."})
        with self.client.post(
            f"{BASE}ideas/{self.idea()}/comments/",
            data=body,
            headers=self.signed_in(**{"Content-Type": "application/x-www-form-urlencoded"}),
            name="comment POST",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"not added: {response.status_code}")
        # The flash message it left ("Your comment has been added.") is for the page we skip.
        self.client.cookiejar.clear()


Action = Callable[[Resident], None]
SCENARIOS: dict[str, list[tuple[Action, int]]] = {
    "ceiling": [(Resident.ceiling, 1)],
    "anonymous": [(Resident.anonymous, 1)],
    "anonymous_uncached": [(Resident.anonymous_uncached, 1)],
    "conversation": [(Resident.conversation, 1)],
    "idea": [(Resident.idea_page, 1)],
    "api": [(Resident.api, 1)],
    "search": [(Resident.search, 1)],
    "rate": [(Resident.rate, 1)],
    "comment": [(Resident.comment, 1)],
    "mixed": [
        (Resident.anonymous, 45),
        (Resident.conversation, 12),
        (Resident.idea_page, 15),
        (Resident.api, 5),
        (Resident.search, 5),
        (Resident.rate, 15),
        (Resident.comment, 3),
    ],
}

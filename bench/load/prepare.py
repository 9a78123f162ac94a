"""Before and after a load run (``bench/load/run.sh``): the people, ideas and words it uses.

``prepare.py STATE`` empties the bench's Redis database (cache, sessions, queue, rate-limit
counts), signs in a few hundred of ``bench/ideas.py``'s generated people (a session each, in
the database and Redis, as signing in makes it) and writes to ``STATE`` (JSON) what the
locust file needs: the conversation's slug, the people's session and CSRF cookies, ideas none
of them wrote, search words, and the highest rating and comment ids before the run.

``prepare.py STATE --restore`` puts the conversation back as it was: deletes the ratings and
comments the run added, recounts the comments of the ideas it commented on, and recomputes the
ranking, so every run measures the same data.

The data itself is ``bench/ideas.py --only generate`` (100,000 people, 50,000 ideas,
1,000,000 ratings, 250,000 comments), which ``run.sh`` calls first.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # bench/, for ideas and live

import ideas  # sets Django up on the configured database (bench/ideas.py)
import redis
from django.db.models import Count, Q

from conversations import ranking_runs
from conversations.models import Comment, ContentStatus, Conversation, Idea, Rating

PEOPLE = 400
WORDS = [*(thing.split()[0] for thing in ideas.THINGS), *ideas.PLACES, "safer", "greener", "Welsh-speaking"]


def prepare(state: Path) -> None:
    conversation = Conversation.objects.get(slug=ideas.SLUG)
    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    person_ids, idea_ids = ideas._bench_people_and_ideas(conversation, PEOPLE)
    people = ideas._signed_in(person_ids)
    shown = Idea.objects.visible().filter(conversation=conversation).count()
    state.write_text(
        json.dumps(
            {
                "slug": conversation.slug,
                "people": [[person.session, person.csrf] for person in people],
                "ideas": idea_ids,
                "words": WORDS,
                # The API's pages to read: the first fifty (fewer on a small try).
                "api_pages": max(1, min(50, shown // 20)),
                "last_rating": Rating.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
                "last_comment": Comment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
            }
        )
    )
    ideas.log(f"{len(people)} people signed in, {len(idea_ids)} ideas to rate; state in {state}")


def restore(state: Path) -> None:
    saved = json.loads(state.read_text())
    conversation = Conversation.objects.get(slug=saved["slug"])
    ratings = Rating.objects.filter(conversation=conversation, pk__gt=saved["last_rating"]).delete()[0]
    new_comments = Comment.objects.filter(idea__conversation=conversation, pk__gt=saved["last_comment"])
    commented = list(new_comments.values_list("idea_id", flat=True).distinct())
    comments = new_comments.delete()[0]
    published = Q(comments__status=ContentStatus.PUBLISHED)
    for idea in Idea.objects.filter(pk__in=commented).annotate(shown=Count("comments", filter=published)):
        Idea.objects.filter(pk=idea.pk).update(comment_count=idea.shown)
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    ideas.log(
        f"Restored: the run's {ratings:,} ratings and {comments:,} comments deleted, ranking recomputed"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("state", type=Path)
    parser.add_argument("--restore", action="store_true")
    options = parser.parse_args()
    if options.restore:
        restore(options.state)
    else:
        prepare(options.state)


if __name__ == "__main__":
    main()

"""Taking back a rating (the API's ``DELETE /ideas/{id}/my-rating/``; giving or changing one is
``services.ideas.rating_set``).

A person may take back their rating while they could give it (``permissions.can_rate``): not
while suspended, nor once the conversation has closed or paused rating, when the figures it is
part of are the conversation's record.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from vocaleyes.errors import Refusal

from .. import permissions
from ..models import Idea, Rating
from ..ranking_runs import ranking_schedule

if TYPE_CHECKING:
    from vocaleyes.models import User


def rating_delete(*, idea: Idea, user: User) -> bool:
    """Remove this person's rating of the idea and queue the conversation's ranking; False when
    they had not rated it (nothing changes)."""
    if not permissions.can_rate(user, idea):
        # The same reasons, in the same words, as when giving a rating is refused.
        if idea.author_id == user.pk:
            raise Refusal(_("You cannot rate your own idea."), forbidden=True)
        raise Refusal(permissions.refusal_message(user, idea.conversation, "rate"), forbidden=True)
    with transaction.atomic():
        deleted, _rows = Rating.objects.filter(user_id=user.pk, idea_id=idea.pk).delete()
        if deleted:
            transaction.on_commit(partial(ranking_schedule, conversation_id=idea.conversation_id))
    return bool(deleted)

"""Every write to ideas, comments, ratings and moderation goes through one function in this package:
``services.ideas`` (ideas, comments, ratings, participation), ``services.moderation``
(reports, decisions, suspensions, notices) and ``services.responses`` (official responses to
ideas, following, events for followers and their daily digest); import them from
``conversations.services``.

The ranking they queue is ``ranking_runs``' (stored by ``ranking_store``), export jobs are
``export_jobs``', and the rating upsert itself is ``rating_store``'s.

Functions are keyword-only, typed, atomic and return what they made. They check the rules that
must hold whoever calls them (a closed conversation takes no ratings, replies go one level
deep, an idea is not edited after it has been rated) and raise ``vocaleyes.errors.Refusal`` with
a message for the person. Where a page must know before the form is shown whether a write will
be refused (posting, editing, reporting), the same check is a ``*_refusal`` function here that
returns the refusal (or None): the view shows it, the service raises it, neither restates it.
Whether someone may *see* a conversation is the caller's business
(``views._get_conversation_for_user``).
"""

from .action import (
    action_group_add_coordinator,
    action_group_create,
    action_group_edit,
    action_group_post_update,
    action_group_remove_coordinator,
    action_group_set_status,
)
from .claims import (
    ClaimRefusal,
    hours_claim_accept,
    hours_claim_create,
    hours_claim_from_token,
    hours_claim_problem,
    hours_claim_send,
    hours_claim_status,
    hours_claim_token,
)
from .ideas import (
    comment_create,
    conversation_set_participation,
    idea_create,
    idea_create_refusal,
    idea_update,
    idea_update_refusal,
    rating_delete,
    rating_set,
    seed_across,
    seed_across_refusal,
)
from .moderation import (
    Item,
    content_approve,
    content_hide,
    content_restore,
    decision_notify,
    report_create,
    report_create_refusal,
    review_request_create,
    review_request_refusal,
    user_suspend,
    user_unsuspend,
)
from .pledges import (
    pledge_create,
    pledge_create_refusal,
    pledge_hours_confirm,
    pledge_outcome_send,
    pledge_withdraw,
    pledge_withdraw_refusal,
    pledges_lapse_due,
)
from .responses import (
    digests_send,
    follow,
    follow_event_record,
    idea_respond,
    idea_response_notify,
    unfollow,
    unsubscribe,
)
from .setup import conversation_create, conversation_edit

__all__ = [
    "ClaimRefusal",
    "Item",
    "action_group_add_coordinator",
    "action_group_create",
    "action_group_edit",
    "action_group_post_update",
    "action_group_remove_coordinator",
    "action_group_set_status",
    "comment_create",
    "content_approve",
    "content_hide",
    "content_restore",
    "conversation_create",
    "conversation_edit",
    "conversation_set_participation",
    "decision_notify",
    "digests_send",
    "follow",
    "follow_event_record",
    "hours_claim_accept",
    "hours_claim_create",
    "hours_claim_from_token",
    "hours_claim_problem",
    "hours_claim_send",
    "hours_claim_status",
    "hours_claim_token",
    "idea_create",
    "idea_create_refusal",
    "idea_respond",
    "idea_response_notify",
    "idea_update",
    "idea_update_refusal",
    "pledge_create",
    "pledge_create_refusal",
    "pledge_hours_confirm",
    "pledge_outcome_send",
    "pledge_withdraw",
    "pledge_withdraw_refusal",
    "pledges_lapse_due",
    "rating_delete",
    "rating_set",
    "report_create",
    "report_create_refusal",
    "review_request_create",
    "review_request_refusal",
    "seed_across",
    "seed_across_refusal",
    "unfollow",
    "unsubscribe",
    "user_suspend",
    "user_unsuspend",
]

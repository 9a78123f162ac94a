"""The fair orders as the background run stores them: per group, representative, consensus,
and an organisation's roll-up, through the ranking store (worked examples by hand)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from conversations import ranking, ranking_runs, ranking_store
from conversations.models import Conversation, Idea, IdeaRanking, RankingSummary, Rating
from conversations.ranking_store import Scope
from tests.conftest import make_conversation
from tests.conversations.conftest import make_idea, make_people
from vocaleyes.models import GroupMembership, Organisation, TargetGroup, User

pytestmark = pytest.mark.django_db


def _group(organisation: Organisation, name: str, size: int | None, kind: str = TargetGroup.Kind.AGE_BAND):
    return TargetGroup.objects.create(
        organisation=organisation, name_en=name, kind=kind, population_size=size
    )


def _join(people: list[User], group: TargetGroup) -> None:
    GroupMembership.objects.bulk_create(
        GroupMembership(user=person, group=group, how=GroupMembership.How.INVITATION) for person in people
    )


def _rate(idea: Idea, people: list[User], value: int) -> None:
    Rating.objects.bulk_create(
        Rating(idea=idea, user=person, conversation=idea.conversation, value=value) for person in people
    )


def _order(scope: Scope) -> list[int]:
    return ranking_store.order(scope)


def _figures(summary: RankingSummary, *ideas: Idea) -> list[dict[str, Any]]:
    """A fair order's figures of these ideas (an empty dict for one it does not rank)."""
    found = ranking_store.figures(summary)
    rows: list[dict[str, Any]] = []
    for at in found.positions(np.array([idea.pk for idea in ideas], dtype=np.int64)).tolist():
        if at < 0:
            rows.append({})
            continue
        row: dict[str, Any] = {
            "rank": int(found.rank[at]),
            "rating_count": int(found.rating_count[at]),
        }
        for name in ("rating_mean", "effective_size", "score"):
            value = float(getattr(found, name)[at])
            row[name] = None if math.isnan(value) else value
        rows.append(row)
    return rows


@pytest.fixture
def worked_example(conversation: Conversation, alice: User):
    """``group_ranking.representative``'s worked example: young and older are half the
    population each; 2 young and 8 older raters. X: young 5, older 3. Y: young 2, older 4."""
    young_band, older_band = (
        _group(conversation.organisation, "16 to 24", 500),
        _group(conversation.organisation, "25 and over", 500),
    )
    young, older = make_people(2, "young"), make_people(8, "older")
    _join(young, young_band)
    _join(older, older_band)
    x = make_idea(conversation, alice, "Idea X")
    y = make_idea(conversation, alice, "Idea Y")
    _rate(x, young, 5)
    _rate(x, older, 3)
    _rate(y, young, 2)
    _rate(y, older, 4)
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    return conversation, young_band, older_band, x, y


def test_the_small_groups_unanimous_support_lifts_an_idea_in_the_representative_order(worked_example) -> None:
    conversation, _young, _older, x, y = worked_example
    assert _order(Scope.of_conversation(conversation.pk)) == [y.pk, x.pk]  # plain means 3.6 > 3.4
    assert _order(Scope.representative(conversation.pk)) == [x.pk, y.pk]  # weighted 4.0 > 3.0

    summary = RankingSummary.objects.get(variant_of=conversation, order="representative")
    assert summary.details["method"] == "post-stratification"
    assert summary.details["raters"] == 10
    # Weights 2.5 (young) and 0.625 (older): (2·2.5 + 8·0.625)² / (2·2.5² + 8·0.625²) = 6.4.
    assert summary.details["effective_size"] == pytest.approx(6.4)
    assert summary.details["missing_groups"] == []
    x_at, y_at = _figures(summary, x, y)
    assert x_at["rating_mean"] == pytest.approx(4.0)
    assert x_at["effective_size"] == pytest.approx(6.4, abs=1e-5)
    assert x_at["rating_count"] == 10  # counts stay the plain ones
    assert (x_at["rank"], y_at["rank"]) == (1, 2)
    assert y_at["rating_mean"] == pytest.approx(3.0)
    # A fair order keeps its figures in its summary, not as idea rows.
    assert not IdeaRanking.objects.filter(ranking=summary).exists()


def test_each_group_gets_its_own_priority_ranking(worked_example) -> None:
    conversation, young_band, older_band, x, y = worked_example
    assert _order(Scope.of_group(conversation.pk, young_band.pk)) == [x.pk, y.pk]
    assert _order(Scope.of_group(conversation.pk, older_band.pk)) == [y.pk, x.pk]
    young = RankingSummary.objects.get(variant_of=conversation, target_group=young_band)
    assert young.details == {"raters": 2, "group": {"id": young_band.pk, "en": "16 to 24", "cy": ""}}
    assert young.rating_count == 4
    (x_at,) = _figures(young, x)
    assert (x_at["rating_count"], x_at["rating_mean"], x_at["rank"]) == (2, 5.0, 1)
    assert x_at["effective_size"] is None  # only the representative order has one
    # The ideas' own rows stay their conversation's (idea.ranking).
    assert Idea.objects.get(pk=x.pk).ranking.ranking.conversation_id == conversation.pk


def test_an_idea_loved_by_one_group_and_rejected_by_another_scores_low_on_consensus(
    conversation: Conversation, alice: User
) -> None:
    """``group_ranking.consensus``'s worked example: 20 in A, 4 in B. P: A all 5, B all 1.
    Q: 15 of A rate 4 and 5 rate 3; 3 of B rate 4 and one 3."""
    a_band, b_band = _group(conversation.organisation, "A", 2000), _group(conversation.organisation, "B", 400)
    a_people, b_people = make_people(20, "a"), make_people(4, "b")
    _join(a_people, a_band)
    _join(b_people, b_band)
    p = make_idea(conversation, alice, "Idea P")
    q = make_idea(conversation, alice, "Idea Q")
    _rate(p, a_people, 5)
    _rate(p, b_people, 1)
    _rate(q, a_people[:15], 4)
    _rate(q, a_people[15:], 3)
    _rate(q, b_people[:3], 4)
    _rate(q, b_people[3:], 3)
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)

    assert _order(Scope.of_conversation(conversation.pk)) == [p.pk, q.pk]
    assert _order(Scope.consensus(conversation.pk)) == [q.pk, p.pk]
    summary = RankingSummary.objects.get(variant_of=conversation, order="consensus")
    assert sorted(group["id"] for group in summary.details["groups"]) == sorted([a_band.pk, b_band.pk])
    p_at, q_at = _figures(summary, p, q)
    assert p_at["score"] == pytest.approx((20.5 / 21 * 0.5 / 5) ** 0.5, abs=1e-6)
    assert q_at["score"] == pytest.approx((15.5 / 21 * 3.5 / 5) ** 0.5, abs=1e-6)


def test_a_group_with_no_participants_is_named_in_the_representative_details(worked_example, alice) -> None:
    conversation, *_ = worked_example
    nobody = _group(conversation.organisation, "65 and over", 300)
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    summary = RankingSummary.objects.get(variant_of=conversation, order="representative")
    assert summary.details["missing_groups"] == [{"id": nobody.pk, "en": "65 and over", "cy": ""}]
    empty = RankingSummary.objects.get(variant_of=conversation, target_group=nobody)
    assert (empty.details["raters"], empty.rating_count, empty.idea_count) == (0, 0, 2)


def test_hidden_ideas_drop_out_of_every_order(worked_example) -> None:
    conversation, young_band, _older, x, y = worked_example
    Idea.objects.filter(pk=x.pk).update(status="hidden")
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    for scope in (
        Scope.of_conversation(conversation.pk),
        Scope.representative(conversation.pk),
        Scope.consensus(conversation.pk),
        Scope.of_group(conversation.pk, young_band.pk),
    ):
        assert _order(scope) == [y.pk]
        held = ranking_store.summary(scope)
        if scope.kind == "conversation":
            assert not IdeaRanking.objects.filter(ranking=held, idea=x, rank__isnull=False).exists()
        else:
            assert _figures(held, x) == [{}]


def test_orders_of_groups_no_longer_targeted_are_dropped(worked_example) -> None:
    conversation, _young, older_band, *_ = worked_example
    conversation.target_groups.set([older_band])
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    groups = set(
        RankingSummary.objects.filter(variant_of=conversation, order="group").values_list(
            "target_group", flat=True
        )
    )
    assert groups == {older_band.pk}
    # With no groups at all, no fair orders are kept.
    TargetGroup.objects.all().delete()
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    assert not RankingSummary.objects.filter(variant_of=conversation).exists()


def test_a_conversation_without_groups_stores_only_its_own_order(
    conversation: Conversation, alice, bob
) -> None:
    idea = make_idea(conversation, alice)
    _rate(idea, [bob], 4)
    summary = ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    assert summary.conversation_id == conversation.pk and summary.rating_count == 1
    assert not RankingSummary.objects.filter(variant_of=conversation).exists()


def test_a_region_ranks_its_member_councils_open_public_ideas_together(
    organisation: Organisation, alice
) -> None:
    region = Organisation.objects.create(
        slug="region", name_en="Swansea Bay region", kind="local_authority", level="regional"
    )
    neath = Organisation.objects.create(
        slug="neath", name_en="Neath Port Talbot", kind="local_authority", parent=region
    )
    Organisation.objects.filter(pk=organisation.pk).update(parent=region)
    swansea_talk = make_conversation(organisation, "swansea-talk")
    neath_talk = make_conversation(neath, "neath-talk")
    private = make_conversation(neath, "panel")
    draft = make_conversation(neath, "draft")
    closed = make_conversation(neath, "closed")
    people = make_people(6)
    liked = make_idea(swansea_talk, alice, "Liked")
    loved = make_idea(neath_talk, alice, "Loved")
    others = [make_idea(talk, alice, f"Not counted {talk.slug}") for talk in (private, draft, closed)]
    _rate(liked, people, 4)
    _rate(loved, people, 5)
    Conversation.objects.filter(pk=private.pk).update(visibility=Conversation.Visibility.INVITATION)
    Conversation.objects.filter(pk=draft.pk).update(status=Conversation.Status.DRAFT)
    Conversation.objects.filter(pk=closed.pk).update(status=Conversation.Status.CLOSED)

    summary = ranking_runs.roll_up_recompute(organisation_id=region.pk)
    assert ranking_store.order(Scope.of_organisation(region.pk)) == [loved.pk, liked.pk]
    assert (summary.idea_count, summary.rating_count) == (2, 12)
    assert summary.organisation_id == region.pk
    assert not IdeaRanking.objects.filter(ranking=summary, idea__in=others).exists()
    # The same score as every conversation's, over the ideas taken together (one prior).
    expected = ranking.rank([(liked.pk, (0, 0, 0, 6, 0)), (loved.pk, (0, 0, 0, 0, 6))])
    stored = dict(IdeaRanking.objects.filter(ranking=summary).values_list("idea_id", "score"))
    assert stored == {s.idea_id: pytest.approx(s.score, abs=1e-6) for s in expected.scores()}
    assert Scope.of_organisation(region.pk) in ranking_store.scopes_due()
    assert Scope.of_organisation(neath.pk) not in ranking_store.scopes_due()  # no members


def test_a_parent_must_be_at_a_higher_level(organisation: Organisation) -> None:
    from django.core.exceptions import ValidationError

    other_local = Organisation.objects.create(slug="other", name_en="Other council", kind="local_authority")
    organisation.parent = other_local
    with pytest.raises(ValidationError) as raised:
        organisation.full_clean()
    assert "parent" in raised.value.message_dict

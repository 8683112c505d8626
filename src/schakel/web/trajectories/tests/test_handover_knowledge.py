"""Knowledge kept at handover: articles (drafts too) and social map entries move with the work."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schakel.engine.vocabulary import Role
from schakel.web.knowledge.actions import ArticleContent, ArticleTags, do_create_article
from schakel.web.knowledge.models import Article
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.trajectories.actions import do_hand_over_trajectories

pytestmark = pytest.mark.django_db


def test_articles_and_drafts_move_to_the_colleague(
    org_a: Organisation, coordinator_a: Membership, member: Callable[..., Membership]
) -> None:
    editor = member(org_a, Role.CONTENT_EDITOR)
    editor.user = coordinator_a.user  # the same person: coordinator and editor
    editor.save()
    colleague = member(org_a, Role.COORDINATOR)
    draft = do_create_article(
        actor=editor,
        slug="aantekeningen-opvang",
        content=ArticleContent(title_nl="Aantekeningen", body_nl="Concept."),
        tags=ArticleTags(),
    ).article
    assert draft.steward_id == coordinator_a.user_id
    done = do_hand_over_trajectories(
        actor=coordinator_a, from_user=coordinator_a.user, to_user=colleague.user, note="Weg."
    )
    assert done.articles == 1
    assert Article.objects.get(pk=draft.pk).steward_id == colleague.user_id

"""Four eyes before an article's new text goes out: one editor submits, another approves.

Articles carry legal duties (the meldcode, reporting obligations), so a person cannot publish
text they wrote or submitted themselves: a second editor approves (which publishes) or sends it
back with a comment. Re-publishing a version that was approved before (a new review date) needs
no second approval; the system (the shipped seed) publishes without one. Every step is audited
and the other side is notified.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import do_record_access
from schakel.web.knowledge.access import access_article
from schakel.web.knowledge.actions.links import check_review_date
from schakel.web.knowledge.models import Article, ArticleReview, ReviewOutcome
from schakel.web.notifications.service import Kind, notify, notify_many
from schakel.web.organisations.models import Membership, User
from schakel.web.organisations.roles import Actor, Capability, SystemActor, require, user_id_of


def pending_review(article: Article) -> ArticleReview | None:
    return (
        article.reviews.filter(outcome=ReviewOutcome.PENDING)
        .select_related("submitted_by", "version")
        .first()
    )


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def _audit(actor: Actor, article: Article, action: str, purpose: str, **detail: object) -> None:
    do_record_access(
        actor=actor,
        action=action,
        object_type="article",
        object_id=article.pk,
        purpose=purpose,
        detail={"slug": article.slug, **detail},
    )


def do_submit_article(
    *, actor: Actor, article: Article, review_date: dt.date, comment: str = ""
) -> ArticleReview:
    """Put the current version forward for a second editor, with the review date it will get.
    Broken links do not stop a submission (the linked article may be submitted too); they stop
    the approval, which publishes."""
    with transaction.atomic():
        article = access_article(actor, article.slug, write=True)
        check_review_date(review_date)
        return _submit(actor, article, review_date, comment)


def _submit(actor: Actor, article: Article, review_date: dt.date, comment: str) -> ArticleReview:
    if isinstance(actor, SystemActor):
        raise TypeError("the system publishes directly; it never submits for approval")
    version = article.current_version
    if version is None:
        raise ValidationError(_("This article has no text to publish."))
    if not article.has_unpublished_changes:
        raise ValidationError(_("The latest version is already published."))
    pending = pending_review(article)
    if pending is not None and pending.version_id == version.pk:
        raise ValidationError(
            _("Version %(number)s was already submitted on %(date)s by %(name)s.")
            % {
                "number": version.number,
                "date": formats.date_format(timezone.localtime(pending.submitted_at)),
                "name": _name(pending.submitted_by),
            }
        )
    if pending is not None:  # an older version waited: the newer one replaces it
        pending.outcome = ReviewOutcome.SENT_BACK
        pending.decided_by_id = user_id_of(actor)
        pending.decided_at = timezone.now()
        pending.comment = _("Replaced by version %(number)s.") % {"number": version.number}
        pending.save(update_fields=["outcome", "decided_by", "decided_at", "comment"])
    review = ArticleReview.objects.create(
        article=article,
        version=version,
        submitted_by_id=actor.user_id,
        submitted_at=timezone.now(),
        review_date=review_date,
        comment=comment.strip()[:1000],
    )
    _audit(
        actor,
        article,
        AuditEntry.Action.UPDATE,
        "submit an article for approval",
        version=version.number,
    )
    reviewers = (
        Membership.objects.active()
        .with_capability(Capability.APPROVE_CONTENT)
        .exclude(user_id=actor.user_id)
        .values_list("user_id", flat=True)
    )
    notify_many(
        user_ids=reviewers,
        kind=Kind.CONTENT_REVIEW,
        text=_("An article waits for your approval: /kennis/%(slug)s/.") % {"slug": article.slug},
        url=reverse("knowledge-edit", args=[article.slug]),
    )
    return review


def approve_review(*, actor: Actor, article: Article, comment: str = "") -> ArticleReview | None:
    """The pending review a publish by `actor` settles, or a ValidationError saying why the
    actor may not publish this text. None when no second approval is needed."""
    if isinstance(actor, SystemActor) or not article.has_unpublished_changes:
        return None
    require(actor, Capability.APPROVE_CONTENT)
    review = pending_review(article)
    if review is None or review.version_id != article.current_version_id:
        raise ValidationError(
            _(
                "Another editor approves new text before it is published: submit the latest "
                "version for approval first."
            )
        )
    author_id = article.current_version.author_id if article.current_version else None
    if actor.user_id in (review.submitted_by_id, author_id):
        raise ValidationError(
            _("You wrote or submitted this version; another editor must approve it (four eyes).")
        )
    review.outcome = ReviewOutcome.APPROVED
    review.decided_by_id = actor.user_id
    review.decided_at = timezone.now()
    review.comment = comment.strip()[:1000] or review.comment
    review.save(update_fields=["outcome", "decided_by", "decided_at", "comment"])
    return review


def announce_approval(actor: Actor, article: Article, review: ArticleReview) -> None:
    _audit(
        actor,
        article,
        AuditEntry.Action.UPDATE,
        "approve and publish an article",
        version=review.version.number,
    )
    notify(
        user=review.submitted_by,
        kind=Kind.CONTENT_REVIEW,
        text=_("Your article /kennis/%(slug)s/ was approved and published.")
        % {"slug": article.slug},
        url=reverse("knowledge-article", args=[article.slug]),
    )


def do_send_back_article(*, actor: Actor, article: Article, comment: str) -> ArticleReview:
    """Send the submitted version back with a comment; it stays a draft."""
    require(actor, Capability.APPROVE_CONTENT)
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": _("Say what must change before it can be published.")})
    with transaction.atomic():
        article = access_article(actor, article.slug, write=True)
        return _send_back(actor, article, comment)


def _send_back(actor: Actor, article: Article, comment: str) -> ArticleReview:
    review = pending_review(article)
    if review is None:
        raise ValidationError(_("No version of this article waits for approval."))
    if user_id_of(actor) == review.submitted_by_id:
        raise ValidationError(_("You submitted this version; another editor reviews it."))
    review.outcome = ReviewOutcome.SENT_BACK
    review.decided_by_id = user_id_of(actor)
    review.decided_at = timezone.now()
    review.comment = comment[:1000]
    review.save(update_fields=["outcome", "decided_by", "decided_at", "comment"])
    _audit(
        actor,
        article,
        AuditEntry.Action.UPDATE,
        "send an article back to its editor",
        version=review.version.number,
    )
    notify(
        user=review.submitted_by,
        kind=Kind.CONTENT_REVIEW,
        text=_("Your article /kennis/%(slug)s/ was sent back with a comment.")
        % {"slug": article.slug},
        url=reverse("knowledge-edit", args=[article.slug]),
    )
    return review

"""Articles of the knowledge base: versioned, bilingual Markdown with tags and a review date.

Readers see the published version; editors work on the current (latest) version and publish
it when it is ready, so an edit never changes what readers see until it is published.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from schakel.web.knowledge.querysets import ArticleQuerySet, ArticleReferenceQuerySet
from schakel.web.knowledge.tags import TAG_CHOICES, TagKind, tag_label

RESERVED_SLUGS = frozenset({"redactie", "nieuw", "zoeken"})
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    DUE_FOR_REVIEW = "due_for_review", _("Due for review")


class Article(models.Model):
    slug = models.CharField(
        _("address"),
        max_length=100,
        unique=True,
        validators=[
            RegexValidator(
                SLUG_PATTERN, _("Use lower-case letters, digits and single hyphens only.")
            )
        ],
        help_text=_("The article's address: /kennis/<address>/. It cannot change later."),
        error_messages={"unique": _("An article with this address already exists.")},
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    review_date = models.DateField(_("review date"), null=True, blank=True)
    is_public = models.BooleanField(
        _("readable without an account"),
        default=False,
        help_text=_("Its published version opens for anyone; the signal check links to it."),
    )
    current_version = models.ForeignKey(
        "ArticleVersion", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_version = models.ForeignKey(
        "ArticleVersion", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    steward = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("steward"),
        help_text=_("The editor who keeps this article current; moves at a handover."),
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["slug"]
        indexes = [models.Index(fields=["status", "review_date"], name="article_status_review")]

    def __str__(self) -> str:
        return self.slug

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": _("This address is reserved; choose another.")})

    @property
    def is_readable(self) -> bool:
        return self.published_version_id is not None and self.status != ArticleStatus.DRAFT

    @property
    def has_unpublished_changes(self) -> bool:
        return self.current_version_id != self.published_version_id

    def effective_status(self, today: dt.date) -> str:
        """Published articles whose review date has come are due for review."""
        if (
            self.status == ArticleStatus.PUBLISHED
            and self.review_date is not None
            and self.review_date <= today
        ):
            return ArticleStatus.DUE_FOR_REVIEW.value
        return self.status


class ArticleVersion(models.Model):
    """One saved state of an article's text; versions are never changed after they are made."""

    article = models.ForeignKey(Article, models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary_nl = models.CharField(_("summary (Dutch)"), max_length=300, blank=True)
    summary_en = models.CharField(_("summary (English)"), max_length=300, blank=True)
    body_nl = models.TextField(_("text (Dutch, Markdown)"))
    body_en = models.TextField(_("text (English, Markdown)"), blank=True)
    note = models.CharField(_("change note"), max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_version_number"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"

    def title_in(self, language: str) -> str:
        return (self.title_en if language == "en" else "") or self.title_nl

    def summary_in(self, language: str) -> str:
        return (self.summary_en if language == "en" else "") or self.summary_nl

    def body_in(self, language: str) -> str:
        return (self.body_en if language == "en" else "") or self.body_nl

    def same_text(self, other: ArticleVersion) -> bool:
        return all(getattr(self, f) == getattr(other, f) for f in TEXT_FIELDS)


TEXT_FIELDS = ("title_nl", "title_en", "summary_nl", "summary_en", "body_nl", "body_en")


class ArticleTag(models.Model):
    article = models.ForeignKey(Article, models.CASCADE, related_name="tags")
    kind = models.CharField(_("kind"), max_length=20, choices=TagKind.choices)
    value = models.CharField(_("value"), max_length=40)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(fields=["article", "kind", "value"], name="article_tag_unique"),
        ]
        indexes = [models.Index(fields=["kind", "value"], name="article_tag_kind_value")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.value not in dict(TAG_CHOICES[self.kind]):
            raise ValidationError({"value": _("Unknown tag.")})

    @property
    def label(self) -> object:
        return tag_label(self.kind, self.value)


class ArticleReference(models.Model):
    """A link from an article's current text to /kennis/<slug>/, kept to find broken links."""

    source = models.ForeignKey(Article, models.CASCADE, related_name="references")
    target_slug = models.CharField(max_length=100, db_index=True)

    objects = ArticleReferenceQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target_slug"], name="article_ref_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} -> {self.target_slug}"


class SearchDocument(models.Model):
    """PostgreSQL's search index: one weighted tsvector per readable article, with a GIN index
    made by migration 0002. Written only by `knowledge.search`; empty on SQLite, which keeps
    its index in the FTS5 table `knowledge_search_fts` instead."""

    article = models.OneToOneField(Article, models.CASCADE, primary_key=True, related_name="+")
    document = SearchVectorField()

    class Meta:
        db_table = "knowledge_search"

    def __str__(self) -> str:
        return str(self.article_id)


class ReviewOutcome(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved and published")
    SENT_BACK = "sent_back", _("Sent back")


class ArticleReview(models.Model):
    """One version put forward for publishing, and what a second editor decided (four eyes):
    the editor who submits, or who wrote the version, cannot approve it."""

    article = models.ForeignKey(Article, models.CASCADE, related_name="reviews")
    version = models.ForeignKey(ArticleVersion, models.CASCADE, related_name="reviews")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"))
    review_date = models.DateField(_("review date"))
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=ReviewOutcome.choices, default=ReviewOutcome.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("article review")
        verbose_name_plural = _("article reviews")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article"],
                condition=models.Q(outcome="pending"),
                name="article_review_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.version_id} {self.outcome}"

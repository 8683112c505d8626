"""Forms of the knowledge base: they parse input; the actions decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schakel.web.knowledge.actions import ArticleContent, ArticleTags
from schakel.web.knowledge.models import SLUG_PATTERN, Article, ArticleVersion
from schakel.web.knowledge.tags import TAG_CHOICES, TagKind

TEXTBOX = {"class": "utrecht-textbox"}
TEXTAREA = {"class": "utrecht-textarea", "rows": 14}


def _tag_field(kind: str, label: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=TAG_CHOICES[kind],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ArticleForm(forms.Form):
    slug = forms.RegexField(
        label=_("Address"),
        regex=SLUG_PATTERN,
        max_length=100,
        help_text=_("Lower-case letters, digits and hyphens: /kennis/<address>/."),
        error_messages={"invalid": _("Use lower-case letters, digits and single hyphens only.")},
        widget=forms.TextInput(TEXTBOX),
    )
    title_nl = forms.CharField(
        label=_("Title (Dutch)"), max_length=200, widget=forms.TextInput(TEXTBOX)
    )
    title_en = forms.CharField(
        label=_("Title (English)"), max_length=200, required=False, widget=forms.TextInput(TEXTBOX)
    )
    summary_nl = forms.CharField(
        label=_("Summary (Dutch)"), max_length=300, required=False, widget=forms.TextInput(TEXTBOX)
    )
    summary_en = forms.CharField(
        label=_("Summary (English)"),
        max_length=300,
        required=False,
        widget=forms.TextInput(TEXTBOX),
    )
    body_nl = forms.CharField(
        label=_("Text (Dutch, Markdown)"),
        widget=forms.Textarea(TEXTAREA),
        help_text=_("Markdown. HTML is not allowed. Link to articles as /kennis/<address>/."),
    )
    body_en = forms.CharField(
        label=_("Text (English, Markdown)"), required=False, widget=forms.Textarea(TEXTAREA)
    )
    exploitation_forms = _tag_field(TagKind.FORM, _("Forms of exploitation"))
    roles = _tag_field(TagKind.ROLE, _("Roles"))
    target_groups = _tag_field(TagKind.TARGET_GROUP, _("Target groups"))
    topics = _tag_field(TagKind.TOPIC, _("Topics"))
    note = forms.CharField(
        label=_("What changed?"), max_length=200, required=False, widget=forms.TextInput(TEXTBOX)
    )

    def __init__(self, *args: Any, article: Article | None = None, **kwargs: Any):
        if article is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_for(article)
        super().__init__(*args, **kwargs)
        if article is not None:
            del self.fields["slug"]

    def content(self) -> ArticleContent:
        data = self.cleaned_data
        return ArticleContent(
            title_nl=data["title_nl"],
            title_en=data["title_en"],
            summary_nl=data["summary_nl"],
            summary_en=data["summary_en"],
            body_nl=data["body_nl"],
            body_en=data["body_en"],
        )

    def tags(self) -> ArticleTags:
        data = self.cleaned_data
        return ArticleTags(
            forms=tuple(data["exploitation_forms"]),
            roles=tuple(data["roles"]),
            target_groups=tuple(data["target_groups"]),
            topics=tuple(data["topics"]),
        )


def initial_for(article: Article) -> dict[str, Any]:
    version: ArticleVersion | None = article.current_version
    initial: dict[str, Any] = {
        "exploitation_forms": [],
        "roles": [],
        "target_groups": [],
        "topics": [],
    }
    for tag in article.tags.all():
        key = "exploitation_forms" if tag.kind == TagKind.FORM else f"{tag.kind}s"
        initial[key].append(tag.value)
    if version is not None:
        for name in ("title_nl", "title_en", "summary_nl", "summary_en", "body_nl", "body_en"):
            initial[name] = getattr(version, name)
    return initial


def default_review_date() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=365)


class PublishForm(forms.Form):
    review_date = forms.DateField(
        label=_("Review by"),
        help_text=_("On this date the article returns to the editors' list for review."),
        widget=forms.DateInput({"type": "date", "class": "utrecht-textbox"}, format="%Y-%m-%d"),
    )


class SubmitForm(PublishForm):
    comment = forms.CharField(
        label=_("Note for the reviewer"),
        help_text=_("Optional: what changed, what to look at."),
        required=False,
        max_length=1000,
        widget=forms.Textarea({"class": "utrecht-textarea", "rows": 3}),
    )


class ApproveForm(PublishForm):
    comment = forms.CharField(
        label=_("Comment"),
        help_text=_("Optional: kept in the history with your approval."),
        required=False,
        max_length=1000,
        widget=forms.Textarea({"class": "utrecht-textarea", "rows": 2}),
    )


class SendBackForm(forms.Form):
    comment = forms.CharField(
        label=_("What must change"),
        help_text=_("The editor who submitted the version reads this."),
        max_length=1000,
        widget=forms.Textarea({"class": "utrecht-textarea", "rows": 3}),
        error_messages={"required": _("Say what must change before it can be published.")},
    )


def _all(kind: str) -> list[tuple[str, Any]]:
    return [("", _("All")), *TAG_CHOICES[kind]]


class FilterForm(forms.Form):
    """The reader's search box and tag filters (all optional)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    form = forms.ChoiceField(
        label=_("Form of exploitation"), required=False, choices=_all(TagKind.FORM)
    )
    role = forms.ChoiceField(label=_("Role"), required=False, choices=_all(TagKind.ROLE))
    target_group = forms.ChoiceField(
        label=_("Target group"), required=False, choices=_all(TagKind.TARGET_GROUP)
    )
    topic = forms.ChoiceField(label=_("Topic"), required=False, choices=_all(TagKind.TOPIC))

    def _valid_fields(self) -> dict[str, Any]:
        """The fields that are valid: an unknown filter value drops only that filter."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return dict(self.cleaned_data)

    def tag_filters(self) -> list[tuple[str, str]]:
        data = self._valid_fields()
        pairs = [
            (TagKind.FORM.value, data.get("form", "")),
            (TagKind.ROLE.value, data.get("role", "")),
            (TagKind.TARGET_GROUP.value, data.get("target_group", "")),
            (TagKind.TOPIC.value, data.get("topic", "")),
        ]
        return [(kind, value) for kind, value in pairs if value]

    def query(self) -> str:
        return str(self._valid_fields().get("q", "")).strip()

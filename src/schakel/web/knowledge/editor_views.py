"""The editors' side of the knowledge base: write, publish, review and repair links."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schakel.web.core.confirm import AlreadyDone, Confirmation, confirm
from schakel.web.knowledge.access import access_article
from schakel.web.knowledge.actions import (
    SaveResult,
    do_create_article,
    do_edit_article,
    do_mark_due_for_review,
    do_publish_article,
    do_send_back_article,
    do_set_article_public,
    do_submit_article,
    do_withdraw_article,
    pending_review,
)
from schakel.web.knowledge.actions.links import blocked_by_links, broken_link_slugs
from schakel.web.knowledge.forms import (
    ApproveForm,
    ArticleForm,
    PublishForm,
    SendBackForm,
    SubmitForm,
    default_review_date,
)
from schakel.web.knowledge.models import Article, ArticleReference, ArticleReview, ReviewOutcome
from schakel.web.knowledge.rendering import has_raw_html
from schakel.web.organisations.acting import require_capability
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability, has


def _title(article: Article, language: str) -> str:
    """The title of the latest version, which is what editors work on."""
    version = article.current_version
    return version.title_in(language) if version else article.slug


def _report(request: HttpRequest, result: SaveResult) -> None:
    for warning in result.warnings:
        messages.warning(request, warning)


def _add_errors(form: ArticleForm | PublishForm | SendBackForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


@require_capability(Capability.EDIT_KNOWLEDGE)
def editor_tasks(request: HttpRequest, acting: Membership) -> HttpResponse:
    """The editors' task list: articles due for review, drafts and unpublished changes."""
    today = timezone.localdate()
    language = translation.get_language() or "nl"
    due = Article.objects.due_for_review(today).with_texts().order_by("review_date", "slug")
    changes = Article.objects.with_unpublished_changes().with_texts().order_by("slug")
    waiting = (
        ArticleReview.objects.filter(outcome=ReviewOutcome.PENDING)
        .exclude(submitted_by_id=acting.user_id)
        .exclude(version__author_id=acting.user_id)
        .select_related("article", "version", "submitted_by")
        .order_by("submitted_at")
    )
    context = {
        "waiting": [(r, r.version.title_in(language)) for r in waiting],
        "due": [(a, _title(a, language)) for a in due],
        "changes": [(a, _title(a, language)) for a in changes],
        "broken_count": ArticleReference.objects.broken().count(),
        "today": today,
    }
    return render(request, "knowledge/tasks.html", context)


@require_capability(Capability.EDIT_KNOWLEDGE)
def broken_links(request: HttpRequest, acting: Membership) -> HttpResponse:
    language = translation.get_language() or "nl"
    rows = [(r, _title(r.source, language)) for r in ArticleReference.objects.broken()]
    return render(request, "knowledge/broken_links.html", {"rows": rows})


@require_capability(Capability.EDIT_KNOWLEDGE)
def article_create(request: HttpRequest, acting: Membership) -> HttpResponse:
    form = ArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = do_create_article(
                actor=acting,
                slug=form.cleaned_data["slug"],
                content=form.content(),
                tags=form.tags(),
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            _report(request, result)
            messages.success(request, _("The article was saved as a draft."))
            return redirect("knowledge-edit", slug=result.article.slug)
    status = 422 if request.method == "POST" else 200
    return render(request, "knowledge/edit.html", {"form": form, "article": None}, status=status)


@require_capability(Capability.EDIT_KNOWLEDGE)
def article_edit(request: HttpRequest, acting: Membership, slug: str) -> HttpResponse:
    article = access_article(acting, slug)
    form = ArticleForm(request.POST or None, article=article)
    if request.method == "POST" and form.is_valid():
        try:
            result = do_edit_article(
                actor=acting,
                article=article,
                content=form.content(),
                tags=form.tags(),
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            _report(request, result)
            messages.success(
                request,
                _("Saved as version %(number)s.") % {"number": result.version.number},
            )
            return redirect("knowledge-edit", slug=article.slug)
    status = 422 if request.method == "POST" else 200
    context = {
        "form": form,
        "article": article,
        "title": _title(article, translation.get_language() or "nl"),
        "status": article.effective_status(timezone.localdate()),
        "broken": [r.target_slug for r in ArticleReference.objects.broken().filter(source=article)],
        **_review_context(acting, article),
    }
    return render(request, "knowledge/edit.html", context, status=status)


def _review_context(acting: Membership, article: Article) -> dict[str, object]:
    """What the publish section offers: submit, approve or send back, or publish again."""
    pending = pending_review(article)
    if pending is not None and pending.version_id != article.current_version_id:
        pending = None  # an older version waits; submitting the newest replaces it
    author_id = article.current_version.author_id if article.current_version else None
    may_approve = (
        pending is not None
        and has(acting, Capability.APPROVE_CONTENT)
        and acting.user_id not in (pending.submitted_by_id, author_id)
    )
    last = article.reviews.select_related("decided_by").exclude(outcome="pending").first()
    review_date = pending.review_date if pending else default_review_date()
    return {
        "pending": pending,
        "may_approve": may_approve,
        "sent_back": last if last is not None and last.outcome == "sent_back" else None,
        "submit_form": SubmitForm(initial={"review_date": review_date}),
        "approve_form": ApproveForm(initial={"review_date": review_date}),
        "send_back_form": SendBackForm(),
        "publish_form": PublishForm(initial={"review_date": default_review_date()}),
    }


@require_POST
@require_capability(Capability.EDIT_KNOWLEDGE)
def article_submit(request: HttpRequest, acting: Membership, slug: str) -> HttpResponse:
    article = access_article(acting, slug)
    form = SubmitForm(request.POST)
    if form.is_valid():
        try:
            do_submit_article(
                actor=acting,
                article=article,
                review_date=form.cleaned_data["review_date"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("Submitted: another editor approves the text before it is published.")
            )
            return redirect("knowledge-edit", slug=article.slug)
    _errors_as_messages(request, form)
    return redirect("knowledge-edit", slug=article.slug)


@require_POST
@require_capability(Capability.APPROVE_CONTENT)
def article_send_back(request: HttpRequest, acting: Membership, slug: str) -> HttpResponse:
    article = access_article(acting, slug)
    form = SendBackForm(request.POST)
    if form.is_valid():
        try:
            do_send_back_article(
                actor=acting, article=article, comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The version was sent back to its editor."))
            return redirect("knowledge-edit", slug=article.slug)
    _errors_as_messages(request, form)
    return redirect("knowledge-edit", slug=article.slug)


def _errors_as_messages(request: HttpRequest, form: PublishForm | SendBackForm) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        for message in errors:
            messages.error(request, f"{label}: {message}" if label else str(message))


@require_POST
@require_capability(Capability.EDIT_KNOWLEDGE)
def article_publish(request: HttpRequest, acting: Membership, slug: str) -> HttpResponse:
    article = access_article(acting, slug)
    form = ApproveForm(request.POST)
    if form.is_valid():
        outcome = confirm(request, _publish_confirmation(article, form.cleaned_data))
        if isinstance(outcome, HttpResponse):
            return outcome
        try:
            do_publish_article(
                actor=acting,
                article=article,
                review_date=form.cleaned_data["review_date"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The article is published."))
            return redirect("knowledge-article", slug=article.slug)
    _errors_as_messages(request, form)
    return redirect("knowledge-edit", slug=article.slug)


def _publish_confirmation(article: Article, data: dict[str, object]) -> Confirmation:
    """Publishing puts the text before every reader at once: the editor confirms first."""
    version = article.current_version.number if article.current_version else 0
    already = None
    if article.is_readable and not article.has_unpublished_changes and article.published_at:
        already = AlreadyDone(on=article.published_at, again_allowed=True)
    review_date = data["review_date"]
    assert isinstance(review_date, dt.date)
    when = formats.date_format(review_date, "DATE_FORMAT")
    consequence = _(
        "Version %(version)s becomes the text every reader and the search see, from now on. "
        "On %(date)s it returns to the editors' list for review."
    ) % {"version": version, "date": when}
    broken = broken_link_slugs(article)
    if broken:  # the action refuses these; say so before the editor confirms
        consequence = blocked_by_links(broken)
    return Confirmation(
        title=_("Publish this article?"),
        consequence=consequence,
        action=_("Publish"),
        cancel_url=reverse("knowledge-edit", args=[article.slug]),
        already=already,
        carry={"review_date": review_date.isoformat(), "comment": str(data.get("comment", ""))},
        details=(
            (_("Article"), _title(article, translation.get_language() or "nl")),
            *_publish_warnings(article, broken),
        ),
    )


def _publish_warnings(article: Article, broken: list[str]) -> list[tuple[str, str]]:
    """What the editor was warned about when saving: each broken link, and HTML in the text."""
    rows = [(_("Link that does not work"), f"/kennis/{slug}/") for slug in broken]
    version = article.current_version
    if version is not None and (has_raw_html(version.body_nl) or has_raw_html(version.body_en)):
        rows.append(
            (
                _("Warning"),
                _(
                    "The text contains HTML. HTML is not allowed and is shown as plain text; "
                    "use Markdown."
                ),
            )
        )
    return rows


@require_POST
@require_capability(Capability.EDIT_KNOWLEDGE)
def article_withdraw(request: HttpRequest, acting: Membership, slug: str) -> HttpResponse:
    do_withdraw_article(actor=acting, article=access_article(acting, slug))
    messages.success(request, _("The article is withdrawn; readers no longer see it."))
    return redirect("knowledge-edit", slug=slug)


@require_POST
@require_capability(Capability.EDIT_KNOWLEDGE)
def article_flag_review(request: HttpRequest, acting: Membership, slug: str) -> HttpResponse:
    try:
        do_mark_due_for_review(actor=acting, article=access_article(acting, slug))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The article is on the review list."))
    return redirect("knowledge-tasks")


@require_POST
@require_capability(Capability.EDIT_KNOWLEDGE)
def article_set_public(request: HttpRequest, acting: Membership, slug: str) -> HttpResponse:
    public = request.POST.get("public") == "yes"
    do_set_article_public(actor=acting, article=access_article(acting, slug), public=public)
    if public:
        messages.success(request, _("Anyone can now read the article, without an account."))
    else:
        messages.success(request, _("Only signed-in members can read the article now."))
    return redirect("knowledge-article", slug=slug)

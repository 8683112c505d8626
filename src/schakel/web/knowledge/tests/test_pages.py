from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import timezone

from schakel.web.core.testing import signed_in
from schakel.web.knowledge.actions import (
    ArticleContent,
    ArticleTags,
    do_create_article,
    do_withdraw_article,
)
from schakel.web.knowledge.models import Article
from schakel.web.organisations.models import Membership

pytestmark = pytest.mark.django_db


def test_readers_see_published_articles_only(
    reader: Membership, editor: Membership, publish: Callable[..., Article]
) -> None:
    publish("meldcode", "De meldcode", "Vijf **stappen**.")
    do_create_article(
        actor=editor,
        slug="concept",
        content=ArticleContent(title_nl="Geheim concept", body_nl="x"),
        tags=ArticleTags(),
    )
    client = signed_in(reader)
    index = client.get(reverse("knowledge-index"))
    assert index.status_code == 200
    assert b"De meldcode" in index.content and b"Geheim concept" not in index.content
    page = client.get(reverse("knowledge-article", args=["meldcode"]))
    assert page.status_code == 200 and b"<strong>stappen</strong>" in page.content
    assert client.get(reverse("knowledge-article", args=["concept"])).status_code == 404
    assert signed_in(editor).get(reverse("knowledge-article", args=["concept"])).status_code == 200


def test_the_reader_language_picks_the_text(
    reader: Membership, publish: Callable[..., Article]
) -> None:
    publish("a", "Nederlandse titel", "Nederlandse tekst.", title_en="English title")
    client = signed_in(reader)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("knowledge-article", args=["a"]))
    assert b"English title" in page.content
    assert b"Nederlandse tekst." in page.content, "no English text: the Dutch one is shown"
    assert b'lang="nl"' in page.content


def test_search_page_and_htmx_partial(reader: Membership, publish: Callable[..., Article]) -> None:
    publish("bedenktijd", "De bedenktijd", "Drie maanden, dertig dagen bij Dublin.")
    publish("meldcode", "De meldcode", "Vijf stappen.")
    client = signed_in(reader)
    full = client.get(reverse("knowledge-index"), {"q": "dublin"})
    assert full.status_code == 200 and b"<html" in full.content
    assert b"De bedenktijd" in full.content and b"De meldcode" not in full.content
    partial = client.get(
        reverse("knowledge-index"), {"q": "dublin"}, headers={"HX-Request": "true"}
    )
    assert b"<html" not in partial.content and b"De bedenktijd" in partial.content


def test_tag_filters(reader: Membership, publish: Callable[..., Article]) -> None:
    publish("a", "Over arbeid", forms=("labour",))
    publish("b", "Over seks", forms=("sexual",))
    page = signed_in(reader).get(reverse("knowledge-index"), {"form": "labour"})
    assert b"Over arbeid" in page.content and b"Over seks" not in page.content
    unknown = signed_in(reader).get(reverse("knowledge-index"), {"q": "seks", "topic": "x"})
    assert b"Over seks" in unknown.content and b"Over arbeid" not in unknown.content


def test_editor_pages_are_for_editors_only(reader: Membership, publish) -> None:
    publish("a")
    client = signed_in(reader)
    for name, args in [
        ("knowledge-tasks", []),
        ("knowledge-broken-links", []),
        ("knowledge-create", []),
        ("knowledge-edit", ["a"]),
        ("knowledge-versions", ["a"]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 403
    assert client.post(reverse("knowledge-publish", args=["a"])).status_code == 403


def test_editor_writes_and_a_second_editor_approves_through_the_pages(
    editor: Membership, second_editor: Membership
) -> None:
    client = signed_in(editor)
    assert client.get(reverse("knowledge-create")).status_code == 200
    response = client.post(
        reverse("knowledge-create"),
        {
            "slug": "na-een-onthulling",
            "title_nl": "Na een onthulling",
            "body_nl": "Zie [meldcode](/kennis/meldcode/).",
            "roles": ["frontline"],
            "topics": ["after_disclosure"],
        },
        follow=True,
    )
    assert response.status_code == 200
    assert b"/kennis/meldcode/" in response.content  # the warning about the broken link
    article = Article.objects.get(slug="na-een-onthulling")
    assert article.status == "draft"
    review = (timezone.localdate() + dt.timedelta(days=200)).isoformat()
    submit = reverse("knowledge-submit", args=[article.slug])
    client.post(
        reverse("knowledge-create"),
        {
            "slug": "meldcode",
            "title_nl": "Meldcode",
            "body_nl": "De stappen.",
            "roles": ["frontline"],
        },
    )
    # The author cannot publish their own text: it needs a second editor.
    meldcode = reverse("knowledge-publish", args=["meldcode"])
    own = client.post(meldcode, {"review_date": review, "confirmed": "1"}, follow=True)
    assert Article.objects.get(slug="meldcode").status == "draft"
    assert "andere redacteur" in own.content.decode()
    client.post(reverse("knowledge-submit", args=["meldcode"]), {"review_date": review})
    client.post(submit, {"review_date": review, "comment": "Graag nakijken."})
    again = client.post(submit, {"review_date": review}, follow=True)
    assert "al ingediend" in again.content.decode()
    waiting = client.get(reverse("knowledge-edit", args=[article.slug])).content.decode()
    assert "Graag nakijken." in waiting and "Goedkeuren en publiceren" not in waiting

    assert (
        "Na een onthulling"
        not in client.get(reverse("knowledge-tasks")).text.split("Toe aan herziening")[0]
    ), "the submitter's own version does not wait for their approval"
    reviewer = signed_in(second_editor)
    tasks = reviewer.get(reverse("knowledge-tasks")).text
    assert "Wacht op uw goedkeuring" in tasks and "Na een onthulling" in tasks
    page = reviewer.get(reverse("knowledge-edit", args=[article.slug])).content.decode()
    assert "Goedkeuren en publiceren" in page and "Terugsturen" in page
    url = reverse("knowledge-publish", args=[article.slug])
    question = reviewer.post(url, {"review_date": review})
    assert question.status_code == 200 and "Dit artikel publiceren?" in question.text
    article.refresh_from_db()
    assert article.status == "draft"  # asked, nothing done
    # The linked article first: publishing is blocked while the link leads to a draft.
    blocked = reviewer.post(url, {"review_date": review, "confirmed": "1"}, follow=True)
    assert "Publiceren is geblokkeerd" in blocked.content.decode()
    reviewer.post(meldcode, {"review_date": review, "confirmed": "1"})
    reviewer.post(url, {"review_date": review, "comment": "Akkoord.", "confirmed": "1"})
    article.refresh_from_db()
    assert article.status == "published" and str(article.review_date) == review
    history = reviewer.get(reverse("knowledge-versions", args=[article.slug])).content.decode()
    assert "Goedgekeurd door" in history and second_editor.user.get_full_name() in history
    again = reviewer.post(url, {"review_date": review})
    assert again.status_code == 200 and "al gedaan op" in again.text  # already published
    bad = client.post(
        reverse("knowledge-create"), {"slug": "Fout Adres", "title_nl": "x", "body_nl": "x"}
    )
    assert bad.status_code == 422


def test_task_list_shows_articles_whose_review_date_passed(
    editor: Membership, publish: Callable[..., Article]
) -> None:
    publish("verouderd", "Verouderd artikel")
    publish("actueel", "Actueel artikel")
    client = signed_in(editor)
    assert b"Verouderd artikel" not in client.get(reverse("knowledge-tasks")).content
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Article.objects.filter(slug="verouderd").update(review_date=yesterday)  # time passes
    page = client.get(reverse("knowledge-tasks"))
    assert b"Verouderd artikel" in page.content and b"Actueel artikel" not in page.content


def test_broken_links_page(editor: Membership, publish: Callable[..., Article]) -> None:
    target = publish("bestaat-niet", "Wordt ingetrokken")
    publish("a", "Artikel A", "Zie [weg](/kennis/bestaat-niet/).")
    do_withdraw_article(actor=editor, article=target)  # the link breaks after publishing
    page = signed_in(editor).get(reverse("knowledge-broken-links"))
    assert page.status_code == 200 and b"/kennis/bestaat-niet/" in page.content


def test_versions_pages(editor: Membership, publish: Callable[..., Article]) -> None:
    publish("a", "Eerste titel")
    client = signed_in(editor)
    assert b"Eerste titel" in client.get(reverse("knowledge-versions", args=["a"])).content
    assert client.get(reverse("knowledge-version", args=["a", 1])).status_code == 200
    assert client.get(reverse("knowledge-version", args=["a", 9])).status_code == 404
    assert client.get(reverse("knowledge-edit", args=["a"])).status_code == 200


@pytest.mark.parametrize("count", [3, 12])
def test_index_query_count_does_not_grow_with_articles(
    reader: Membership,
    publish: Callable[..., Article],
    django_assert_num_queries,
    count: int,
) -> None:
    for n in range(count):
        publish(f"artikel-{n}", f"Artikel {n}", forms=("labour",), topics=("signals",))
    client = signed_in(reader)
    client.get(reverse("home"))
    # session, user, memberships, count, page, tags
    with django_assert_num_queries(6):
        client.get(reverse("knowledge-index"))
    # session, user, memberships, search index, matching articles, tags
    with django_assert_num_queries(6):
        client.get(reverse("knowledge-index"), {"q": "artikel", "form": "labour"})


@pytest.mark.parametrize("count", [2, 8])
def test_editor_lists_query_count(
    editor: Membership, publish: Callable[..., Article], django_assert_num_queries, count: int
) -> None:
    target = publish("nergens")
    for n in range(count):
        publish(f"artikel-{n}", body="[x](/kennis/nergens/)")
    do_withdraw_article(actor=editor, article=target)
    Article.objects.update(review_date=timezone.localdate())
    client = signed_in(editor)
    client.get(reverse("home"))
    # session, user, memberships, waiting for approval, due, changes, broken count
    with django_assert_num_queries(7):
        client.get(reverse("knowledge-tasks"))
    # session, user, memberships, broken links
    with django_assert_num_queries(4):
        client.get(reverse("knowledge-broken-links"))


def test_the_publish_question_lists_broken_links_and_html_and_the_edit_page_names_the_title(
    editor: Membership, second_editor: Membership
) -> None:
    client = signed_in(editor)
    client.post(
        reverse("knowledge-create"),
        {
            "slug": "na-een-melding",
            "title_nl": "Na een melding",
            "body_nl": "Zie [de meldcode](/kennis/bestaat-niet/). <b>Let op</b>",
            "roles": ["frontline"],
        },
    )
    edit = client.get(reverse("knowledge-edit", args=["na-een-melding"]), HTTP_ACCEPT_LANGUAGE="nl")
    heading = edit.content.decode().split("<h1", 1)[1].split("</h1>", 1)[0]
    assert "“Na een melding” bewerken" in heading and "/kennis/" not in heading
    review = (timezone.localdate() + dt.timedelta(days=200)).isoformat()
    client.post(reverse("knowledge-submit", args=["na-een-melding"]), {"review_date": review})
    reviewer = signed_in(second_editor)
    url = reverse("knowledge-publish", args=["na-een-melding"])
    question = reviewer.post(url, {"review_date": review}, HTTP_ACCEPT_LANGUAGE="nl").text
    assert "Dit artikel publiceren?" in question
    assert "Link die niet werkt" in question and "/kennis/bestaat-niet/" in question
    consequence = question.split("schakel-consequence", 1)[1].split("</div>", 1)[0]
    assert "Publiceren is geblokkeerd" in consequence  # said before the editor confirms
    assert "De tekst bevat HTML" in question
    reviewer.post(url, {"review_date": review, "confirmed": "1"})
    assert Article.objects.get(slug="na-een-melding").status == "draft"  # still blocked
    # A clean text asks the ordinary question, without warnings.
    client.post(
        reverse("knowledge-edit", args=["na-een-melding"]),
        {"title_nl": "Na een melding", "body_nl": "Zonder links.", "roles": ["frontline"]},
    )
    client.post(reverse("knowledge-submit", args=["na-een-melding"]), {"review_date": review})
    clean = reviewer.post(url, {"review_date": review}, HTTP_ACCEPT_LANGUAGE="nl").text
    assert "Link die niet werkt" not in clean and "De tekst bevat HTML" not in clean
    consequence = clean.split("schakel-consequence", 1)[1].split("</div>", 1)[0]
    assert "Publiceren is geblokkeerd" not in consequence and "Versie" in consequence

"""The catalogue in the app: browse, edit a draft in forms, compare, preview, four eyes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from schakel.engine.vocabulary import Role
from schakel.web.audit.models import AuditEntry
from schakel.web.core.testing import signed_in
from schakel.web.notifications.models import Notification
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.signals.models import CatalogueDraft, CatalogueVersion, SignalCheckStatistic
from schakel.web.signals.tests.helpers import WHO

pytestmark = pytest.mark.django_db
OLD = "Misleid over het werk, de plaats of de werkgever"
NEW = "Voorgelogen over het werk, de plek of de baas"
ADULT = {**WHO, "age": "adult", "form": "labour"}


def _first_questions(client: Client) -> str:
    assert client.post(reverse("signal-check"), ADULT).status_code == 302
    return client.get(reverse("signal-check-part", args=["d1"])).content.decode()


def _indicator_form(**changes: str) -> dict[str, str]:
    return {
        "label_nl": NEW,
        "label_en": "Lied to about the work, place or employer",
        "explanation_nl": "De persoon kreeg onware informatie over het werk.",
        "explanation_en": "The person was told something untrue about the work.",
        "strength": "strong",
        **changes,
    }


def test_an_editor_changes_a_wording_and_a_second_editor_approves(
    org_a: Organisation, member: Callable[..., Membership]
) -> None:
    writer, reviewer = member(org_a, Role.CONTENT_EDITOR), member(org_a, Role.CONTENT_EDITOR)
    author = signed_in(writer)
    sets = author.get(reverse("signal-catalogue-sets")).content.decode()
    assert "Volwassenen, arbeidsuitbuiting" in sets and "ILO/EC 2009 Delphi" in sets
    listing = author.get(reverse("signal-catalogue-set", args=["adults-labour"])).content.decode()
    assert OLD in listing and "Misleidende werving" in listing and "Sterk" in listing
    assert "concept/indicator" not in listing  # no draft: nothing to edit yet

    start = author.post(reverse("signal-catalogue-draft"), {"version": "2026.1"})
    assert start.status_code == 422 and "al eerder gepubliceerd" in start.content.decode()
    author.post(reverse("signal-catalogue-draft"), {"version": "2026.2"})
    assert CatalogueDraft.objects.get().base_version == "2026.1"
    url = reverse("signal-catalogue-indicator", args=["AL-D1-01"])
    assert OLD in author.get(url).content.decode()
    empty = author.post(url, _indicator_form(label_nl=""))
    assert empty.status_code == 422 and "Formulering (Nederlands)" in empty.content.decode()
    assert author.post(url, _indicator_form()).status_code == 302

    page = author.get(reverse("signal-catalogue-draft")).content.decode()
    assert OLD in page and NEW in page and "Formulering (Nederlands)" in page
    public = Client()
    assert OLD in _first_questions(public)
    author.post(reverse("signal-catalogue-draft-preview"), {"preview": "on"})
    counted = SignalCheckStatistic.objects.count()
    previewed = _first_questions(author)
    assert NEW in previewed, "the editor previews the check with the draft"
    assert "Voorbeeld: u probeert de check met het concept van versie 2026.2" in previewed
    shown = _first_questions(public)
    assert OLD in shown and "Voorbeeld" not in shown, "nobody else does"
    author.get(reverse("signal-check-result"))
    assert SignalCheckStatistic.objects.count() == counted  # a preview is not counted

    author.post(reverse("signal-catalogue-draft-submit"), {"note": ""})
    assert CatalogueDraft.objects.get().state == "editing"  # a note is required
    author.post(reverse("signal-catalogue-draft-submit"), {"note": "Duidelijker formulering"})
    assert Notification.objects.filter(user=reviewer.user, kind="content_review").exists()
    approve = reverse("signal-catalogue-draft-approve")
    own = author.post(approve, {"confirmed": "1"}, follow=True)
    assert "vier ogen" in own.content.decode() and not CatalogueVersion.objects.exists()

    second = signed_in(reviewer)
    assert "Goedkeuren en publiceren" in second.get(reverse("signal-catalogue-draft")).text
    question = second.post(approve)
    assert question.status_code == 200 and not CatalogueVersion.objects.exists()  # asked first
    second.post(approve, {"confirmed": "1"})
    version = CatalogueVersion.objects.get()
    assert (version.version, version.written_by_id, version.published_by_id) == (
        "2026.2",
        writer.user_id,
        reviewer.user_id,
    )
    assert NEW in _first_questions(Client()), "the public check shows the new wording"
    history = second.get(reverse("signal-catalogue")).content.decode()
    assert "geschreven door" in history and "goedgekeurd door" in history
    purposes = set(
        AuditEntry.objects.filter(object_type="catalogue_draft").values_list("purpose", flat=True)
    )
    assert purposes == {
        "start a catalogue draft",
        "edit a catalogue draft",
        "submit a catalogue draft for approval",
        "approve and publish a catalogue draft",
    }


def test_a_reviewer_sends_a_draft_back_with_a_comment(
    org_a: Organisation, member: Callable[..., Membership]
) -> None:
    writer, reviewer = member(org_a, Role.CONTENT_EDITOR), member(org_a, Role.CONTENT_EDITOR)
    author, second = signed_in(writer), signed_in(reviewer)
    author.post(reverse("signal-catalogue-draft"), {"version": "2026.2"})
    author.post(reverse("signal-catalogue-draft-submit"), {"note": "Niets"})
    back = reverse("signal-catalogue-draft-send-back")
    second.post(back, {"comment": ""})
    assert CatalogueDraft.objects.get().state == "submitted"  # a comment is required
    second.post(back, {"comment": "Er is niets veranderd."})
    draft = CatalogueDraft.objects.get()
    assert draft.state == "editing" and draft.returned_by_id == reviewer.user_id
    assert "Er is niets veranderd." in author.get(reverse("signal-catalogue-draft")).text
    assert Notification.objects.filter(user=writer.user, kind="content_review").exists()


def test_only_content_editors_see_the_catalogue_pages(coordinator_a: Membership) -> None:
    client = signed_in(coordinator_a)
    for name in ("signal-catalogue-sets", "signal-catalogue-draft"):
        assert client.get(reverse(name)).status_code == 403

"""Publishing a catalogue version in the app: validated first, never published when invalid."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from schakel.engine.vocabulary import Role
from schakel.web.audit.models import AuditEntry
from schakel.web.core.testing import signed_in
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.signals.catalogue import current_catalogue, shipped_bundle
from schakel.web.signals.models import CatalogueVersion, Consultation
from schakel.web.signals.tests.helpers import complete_check

pytestmark = pytest.mark.django_db
SET_FILE = "sets/adults-labour.json"


@pytest.fixture
def editor(org_a: Organisation, member: Callable[..., Membership]) -> Client:
    return signed_in(member(org_a, Role.CONTENT_EDITOR))


@pytest.fixture
def reviewer(org_a: Organisation, member: Callable[..., Membership]) -> Client:
    return signed_in(member(org_a, Role.CONTENT_EDITOR))


def new_version(version: str = "2026.2") -> dict[str, Any]:
    bundle = copy.deepcopy(shipped_bundle())
    bundle["catalogue.json"]["version"] = version
    bundle[SET_FILE]["indicators"][0]["label"]["en"] = "Lied to about the job"
    return bundle


def publish(client: Client, bundle: Any, reviewer: Client | None = None) -> Any:
    """Upload a bundle (it becomes the draft); with a reviewer, submit it and have the second
    editor approve it, which publishes it (four eyes)."""
    upload = io.BytesIO(json.dumps(bundle).encode())
    upload.name = "catalogue.json"
    response = client.post(reverse("signal-catalogue"), {"bundle": upload, "note": "clearer label"})
    if reviewer is not None and response.status_code == 302:
        client.post(reverse("signal-catalogue-draft-submit"), {"note": "clearer label"})
        approved = reviewer.post(reverse("signal-catalogue-draft-approve"), {"confirmed": "1"})
        assert approved.status_code == 302
    return response


def test_an_editor_downloads_changes_and_publishes_a_version(
    editor: Client, reviewer: Client
) -> None:
    download = editor.get(reverse("signal-catalogue-bundle"))
    assert download.status_code == 200
    assert json.loads(download.content)["catalogue.json"]["version"] == "2026.1"
    response = publish(editor, new_version())
    assert response.status_code == 302, response.content[:3000]
    assert not CatalogueVersion.objects.exists()  # a draft until another editor approves
    assert "Lied to about the job" in editor.get(reverse("signal-catalogue-draft")).text
    assert publish(editor, new_version("2026.3")).status_code == 422  # one draft at a time
    editor.post(reverse("signal-catalogue-draft-submit"), {"note": "clearer label"})
    reviewer.post(reverse("signal-catalogue-draft-approve"), {"confirmed": "1"})
    published = CatalogueVersion.objects.get()
    catalogue = current_catalogue()
    assert (catalogue.version, catalogue.digest) == ("2026.2", published.digest)
    assert catalogue.indicator("AL-D1-01").label.en == "Lied to about the job"
    assert AuditEntry.objects.filter(object_type="catalogue_version", action="create").exists()
    again = json.loads(editor.get(reverse("signal-catalogue-bundle")).content)
    assert again["catalogue.json"]["version"] == "2026.2"


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda b: b[SET_FILE]["indicators"].append(b[SET_FILE]["indicators"][0]), "AL-D1-01"),
        (lambda b: b[SET_FILE]["indicators"][3].update(strength="very strong"), "very strong"),
        (lambda b: b[SET_FILE]["indicators"][5]["label"].pop("nl"), "AL-D1-06"),
        (lambda b: b.pop("catalogue.json"), "catalogue.json"),
    ],
)
def test_an_invalid_version_is_never_published(
    editor: Client, change: Callable[[dict[str, Any]], object], named: str
) -> None:
    bundle = new_version()
    change(bundle)
    response = publish(editor, bundle)
    assert response.status_code == 422
    assert named in response.content.decode()
    assert not CatalogueVersion.objects.exists()
    assert current_catalogue().version == "2026.1"


def test_the_version_in_force_cannot_be_published_again(editor: Client, reviewer: Client) -> None:
    assert publish(editor, new_version("2026.1")).status_code == 422
    assert publish(editor, new_version(), reviewer).status_code == 302
    assert publish(editor, new_version()).status_code == 422
    assert CatalogueVersion.objects.count() == 1


def test_only_content_editors_publish(coordinator_a: Membership) -> None:
    client = signed_in(coordinator_a)
    assert client.get(reverse("signal-catalogue")).status_code == 403
    assert publish(client, new_version()).status_code == 403
    assert not CatalogueVersion.objects.exists()


def test_checks_and_consultations_record_the_version_in_force(
    editor: Client, reviewer: Client, org_a: Organisation, member: Callable[..., Membership]
) -> None:
    from schakel.engine.vocabulary import OrganisationType
    from schakel.web.core.testing import OrganisationFactory

    frontline = member(
        OrganisationFactory.create(name="Wijkteam Rottemeer", type=OrganisationType.SOCIAL_SUPPORT),
        Role.FRONTLINE,
    )
    client = signed_in(frontline)
    complete_check(client)  # begun on 2026.1
    publish(editor, new_version(), reviewer)
    result = client.get(reverse("signal-check-result"))
    assert "2026.2" in result.content.decode()
    client.post(reverse("signal-consult"), {"question": "Wat nu?"})
    assessment = Consultation.objects.get().assessment
    assert assessment is not None
    assert assessment.catalogue_version == "2026.2"
    assert assessment.catalogue_digest == CatalogueVersion.objects.get().digest


def test_a_published_version_is_announced_to_those_who_do_the_check(
    editor: Client, reviewer: Client, frontline: Membership, coordinator_a: Membership
) -> None:
    from schakel.web.notifications.models import Kind, Notification

    assert publish(editor, new_version(), reviewer).status_code == 302
    told = set(
        Notification.objects.filter(kind=Kind.CATALOGUE_PUBLISHED).values_list("user_id", "text")
    )
    assert {user for user, _text in told} == {frontline.user_id, coordinator_a.user_id}
    assert all("2026.2" in text for _user, text in told)

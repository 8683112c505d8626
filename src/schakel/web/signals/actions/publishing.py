"""Publishing a new catalogue version in the app (content editors).

The engine's `build_catalogue` validates the documents first: a duplicate id, a strength
outside strong/medium/weak or any other problem raises a CatalogueError naming the item, and
nothing is stored. An invalid version is never published.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schakel.engine.indicators import Catalogue, build_catalogue
from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import do_record_access
from schakel.web.notifications.service import Kind, notify_many
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability, require
from schakel.web.signals.catalogue import current_catalogue, digest_of, split_bundle
from schakel.web.signals.models import CatalogueVersion


def validate_bundle(bundle: Any) -> tuple[Catalogue, Any, dict[str, Any], str]:
    """The catalogue a bundle describes, or a CatalogueError that names what is wrong."""
    manifest, documents = split_bundle(bundle)
    digest = digest_of(manifest, documents)
    return build_catalogue(manifest, documents, digest=digest), manifest, documents, digest


def do_publish_catalogue_version(
    *, actor: Membership, bundle: Any, note: str = ""
) -> CatalogueVersion:
    require(actor, Capability.EDIT_CATALOGUE)
    catalogue, manifest, documents, digest = validate_bundle(bundle)
    if catalogue.version == current_catalogue().version:
        message = _("Version %(version)s is already in force.")
        raise ValidationError({"bundle": message % {"version": catalogue.version}})
    if CatalogueVersion.objects.filter(version=catalogue.version).exists():
        message = _("Version %(version)s was published before.")
        raise ValidationError({"bundle": message % {"version": catalogue.version}})
    with transaction.atomic():
        published = CatalogueVersion.objects.create(
            version=catalogue.version,
            digest=digest,
            manifest=manifest,
            documents=documents,
            published_at=timezone.now(),
            published_by_id=actor.user_id,
            note=note.strip()[:500],
        )
        do_record_access(
            actor=actor,
            action=AuditEntry.Action.CREATE,
            object_type="catalogue_version",
            object_id=published.pk,
            purpose=f"publish indicator catalogue {catalogue.version}",
            detail={"digest": digest},
        )
        readers = (
            Membership.objects.active()
            .with_capability(Capability.CONSULT)
            .exclude(user_id=actor.user_id)
            .values_list("user_id", flat=True)
        )
        notify_many(
            user_ids=readers,
            kind=Kind.CATALOGUE_PUBLISHED,
            text=_("Indicator catalogue %(version)s is in force.") % {"version": catalogue.version},
            url=reverse("signal-check"),
        )
    return published

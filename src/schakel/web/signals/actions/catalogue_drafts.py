"""The next catalogue version, edited in forms and published with four eyes.

An editor starts a draft from the version in force, changes an indicator's wording or strength
(the engine checks the whole catalogue on every save, so the draft is always valid), submits it,
and another editor who changed nothing in it approves it, which publishes it, or sends it back
with a comment. Every step is audited; reviewers and the author are notified.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schakel.engine.indicators import CatalogueError, Strength
from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import do_record_access
from schakel.web.notifications.service import Kind, notify, notify_many
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability, require
from schakel.web.signals.actions.publishing import do_publish_catalogue_version, validate_bundle
from schakel.web.signals.catalogue import current_catalogue, shipped_bundle
from schakel.web.signals.catalogue_messages import catalogue_problem
from schakel.web.signals.models import CatalogueDraft, CatalogueVersion, DraftState


@dataclass(frozen=True)
class IndicatorChange:
    """New wording or strength for one indicator; the fields are what the form edits."""

    label_nl: str
    label_en: str
    explanation_nl: str
    explanation_en: str
    strength: str


def bundle_in_force() -> dict[str, Any]:
    latest = CatalogueVersion.objects.current()
    if latest is None:
        return shipped_bundle()
    return {"catalogue.json": latest.manifest, **latest.documents}


def open_draft() -> CatalogueDraft | None:
    return (
        CatalogueDraft.objects.filter(state__in=[DraftState.EDITING, DraftState.SUBMITTED])
        .select_related("created_by", "changed_by", "submitted_by", "returned_by")
        .first()
    )


def _audit(actor: Membership, draft: CatalogueDraft, purpose: str, **detail: object) -> None:
    do_record_access(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        object_type="catalogue_draft",
        object_id=draft.pk,
        purpose=purpose,
        detail={"version": draft.version, **detail},
    )


def do_start_catalogue_draft(
    *, actor: Membership, version: str = "", bundle: Any = None, note: str = ""
) -> CatalogueDraft:
    """A draft holding the version in force, to become `version`; or, from an uploaded bundle,
    that bundle (checked by the engine first: a CatalogueError names what is wrong)."""
    require(actor, Capability.EDIT_CATALOGUE)
    field = "version" if bundle is None else "bundle"
    if bundle is not None:
        catalogue, manifest, documents, _digest = validate_bundle(bundle)
        version = catalogue.version
    else:
        source = bundle_in_force()
        manifest = copy.deepcopy(source["catalogue.json"])
        documents = {k: v for k, v in source.items() if k != "catalogue.json"}
    version = version.strip()
    in_force = current_catalogue().version
    if not version:
        raise ValidationError({field: _("Give the new version a number, e.g. 2026.2.")})
    if version == in_force or CatalogueVersion.objects.filter(version=version).exists():
        raise ValidationError(
            {field: _("Version %(version)s was published before.") % {"version": version}}
        )
    with transaction.atomic():
        if open_draft() is not None:
            raise ValidationError(
                {field: _("A draft is already open; finish or discard it first.")}
            )
        manifest["version"] = version
        now = timezone.now()
        draft = CatalogueDraft.objects.create(
            version=version,
            base_version=in_force,
            manifest=manifest,
            documents=documents,
            created_by_id=actor.user_id,
            created_at=now,
            changed_by_id=actor.user_id,
            changed_at=now,
            note=note.strip()[:500],
        )
        _audit(actor, draft, "start a catalogue draft", uploaded=bundle is not None)
    return draft


def _locked(draft: CatalogueDraft) -> CatalogueDraft:
    return CatalogueDraft.objects.select_for_update().get(pk=draft.pk)


def _find(documents: dict[str, Any], indicator_id: str) -> dict[str, Any]:
    for document in documents.values():
        for raw in document.get("indicators", []):
            if raw.get("id") == indicator_id:
                return raw
    raise ValidationError(_("This indicator is not in the catalogue."))


def do_edit_catalogue_indicator(
    *, actor: Membership, draft: CatalogueDraft, indicator_id: str, change: IndicatorChange
) -> CatalogueDraft:
    """Change one indicator in the draft; the engine checks the whole catalogue first."""
    require(actor, Capability.EDIT_CATALOGUE)
    errors = {}
    for name in ("label_nl", "label_en"):
        if not getattr(change, name).strip():
            errors[name] = _("Fill in the wording.")
    if change.strength and change.strength not in set(Strength):
        errors["strength"] = _("Choose strong, medium or weak.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        draft = _locked(draft)
        if draft.state != DraftState.EDITING:
            raise ValidationError(_("The draft waits for approval; it cannot change now."))
        documents = copy.deepcopy(draft.documents)
        raw = _find(documents, indicator_id)
        raw["label"] = {"nl": change.label_nl.strip(), "en": change.label_en.strip()}
        explanation = {"nl": change.explanation_nl.strip(), "en": change.explanation_en.strip()}
        if any(explanation.values()) or "explanation" in raw:
            raw["explanation"] = explanation
        if change.strength and "strength" in raw:
            raw["strength"] = change.strength
        try:
            validate_bundle({"catalogue.json": draft.manifest, **documents})
        except CatalogueError as error:
            raise ValidationError(catalogue_problem(error)) from None
        draft.documents = documents
        draft.changed_by_id = actor.user_id
        draft.changed_at = timezone.now()
        draft.save(update_fields=["documents", "changed_by", "changed_at"])
        _audit(actor, draft, "edit a catalogue draft", indicator=indicator_id)
    return draft


def do_submit_catalogue_draft(
    *, actor: Membership, draft: CatalogueDraft, note: str
) -> CatalogueDraft:
    require(actor, Capability.EDIT_CATALOGUE)
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Say in a sentence what changed.")})
    with transaction.atomic():
        draft = _locked(draft)
        if draft.state != DraftState.EDITING:
            raise ValidationError(_("The draft was already submitted."))
        draft.state = DraftState.SUBMITTED
        draft.note = note[:500]
        draft.submitted_by_id = actor.user_id
        draft.submitted_at = timezone.now()
        draft.save(update_fields=["state", "note", "submitted_by", "submitted_at"])
        _audit(actor, draft, "submit a catalogue draft for approval")
        reviewers = (
            Membership.objects.active()
            .with_capability(Capability.APPROVE_CONTENT)
            .exclude(user_id__in={actor.user_id, draft.created_by_id, draft.changed_by_id})
            .values_list("user_id", flat=True)
        )
        notify_many(
            user_ids=reviewers,
            kind=Kind.CONTENT_REVIEW,
            text=_("Indicator catalogue %(version)s waits for your approval.")
            % {"version": draft.version},
            url=reverse("signal-catalogue-draft"),
        )
    return draft


def _editors_of(draft: CatalogueDraft) -> set[int]:
    """Everyone who changed the draft: the audit lines of its edits, and its creator."""
    edits = AuditEntry.objects.filter(object_type="catalogue_draft", object_id=str(draft.pk))
    return {draft.created_by_id, *edits.exclude(actor_id=None).values_list("actor_id", flat=True)}


def do_approve_catalogue_draft(*, actor: Membership, draft: CatalogueDraft) -> CatalogueVersion:
    """Publish the submitted draft: only an editor who did not write or submit it."""
    require(actor, Capability.APPROVE_CONTENT)
    with transaction.atomic():
        draft = _locked(draft)
        if draft.state != DraftState.SUBMITTED:
            raise ValidationError(_("The draft is not waiting for approval."))
        if actor.user_id in _editors_of(draft) or actor.user_id == draft.submitted_by_id:
            raise ValidationError(
                _("You wrote or submitted this draft; another editor must approve it (four eyes).")
            )
        published = do_publish_catalogue_version(
            actor=actor,
            bundle={"catalogue.json": draft.manifest, **draft.documents},
            note=draft.note,
        )
        published.written_by_id = draft.submitted_by_id
        published.save(update_fields=["written_by"])
        draft.state = DraftState.PUBLISHED
        draft.save(update_fields=["state"])
        _audit(actor, draft, "approve and publish a catalogue draft")
        if draft.submitted_by is not None:
            notify(
                user=draft.submitted_by,
                kind=Kind.CONTENT_REVIEW,
                text=_("Indicator catalogue %(version)s was approved and is in force.")
                % {"version": draft.version},
                url=reverse("signal-catalogue"),
            )
    return published


def do_send_back_catalogue_draft(
    *, actor: Membership, draft: CatalogueDraft, comment: str
) -> CatalogueDraft:
    require(actor, Capability.APPROVE_CONTENT)
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": _("Say what must change before it can be published.")})
    with transaction.atomic():
        draft = _locked(draft)
        if draft.state != DraftState.SUBMITTED:
            raise ValidationError(_("The draft is not waiting for approval."))
        if actor.user_id == draft.submitted_by_id:
            raise ValidationError(_("You submitted this draft; another editor reviews it."))
        draft.state = DraftState.EDITING
        draft.returned_by_id = actor.user_id
        draft.comment = comment[:1000]
        draft.save(update_fields=["state", "returned_by", "comment"])
        _audit(actor, draft, "send a catalogue draft back")
        if draft.submitted_by is not None:
            notify(
                user=draft.submitted_by,
                kind=Kind.CONTENT_REVIEW,
                text=_("Indicator catalogue %(version)s was sent back with a comment.")
                % {"version": draft.version},
                url=reverse("signal-catalogue-draft"),
            )
    return draft

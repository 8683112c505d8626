"""The catalogue in force: the latest version published in the app, else the shipped files.

Content editors publish a version as the same documents the shipped directory holds
(`catalogue.json` and `sets/<set>.json`); the engine's `build_catalogue` validates it first, so
an invalid version is never published. A published version's digest is the SHA-256 of its
documents as canonical JSON.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from schakel.engine.indicators import Catalogue, CatalogueError, build_catalogue, load_catalogue
from schakel.engine.indicators.loader import MANIFEST, default_catalogue_path

_built: dict[tuple[int, str], Catalogue] = {}


@lru_cache(maxsize=1)
def shipped_catalogue() -> Catalogue:
    return load_catalogue()


def current_catalogue() -> Catalogue:
    """One query when the version in force is already built, two the first time."""
    from schakel.web.signals.models import CatalogueVersion

    latest = (
        CatalogueVersion.objects.order_by("-published_at", "-pk")
        .values_list("pk", "digest")
        .first()
    )
    if latest is None:
        return shipped_catalogue()
    if latest not in _built:
        row = CatalogueVersion.objects.get(pk=latest[0])
        _built[latest] = build_catalogue(row.manifest, row.documents, digest=row.digest)
    return _built[latest]


def digest_of(manifest: Any, documents: Mapping[str, Any]) -> str:
    canonical = json.dumps(
        {MANIFEST: manifest, **documents}, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def shipped_bundle() -> dict[str, Any]:
    """The shipped catalogue's files as one JSON bundle ({"catalogue.json": ..., "sets/<set>.json":
    ...}): the format editors download, change and publish."""
    root = default_catalogue_path()
    bundle: dict[str, Any] = {MANIFEST: json.loads((root / MANIFEST).read_text())}
    for entry in sorted((root / "sets").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            bundle[f"sets/{entry.name}"] = json.loads(entry.read_text())
    return bundle


def split_bundle(bundle: Any) -> tuple[Any, dict[str, Any]]:
    """(manifest, documents) from a bundle; a bundle without a manifest is refused by name."""
    if not isinstance(bundle, dict) or MANIFEST not in bundle:
        raise CatalogueError(f"the bundle has no {MANIFEST!r} entry", items=[MANIFEST])
    documents = {name: doc for name, doc in bundle.items() if name != MANIFEST}
    stray = [name for name in documents if not name.startswith("sets/")]
    if stray:
        raise CatalogueError(
            f"bundle entries must be {MANIFEST} or sets/<set>.json: {', '.join(stray)}",
            items=stray,
        )
    return bundle[MANIFEST], documents


PREVIEW_SESSION_KEY = "signal_catalogue_preview"
"""Set in an editor's session while they try the check with the open draft."""


def previewed_draft(request: Any) -> Any:
    """The open draft this editor previews the check with, or None (everyone else)."""
    from schakel.web.organisations.acting import acting_membership
    from schakel.web.organisations.roles import Capability, has
    from schakel.web.signals.models import CatalogueDraft, DraftState

    draft_id = request.session.get(PREVIEW_SESSION_KEY)
    if draft_id is None or not has(acting_membership(request), Capability.EDIT_CATALOGUE):
        return None
    open_states = [DraftState.EDITING, DraftState.SUBMITTED]
    return CatalogueDraft.objects.filter(pk=draft_id, state__in=open_states).first()


def catalogue_for(request: Any) -> Catalogue:
    """The catalogue the check uses for this request: the one in force, or the draft an editor
    previews (built, never stored as in force)."""
    draft = previewed_draft(request)
    if draft is None:
        return current_catalogue()
    return build_catalogue(draft.manifest, draft.documents, digest="")

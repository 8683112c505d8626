"""Load the catalogue files into frozen data, refusing a broken version.

Layout of a catalogue directory: `catalogue.json` (format, version, the sets with their rule
and metadata) and `sets/*.json` (one file per set: {"set": id, "indicators": [...]}). Every
problem raises a CatalogueError subclass whose message names the file and the item, so an
invalid version is never published.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Mapping
from importlib.resources import files
from importlib.resources.abc import Traversable
from os import PathLike
from pathlib import Path
from typing import Any

from schakel.engine.indicators.errors import (
    CatalogueError,
    DuplicateIdError,
    UnknownIndicatorError,
    UnknownSetError,
)
from schakel.engine.indicators.model import Catalogue, Dimension, Indicator, IndicatorSet
from schakel.engine.indicators.parsing import parse_indicator, parse_set_meta

MANIFEST = "catalogue.json"
SETS_DIR = "sets"
FORMAT = 1
_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+-]*$")


def default_catalogue_path() -> Traversable:
    return files("schakel.engine.indicators") / "catalogue"


def load_catalogue(path: str | PathLike[str] | None = None) -> Catalogue:
    """Read and validate the catalogue directory (the shipped one when no path is given)."""
    root: Traversable = default_catalogue_path() if path is None else Path(path)
    digest = hashlib.sha256()
    manifest = _read_json(root / MANIFEST, MANIFEST, digest)
    sets_dir = root / SETS_DIR
    if not sets_dir.is_dir():
        raise CatalogueError(f"{SETS_DIR}/: directory with the set files is missing")
    documents: dict[str, Any] = {}
    for entry in sorted(sets_dir.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            name = f"{SETS_DIR}/{entry.name}"
            documents[name] = _read_json(entry, name, digest)
    return build_catalogue(manifest, documents, digest=digest.hexdigest())


def _read_json(entry: Traversable, name: str, digest: Any) -> Any:
    try:
        raw = entry.read_bytes()
    except OSError as error:
        raise CatalogueError(f"{name}: cannot be read ({error})") from None
    digest.update(name.encode() + b"\0" + raw + b"\0")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise CatalogueError(f"{name}: not valid JSON ({error})") from None


def build_catalogue(manifest: Any, documents: Mapping[str, Any], *, digest: str = "") -> Catalogue:
    """Validate parsed catalogue documents and assemble the Catalogue."""
    version, metas = _parse_manifest(manifest)
    indicators: dict[str, list[Indicator]] = {}
    seen: dict[str, str] = {}
    for name, document in documents.items():
        set_id, raw_items = _parse_document(name, document, metas, indicators)
        meta = metas[set_id]
        items = indicators.setdefault(set_id, [])
        for position, raw in enumerate(raw_items):
            indicator = parse_indicator(raw, meta, f"{name}, indicator #{position + 1}")
            if indicator.id in seen:
                raise DuplicateIdError(
                    f"{name}: duplicate indicator id {indicator.id!r} "
                    f"(also in {seen[indicator.id]})",
                    items=[indicator.id],
                )
            seen[indicator.id] = name
            items.append(indicator)
    missing = [set_id for set_id in metas if set_id not in indicators]
    if missing:
        raise CatalogueError(f"no indicator file for set(s): {', '.join(missing)}", items=missing)
    by_id = {i.id: i for items in indicators.values() for i in items}
    sets = tuple(
        dataclasses.replace(
            meta, indicators=tuple(_resolve(i, by_id, metas, seen) for i in indicators[set_id])
        )
        for set_id, meta in metas.items()
    )
    for indicator_set in sets:
        _check_counts(indicator_set, manifest)
    return Catalogue(version=version, sets=sets, digest=digest)


def _parse_manifest(manifest: Any) -> tuple[str, dict[str, IndicatorSet]]:
    if not isinstance(manifest, dict):
        raise CatalogueError(f"{MANIFEST}: expected a JSON object")
    if manifest.get("format") != FORMAT:
        raise CatalogueError(f"{MANIFEST}: format must be {FORMAT}, got {manifest.get('format')!r}")
    version = manifest.get("version")
    if not isinstance(version, str) or not _VERSION.match(version):
        raise CatalogueError(f"{MANIFEST}: version {version!r} is missing or not a version string")
    raw_sets = manifest.get("sets")
    if not isinstance(raw_sets, list) or not raw_sets:
        raise CatalogueError(f"{MANIFEST}: 'sets' must be a non-empty list")
    metas: dict[str, IndicatorSet] = {}
    prefixes: dict[str, str] = {}
    for position, raw in enumerate(raw_sets):
        meta = parse_set_meta(raw, f"{MANIFEST}, set #{position + 1}")
        if meta.id in metas:
            raise DuplicateIdError(
                f"{MANIFEST}: set {meta.id!r} is declared twice", items=[meta.id]
            )
        if meta.prefix in prefixes:
            raise DuplicateIdError(
                f"{MANIFEST}: sets {prefixes[meta.prefix]!r} and {meta.id!r} share prefix "
                f"{meta.prefix!r}",
                items=[meta.id],
            )
        metas[meta.id] = meta
        prefixes[meta.prefix] = meta.id
    return version, metas


def _parse_document(
    name: str, document: Any, metas: Mapping[str, IndicatorSet], done: Mapping[str, Any]
) -> tuple[str, list[Any]]:
    if not isinstance(document, dict) or set(document) != {"set", "indicators"}:
        raise CatalogueError(f"{name}: expected an object with exactly 'set' and 'indicators'")
    set_id = document["set"]
    if set_id not in metas:
        raise UnknownSetError(
            f"{name}: set {set_id!r} is not declared in {MANIFEST} (declared: {', '.join(metas)})",
            items=[str(set_id)],
        )
    if set_id in done:
        raise DuplicateIdError(f"{name}: a second file for set {set_id!r}", items=[set_id])
    if not isinstance(document["indicators"], list):
        raise CatalogueError(f"{name}: 'indicators' must be a list")
    return set_id, document["indicators"]


def _resolve(
    indicator: Indicator,
    by_id: Mapping[str, Indicator],
    metas: Mapping[str, IndicatorSet],
    files_of: Mapping[str, str],
) -> Indicator:
    """Check references; a signal takes dimension, phase and strength from its target."""
    where = f"{files_of[indicator.id]}: {indicator.id}"
    if indicator.derived_from is not None:
        base = by_id.get(indicator.derived_from)
        if base is None:
            raise UnknownIndicatorError(
                f"{where}: derived_from names unknown indicator {indicator.derived_from!r}",
                items=[indicator.derived_from],
            )
        if base.dimension != indicator.dimension:
            raise CatalogueError(
                f"{where}: dimension {indicator.dimension} differs from that of "
                f"{base.id} ({base.dimension})",
                items=[indicator.id],
            )
    if indicator.maps_to is None:
        return indicator
    target = by_id.get(indicator.maps_to)
    if target is None:
        raise UnknownIndicatorError(
            f"{where}: maps_to names unknown indicator {indicator.maps_to!r}",
            items=[indicator.maps_to],
        )
    if not metas[target.set_id].is_evaluable or target.dimension is None:
        raise CatalogueError(
            f"{where}: maps_to must name a counted indicator of an indicator set, "
            f"not {target.id!r}",
            items=[indicator.id],
        )
    return dataclasses.replace(
        indicator, dimension=target.dimension, phase=target.phase, strength=target.strength
    )


def _check_counts(indicator_set: IndicatorSet, manifest: Mapping[str, Any]) -> None:
    """A set that states its counts per dimension (a verified fact) must still match them."""
    raw = next(s for s in manifest["sets"] if s.get("id") == indicator_set.id)
    expected = raw.get("expected_counts")
    if expected is None:
        return
    actual = {str(d): n for d, n in indicator_set.counts_per_dimension().items() if d}
    wanted = {str(d): expected.get(str(d), 0) for d in Dimension}
    if actual != wanted:
        raise CatalogueError(
            f"{MANIFEST}: set {indicator_set.id!r} has {actual} indicators per dimension, "
            f"expected {wanted}",
            items=[indicator_set.id],
        )

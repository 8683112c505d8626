"""One linkage run inside an installation: encode every organisation's identity records with
the linkage key, link them without names, and turn the clusters into candidate returns.

In a network of installations each organisation encodes its own extract (`schakel link
encode`) and only encoded files reach the linking party (`schakel link match`); this run does
the same steps in one place for a single installation, such as the demo. The linking step sees
only keyed tokens and Bloom filters: it is handed the encoded table, never the frame.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from django.utils.translation import gettext_noop

from schakel.engine.linkage import LinkageKey, MatchOptions, match_tables
from schakel.engine.linkage.encode import encode_frame
from schakel.engine.linkage.explain import agreement
from schakel.engine.linkage.identity_schema import IDENTITY_SCHEMA
from schakel.engine.linkage.keys import record_tokens
from schakel.engine.returns import detect_returns, group_by_cluster
from schakel.engine.trajectories import Event
from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import Access, do_record_accesses
from schakel.web.core.crypto import decrypt_json
from schakel.web.linkage.actions.candidates import do_store_candidates
from schakel.web.organisations.roles import SystemActor
from schakel.web.trajectories.models import Trajectory, TrajectoryEvent

SCHEMA = IDENTITY_SCHEMA
PURPOSE = "record linkage to detect returns"
Progress = Callable[[int, str], None]


def _no_progress(percent: int, step: str) -> None:
    return None


@dataclass(frozen=True)
class LinkageRun:
    records: int
    linked_pairs: int
    persons: int
    candidates: int
    new_candidates: int
    seconds: float
    candidate_pairs: int = 0
    threshold_weight: float | None = None
    threshold_probability: float | None = None
    estimated_precision: float | None = None
    encoding: str = ""


def _extract() -> pd.DataFrame:
    rows = []
    trajectories = (
        Trajectory.objects.filter(person__identity__isnull=False)  # erased persons: no identity
        .select_related("person__identity")
        .order_by("pk")
    )
    for trajectory in trajectories.iterator(chunk_size=2000):
        identity = decrypt_json(trajectory.person.identity.ciphertext)
        identifiers = identity.get("identifiers") or {}
        rows.append(
            {
                "trajectory": str(trajectory.pk),
                "given_names": identity.get("given_names"),
                "family_name": identity.get("family_name"),
                "date_of_birth": identity.get("date_of_birth"),
                "date_of_birth_estimated": identity.get("date_of_birth_estimated", False),
                "sex": identity.get("sex"),
                "nationality": identity.get("nationality"),
                "place_of_birth": identity.get("place_of_birth"),
                "bsn": identifiers.get("bsn"),
                "v_number": identifiers.get("v_number"),
                "passport": identifiers.get("passport"),
                "phone": identity.get("phone"),
            }
        )
    do_record_accesses(
        actor=SystemActor("linkage"),
        accesses=[
            Access(AuditEntry.Action.READ, "identity", row["trajectory"], PURPOSE) for row in rows
        ],
    )
    return pd.DataFrame(rows)


def do_link_and_detect_returns(
    *, key: LinkageKey, options: MatchOptions | None = None, progress: Progress = _no_progress
) -> LinkageRun:
    """Link and store new candidates. Running it again adds only candidates not yet stored
    (and audits the reads again, as they happen again), so a retry after a lost worker is safe."""
    began = time.perf_counter()
    progress(5, gettext_noop("Reading identity records"))
    frame = _extract()
    progress(25, gettext_noop("Encoding"))
    encoded, _ = encode_frame(frame, SCHEMA, key, name="installation")
    del frame  # nothing below sees a name
    progress(40, gettext_noop("Linking records"))
    result = match_tables(encoded, None, options)
    progress(80, gettext_noop("Looking for returns"))
    ids = [str(pk) for pk in Trajectory.objects.order_by("pk").values_list("pk", flat=True)]
    tokens = dict(zip(record_tokens(key, ids), ids, strict=True))
    assignments = [
        (tokens[row.record_id], str(row.cluster_id))
        for row in result.clusters.itertuples()
        if row.record_id in tokens
    ]
    clusters = {c: m for c, m in group_by_cluster(assignments).items() if len(m) > 1}
    members = [t for m in clusters.values() for t in m]
    events: dict[str, list[Event]] = {t: [] for t in members}
    for event in TrajectoryEvent.objects.filter(trajectory_id__in=members).order_by("occurred_at"):
        events[str(event.trajectory_id)].append(event.as_engine_event())
    probability = _cluster_probability(result.pairs)
    found = detect_returns(clusters, events, probability)
    progress(95, gettext_noop("Storing possible returns"))
    row_of = {tokens[r]: i for i, r in enumerate(encoded["record_id"].to_pylist()) if r in tokens}
    agreements = {
        (c.earlier_trajectory, c.later_trajectory): agreement(
            encoded, row_of[c.earlier_trajectory], row_of[c.later_trajectory]
        )
        for c in found
    }
    new = do_store_candidates(candidates=found, agreements=agreements)
    return LinkageRun(
        records=len(tokens),
        linked_pairs=result.linked_pairs,
        persons=result.clusters["cluster_id"].nunique(),
        candidates=len(found),
        new_candidates=new,
        seconds=time.perf_counter() - began,
        candidate_pairs=len(result.candidates),
        threshold_weight=float(result.threshold.match_weight),
        threshold_probability=float(result.threshold.match_probability),
        estimated_precision=float(result.threshold.estimated_precision),
        encoding=SCHEMA.fingerprint,
    )


def _cluster_probability(pairs: pd.DataFrame) -> dict[str, float]:
    """The weakest linked pair of a cluster: a chain is only as certain as its weakest link."""
    linked = pairs[pairs["linked"]]
    return {
        str(cluster): float(group["match_probability"].min())
        for cluster, group in linked.groupby("cluster_id")
    }

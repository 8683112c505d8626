"""The synthetic-region linkage evaluation, importable by the benchmark script and its test.

The region generator knows who is who (`IdentityRecord.person_key`); the linkage only sees the
encoded extract. Everything here that reads `person_key` or `perturbations` is evaluation.
"""

from __future__ import annotations

import resource
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from linkage_synthetic_attacks import AttackReport, group_order, print_attacks, run_attacks

from schakel.engine.linkage import LinkageKey, MatchOptions, match_tables
from schakel.engine.linkage.encode import encode_frame
from schakel.engine.linkage.evaluate import blocking_metrics, cluster_metrics, pairwise_metrics
from schakel.engine.linkage.identity_schema import IDENTITY_SCHEMA
from schakel.engine.linkage.keys import record_tokens
from schakel.engine.returns import CandidateReturn, detect_returns, group_by_cluster
from schakel.engine.synth import RegionParameters, SyntheticRegion, generate_region
from schakel.engine.synth.identities import IdentityRecord
from schakel.engine.trajectories import Event

# A fixed, public key: Bloom positions depend on the key, so runs are reproducible. Never use it
# for real data.
BENCHMARK_KEY = LinkageKey(b"schakel benchmark key: public, for reproducible runs only")

SCHEMA = IDENTITY_SCHEMA


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def extract(region: SyntheticRegion) -> pd.DataFrame:
    """What the organisations wrote down: one row per identity record (= trajectory)."""
    rows = [
        {
            "trajectory": record.trajectory_key,
            "given_names": record.given_names,
            "family_name": record.family_name,
            "date_of_birth": record.date_of_birth,
            "date_of_birth_estimated": record.dob_estimated,
            "sex": record.sex.value,
            "nationality": record.nationality,
            "place_of_birth": record.place_of_birth,
            "bsn": record.bsn,
            "v_number": record.v_number,
            "passport": record.passport,
            "phone": record.phone,
        }
        for record in region.identity_records
    ]
    return pd.DataFrame(rows)


@dataclass
class GroupRow:
    """Per nationality of the true person."""

    nationality: str
    persons: int
    records: int
    true_pairs: int
    pair_recall: float
    multi_clusters: int
    over_merge_rate: float
    true_returns: int = 0
    return_recall: float = float("nan")
    false_alerts: int = 0
    false_alerts_per_1000_year: float = float("nan")


@dataclass(frozen=True)
class MissedPair:
    """A true same-person pair that did not end up in one predicted cluster, and why."""

    nationality: str
    reason: str  # not a candidate / below the threshold / refused by clustering
    date: str  # what the two dates of birth were like
    weight: float | None
    perturbations: tuple[str, ...]
    records: tuple[tuple[object, ...], tuple[object, ...]]  # names, date, place (synthetic)


@dataclass
class Evaluation:
    persons: int
    years: int
    records: int
    precision: float
    recall: float
    f1: float
    bcubed_precision: float
    bcubed_recall: float
    over_merge_rate: float
    over_merged_clusters: int
    multi_record_clusters: int
    pair_completeness: float
    reduction_ratio: float
    candidates: int
    true_pairs: int
    threshold: str
    seconds: dict[str, float]
    wall_seconds: float
    peak_mb: float
    true_returns: int
    predicted_returns: int
    returns_found: int
    false_alerts: int
    groups: list[GroupRow] = field(default_factory=list)
    attacks: AttackReport | None = None
    missed: list[MissedPair] = field(default_factory=list)
    attack_groups: list[str] = field(default_factory=list)

    @property
    def return_recall(self) -> float:
        return self.returns_found / self.true_returns if self.true_returns else float("nan")

    @property
    def false_alerts_per_1000_year(self) -> float:
        return self.false_alerts / (self.persons / 1000) / self.years


def _pairs_within(sizes: Iterable[int]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes)


def _group_linkage(
    truth: np.ndarray, labels: np.ndarray, nationality: np.ndarray
) -> dict[str, tuple[int, float, int, float]]:
    """Per nationality: true pairs, their recall, multi-record clusters touching the group and
    the share of those holding more than one true person."""
    frame = pd.DataFrame({"truth": truth, "label": labels, "nat": nationality})
    cell = frame.groupby(["truth", "label"]).size()
    found_by_person = (cell * (cell - 1) // 2).groupby(level="truth").sum()
    size_by_person = frame.groupby("truth").size()
    true_by_person = size_by_person * (size_by_person - 1) // 2
    nat_of_person = frame.groupby("truth")["nat"].first()
    per_cluster = frame.groupby("label")["truth"].agg(["size", "nunique"])
    multi = per_cluster[per_cluster["size"] >= 2]
    over = multi["nunique"] > 1
    touching = frame[frame["label"].isin(multi.index)].groupby("nat")["label"].unique()
    out = {}
    for nat in sorted(set(nationality)):
        persons = nat_of_person.index[nat_of_person == nat]
        true_pairs = int(true_by_person.loc[persons].sum())
        found = int(found_by_person.loc[persons].sum())
        clusters = touching.get(nat, np.array([]))
        merged = int(over.loc[clusters].sum()) if len(clusters) else 0
        out[nat] = (
            true_pairs,
            found / true_pairs if true_pairs else float("nan"),
            len(clusters),
            merged / len(clusters) if len(clusters) else float("nan"),
        )
    return out


def _returns(
    clusters: Mapping[str, list[str]], events: Mapping[str, list[Event]]
) -> set[tuple[str, str]]:
    multi = {c: m for c, m in clusters.items() if len(m) > 1}
    found: list[CandidateReturn] = detect_returns(multi, events)
    return {(c.earlier_trajectory, c.later_trajectory) for c in found}


def date_situation(a: IdentityRecord, b: IdentityRecord) -> str:
    """The dates of birth of a pair as the linkage saw them."""
    if a.date_of_birth is None or b.date_of_birth is None:
        return "missing on one side"
    if a.dob_estimated or b.dob_estimated:
        apart = abs(int(a.date_of_birth[:4]) - int(b.date_of_birth[:4]))
        if apart == 0:
            return "one estimated, same year"
        return f"one estimated, {apart} year{'s' if apart > 1 else ''} apart"
    return "same real date" if a.date_of_birth == b.date_of_birth else "real dates differ"


def missed_pairs(
    truth: np.ndarray,
    labels: np.ndarray,
    records: list[IdentityRecord],
    candidates: set[tuple[int, int]],
    weights: Mapping[tuple[int, int], float],
    threshold: float,
) -> list[MissedPair]:
    """Every true pair (rows of the encoded table) the clusters did not join, with a reason."""
    rows_of: dict[int, list[int]] = defaultdict(list)
    for row, person in enumerate(truth.tolist()):
        rows_of[person].append(row)
    out = []
    for rows in rows_of.values():
        for x, i in enumerate(rows):
            for j in rows[x + 1 :]:
                if labels[i] == labels[j]:
                    continue
                pair = (min(i, j), max(i, j))
                weight = weights.get(pair)
                if pair not in candidates:
                    reason = "not a candidate"
                elif weight is not None and weight >= threshold:
                    reason = "refused by clustering"
                else:
                    reason = "below the threshold"
                a, b = records[i], records[j]
                out.append(
                    MissedPair(
                        nationality=a.nationality or b.nationality or "?",
                        reason=reason,
                        date=date_situation(a, b),
                        weight=weight,
                        perturbations=tuple(sorted({*a.perturbations, *b.perturbations})),
                        records=tuple(
                            (r.given_names, r.family_name, r.date_of_birth, r.place_of_birth)
                            for r in (a, b)
                        ),  # type: ignore[arg-type]
                    )
                )
    return out


def evaluate_region(
    persons: int,
    seed: int,
    *,
    options: MatchOptions | None = None,
    min_group_records: int = 100,
    attack: bool = True,
    progress: bool = False,
) -> Evaluation:
    """Generate, encode, deduplicate, and score a synthetic region against its truth."""

    def say(text: str) -> None:
        if progress:
            print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)

    seconds: dict[str, float] = {}
    began = time.perf_counter()
    params = RegionParameters(persons=persons, seed=seed)
    region = generate_region(params)
    seconds["generate"] = time.perf_counter() - began
    say(f"region: {len(region.identity_records):,} identity records")

    frame = extract(region)
    linkage_began = time.perf_counter()
    encoded, _ = encode_frame(frame, SCHEMA, BENCHMARK_KEY, name="region")
    seconds["encode"] = time.perf_counter() - linkage_began
    say("encoded")
    # Every scored pair is kept (not only likely ones), to say why true pairs were missed.
    result = match_tables(
        encoded, None, replace(options or MatchOptions(), report_min_probability=0.0)
    )
    seconds.update(result.seconds)
    linkage_wall = time.perf_counter() - linkage_began
    say("matched")

    # Map clusters back to identity records (the source keeps id -> token; truth read here).
    ids = list(frame["trajectory"])
    token_to_id = dict(zip(record_tokens(BENCHMARK_KEY, ids), ids, strict=True))
    cluster_of = {
        token_to_id[r]: str(c)
        for r, c in zip(result.clusters["record_id"], result.clusters["cluster_id"], strict=True)
    }
    by_trajectory = {r.trajectory_key: r for r in region.identity_records}
    person_nat = {p.key: p.nationality for p in region.persons}
    table_ids = [token_to_id[r] for r in encoded["record_id"].to_pylist()]
    person_codes = {k: i for i, k in enumerate(sorted(person_nat))}
    truth = np.array([person_codes[by_trajectory[t].person_key] for t in table_ids], np.int64)
    label_codes: dict[str, int] = {}
    labels = np.array(
        [label_codes.setdefault(cluster_of[t], len(label_codes)) for t in table_ids], np.int64
    )
    nationality = np.array([person_nat[by_trajectory[t].person_key] for t in table_ids])

    pairs = pairwise_metrics(truth, labels)
    clusters = cluster_metrics(truth, labels)
    # candidates carry row positions in the encoded table
    candidates = result.candidates
    blocking = blocking_metrics(truth, truth, candidates.left, candidates.right, dedupe=True)

    # Returns: predicted clusters against the true persons, same events.
    events = {t.key: t.projection_events() for t in region.trajectories}
    predicted_clusters = group_by_cluster(cluster_of.items())
    true_clusters = group_by_cluster(
        (r.trajectory_key, r.person_key) for r in region.identity_records
    )
    true_returns = _returns(true_clusters, events)
    predicted_returns = _returns(predicted_clusters, events)
    found = true_returns & predicted_returns
    false = predicted_returns - true_returns
    say("returns detected")

    years = params.years
    evaluation = Evaluation(
        persons=len(region.persons),
        years=years,
        records=len(frame),
        precision=pairs.precision,
        recall=pairs.recall,
        f1=pairs.f1,
        bcubed_precision=clusters.bcubed_precision,
        bcubed_recall=clusters.bcubed_recall,
        over_merge_rate=clusters.over_merge_rate,
        over_merged_clusters=clusters.over_merged_clusters,
        multi_record_clusters=clusters.multi_record_clusters,
        pair_completeness=blocking.pair_completeness,
        reduction_ratio=blocking.reduction_ratio,
        candidates=blocking.candidate_pairs,
        true_pairs=blocking.true_pairs,
        threshold=f"weight {result.threshold.match_weight:.2f} "
        f"(p {result.threshold.match_probability:.3f}; {result.threshold.reason})",
        seconds=seconds,
        wall_seconds=linkage_wall,
        peak_mb=peak_mb(),
        true_returns=len(true_returns),
        predicted_returns=len(predicted_returns),
        returns_found=len(found),
        false_alerts=len(false),
    )

    # Per nationality of the true person (of the earlier trajectory for returns: that
    # person's coordinator receives the alert).
    nat_of_trajectory = {
        r.trajectory_key: person_nat[r.person_key] for r in region.identity_records
    }
    persons_by_nat = Counter(person_nat.values())
    records_by_nat = Counter(nationality.tolist())
    linkage_groups = _group_linkage(truth, labels, nationality)
    true_by_nat = Counter(nat_of_trajectory[e] for e, _ in true_returns)
    found_by_nat = Counter(nat_of_trajectory[e] for e, _ in found)
    false_by_nat = Counter(nat_of_trajectory[e] for e, _ in false)
    for nat, (true_pairs, recall, multi, over) in linkage_groups.items():
        if records_by_nat[nat] < min_group_records:
            continue
        evaluation.groups.append(
            GroupRow(
                nationality=nat,
                persons=persons_by_nat[nat],
                records=records_by_nat[nat],
                true_pairs=true_pairs,
                pair_recall=recall,
                multi_clusters=multi,
                over_merge_rate=over,
                true_returns=true_by_nat[nat],
                return_recall=found_by_nat[nat] / true_by_nat[nat]
                if true_by_nat[nat]
                else float("nan"),
                false_alerts=false_by_nat[nat],
                false_alerts_per_1000_year=false_by_nat[nat] / (persons_by_nat[nat] / 1000) / years,
            )
        )

    row_of = {token: row for row, token in enumerate(encoded["record_id"].to_pylist())}
    weights = {
        (min(row_of[a], row_of[b]), max(row_of[a], row_of[b])): float(w)
        for a, b, w in zip(
            result.pairs["left_record_id"],
            result.pairs["right_record_id"],
            result.pairs["match_weight"],
            strict=True,
        )
    }
    evaluation.missed = missed_pairs(
        truth,
        labels,
        [by_trajectory[t] for t in table_ids],
        set(zip(candidates.left.tolist(), candidates.right.tolist(), strict=True)),
        weights,
        result.threshold.match_weight,
    )

    if attack:
        evaluation.attacks = run_attacks(
            frame, SCHEMA, BENCHMARK_KEY, encoded, by_trajectory, params
        )
        evaluation.attack_groups = group_order(region.identity_records, min_group_records)
    return evaluation


def print_missed(missed: list[MissedPair], *, details: bool = False) -> None:
    """Missed true pairs counted by reason and by what their dates of birth were like."""
    print(f"\nMissed true pairs: {len(missed):,}, by reason and date of birth\n")
    counts = Counter((m.reason, m.date) for m in missed)
    for (reason, date), count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        print(f"  {count:5,}  {reason:<24} {date}")
    changed = Counter(
        kind for m in missed for kind in m.perturbations if kind in ("alias", "married_name")
    )
    print(f"  (of which a name replaced: alias {changed['alias']}, married name "
          f"{changed['married_name']})")  # fmt: skip
    if details:
        for m in sorted(missed, key=lambda m: (m.reason, -(m.weight or -99.0))):
            weight = "   -  " if m.weight is None else f"{m.weight:6.2f}"
            print(f"  {m.reason:<22} {weight} {m.nationality} {m.date:<26} "
                  f"{m.records[0]} ~ {m.records[1]} {', '.join(m.perturbations)}")  # fmt: skip


def print_report(evaluation: Evaluation, *, list_missed: bool = False) -> None:
    e = evaluation
    print(
        f"\nSynthetic region: {e.persons:,} persons over {e.years} years, {e.records:,} identity "
        f"records (one per trajectory), {e.true_pairs:,} true same-person pairs\n"
    )
    header = (
        f"{'P':>7} {'R':>7} {'F1':>7} {'B3 P':>7} {'B3 R':>7} {'overmrg':>8} {'PC':>7} "
        f"{'RR':>9} {'cands':>9} {'wall s':>7} {'peak MB':>8}"
    )
    print(header)
    print("-" * len(header))
    print(
        f"{e.precision:7.4f} {e.recall:7.4f} {e.f1:7.4f} {e.bcubed_precision:7.4f} "
        f"{e.bcubed_recall:7.4f} {e.over_merge_rate:8.4f} {e.pair_completeness:7.4f} "
        f"{e.reduction_ratio:9.6f} {e.candidates:9,} {e.wall_seconds:7.1f} {e.peak_mb:8.0f}"
    )
    print(
        f"  over-merged clusters: {e.over_merged_clusters} of {e.multi_record_clusters} with "
        f"two or more records"
    )
    print(f"  threshold: {e.threshold}")
    print("  seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in e.seconds.items()))
    print("  wall s = encode + match (generation excluded); peak MB = whole process")

    print(
        f"\nReturn detection (detect_returns on predicted clusters vs on true persons)\n"
        f"  true candidate returns: {e.true_returns:,}; found: {e.returns_found:,} "
        f"(recall {e.return_recall:.4f}); predicted: {e.predicted_returns:,}; false alerts: "
        f"{e.false_alerts:,} = {e.false_alerts_per_1000_year:.2f} per 1,000 persons per year"
    )

    print("\nPer nationality of the true person (groups with enough records)\n")
    header = (
        f"{'nat':<4} {'persons':>8} {'records':>8} {'true pr':>8} {'pair R':>7} "
        f"{'multi cl':>9} {'overmrg':>8} {'returns':>8} {'ret R':>7} {'false':>6} "
        f"{'false/1k/yr':>12}"
    )
    print(header)
    print("-" * len(header))
    for g in e.groups:
        print(
            f"{g.nationality:<4} {g.persons:8,} {g.records:8,} {g.true_pairs:8,} "
            f"{g.pair_recall:7.4f} {g.multi_clusters:9,} {g.over_merge_rate:8.4f} "
            f"{g.true_returns:8,} {g.return_recall:7.4f} {g.false_alerts:6,} "
            f"{g.false_alerts_per_1000_year:12.2f}"
        )
    print(
        "  over-merge per group: share of multi-record predicted clusters holding a record of "
        "that group that hold more than one true person; returns by the earlier trajectory"
    )

    print_missed(e.missed, details=list_missed)

    if e.attacks is not None:
        print_attacks(e.attacks, e.attack_groups)

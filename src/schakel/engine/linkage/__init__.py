"""Privacy-preserving record linkage: follow a person across organisations without names.

At each source (holds the key):
    schema = load_schema("schema.toml"); key = load_key("linkage.key")  # or SCHAKEL_LINKAGE_KEY
    encode_file("extract.csv", schema, "encoded.parquet", key=key)

At the linking party (holds no key):
    match_files("a.parquet", "b.parquet", "links.csv", clusters_out="persons.csv")
    match_files("a.parquet", None, "duplicates.csv")  # deduplicate one file

See docs/linkage.md for the encoding, the model, the threshold choice and measured quality.
"""

from schakel.engine.linkage.candidates import CandidateOptions, CandidatePairs, candidate_pairs
from schakel.engine.linkage.cluster import (
    Clustering,
    ThresholdChoice,
    choose_threshold,
    cluster_pairs,
)
from schakel.engine.linkage.dates import PartialDate, UnparseableDate, parse_date
from schakel.engine.linkage.dice import dice_all_pairs, dice_pairs
from schakel.engine.linkage.encode import EncodeReport, encode_file, encode_frame
from schakel.engine.linkage.evaluate import (
    BlockingMetrics,
    ClusterMetrics,
    PairMetrics,
    blocking_metrics,
    cluster_metrics,
    pairwise_metrics,
)
from schakel.engine.linkage.files import LinkageFileError, read_encoded
from schakel.engine.linkage.keys import (
    KEY_ENVIRONMENT_VARIABLE,
    LinkageKey,
    LinkageKeyError,
    load_key,
    new_key_text,
    record_token,
)
from schakel.engine.linkage.match import (
    MatchOptions,
    MatchResult,
    match_files,
    match_tables,
    without_decoys,
)
from schakel.engine.linkage.records import ExtractError
from schakel.engine.linkage.schema import EncodingSchema, Role, SchemaError, load_schema
from schakel.engine.linkage.splink_model import ModelOptions, ModelTrainingError, TrainingReport

__all__ = [
    "KEY_ENVIRONMENT_VARIABLE",
    "BlockingMetrics",
    "CandidateOptions",
    "CandidatePairs",
    "ClusterMetrics",
    "Clustering",
    "EncodeReport",
    "EncodingSchema",
    "ExtractError",
    "LinkageFileError",
    "LinkageKey",
    "LinkageKeyError",
    "MatchOptions",
    "MatchResult",
    "ModelOptions",
    "ModelTrainingError",
    "PairMetrics",
    "PartialDate",
    "Role",
    "SchemaError",
    "ThresholdChoice",
    "TrainingReport",
    "UnparseableDate",
    "blocking_metrics",
    "candidate_pairs",
    "choose_threshold",
    "cluster_metrics",
    "cluster_pairs",
    "dice_all_pairs",
    "dice_pairs",
    "encode_file",
    "encode_frame",
    "load_key",
    "load_schema",
    "match_files",
    "match_tables",
    "new_key_text",
    "pairwise_metrics",
    "parse_date",
    "read_encoded",
    "record_token",
    "without_decoys",
]

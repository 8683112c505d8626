"""A seeded synthetic region with known ground truth, for demos, seeds and method validation.

    region = generate_region(RegionParameters(seed=7, persons=2_000))
    write_ground_truth(region, Path("out"))

The same parameters always give the same region. See docs/synthetic-region.md for the model.
"""

from schakel.engine.synth.event_log import region_event_log
from schakel.engine.synth.follow_up import EpisodeTruth, Observation
from schakel.engine.synth.ground_truth import region_digest, write_ground_truth
from schakel.engine.synth.hazards import Covariates, Outcome, linear_predictor
from schakel.engine.synth.identities import IdentityRecord, Person, bsn_is_valid
from schakel.engine.synth.organisations import Organisation, Professional
from schakel.engine.synth.params import (
    HazardCoefficients,
    InvalidParameters,
    RegionParameters,
    WeibullBaseline,
)
from schakel.engine.synth.region import SyntheticRegion, generate_region
from schakel.engine.synth.timeline import SyntheticEvent, Trajectory

__all__ = [
    "Covariates",
    "EpisodeTruth",
    "HazardCoefficients",
    "IdentityRecord",
    "InvalidParameters",
    "Observation",
    "Organisation",
    "Outcome",
    "Person",
    "Professional",
    "RegionParameters",
    "SyntheticEvent",
    "SyntheticRegion",
    "Trajectory",
    "WeibullBaseline",
    "bsn_is_valid",
    "generate_region",
    "linear_predictor",
    "region_digest",
    "region_event_log",
    "write_ground_truth",
]

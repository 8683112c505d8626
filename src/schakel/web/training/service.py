"""What other apps use of the training register."""

from __future__ import annotations

from schakel.web.training.actions import do_seed_training_register

__all__ = [
    "do_seed_training_register",  # demo trainings and records (does nothing a second time)
]

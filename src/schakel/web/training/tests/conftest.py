from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from django.utils import translation

from schakel.engine.vocabulary import Role
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.training.actions import do_register_training, do_register_training_record
from schakel.web.training.models import Training, TrainingRecord


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """Messages are matched in English, the source language, whatever the catalogue says."""
    with translation.override("en"):
        yield


@pytest.fixture
def registrar(org_a: Organisation, member: Callable[..., Membership]) -> Membership:
    return member(org_a, Role.ADMINISTRATOR)


@pytest.fixture
def signalling(registrar: Membership) -> Training:
    return do_register_training(
        actor=registrar,
        name="Basistraining signaleren",
        topic="signalling",
        provider="Opleider A",
        validity_months=24,
    )


@pytest.fixture
def meldcode_training(registrar: Membership) -> Training:
    return do_register_training(
        actor=registrar,
        name="Meldcode in de praktijk",
        topic="meldcode",
        provider="Opleider B",
        validity_months=12,
    )


@pytest.fixture
def completed(registrar: Membership) -> Callable[..., TrainingRecord]:
    def make(membership: Membership, training: Training, on: dt.date) -> TrainingRecord:
        return do_register_training_record(
            actor=registrar, user=membership.user, training=training, completed_on=on
        )

    return make

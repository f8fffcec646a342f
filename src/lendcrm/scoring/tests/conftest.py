from __future__ import annotations

import json
import warnings
from typing import Any

import pytest

from lendcrm.scoring.tests.applicant_data import SPECIAL_INCOME, generate_applicants
from lendcrm.scoring.training import TrainingOptions, TrainingResult, train_scorecard


@pytest.fixture(scope="session")
def trained() -> TrainingResult:
    """One card trained on 3,000 generated applicants, shared by the scoring tests."""
    frame = generate_applicants(3000, seed=11).drop(columns=["applicant_id"])
    options = TrainingOptions(target="is_bad", special_codes=(SPECIAL_INCOME,), name="test-card")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return train_scorecard(frame, options)


@pytest.fixture
def card(trained: TrainingResult) -> dict[str, Any]:
    """The card as the scorer receives it: after a JSON round trip."""
    loaded: dict[str, Any] = json.loads(json.dumps(trained.card))
    return loaded

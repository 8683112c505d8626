"""Indicator catalogue, the ILO/EC decision rule and the next questions of a signal check.

catalogue = load_catalogue()
result = evaluate(catalogue, "adults-labour", {"AL-D4-01": "present", ...})
result.outcome, result.positive_dimensions, result.next_questions
"""

from schakel.engine.indicators.errors import (
    CatalogueError,
    DuplicateIdError,
    InvalidAnswerError,
    InvalidStrengthError,
    MissingTextError,
    NotEvaluableError,
    TooManyAnswersError,
    UnknownDimensionError,
    UnknownIndicatorError,
    UnknownSetError,
)
from schakel.engine.indicators.evaluation import (
    Answer,
    DimensionResult,
    DimensionStatus,
    Evaluation,
    Outcome,
    SignalEvidence,
    evaluate,
)
from schakel.engine.indicators.loader import build_catalogue, load_catalogue
from schakel.engine.indicators.model import (
    DIMENSION_LABELS,
    Catalogue,
    Dimension,
    Indicator,
    IndicatorSet,
    Phase,
    Population,
    SetKind,
    Strength,
    Text,
    Verification,
)
from schakel.engine.indicators.questions import Question
from schakel.engine.indicators.rule import (
    ADULT_RULE,
    CHILD_RULE,
    COMBINATION_RULES,
    CombinationRule,
    is_positive,
)

__all__ = [
    "ADULT_RULE",
    "CHILD_RULE",
    "COMBINATION_RULES",
    "DIMENSION_LABELS",
    "Answer",
    "Catalogue",
    "CatalogueError",
    "CombinationRule",
    "Dimension",
    "DimensionResult",
    "DimensionStatus",
    "DuplicateIdError",
    "Evaluation",
    "Indicator",
    "IndicatorSet",
    "InvalidAnswerError",
    "InvalidStrengthError",
    "MissingTextError",
    "NotEvaluableError",
    "Outcome",
    "Phase",
    "Population",
    "Question",
    "SetKind",
    "SignalEvidence",
    "Strength",
    "Text",
    "TooManyAnswersError",
    "UnknownDimensionError",
    "UnknownIndicatorError",
    "UnknownSetError",
    "Verification",
    "build_catalogue",
    "evaluate",
    "is_positive",
    "load_catalogue",
]

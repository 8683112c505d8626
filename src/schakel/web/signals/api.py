"""Signal endpoints: the catalogue, an evaluation and the action perspective.

All three are public (no account), like the signal check itself, and store nothing. A set or
indicator the catalogue does not know gets a 422 in the shared error format, naming the item.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext, gettext_lazy
from ninja import Query, Router, Status

from schakel.engine.indicators import (
    Catalogue,
    CatalogueError,
    Evaluation,
    Indicator,
    IndicatorSet,
    InvalidAnswerError,
    NotEvaluableError,
    Text,
    TooManyAnswersError,
    UnknownIndicatorError,
    UnknownSetError,
    evaluate,
)
from schakel.engine.indicators.perspective import (
    PHONE_NUMBERS,
    Perspective,
    Situation,
    action_perspective,
)
from schakel.web.core.api_types import PUBLIC_ERRORS
from schakel.web.core.errors import Error, error
from schakel.web.signals.catalogue import current_catalogue
from schakel.web.signals.schemas import (
    CatalogueOut,
    CatalogueQuery,
    EvaluateIn,
    EvaluationOut,
    IndicatorOut,
    IndicatorSetOut,
    PerspectiveIn,
    PerspectiveOut,
    RoleGuidanceOut,
    SignalContactOut,
    SignalDimensionOut,
    SignalEvidenceOut,
    SignalQuestionOut,
    SignalStepOut,
    SignalTextOut,
)

router = Router(tags=["signals"])


def _text(text: Text) -> SignalTextOut:
    return SignalTextOut(nl=text.nl, en=text.en)


def _indicator(i: Indicator) -> IndicatorOut:
    return IndicatorOut(
        id=i.id,
        dimension=i.dimension.value if i.dimension else None,
        phase=i.phase.value if i.phase else None,
        strength=i.strength.value if i.strength else None,
        label=_text(i.label),
        explanation=_text(i.explanation),
        source=i.source,
        verification=i.verification.value,
        provisional=i.provisional,
        observation_aid=i.is_observation_aid,
        maps_to=i.maps_to,
        derived_from=i.derived_from,
    )


def _set(s: IndicatorSet) -> IndicatorSetOut:
    return IndicatorSetOut(
        id=s.id,
        kind=s.kind.value,
        population=s.population.value,
        form=s.form.value if s.form else None,
        rule=s.rule,
        label=_text(s.label),
        source=s.source,
        verification=s.verification.value,
        provisional=s.provisional,
        note=s.note,
        indicators=[_indicator(i) for i in s.indicators],
    )


ERROR_CODES: dict[type[CatalogueError], tuple[str, str]] = {
    UnknownSetError: ("unknown_set", "set"),
    NotEvaluableError: ("not_evaluable", "set"),
    UnknownIndicatorError: ("unknown_indicator", "answers"),
    InvalidAnswerError: ("invalid_answer", "answers"),
    TooManyAnswersError: ("too_many_answers", "answers"),
}


ITEM_MESSAGES = {
    "unknown_indicator": gettext_lazy("No question of this set has this id."),
    "invalid_answer": gettext_lazy("Answer present, absent or unknown."),
}
LISTED_ITEMS = 20
"""The error names at most this many answers: its size must not grow with the input."""


def _catalogue_error(exc: CatalogueError) -> Status[Error]:
    code, field = ERROR_CODES.get(type(exc), ("invalid", "body"))
    if field != "answers" or not exc.items:
        return Status(422, error(code, str(exc), [(field, str(exc))]))
    per_item = str(ITEM_MESSAGES.get(code, exc))
    fields = [(f"answers.{item[:80]}", per_item) for item in exc.items[:LISTED_ITEMS]]
    message = gettext("%(count)d answers cannot be used.") % {"count": len(exc.items)}
    return Status(422, error(code, message, fields))


@router.get(
    "/catalogue",
    auth=None,
    response={200: CatalogueOut, **PUBLIC_ERRORS},
    summary="The indicator catalogue in force, or one set of it",
)
def get_catalogue(
    request: HttpRequest, query: Query[CatalogueQuery]
) -> CatalogueOut | Status[Error]:
    catalogue = current_catalogue()
    try:
        sets = [catalogue.get_set(query.set)] if query.set else list(catalogue.sets)
    except UnknownSetError as exc:
        return _catalogue_error(exc)
    return CatalogueOut(
        version=catalogue.version, digest=catalogue.digest, sets=[_set(s) for s in sets]
    )


def _evaluation(catalogue: Catalogue, result: Evaluation) -> EvaluationOut:
    return EvaluationOut(
        set=result.set_id,
        catalogue_version=catalogue.version,
        catalogue_digest=catalogue.digest,
        rule=result.rule,
        provisional=result.provisional,
        outcome=result.outcome.value,
        positive_dimensions=[d.value for d in result.positive_dimensions],
        dimensions=[
            SignalDimensionOut(
                dimension=d.dimension.value,
                status=d.status.value,
                present=list(d.present),
                absent=list(d.absent),
                unknown=list(d.unknown),
                strong=d.strong,
                medium=d.medium,
                weak=d.weak,
            )
            for d in result.dimensions
        ],
        next_questions=[
            SignalQuestionOut(
                indicator_id=q.indicator_id,
                dimension=q.dimension.value,
                strength=q.strength.value,
                steps_to_met=q.steps_to_met,
                completes_alone=q.completes_alone,
                rules_out_alone=q.rules_out_alone,
            )
            for q in result.next_questions
        ],
        evidence=[
            SignalEvidenceOut(signal_id=e.signal_id, indicator_id=e.indicator_id)
            for e in result.evidence
        ],
        observations=list(result.observations),
    )


@router.post(
    "/evaluate",
    auth=None,
    response={200: EvaluationOut, **PUBLIC_ERRORS},
    summary="Apply the decision rule to answers: outcome, why, and the next questions",
)
def post_evaluate(request: HttpRequest, body: EvaluateIn) -> EvaluationOut | Status[Error]:
    catalogue = current_catalogue()
    try:
        result = evaluate(catalogue, body.set, body.answers)
    except CatalogueError as exc:
        return _catalogue_error(exc)
    return _evaluation(catalogue, result)


def _perspective(p: Perspective) -> PerspectiveOut:
    return PerspectiveOut(
        outcome=p.situation.outcome.value,
        meaning=_text(p.meaning),
        steps=[
            SignalStepOut(
                code=s.code.value,
                priority=s.priority.value,
                title=_text(s.title),
                explanation=_text(s.explanation),
                contacts=[c.value for c in s.contacts],
                items=[_text(i) for i in s.items],
            )
            for s in p.steps
        ],
        role=RoleGuidanceOut(
            role=p.role.role.value,
            label=_text(p.role.label),
            powers=[_text(t) for t in p.role.powers],
            duties=[_text(t) for t in p.role.duties],
            reporting=_text(p.role.reporting),
            obliged_to_report=p.role.obliged_to_report,
        ),
        trust=[_text(t) for t in p.trust],
        contacts=[SignalContactOut(kind=c.value, phone=PHONE_NUMBERS.get(c)) for c in p.contacts],
    )


@router.post(
    "/perspective",
    auth=None,
    response={200: PerspectiveOut, **PUBLIC_ERRORS},
    summary="The next steps for an outcome, target group, form, role and region",
)
def post_perspective(request: HttpRequest, body: PerspectiveIn) -> PerspectiveOut:
    situation = Situation(
        outcome=body.outcome,
        minor=body.minor,
        form=body.form,
        role=body.role,
        region=body.region,
        foreign_national=body.foreign_national,
        domestic_setting=body.domestic_setting,
    )
    return _perspective(action_perspective(situation))


ROUTERS = {"/signals": router}
"""What the API app mounts (it finds this by name)."""

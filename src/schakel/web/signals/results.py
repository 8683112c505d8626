"""What the result and question pages show, assembled from the engine's plain data."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from schakel.engine.indicators import (
    DIMENSION_LABELS,
    Catalogue,
    Dimension,
    Evaluation,
    Indicator,
    IndicatorSet,
    Text,
)
from schakel.engine.indicators.perspective import (
    PHONE_NUMBERS,
    Perspective,
    Priority,
    Step,
    StepCode,
)
from schakel.engine.vocabulary import ExploitationForm
from schakel.web.core.labels import choices
from schakel.web.signals.check import CheckState
from schakel.web.signals.contacts import ContactLine, SituationContacts
from schakel.web.signals.labels import CONTACTS, DIMENSION_STATUSES, PRIORITIES

NEXT_QUESTIONS_SHOWN = 5
OTHER = "other"
PARTS = {f"d{index}": dimension for index, dimension in enumerate(Dimension, start=1)}


@dataclass(frozen=True)
class DimensionRow:
    code: str
    label: Text
    status: Any
    positive: bool
    present: list[Text]


@dataclass(frozen=True)
class StepView:
    step: Step
    priority: Any
    contacts: list[tuple[Any, str]]  # label ("" when the title names it), phone (or "")
    title: str = ""  # the step's title in the active language, without a number it repeats


def parts_of(catalogue: Catalogue, state: CheckState) -> list[tuple[str, Text | None]]:
    """The pages of the question list: one per dimension the set uses, then observation aids."""
    indicators = catalogue.indicators_of(state.set_id)
    used = {i.dimension for i in indicators}
    parts: list[tuple[str, Text | None]] = [
        (slug, DIMENSION_LABELS[d]) for slug, d in PARTS.items() if d in used
    ]
    if None in used:
        parts.append((OTHER, None))
    return parts


def indicators_of_part(catalogue: Catalogue, state: CheckState, part: str) -> list[Indicator]:
    dimension = PARTS.get(part)
    return [i for i in catalogue.indicators_of(state.set_id) if i.dimension == dimension]


def first_questions(
    catalogue: Catalogue, state: CheckState, evaluation: Evaluation, limit: int
) -> list[Indicator]:
    """The most decisive questions not yet asked; "I don't know" counts as asked."""
    fresh = [q for q in evaluation.next_questions if q.indicator_id not in state.answers]
    return [catalogue.indicator(q.indicator_id) for q in fresh[:limit]]


def examples(catalogue: Catalogue, indicators: list[Indicator]) -> dict[str, list[str]]:
    """Concrete signals from the Dutch lists that evidence each indicator (up to three)."""
    language = get_language() or "nl"
    found: dict[str, list[str]] = {}
    for indicator in indicators:
        signals = catalogue.signals_for(indicator.id)[:3]
        found[indicator.id] = [s.label.in_language(language) for s in signals]
    return found


def dimension_rows(catalogue: Catalogue, evaluation: Evaluation) -> list[DimensionRow]:
    return [
        DimensionRow(
            code=result.dimension.value,
            label=DIMENSION_LABELS[result.dimension],
            status=DIMENSION_STATUSES[result.status.value],
            positive=result.is_positive,
            present=[catalogue.indicator(i).label for i in result.present],
        )
        for result in evaluation.dimensions
        if result.present or result.unknown or result.absent
    ]


def next_question_rows(catalogue: Catalogue, evaluation: Evaluation) -> list[Indicator]:
    return [catalogue.indicator(q.indicator_id) for q in evaluation.next_questions][
        :NEXT_QUESTIONS_SHOWN
    ]


FIRST_STEPS = 3


def step_views(perspective: Perspective, contacts: SituationContacts) -> list[StepView]:
    """The steps after the emergency line (which the page shows once, on top), each contact
    named as the contacts list names it."""
    views = []
    for step in perspective.steps:
        if step.code is StepCode.IMMEDIATE_DANGER:
            continue
        lines: list[tuple[Any, str]] = []
        for kind in step.contacts:
            line = contacts.for_kind(kind)
            if line is not None:
                lines.append((line.name, line.phone))
            else:
                lines.append((CONTACTS[kind.value], PHONE_NUMBERS.get(kind, "")))
        title, lines = _said_once(step.title.in_language(get_language() or "nl"), lines)
        views.append(StepView(step, PRIORITIES[step.priority.value], lines, title))
    return views


def _said_once(title: str, lines: list[tuple[Any, str]]) -> tuple[str, list[tuple[Any, str]]]:
    """A title that names a contact and its number ("Consult Veilig Thuis: 0800-2000") keeps
    the name; the number moves to the contact (a link), whose name is not repeated."""
    said: list[tuple[Any, str]] = []
    for label, phone in lines:
        if phone and phone in title:
            title = title.replace(f": {phone}", "").replace(phone, "").strip(" :")
            if str(label) in title:
                label = ""
        said.append((label, phone))
    return title, said


def first_steps(views: list[StepView]) -> list[StepView]:
    """The two or three steps that apply now; when nothing is urgent, the first two."""
    now = [v for v in views if v.step.priority is Priority.NOW]
    return now[:FIRST_STEPS] if now else views[:2]


def observation_labels(catalogue: Catalogue, evaluation: Evaluation) -> list[Text]:
    return [catalogue.indicator(i).label for i in evaluation.observations]


def contact_rows(lines: list[ContactLine], signed_in: bool) -> list[ContactLine]:
    """Links to the social map's pages only for those who may open them: everyone for an entry
    marked public, signed-in readers for the others."""
    if signed_in:
        return lines
    return [replace(c, url=c.public_url) for c in lines]


def set_reason(state: CheckState, indicator_set: IndicatorSet) -> str:
    """Why the questions are those of this set, when it is not plainly the set of the form the
    professional named (a "don't know", a form without a set of its own, a provisional set)."""
    forms = dict(choices(ExploitationForm))
    language = get_language() or "nl"
    name = indicator_set.label.in_language(language)
    if state.form is None:
        return _(
            "You do not know the form of exploitation, so you answer the indicators of %(set)s: "
            "recruitment, deception, coercion and exploitation hold for every form. Where a "
            "question speaks of work or an employer, read it as whatever the person must do "
            "and whoever profits from it."
        ) % {"set": name}
    if indicator_set.form is not state.form:
        return _(
            "There is no set of indicators of its own for %(form)s, so you answer those of "
            "%(set)s: recruitment, deception, coercion and exploitation hold for every form. "
            "Where a question speaks of work or an employer, read it as whatever the person must "
            "do and whoever profits from it."
        ) % {"form": str(forms[state.form.value]).lower(), "set": name}
    if indicator_set.provisional:
        return _(
            "This set is provisional: its questions are adapted from the set for labour "
            "exploitation until the original is transcribed. Where a question still speaks of "
            "work or an employer, read it as whatever the person must do and whoever profits "
            "from it."
        )
    return ""

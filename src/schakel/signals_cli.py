"""`schakel signals ...`: the indicator catalogue and an evaluation on the command line.

Pure engine: no database, no Django. The command uses the catalogue shipped with Schakel;
versions published in the app are served by the API.

    schakel signals catalogue --set adults-labour --format csv
    schakel signals evaluate answers.json   # {"set": "adults-labour", "answers": {...}}
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from schakel.cli import CommandError
from schakel.engine.indicators import (
    Catalogue,
    CatalogueError,
    Evaluation,
    Indicator,
    IndicatorSet,
    evaluate,
    load_catalogue,
)

FORMATS = ("json", "csv")
CSV_COLUMNS = (
    "set",
    "id",
    "dimension",
    "phase",
    "strength",
    "label_nl",
    "label_en",
    "verification",
    "provisional",
    "maps_to",
    "derived_from",
)


def _catalogue() -> Catalogue:
    try:
        return load_catalogue()
    except CatalogueError as error:
        raise CommandError(f"The shipped catalogue is invalid: {error}") from None


def _indicator_row(indicator_set: IndicatorSet, i: Indicator) -> dict[str, Any]:
    return {
        "set": indicator_set.id,
        "id": i.id,
        "dimension": i.dimension.value if i.dimension else "",
        "phase": i.phase.value if i.phase else "",
        "strength": i.strength.value if i.strength else "",
        "label_nl": i.label.nl,
        "label_en": i.label.en,
        "verification": i.verification.value,
        "provisional": i.provisional,
        "maps_to": i.maps_to or "",
        "derived_from": i.derived_from or "",
    }


def _set_document(s: IndicatorSet) -> dict[str, Any]:
    return {
        "id": s.id,
        "kind": s.kind.value,
        "population": s.population.value,
        "form": s.form.value if s.form else None,
        "rule": s.rule,
        "label": {"nl": s.label.nl, "en": s.label.en},
        "provisional": s.provisional,
        "verification": s.verification.value,
        "indicators": [
            {
                **_indicator_row(s, i),
                "explanation_nl": i.explanation.nl,
                "explanation_en": i.explanation.en,
            }
            for i in s.indicators
        ],
    }


def catalogue(set_id: str | None, fmt: str = "json") -> str:
    """The catalogue (or one set) as JSON or CSV; an unknown set or format is named."""
    if fmt not in FORMATS:
        raise CommandError(f"Unknown format {fmt!r}: use one of {', '.join(FORMATS)}.")
    found = _catalogue()
    try:
        sets = [found.get_set(set_id)] if set_id else list(found.sets)
    except CatalogueError as error:
        raise CommandError(str(error)) from None
    if fmt == "json":
        document = {
            "version": found.version,
            "digest": found.digest,
            "sets": [_set_document(s) for s in sets],
        }
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for indicator_set in sets:
        for indicator in indicator_set.indicators:
            writer.writerow(_indicator_row(indicator_set, indicator))
    return out.getvalue()


def _read_request(path: Path) -> tuple[str, dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"{path}: cannot be read ({error}).") from None
    except ValueError as error:
        raise CommandError(f"{path}: not valid JSON ({error}).") from None
    if not isinstance(data, dict):
        raise CommandError(f'{path}: expected an object {{"set": ..., "answers": {{...}}}}.')
    set_id, answers = data.get("set"), data.get("answers", {})
    if not isinstance(set_id, str) or not set_id:
        raise CommandError(f'{path}: "set" is missing; name an indicator set, e.g. adults-labour.')
    if not isinstance(answers, dict):
        raise CommandError(f'{path}: "answers" must be an object of indicator id -> answer.')
    unknown_keys = sorted(set(data) - {"set", "answers"})
    if unknown_keys:
        raise CommandError(f"{path}: unknown fields {', '.join(unknown_keys)}.")
    return set_id, answers


def _evaluation_document(found: Catalogue, result: Evaluation) -> dict[str, Any]:
    return {
        "set": result.set_id,
        "catalogue_version": found.version,
        "catalogue_digest": found.digest,
        "provisional": result.provisional,
        "outcome": result.outcome.value,
        "positive_dimensions": [d.value for d in result.positive_dimensions],
        "dimensions": {
            d.dimension.value: {"status": d.status.value, "present": list(d.present)}
            for d in result.dimensions
        },
        "next_questions": [
            {
                "indicator": q.indicator_id,
                "label": found.indicator(q.indicator_id).label.en,
                "steps_to_met": q.steps_to_met,
            }
            for q in result.next_questions
        ],
        "observations": list(result.observations),
    }


def evaluate_file(path: str | Path) -> str:
    """Evaluate the answers in a JSON file ({"set": ..., "answers": {...}}) as JSON."""
    file = Path(path)
    set_id, answers = _read_request(file)
    found = _catalogue()
    try:
        result = evaluate(found, set_id, answers)
    except CatalogueError as error:
        raise CommandError(f"{file}: {error}") from None
    document = _evaluation_document(found, result)
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"

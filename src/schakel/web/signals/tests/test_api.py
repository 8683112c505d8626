"""The public signal endpoints: catalogue, evaluation, perspective, and the error format."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from ninja import NinjaAPI
from ninja.security import django_auth
from ninja.testing import TestClient

from schakel.engine.indicators import Dimension, load_catalogue
from schakel.engine.indicators.evaluation import answerable_count
from schakel.web.api import main
from schakel.web.signals.api import LISTED_ITEMS, router
from schakel.web.signals.schemas import MAX_ANSWERS
from schakel.web.signals.tests.helpers import positive

pytestmark = pytest.mark.django_db
CATALOGUE = load_catalogue()


class Api:
    """The router where the project mounts it (/api/v1/signals) or, until it is wired, in a
    test API with the project's error handlers."""

    def __init__(self) -> None:
        mounted = any(r is router for _prefix, r in main.api._routers)
        self.client: Any = Client() if mounted else TestClient(_test_api())
        self.prefix = "/api/v1/signals" if mounted else "/signals"

    def get(self, path: str) -> Any:
        return self.client.get(self.prefix + path)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        if isinstance(self.client, Client):
            return self.client.post(self.prefix + path, body, content_type="application/json")
        return self.client.post(self.prefix + path, json=body)


_TEST_API: list[NinjaAPI] = []


def _test_api() -> NinjaAPI:
    if not _TEST_API:
        api = NinjaAPI(urls_namespace="signals-test", auth=django_auth)
        api._exception_handlers.update(main.api._exception_handlers)
        api.add_router("/signals", router)
        _TEST_API.append(api)
    return _TEST_API[0]


@pytest.fixture
def api() -> Api:
    return Api()


def test_catalogue_without_an_account(api: Api) -> None:
    response = api.get("/catalogue")
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == CATALOGUE.version and body["digest"] == CATALOGUE.digest
    assert [s["id"] for s in body["sets"]] == [s.id for s in CATALOGUE.sets]
    one = api.get("/catalogue?set=adults-labour").json()
    assert [s["id"] for s in one["sets"]] == ["adults-labour"]
    assert len(one["sets"][0]["indicators"]) == 67
    first = one["sets"][0]["indicators"][0]
    assert first["label"]["nl"] and first["label"]["en"] and first["strength"] == "strong"


def test_unknown_set_is_a_422_naming_it(api: Api) -> None:
    response = api.get("/catalogue?set=adults-organs")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "unknown_set" and "adults-organs" in error["message"]
    assert error["fields"][0]["field"] == "set"


def test_evaluate(api: Api) -> None:
    answers = {i: "present" for i in positive("children-labour", Dimension.D1)}
    answers.update({i: "present" for i in positive("children-labour", Dimension.D4)})
    response = api.post("/evaluate", {"set": "children-labour", "answers": answers})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["outcome"] == "met" and body["positive_dimensions"] == ["D1", "D4"]
    assert body["catalogue_version"] == CATALOGUE.version
    open_ = api.post("/evaluate", {"set": "adults-labour", "answers": {}}).json()
    assert open_["outcome"] == "could_still_be_met" and open_["next_questions"]


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"set": "nope", "answers": {}}, "unknown_set", "set"),
        ({"set": "nl-school", "answers": {}}, "not_evaluable", "set"),
        (
            {"set": "adults-labour", "answers": {"XX-1": "present"}},
            "unknown_indicator",
            "answers.XX-1",
        ),
        (
            {"set": "adults-labour", "answers": {"AL-D1-01": "maybe"}},
            "invalid_answer",
            "answers.AL-D1-01",
        ),
        ({"answers": {}}, "invalid", "body.set"),
    ],
)
def test_evaluate_errors_name_the_item(
    api: Api, body: dict[str, Any], code: str, field: str
) -> None:
    response = api.post("/evaluate", body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == code
    assert field in [f["field"] for f in error["fields"]]


def test_perspective(api: Api) -> None:
    body = {"outcome": "met", "minor": True, "form": "labour", "role": "health_care"}
    response = api.post("/perspective", body)
    assert response.status_code == 200, response.json()
    result = response.json()
    codes = [s["code"] for s in result["steps"]]
    assert codes[0] == "immediate_danger"
    assert {"veilig_thuis", "meldcode", "assessment_framework", "labour_inspectorate"} <= set(codes)
    framework = next(s for s in result["steps"] if s["code"] == "assessment_framework")
    assert len(framework["items"]) == 5
    assert {"kind": "veilig_thuis", "phone": "0800-2000"} in result["contacts"]
    assert "right, not a duty" in result["role"]["reporting"]["en"]


def test_perspective_rejects_unknown_codes(api: Api) -> None:
    response = api.post("/perspective", {"outcome": "maybe", "minor": True, "role": "judge"})
    assert response.status_code == 422
    fields = [f["field"] for f in response.json()["error"]["fields"]]
    assert fields == ["body.outcome", "body.role"]


def test_an_error_about_many_answers_stays_small(api: Api) -> None:
    """12,000 unknown answer keys once gave a 1.8 GB error in 30 s: each item repeated the
    whole message. The answers are capped, and an error names at most LISTED_ITEMS of them."""
    flood = {f"XX-{n:05d}": "present" for n in range(12_000)}
    capped = Client().post(
        "/api/v1/signals/evaluate", {"set": "adults-labour", "answers": flood}, "application/json"
    )
    assert capped.status_code == 422 and len(capped.content) < 5_000
    limit = answerable_count(CATALOGUE, CATALOGUE.get_set("adults-labour"))
    many = {f"XX-{n:03d}": "present" for n in range(limit)}
    response = Client().post(
        "/api/v1/signals/evaluate", {"set": "adults-labour", "answers": many}, "application/json"
    )
    assert response.status_code == 422 and len(response.content) < 5_000
    body = response.json()["error"]
    assert body["code"] == "unknown_indicator"
    assert len(body["fields"]) == LISTED_ITEMS
    assert str(limit) in body["message"]


def test_the_answer_cap_leaves_room_for_every_set() -> None:
    assert max(len(s.indicators) for s in CATALOGUE.sets) < MAX_ANSWERS

"""The OpenAPI document, and the API fuzzed against it with schemathesis: whatever a client sends,
the answer is never a server error and always matches what the document promises."""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
import yaml
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from naptrack.api.services import token_issue
from naptrack.reporting import services
from tests.conftest import BE, contribution_of

SCHEMA_URL = "/api/v1/schema/"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _document() -> dict:
    response = APIClient().get(SCHEMA_URL)
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_schema_is_public_and_documents_the_bearer_scheme(plan):
    document = _document()
    assert document["openapi"].startswith("3.")
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A token from POST /api/v1/token/, sent as 'Authorization: Bearer <token>'.",
    }
    assert {"bearerAuth": []} in document["paths"]["/api/v1/rounds/"]["get"]["security"]


def test_schema_documents_bodies_and_errors(plan):
    paths = _document()["paths"]
    patch = paths["/api/v1/contributions/{id}/"]["patch"]
    assert set(patch["responses"]) == {"200", "400", "401", "403", "404", "409"}
    assert patch["responses"]["409"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Conflict"
    }
    assert patch["responses"]["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ValidationError"
    }
    assert "requestBody" in patch
    assert set(paths["/api/v1/rounds/{id}/open/"]["post"]["responses"]) == {"200", "401", "403", "404", "409"}
    contributions = paths["/api/v1/rounds/{id}/contributions/"]["get"]
    assert {p["name"] for p in contributions["parameters"]} >= {"department", "state", "action", "page", "page_size"}
    # Plans are public: no credentials needed.
    assert {} in paths["/api/v1/plans/"]["get"]["security"]
    assert paths["/api/v1/token/"]["post"].get("security", []) in ([], [{}])


# --- fuzzing --------------------------------------------------------------------------------------


@pytest.fixture
def wsgi_in_test_transaction():
    """Calls straight into the WSGI handler would close the database connection after each
    request (request_finished), taking the test's transaction with it on PostgreSQL; Django's
    test client keeps it open the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_data(wsgi_in_test_transaction, coordinator, focal_defence, focal_justice, open_round):
    """Real ids for the fuzzer to hit besides the random ones: the open round, a draft round, and
    contributions in several states."""
    draft = services.round_create(
        actor=coordinator, plan=open_round.plan, kind="baseline", year=2012, deadline=dt.date(2013, 3, 1)
    )
    submitted = contribution_of(open_round, "23.a", "defence")
    submitted = services.contribution_save(
        actor=focal_defence, contribution=submitted, version=1, data={"narrative": "Done."}
    )
    services.contribution_submit(actor=focal_defence, contribution=submitted)
    international = _international(coordinator, focal_defence)
    return {
        "rounds": [open_round.pk, draft.pk],
        "contributions": [
            contribution_of(open_round, "7.c", "defence").pk,
            submitted.pk,
            contribution_of(open_round, "3.a", "justice").pk,
        ],
        **international,
        "token": token_issue(user=coordinator)[0],
    }


def _international(coordinator, focal_defence) -> dict[str, list[int]]:
    """A question set with a link, a request with its answers, a sent version and a targeted
    question (one draft, one submitted), for the international endpoints."""
    from naptrack.international import services as international
    from naptrack.international.files import parse_rows
    from naptrack.plans.models import Department, Instrument

    parsed = parse_rows(
        [["code", "text", "kind"], ["Q1", "Women among diplomats", "by sex"], ["Q2", "CEDAW report", "text"]],
        name="questions.csv",
    )
    framework = international.framework_load(actor=coordinator, parsed=parsed, body="un", name="Fuzz").framework
    question = framework.questions.get(code="Q1")
    mapping = international.mapping_add(
        actor=coordinator, question=question, instrument=Instrument.objects.get(action__code="21", position=2)
    )
    request = international.request_create(
        actor=coordinator, framework=framework, period_start=2014, due_on=dt.date.today() + dt.timedelta(days=30)
    )
    answers = list(request.answers.order_by("pk"))
    dispatch = international.request_mark_sent(
        actor=coordinator, request=request, sent_on=dt.date.today(), sent_to="UN Secretariat"
    )
    due = dt.date.today() + dt.timedelta(days=10)
    asked = [
        international.targeted_question_ask(actor=coordinator, answer=answer, department=department, due_on=due)
        for answer, department in zip(answers, Department.objects.filter(code__in=["defence", "justice"]), strict=True)
    ]
    reply = international.targeted_question_save(
        actor=focal_defence, targeted=asked[0], version=asked[0].version, data={"reply": "Done."}
    )
    international.targeted_question_submit(actor=focal_defence, targeted=reply)
    return {
        "frameworks": [framework.pk],
        "questions": [q.pk for q in framework.questions.order_by("pk")],
        "mappings": [mapping.pk],
        "requests": [request.pk],
        "answers": [a.pk for a in answers],
        "dispatches": [dispatch.pk],
        "targeted-questions": [t.pk for t in asked],
    }


# Loaded when the module is collected: the schema view needs no database.
schema = schemathesis.openapi.from_wsgi(
    SCHEMA_URL,
    get_wsgi_application(),
    config=schemathesis.Config.from_dict({"generation": {"mode": "all", "max-examples": 8}}),
)


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_never_fails_and_keeps_its_promises(case, fuzz_data):
    """As the coordinator (who may call everything): random and invalid input gets a documented
    4xx, never a 5xx; every answer matches the schema."""
    parameters = case.path_parameters or {}
    # Random ids and slugs name nothing (404): aim most of them at real objects.
    value = parameters.get("id")
    if isinstance(value, str) and value.isdigit():  # the coverage phase sends ids as text
        value = int(value)
    if isinstance(value, int) and value % 5 != 4:
        # The collection the path names (/api/v1/<collection>/{id}/...), else contributions.
        collection = case.path.removeprefix("/api/v1/").split("/", 1)[0]
        ids = fuzz_data.get(collection) if collection != "token" else None
        ids = ids if isinstance(ids, list) and ids else fuzz_data["contributions"]
        parameters["id"] = ids[value % len(ids)]
    if isinstance(parameters.get("slug"), str) and len(parameters["slug"]) % 4 != 3:
        parameters["slug"] = BE
    case.call_and_validate(headers={"Authorization": f"Bearer {fuzz_data['token']}"}, checks=CHECKS)

"""Schemathesis against the portal's own OpenAPI document: every operation, its coverage cases
(the boundaries and each way a parameter can be wrong) and a few generated ones, positive and
negative, anonymous and with an admin's token, on the database the suite runs on. Bounded and
derandomized, so a run repeats; it must find no server error: a bad request gets a 4xx
problem, never a 500. And the document lists the errors each operation can answer with."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.test import Client
from django.test.client import ClientHandler
from hypothesis import HealthCheck, strategies

# The coverage phase's generator, as schemathesis's own runner drives it (pinned version).
from schemathesis.config._generation import GenerationConfig
from schemathesis.core.result import Ok
from schemathesis.generation.drivers import CoverageGenerator
from schemathesis.generation.feedback import NO_FEEDBACK
from schemathesis.generation.modes import GenerationMode
from schemathesis.generation.overrides import Override
from werkzeug.test import EnvironBuilder

from townsquare.accounts.services import token_create
from townsquare.core.actors import SYSTEM
from townsquare.datastore.tests.helpers import flights_csv, ingest

pytestmark = pytest.mark.django_db
EXAMPLES = 6  # generated cases per operation and mode, besides the coverage cases
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
# The admin's run would revoke its own token on the way (revocation has its own tests).
KEEPS_THE_TOKEN = {("DELETE", "/api/v1/tokens/{token_id}")}


@pytest.fixture
def portal(public_works: Any, make_dataset: Any, admin: Any) -> Iterator[dict[str, str]]:
    dataset = make_dataset(public_works, slug="permits", title="Permits")
    assert ingest(dataset, "flights.csv", flights_csv(60)).status == "ready"
    _, secret = token_create(actor=SYSTEM, user=admin, name="fuzz")
    yield {"token": secret}


def _call(handler: ClientHandler, case: Any, headers: dict[str, str]) -> tuple[int, bytes]:
    """The request, through the test client's handler: the test's transaction stays open, and
    the response is closed as a server closes it (removing the request's temporary files)."""
    kwargs = case.as_transport_kwargs(headers=headers)
    if "Authorization" not in headers:  # anonymous: no generated token either
        kwargs["headers"].pop("Authorization", None)
    builder = EnvironBuilder(**kwargs)
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    response = handler(environ)  # the handler closes the response (and the request's files)
    body = response.getvalue()
    return response.status_code, body


def _fixed(operation: Any) -> dict[str, str]:
    """Path parameters aimed at the dataset that exists, so the deeper code is reached."""
    names = {p.name for p in operation.path_parameters}
    return {"slug": "permits"} if "slug" in names else {}


def _coverage(operation: Any) -> Iterator[Any]:
    for fixed in ({}, _fixed(operation)):
        yield from CoverageGenerator(
            operation=operation,
            generation_modes=MODES,
            generation_config=GenerationConfig(),
            auth_storage=None,
            override=Override(path_parameters=fixed),
            feedback=NO_FEEDBACK,
        )


def _fuzz(operation: Any, check: Any) -> None:
    cases = strategies.one_of(
        *[
            operation.as_strategy(generation_mode=mode, path_parameters=fixed or None)
            for mode in MODES
            for fixed in ({}, _fixed(operation))
        ]
    )

    @hypothesis.settings(
        max_examples=EXAMPLES * len(MODES),
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        phases=[hypothesis.Phase.generate],
    )
    @hypothesis.given(case=cases)
    def run(case: Any) -> None:
        check(case)

    run()


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_no_generated_request_gets_a_server_error(portal: dict[str, str], who: str) -> None:
    schema = schemathesis.openapi.from_dict(Client().get("/api/v1/openapi.json").json())
    handler = ClientHandler(enforce_csrf_checks=False)
    schema.app = handler  # requests built for a WSGI application
    headers = {"Authorization": f"Bearer {portal['token']}"} if who == "admin" else {}
    errors: list[str] = []
    sent = 0

    def check(case: Any) -> None:
        nonlocal sent
        status, body = _call(handler, case, headers)
        sent += 1
        if status >= 500:
            errors.append(f"{case.method} {case.formatted_path} {case.query} -> {body[:200]!r}")

    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operation = result.ok()
        if who == "admin" and (operation.method.upper(), operation.path) in KEEPS_THE_TOKEN:
            continue
        for case in _coverage(operation):
            check(case)
        _fuzz(operation, check)
    assert sent > 1000  # the run reached every operation with many requests
    assert errors == []


def test_every_operation_lists_the_errors_it_can_answer_with() -> None:
    document = Client().get("/api/v1/openapi.json").json()
    assert "Problem" in document["components"]["schemas"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            statuses = set(operation["responses"])
            assert {"400", "401", "429"} <= statuses, (method, path)
            if "{" in path:
                assert "404" in statuses, (method, path)
            if method != "get":
                assert {"403", "409"} <= statuses, (method, path)
            problem = operation["responses"]["400"]["content"]["application/problem+json"]
            assert problem["schema"]["$ref"].endswith("/Problem")

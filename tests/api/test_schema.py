"""The OpenAPI schema, checked by schemathesis against the API itself: generated
requests to every operation, on the demo content, give no 500 and no answer
that breaks the schema (status codes included: every error an operation
answers is documented). Run in-process (the WSGI app on the test database);
examples are few, to keep it about a minute (``EXAMPLES``)."""

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import openapi
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from entries.demo import load_demo

pytestmark = pytest.mark.django_db

EXAMPLES = 20
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]
# Entries of the demo, so that detail operations are tried on real rows, not only 404s.
KNOWN = {
    "/api/v1/series/": {"slug": "metallic-rouge", "number": 1},
    "/api/v1/characters/": {"slug": "rouge-redstar"},
    "/api/v1/staff/": {"slug": "yutaka-izubuchi"},
    "/api/v1/studios/": {"slug": "bones"},
    "/api/v1/tags/": {"slug": "mecha"},
}


@pytest.fixture
def wsgi_app(settings):
    """The site as a WSGI app sharing the test's connection and transaction: as
    Django's test client does, requests must not close the connection."""
    settings.ALLOWED_HOSTS = ["*"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def known_values(path: str) -> dict:
    for prefix, values in KNOWN.items():
        if path.startswith(prefix):
            return {name: value for name, value in values.items() if f"{{{name}}}" in path}
    return {}


def test_no_generated_request_gets_a_500_or_an_answer_outside_the_schema(wsgi_app):
    load_demo()
    schema = openapi.from_wsgi("/api/v1/schema/", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15

    for operation in operations:
        strategies = [
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        ]
        if known := known_values(operation.path):
            strategies.append(
                operation.as_strategy(
                    generation_mode=GenerationMode.POSITIVE, path_parameters=known
                )
            )

        @given(case=st.one_of(strategies))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            case.call_and_validate(checks=CHECKS)

        check()

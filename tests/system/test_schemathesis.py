"""Property-based API testing from our own OpenAPI spec: no 5xx, and every response matches the
documented status codes, content types and schemas. Bounded in examples so it stays quick."""

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mireru.main import create_app
from mireru.state import AppState

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 25


def test_no_server_errors_and_responses_match_the_spec(app_state: AppState) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(app_state))
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=CHECKS)

        try:
            exercise()
        except BaseException as exc:  # a FailureGroup is a BaseExceptionGroup
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}")
    assert operations >= 15
    assert not failures, "\n\n".join(failures)

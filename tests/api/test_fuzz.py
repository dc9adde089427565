"""No input makes the API fail: schemathesis fuzzes every operation in its own OpenAPI description.

The schema is loaded from the project's WSGI application in this process, with a valid token, so
the requests see this test's database (the world, with children in care) on SQLite and PostgreSQL
alike. Django closes a request's database connection when it finishes; the test client stops
that for its requests, and so does this test, or the test's transaction would be closed under it.
Examples are bounded and derandomised, so the run is short and the same every time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from schemathesis.checks import not_a_server_error

from divert.indicators import cache as frames_cache
from tests.api.conftest import API, token_for
from tests.conftest import World

EXAMPLES = 25  # per operation: five operations, about half a minute in all


@contextmanager
def _connection_kept_open() -> Iterator[None]:
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def register_kept_for_this_test(settings: Any) -> Iterator[None]:
    """Compute the register once for the whole run (it does not change during it), not per request."""
    frames_cache.clear()
    settings.DIVERT_FRAMES_CACHE = 2
    yield
    frames_cache.clear()


@pytest.mark.usefixtures("register_kept_for_this_test")
def test_no_input_gives_a_server_error(in_care: World, settings: Any) -> None:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    settings.DIVERT_API_RATE = "100000/minute"
    headers = {"Authorization": f"Bearer {token_for(in_care.users['ana'])}"}
    with _connection_kept_open():
        schema = schemathesis.openapi.from_wsgi(f"{API}schema/?format=json", WSGIHandler(), headers=headers)
        results: list[Any] = list(schema.get_all_operations())  # Ok(operation), or Err for a broken one
        operations = [result.ok() for result in results]
        assert len(operations) == 5
        for operation in operations:
            _fuzz(operation, headers)


def _fuzz(operation: Any, headers: dict[str, str]) -> None:
    @hypothesis.settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.given(case=operation.as_strategy())
    def run(case: Any) -> None:
        response = case.call(headers=headers)
        case.validate_response(response, checks=[not_a_server_error])

    run()

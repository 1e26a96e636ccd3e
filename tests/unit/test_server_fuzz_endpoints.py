"""Issue 14: a Hypothesis fuzz over every endpoint (statements POST/PUT/GET with all parameters,
enrolment, device status, dashboard forms and pages): no input gives a 5xx. Bounded to about a
minute; tests/bench/bench_fuzz_endpoints.py runs the same cases for longer."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings

from tests.fuzz_endpoints import Req, Target, requests


@pytest.fixture(scope="module")
def target(tmp_path_factory):
    t = Target(tmp_path_factory.mktemp("fuzz-endpoints"))
    yield t
    t.close()


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(req=requests())
# Found by the long run (bench_fuzz_endpoints.py): "¹" is a digit to str.isdigit, not to int().
@example(req=Req("GET", "/dashboard/completion", {"cohort": "\u00b9"}, None, {}, "trainer"))
@example(req=Req("GET", "/dashboard/cohorts/1", {"stale": "\u00b2"}, None, {}, "trainer"))
def test_no_input_makes_any_endpoint_answer_5xx(target, req):
    status = target.send(req)
    assert status < 500, f"{req.method} {req.path} answered {status}"

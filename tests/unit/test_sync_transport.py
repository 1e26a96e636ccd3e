"""Reading the record store's answers (pure), backoff, and the request body."""

from __future__ import annotations

import gzip
import json
import random
from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trainer.sync.backoff import backoff_delay
from trainer.sync.status import MESSAGES, Problem, derive_state
from trainer.sync.transport import batch_body, interpret, parse_about, retry_after_seconds

IDS = ["8d5f3c1e-1111-4aaa-8aaa-000000000001", "8d5f3c1e-1111-4aaa-8aaa-000000000002", "8d5f3c1e-1111-4aaa-8aaa-000000000003"]
J = lambda v: json.dumps(v).encode()  # noqa: E731


def test_only_a_2xx_listing_exactly_the_ids_sent_is_an_acknowledgement():
    assert interpret(200, {}, J(IDS), IDS).kind == "acked"
    assert interpret(200, {}, J([i.upper() for i in IDS]), IDS).kind == "acked"
    captive = b"<html><body>Welcome to Airport Wi-Fi. Please log in.</body></html>"
    assert interpret(200, {}, captive, IDS).kind == "not_lrs"
    assert interpret(200, {}, J(IDS[:2]), IDS).kind == "not_lrs"
    assert interpret(200, {}, J(list(reversed(IDS))), IDS).kind == "not_lrs"
    assert interpret(204, {}, b"", IDS).kind == "not_lrs"
    assert interpret(302, {"location": "http://login"}, b"", IDS).kind == "not_lrs"


def test_credentials_refused():
    assert interpret(401, {}, J({"error": "revoked"}), IDS).kind == "auth"
    assert interpret(403, {}, b"Forbidden", IDS).kind == "auth"


def test_server_trouble_retries_and_honours_retry_after():
    o = interpret(503, {"retry-after": "120"}, J({"error": "busy"}), IDS)
    assert (o.kind, o.retry_after, o.status) == ("retry", 120.0, 503)
    assert interpret(500, {}, b"oops", IDS).kind == "retry"
    assert interpret(429, {}, b"", IDS).retry_after is None
    now = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)
    assert retry_after_seconds("Sat, 01 Mar 2025 09:01:00 GMT", now) == 60.0
    assert retry_after_seconds("whenever") is None


def test_refusals_name_statements_or_ask_to_split():
    body = {"error": "1 statement is not valid", "statements": [{"index": 1, "id": IDS[1], "field": "verb.id", "reason": "must be an IRI"}]}
    o = interpret(400, {}, J(body), IDS)
    assert o.kind == "per_item" and o.rejected == {IDS[1]: "verb.id: must be an IRI"}
    by_index = {"error": "x", "statements": [{"index": 2, "reason": "bad"}]}
    assert interpret(400, {}, J(by_index), IDS).rejected == {IDS[2]: "bad"}
    conflict = {"error": "conflict", "statements": [{"id": IDS[0].upper(), "field": "id", "reason": "already stored with different content"}]}
    assert interpret(409, {}, J(conflict), IDS).rejected == {IDS[0]: "id: already stored with different content"}
    # another record store that does not say which one: split the batch to find out
    assert interpret(400, {}, J({"message": "invalid statement"}), IDS).kind == "split"
    assert interpret(413, {}, b"too large", IDS).kind == "split"
    naming_strangers = {"statements": [{"id": "00000000-0000-4000-8000-000000000000", "reason": "?"}]}
    assert interpret(400, {}, J(naming_strangers), IDS).kind == "split"
    single = interpret(400, {}, J({"message": "bad actor"}), IDS[:1])
    assert single.kind == "per_item" and single.rejected == {IDS[0]: "bad actor"}


def test_not_found_means_wrong_address():
    assert interpret(404, {}, b"Not Found", IDS).kind == "not_found"


def test_about_must_really_be_an_xapi_answer():
    real = J({"version": ["1.0.3"], "extensions": {"https://waymark.invalid/xapi/extensions/server": "waymark",
                                                   "https://waymark.invalid/xapi/extensions/max-batch": 250}})
    about = parse_about(200, {}, real)
    assert about.waymark and about.max_batch == 250
    other = parse_about(200, {}, J({"version": ["1.0.0", "1.0.1"]}))
    assert other and not other.waymark and other.max_batch is None
    assert parse_about(200, {}, b"<html>login</html>") is None
    assert parse_about(200, {}, J({"version": ["2.0.0"]})) is None
    assert parse_about(200, {}, J({"status": "ok"})) is None
    assert parse_about(302, {}, b"") is None


def test_batch_body_is_the_payloads_byte_for_byte_gzipped():
    payloads = ['{"id":"a","x":"é"}', '{"id":"b"}']
    assert json.loads(gzip.decompress(batch_body(payloads))) == [json.loads(p) for p in payloads]
    assert batch_body(payloads) == batch_body(payloads)  # deterministic (mtime 0)


@given(st.integers(1, 60), st.integers(0, 2**32))
def test_backoff_grows_with_jitter_and_is_capped(failures, seed):
    rng = random.Random(seed)
    d = backoff_delay(failures, base=2, cap=900, rng=rng)
    ceiling = min(900, 2 * 2 ** (failures - 1))
    assert ceiling / 2 <= d <= ceiling
    assert backoff_delay(0) == 0


def test_backoff_spreads_devices():
    delays = {round(backoff_delay(5, rng=random.Random(s)), 3) for s in range(20)}
    assert len(delays) > 10


def test_status_words_and_states():
    assert derive_state(configured=False, syncing=False, waiting=3, problem=None) == "not_set_up"
    assert derive_state(configured=True, syncing=True, waiting=3, problem=None) == "syncing"
    assert derive_state(configured=True, syncing=False, waiting=0, problem=None) == "idle"
    assert derive_state(configured=True, syncing=False, waiting=2, problem=None) == "waiting"
    assert derive_state(configured=True, syncing=False, waiting=2, problem=Problem("offline")) == "offline"
    assert derive_state(configured=True, syncing=False, waiting=0, problem=Problem("rejected", {"reason": "x"})) == "idle"
    assert derive_state(configured=True, syncing=False, waiting=1, problem=Problem("needs_enrolment")) == "needs_enrolment"
    assert derive_state(configured=True, syncing=False, waiting=1, problem=Problem("not_lrs")) == "error"
    assert "Wi-Fi sign-in" in Problem("not_lrs").message()
    assert "120" in Problem("busy", {"seconds": 120}).message()
    assert Problem.from_json(Problem("busy", {"seconds": 3}).as_json()) == Problem("busy", {"seconds": 3})
    for text in MESSAGES.values():  # plain words, no codes or stack traces
        assert "Exception" not in text and "HTTP" not in text


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_message_formats_with_its_parameters(code):
    assert Problem(code, {"seconds": 5, "status": 500, "reason": "why"}).message()


def test_client_and_server_agree_on_the_about_extensions():
    from trainer.server import config
    from trainer.sync import transport

    assert (transport.EXT_SERVER, transport.EXT_MAX_BATCH, transport.EXT_MAX_BODY) == (
        config.EXT_SERVER, config.EXT_MAX_BATCH, config.EXT_MAX_BODY)

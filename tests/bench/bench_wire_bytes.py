"""Bytes on the wire per statement: typical quiz attempts, one batch of 500, gzip as sent.

Target: at most 200 bytes per statement. The body is exactly what the sync client sends
(`trainer.sync.transport.batch_body`: the outbox payloads joined into a JSON array, gzip
level 6). Statements come from the quiz feature's own builder (trainer/core/xapi.py) when it
is importable, and from the tests' factory of the same shape otherwise; both are shown.

    python tests/bench/bench_wire_bytes.py
"""

from __future__ import annotations

import json
import random
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.sync_factory import MODULES, QUESTIONS, device_statements  # noqa: E402
from trainer.sync.transport import batch_body  # noqa: E402

HEADERS = (  # what one POST adds besides the body (HTTP/1.1, as httpx sends it)
    "POST /xapi/statements HTTP/1.1\r\nHost: 192.168.1.10:8765\r\nAccept: */*\r\nAccept-Encoding: gzip, deflate\r\n"
    "Connection: keep-alive\r\nUser-Agent: python-httpx/0.28.1\r\nX-Experience-API-Version: 1.0.3\r\n"
    "Authorization: Basic ZC1hYmNkZWZnaGprbW46eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHg=\r\n"
    "Content-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: 99999\r\n\r\n"
)
ANSWER = 500 * 39 + 300  # the acknowledgement: 500 quoted ids and headers, counted uncompressed


def quiz_builder_statements(n: int, seed: int = 3) -> list[dict] | None:
    try:
        from trainer.core import xapi
    except ImportError:
        return None
    rng = random.Random(seed)
    config = xapi.XapiConfig()
    learners = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(2)]
    out: list[dict] = []
    t = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)
    k = 0
    while len(out) < n:
        module = MODULES[k % len(MODULES)]
        lang = ("en", "ar", "fr")[k % 3]
        answers = []
        for i in range(10):
            text, options = QUESTIONS[i % len(QUESTIONS)]
            ok = rng.random() < 0.75
            answers.append(
                xapi.AnswerFacts(
                    question_id=f"q{i + 1}", text=text,
                    option_texts=[("abcd"[j], o) for j, o in enumerate(options)],
                    correct_ids=["a"], chosen=["a"] if ok else ["b"], score=1.0 if ok else 0.0, correct=ok,
                )
            )
        score = sum(a.score for a in answers) / len(answers)
        out += xapi.attempt_statements(
            config=config, learner_id=learners[k % 2], module_id=module, module_version="1.0.0",
            module_names={lang: module.replace("-", " ").capitalize()}, lang=lang,
            attempt_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)), answers=answers,
            score=score, passed=score >= 0.8, started_at=t, submitted_at=t + timedelta(minutes=9),
            new_id=lambda: str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        )
        t += timedelta(hours=5)
        k += 1
    return out[:n]


def report(label: str, statements: list[dict]) -> None:
    payloads = [json.dumps(s, ensure_ascii=False, separators=(",", ":")) for s in statements]
    raw = sum(len(p.encode("utf-8")) for p in payloads) + len(payloads) + 1
    n = len(statements)
    print(f"\n{label}: {n} statements in one batch")
    print(f"  JSON, uncompressed       {raw / n:7.1f} bytes/statement")
    for level in (6, 9):
        body = batch_body(payloads, level=level)
        print(f"  gzip level {level} body        {len(body) / n:7.1f} bytes/statement   (target <= 200)")
    body = batch_body(payloads)
    total = len(body) + len(HEADERS) + ANSWER
    print(f"  with request headers and the (uncompressed) acknowledgement: {total / n:.1f} bytes/statement both ways")


def main() -> None:
    report("test factory (shape of trainer/core/xapi.py)", device_statements(500, learners=2))
    built = quiz_builder_statements(500)
    if built is not None:
        report("quiz feature's builder (trainer/core/xapi.py)", built)


if __name__ == "__main__":
    main()

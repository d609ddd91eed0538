"""Webhook-to-reply latency through the real stack (Twilio sandbox → signed webhook → Rasa →
action server → Twilio sandbox), with 1 and with 20 members chatting at once, plus the
cold-start time of `make run` (model already trained, dependencies installed)."""

from __future__ import annotations

import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ops.stack import LocalStack

MESSAGES_PER_MEMBER = 10


def _converse(stack: LocalStack, number: str) -> list[float]:
    latencies = []
    for turn in range(1, MESSAGES_PER_MEMBER + 1):
        started = time.perf_counter()
        stack.say(number, "hello")
        replies = stack.wait_for_replies(number, turn, timeout=120)
        if len(replies) < turn:
            raise RuntimeError(f"{number} got no reply to message {turn}")
        latencies.append(time.perf_counter() - started)
    return latencies


def _percentiles(samples: list[float]) -> str:
    p95 = statistics.quantiles(samples, n=20)[18]
    return f"median {statistics.median(samples) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"


def measure() -> list[tuple[str, str]]:
    # Processes killed a moment ago may still be writing their logs: tidy up what can be.
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as var_dir:
        stack = LocalStack(Path(var_dir)).start()
        try:
            rows = [("make run cold start (model trained)", f"{stack.startup_seconds:.1f} s")]
            for members in (1, 20):
                numbers = [f"+2772{members:02d}{i:05d}" for i in range(members)]
                with ThreadPoolExecutor(max_workers=members) as pool:
                    samples = [s for run in pool.map(lambda n: _converse(stack, n), numbers) for s in run]
                rows.append((f"webhook→reply, {members} member(s) at once ({len(samples)} msgs)",
                             _percentiles(samples)))
            return rows
        finally:
            stack.kill()

"""Making personal links as if at another moment (itsdangerous reads its clock itself)."""

from __future__ import annotations

import time
from contextlib import contextmanager
from types import SimpleNamespace

import itsdangerous.timed


@contextmanager
def clock_shifted(seconds: float):
    """itsdangerous sees now + seconds: to sign in the past or verify in the future."""
    real = time.time
    original = itsdangerous.timed.time
    itsdangerous.timed.time = SimpleNamespace(time=lambda: real() + seconds)
    try:
        yield
    finally:
        itsdangerous.timed.time = original

"""Which interval of a grant's ISO 8601 repeating interval a moment falls in.

The provider side of the rule, kept here because the sandbox never imports product code
(a real provider has its own). Calendar-correct: boundaries are start + n periods with
the day clipped to the month's end (31 Jan + P1M = 28/29 Feb, + 2 x P1M = 31 Mar).
`Rn` allows n repetitions after the first interval; `R` repeats without end.
"""

from __future__ import annotations

import datetime

import isodate
from dateutil.relativedelta import relativedelta


def _aware(moment: datetime.datetime) -> datetime.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)


def parse(text: str) -> tuple[datetime.datetime, relativedelta, int | None]:
    parts = (text or "").split("/")
    if len(parts) != 3 or not parts[0].startswith("R") or not parts[2].startswith("P"):
        raise ValueError("interval must look like R/2026-01-01T00:00:00Z/P1M")
    count = parts[0][1:]
    repetitions = None if count in ("", "-1") else int(count)
    start = _aware(isodate.parse_datetime(parts[1]))
    duration = isodate.parse_duration(parts[2])
    if isinstance(duration, isodate.Duration):
        years, months, delta = int(duration.years), int(duration.months), duration.tdelta
    else:
        years, months, delta = 0, 0, duration
    period = relativedelta(years=years, months=months, days=delta.days, seconds=delta.seconds)
    if period == relativedelta() or (repetitions is not None and repetitions < 0):
        raise ValueError("interval has no length")
    return start, period, repetitions


def containing(text: str, at: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime] | None:
    start, period, repetitions = parse(text)
    if at < start:
        return None
    n = max(int((at - start) / ((start + period) - start)) - 1, 0)
    while start + period * (n + 1) <= at:
        n += 1
    while n > 0 and start + period * n > at:
        n -= 1
    if repetitions is not None and n > repetitions:
        return None
    return start + period * n, start + period * (n + 1)

"""ISO 8601 repeating intervals for grant limits, calendar-correct.

`R/2026-01-31T00:00:00Z/P1M` is a month at a time from 31 January: the 2nd interval
starts at the end of February (28 or 29 Feb), the 3rd on 31 March. Each boundary is
computed from the start (start + n months, clipped to the month's last day), never by
adding 30 days or by stepping from the previous boundary.

`Rn` means n repetitions after the first interval (n + 1 intervals, as Rafiki counts);
`R` or `R-1` repeats without end.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import isodate
from dateutil.relativedelta import relativedelta


@dataclass(frozen=True)
class RepeatingInterval:
    start: datetime.datetime
    period: relativedelta
    repetitions: int | None  # None: without end

    def boundary(self, n: int) -> datetime.datetime:
        """Start of the n-th interval (0-based), computed from the start."""
        return self.start + self.period * n

    def containing(self, at: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime] | None:
        """The [start, end) interval that contains `at`, or None (before the start / after the last)."""
        at = _aware(at)
        if at < self.start:
            return None
        approx = (self.start + self.period) - self.start
        n = max(int((at - self.start) / approx) - 1, 0)
        while self.boundary(n + 1) <= at:
            n += 1
        while n > 0 and self.boundary(n) > at:
            n -= 1
        if self.repetitions is not None and n > self.repetitions:
            return None
        return self.boundary(n), self.boundary(n + 1)


def _aware(moment: datetime.datetime) -> datetime.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)


def _period(text: str) -> relativedelta:
    duration = isodate.parse_duration(text)
    if isinstance(duration, isodate.Duration):
        years, months, delta = int(duration.years), int(duration.months), duration.tdelta
    else:
        years, months, delta = 0, 0, duration
    period = relativedelta(years=years, months=months, days=delta.days, seconds=delta.seconds)
    if period == relativedelta():
        raise ValueError(f"the period of {text!r} is empty")
    return period


def parse_repeating_interval(text: str) -> RepeatingInterval:
    """Parse `R[n]/<start>/<duration>` or `R[n]/<start>/<end>`; ValueError otherwise."""
    parts = (text or "").strip().split("/")
    if len(parts) != 3 or not parts[0].startswith("R"):
        raise ValueError(f"{text!r} is not an ISO 8601 repeating interval like R/2026-01-01T00:00:00Z/P1M")
    count = parts[0][1:]
    try:
        repetitions = None if count in ("", "-1") else int(count)
        start = _aware(isodate.parse_datetime(parts[1]))
        if parts[2].startswith("P"):
            period = _period(parts[2])
        else:
            end = _aware(isodate.parse_datetime(parts[2]))
            if end <= start:
                raise ValueError("the interval ends before it starts")
            period = relativedelta(seconds=int((end - start).total_seconds()))
    except (isodate.ISO8601Error, ValueError) as exc:
        raise ValueError(f"{text!r} is not a usable repeating interval: {exc}") from None
    if repetitions is not None and repetitions < 0:
        raise ValueError(f"{text!r} has a negative number of repetitions")
    return RepeatingInterval(start=start, period=period, repetitions=repetitions)


def repeating_interval(start: datetime.datetime, period: str = "P1M",
                       repetitions: int | None = None) -> str:
    """The interval string for a grant, e.g. repeating_interval(jan_31) -> 'R/2026-01-31T00:00:00Z/P1M'."""
    _period(period)  # fail early on a bad period
    moment = _aware(start).astimezone(datetime.timezone.utc).replace(microsecond=0)
    count = "" if repetitions is None else str(repetitions)
    return f"R{count}/{moment.strftime('%Y-%m-%dT%H:%M:%SZ')}/{period}"

"""The pot-over-time chart: plain geometry for a server-rendered inline SVG, so the chart
shows on any phone with no JavaScript and no extra download."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Sequence

WIDTH, HEIGHT = 340, 180
LEFT, RIGHT, TOP, BOTTOM = 8, 8, 22, 26  # room for the labels


@dataclass(frozen=True)
class Chart:
    points: str  # SVG polyline "x,y x,y ..."
    area: str  # the same line closed down to the axis, for the shaded fill
    top_label: str
    first_label: str
    last_label: str
    width: int = WIDTH
    height: int = HEIGHT
    baseline: float = HEIGHT - BOTTOM


def pot_chart(series: Sequence[tuple[date, int]], format_amount) -> Chart | None:
    """A step line of the pot balance (minor units) by date; None when there is no history."""
    if not series:
        return None
    first, last = series[0][0], series[-1][0]
    span_days = max((last - first).days, 1)
    top = max(max(balance for _, balance in series), 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def xy(day: date, balance: int) -> tuple[float, float]:
        x = LEFT + plot_w * (day - first).days / span_days
        y = TOP + plot_h * (1 - max(balance, 0) / top)
        return round(x, 1), round(y, 1)

    coords: list[tuple[float, float]] = []
    for day, balance in series:
        x, y = xy(day, balance)
        if coords:  # the pot holds its balance until the next movement: a step, not a slope
            coords.append((x, coords[-1][1]))
        coords.append((x, y))
    if len(series) == 1:
        coords.append((WIDTH - RIGHT, coords[0][1]))
    line = " ".join(f"{x},{y}" for x, y in coords)
    base = HEIGHT - BOTTOM
    area = f"{coords[0][0]},{base} {line} {coords[-1][0]},{base}"
    return Chart(
        points=line,
        area=area,
        top_label=format_amount(top),
        first_label=first.strftime("%-d %b %Y"),
        last_label=last.strftime("%-d %b %Y"),
    )

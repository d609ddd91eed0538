"""What an operator sees when running a sweep by hand: a progress bar and a summary table."""

from __future__ import annotations

from typing import Iterable, TypeVar

from rich.console import Console
from rich.table import Table
from tqdm import tqdm

from stokvel.money import Money, format_money
from stokvel.settlement import SweepSummary

T = TypeVar("T")


def progress_bar(items: Iterable[T], total: int, description: str) -> Iterable[T]:
    return tqdm(items, total=total, desc=description, unit="payment")


def _money(minor: int) -> str:
    return format_money(Money(minor))


def summary_table(summary: SweepSummary) -> Table:
    caption = "dry run: nothing was paid or recorded" if summary.dry_run else None
    table = Table(title=f"Settlement sweep {summary.on_date.isoformat()}", caption=caption)
    table.add_column("outcome")
    table.add_column("count", justify="right")
    table.add_column("amount", justify="right")
    for label, count, minor in summary.rows():
        table.add_row(label, str(count), _money(minor))
    return table


def failures_table(summary: SweepSummary) -> Table:
    table = Table(title="Failures")
    table.add_column("stokvel")
    table.add_column("member")
    table.add_column("what")
    table.add_column("amount", justify="right")
    table.add_column("why")
    for outcome in summary.failures:
        table.add_row(
            outcome.stokvel_name, outcome.member_number, outcome.kind,
            _money(outcome.amount_minor), outcome.reason,
        )
    return table


def print_summary(summary: SweepSummary, console: Console | None = None) -> None:
    console = console or Console()
    console.print(summary_table(summary))
    if summary.failures:
        console.print(failures_table(summary))

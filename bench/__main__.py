"""`make bench`: runs every benchmark and prints their figures as one table.

Each benchmark module has `measure() -> list[(what, figure)]`; a module that fails shows
its error in the table instead of hiding the others.
"""

from __future__ import annotations

import importlib
import sys
import time

from rich.console import Console
from rich.table import Table

BENCHMARKS = [
    "bench.nlu_cv",
    "bench.stack_latency",
    "bench.sweep_throughput",
    "bench.training_time",
]


def main() -> int:
    console = Console()
    table = Table(title="DigiStokvel benchmarks")
    table.add_column("benchmark")
    table.add_column("what")
    table.add_column("figure", justify="right")
    failed = False
    for name in BENCHMARKS:
        started = time.perf_counter()
        console.print(f"running {name} ...")
        try:
            rows = importlib.import_module(name).measure()
        except Exception as error:  # one benchmark's failure must not hide the others
            failed = True
            rows = [("FAILED", f"{type(error).__name__}: {error}")]
        console.print(f"  done in {time.perf_counter() - started:.0f} s")
        for what, figure in rows:
            table.add_row(name.removeprefix("bench."), what, figure)
    console.print(table)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

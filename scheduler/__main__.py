"""`python -m scheduler` runs the scheduler (and its /health endpoint);
`python -m scheduler sweep --date YYYY-MM-DD [--dry-run]` runs or previews one day."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import signal
import sys
import threading

from stokvel.config import get_settings

# Exit codes of `sweep`: 0 all settled, 1 some payments failed, 3 another sweep is running.
EXIT_FAILURES, EXIT_BUSY = 1, 3


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-03-01") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m scheduler", description=__doc__)
    parser.add_argument(
        "--health-port", type=int, default=None,
        help="port for GET /health (default: settings, 5070)",
    )
    commands = parser.add_subparsers(dest="command")
    sweep = commands.add_parser("sweep", help="run (or preview) the settlement sweep for one day")
    sweep.add_argument("--date", type=_date, required=True, help="the day to settle, YYYY-MM-DD")
    sweep.add_argument(
        "--dry-run", action="store_true", help="show what would happen; move and record nothing"
    )
    return parser


def run_scheduler(health_port: int) -> int:
    from scheduler.app import build_scheduler
    from scheduler.health import start_health_server

    settings = get_settings()
    scheduler = build_scheduler(settings)
    server = start_health_server(health_port, host="0.0.0.0")
    job = scheduler.get_job("daily-settlement-sweep")
    logging.info(
        "scheduler up: next sweep %s; health on port %s", job.next_run_time, server.server_address[1]
    )
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    stop.wait()
    scheduler.shutdown(wait=True)  # let a running sweep finish its current payment
    server.shutdown()
    return 0


def run_one_sweep(on_date: dt.date, dry_run: bool) -> int:
    from scheduler.report import print_summary, progress_bar
    from stokvel.settlement import SweepAlreadyRunning, run_sweep

    try:
        summary = run_sweep(on_date, dry_run=dry_run, progress=progress_bar)
    except SweepAlreadyRunning as busy:
        print(busy.message, file=sys.stderr)
        return EXIT_BUSY
    print_summary(summary)
    return EXIT_FAILURES if summary.failures else 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    args = _parser().parse_args(argv)
    if args.command == "sweep":
        return run_one_sweep(args.date, args.dry_run)
    port = args.health_port if args.health_port is not None else get_settings().scheduler_health_port
    return run_scheduler(port)


if __name__ == "__main__":
    sys.exit(main())

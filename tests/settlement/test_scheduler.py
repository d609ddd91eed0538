"""The scheduler process: its persistent daily job, catching up a missed run once, /health,
and the `sweep` command's preview and summary."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import text

from scheduler.app import SWEEP_JOB_ID, build_scheduler, parse_sweep_time
from stokvel import settlement
from stokvel.config import get_settings
from stokvel.db import get_engine
from ops.stack import free_port
from tests.settlement.conftest import ROOT, _wait_healthy, ledger_rows


def stored_next_run(job_id: str = SWEEP_JOB_ID) -> float | None:
    with get_engine().connect() as connection:
        return connection.execute(text("SELECT next_run_time FROM apscheduler_jobs WHERE id = :id"),
                                  {"id": job_id}).scalar()


def _local_run_time(scheduler) -> tuple[int, int]:
    run = scheduler.get_job(SWEEP_JOB_ID).next_run_time.astimezone(ZoneInfo("Africa/Johannesburg"))
    return run.hour, run.minute


def test_the_sweep_job_is_stored_in_the_database_at_the_configured_time(db, monkeypatch):
    monkeypatch.setenv("SWEEP_TIME", "06:30")
    get_settings.cache_clear()
    scheduler = build_scheduler(get_settings())
    assert _local_run_time(scheduler) == (6, 30)
    assert stored_next_run() == pytest.approx(scheduler.get_job(SWEEP_JOB_ID).next_run_time.timestamp())
    scheduler.shutdown(wait=False)

    monkeypatch.setenv("SWEEP_TIME", "07:15")
    get_settings.cache_clear()
    scheduler = build_scheduler(get_settings())
    try:
        assert _local_run_time(scheduler) == (7, 15)  # the stored job follows the new setting
    finally:
        scheduler.shutdown(wait=False)


def test_a_scheduler_that_was_down_runs_the_missed_sweep_once(db, monkeypatch):
    runs = []
    monkeypatch.setattr(settlement, "run_due_sweeps", lambda today: runs.append(today) or [])
    build_scheduler(get_settings()).shutdown(wait=True)
    # The process stayed down for three days: its stored next run is long past.
    store = SQLAlchemyJobStore(url=get_settings().database_url)
    store.start(BackgroundScheduler(timezone="Africa/Johannesburg"), "default")
    job = store.lookup_job(SWEEP_JOB_ID)
    job.next_run_time = datetime.now(ZoneInfo("Africa/Johannesburg")) - timedelta(days=3)
    store.update_job(job)
    store.shutdown()

    scheduler = build_scheduler(get_settings())
    try:
        deadline = time.monotonic() + 10
        while not runs and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # room for a wrong second run to show up
        assert runs == [datetime.now(ZoneInfo("Africa/Johannesburg")).date()]
        assert stored_next_run() > time.time()
    finally:
        scheduler.shutdown(wait=True)


def test_sweep_time_must_be_a_time_of_day():
    assert parse_sweep_time("06:00") == (6, 0)
    for wrong in ("6am", "25:00", "06:60", ""):
        with pytest.raises(ValueError, match="SWEEP_TIME"):
            parse_sweep_time(wrong)


def test_the_scheduler_process_serves_health_and_stops_cleanly(db):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "scheduler", "--health-port", str(port)], cwd=ROOT,
                               env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_healthy(f"http://127.0.0.1:{port}", process)
        response = requests.get(f"http://127.0.0.1:{port}/health", timeout=5)
        assert response.json() == {"status": "ok"}
        assert requests.get(f"http://127.0.0.1:{port}/nope", timeout=5).status_code == 404
        assert stored_next_run() is not None
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scheduler", *args], cwd=ROOT,
                          env={**os.environ, "COLUMNS": "120"},
                          capture_output=True, text=True, timeout=120)


def test_sweep_command_previews_then_settles_a_day(world, two_members):
    day = two_members

    preview = run_cli("sweep", "--date", day.isoformat(), "--dry-run")

    assert preview.returncode == 0, preview.stderr
    assert "dry run" in preview.stdout and "to collect" in preview.stdout and "R1 000.00" in preview.stdout
    assert ledger_rows() == [] and world.balances()["pot"] == 0

    settled = run_cli("sweep", "--date", day.isoformat())

    assert settled.returncode == 0, settled.stderr
    line = next(l for l in settled.stdout.splitlines() if "collected" in l)
    assert "2" in line and "R1 000.00" in line
    assert "collecting" in settled.stderr  # the progress bar
    assert world.balances()["pot"] == 100_000


def test_sweep_command_refuses_a_date_it_cannot_read(db):
    result = run_cli("sweep", "--date", "31/12/2026")
    assert result.returncode == 2
    assert "is not a date like 2026-03-01" in result.stderr

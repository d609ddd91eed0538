"""APScheduler wiring: one persistent cron job that runs the settlement sweep daily.

The job lives in the database (SQLAlchemyJobStore), so a scheduler that was down finds its
missed run on start and runs it once (coalesce; no misfire limit). The sweep itself also
catches up every day it missed (`stokvel.settlement.run_due_sweeps`), so a week of downtime
settles a week of collections in one run.
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from apscheduler.jobstores.base import ConflictingIdError
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from stokvel import settlement
from stokvel.config import Settings

log = logging.getLogger(__name__)

SWEEP_JOB_ID = "daily-settlement-sweep"


def parse_sweep_time(text: str) -> tuple[int, int]:
    """'06:00' -> (6, 0); anything else is a configuration error said in plain words."""
    try:
        hour_text, minute_text = text.strip().split(":")
        hour, minute = int(hour_text), int(minute_text)
    except ValueError:
        raise ValueError(f"SWEEP_TIME must look like 06:00, not {text!r}") from None
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise ValueError(f"SWEEP_TIME must be a time of day between 00:00 and 23:59, not {text!r}")
    return hour, minute


def sweep_trigger(settings: Settings) -> CronTrigger:
    hour, minute = parse_sweep_time(settings.sweep_time)
    # A zone name, not a zoneinfo object: APScheduler 3 resolves names with pytz, which its
    # cron arithmetic across daylight-saving changes expects.
    return CronTrigger(hour=hour, minute=minute, timezone=settings.timezone)


def daily_sweep(timezone: str) -> None:
    """The scheduled job: settle today (in the stokvels' timezone) and any day missed."""
    today = dt.datetime.now(ZoneInfo(timezone)).date()
    for summary in settlement.run_due_sweeps(today):
        log.info("sweep %s: %s", summary.on_date, summary.one_line())


def build_scheduler(settings: Settings) -> BackgroundScheduler:
    """A started scheduler holding the sweep job, with its trigger in line with settings.

    The job is added only when missing and rescheduled only when the configured time
    changed: re-adding it on every start would reset its next run time and so forget a
    run missed while the process was down.
    """
    scheduler = BackgroundScheduler(
        # Its own (SQLAlchemy 1.x style) engine: APScheduler 3 uses the pre-2.0 API that
        # our future-mode engine no longer offers.
        jobstores={"default": SQLAlchemyJobStore(url=settings.database_url)},
        job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
        timezone=settings.timezone,
    )
    scheduler.start(paused=True)  # paused: look at the stored job before anything runs
    trigger = sweep_trigger(settings)
    job = scheduler.get_job(SWEEP_JOB_ID)
    if job is None:
        try:
            scheduler.add_job(
                daily_sweep, trigger, id=SWEEP_JOB_ID, kwargs={"timezone": settings.timezone}
            )
        except ConflictingIdError:
            pass  # a second scheduler process stored it a moment ago: the same job
    elif repr(job.trigger) != repr(trigger) or job.kwargs != {"timezone": settings.timezone}:
        scheduler.modify_job(SWEEP_JOB_ID, kwargs={"timezone": settings.timezone})
        scheduler.reschedule_job(SWEEP_JOB_ID, trigger=trigger)
    scheduler.resume()
    return scheduler

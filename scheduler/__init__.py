"""The daily settlement sweep (APScheduler): collects contributions due, pays payouts
owed, applies penalties, sends reminders and retries failures.

    python -m scheduler [--health-port N]              # the process: daily job + GET /health
    python -m scheduler sweep --date YYYY-MM-DD [--dry-run]   # run or preview one day by hand

The job runs at settings.sweep_time in settings.timezone and is stored in the database
(`apscheduler_jobs`), so a restart keeps it and a missed run happens once on start. The
money itself is moved by `stokvel.settlement`, the one place that does.

May import APScheduler and `stokvel`; never Rasa or Flask.
"""

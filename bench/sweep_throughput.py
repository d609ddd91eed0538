"""Settlement sweep throughput: contributions settled per second against the payment
sandbox (a real process, over HTTP), for 1 000 and 10 000 members, and how it grows.

Each member has a sandbox wallet and a real recurring grant approved on the sandbox's
approval page; stokvels hold at most 200 members, so 10 000 members make 50 stokvels. The
timed part is one `run_sweep` on the first collection day (every member owes one
contribution): ledger rows, incoming payments, quotes, outgoing payments. Messages to
members are left out (notify=False): they are the notifier's cost, not settlement's.

    python -m bench.sweep_throughput [--members 1000 10000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests
from alembic import command
from alembic.config import Config

from stokvel import settlement
from stokvel.config import get_settings
from stokvel.db import session_scope
from stokvel.money import Money
from stokvel.payments import ensure_platform_registered, platform_client
from stokvel.services import applications, grants, members, stokvels

ROOT = Path(__file__).resolve().parent.parent
MEMBERS_PER_STOKVEL = 200
SETUP_WORKERS = 8


def _start_sandbox(folder: Path) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox.openpayments", "--port", "0", "--db", str(folder / "op.db"),
         "--continue-wait", "0", "--token-ttl", str(400 * 86400)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    first_line = process.stdout.readline()  # "openpayments sandbox listening on HOST:PORT"
    port = int(first_line.rsplit(":", 1)[1])
    return process, f"http://localhost:{port}"


def _approve_grant(provider: str, wallet: str, stokvel_id: int, membership_id: int | None,
                   limit: Money, interval: str | None) -> None:
    client = platform_client()
    owner = client.resolve(f"{provider}/{wallet}")
    pending = client.start_outgoing_payment_grant(owner, finish_uri="http://bench.invalid/finish",
                                                  debit_amount=limit, interval=interval)
    decided = requests.post(pending.redirect, data={"decision": "accept"}, allow_redirects=False, timeout=30)
    interact_ref = parse_qs(urlsplit(decided.headers["Location"]).query)["interact_ref"][0]
    token = client.continue_grant(pending.continuation, interact_ref).access_token
    with session_scope() as session:
        stored = grants.start(session, stokvel_id=stokvel_id, purpose="contribution" if membership_id else "payout",
                              membership_id=membership_id, wallet_address=owner.id, limit=limit,
                              interval=interval, client_nonce=pending.client_nonce)
        grants.activate(session, stored.id, access_token=token.value, manage_url=token.manage)


def _build(provider: str, count: int, start: date) -> None:
    """`count` members with R1 000 each, in stokvels of 200, every grant approved."""
    admin = requests.Session()
    names = [f"m{count}-{i}" for i in range(count)]
    with ThreadPoolExecutor(SETUP_WORKERS) as pool:
        list(pool.map(lambda name: admin.post(f"{provider}/admin/wallets", json={
            "name": name, "asset_code": "ZAR", "asset_scale": 2, "balance": 100_000}, timeout=30), names))
    memberships: list[tuple[str, int, int]] = []  # (wallet, stokvel id, membership id)
    with session_scope() as session:
        for i, name in enumerate(names):
            members.register(session, number=f"+2771{count % 10}{i:06d}", name="Bench", surname=name,
                             wallet_address=f"{provider}/{name}", consent=True)
        for first in range(0, count, MEMBERS_PER_STOKVEL):
            group = names[first:first + MEMBERS_PER_STOKVEL]
            pot = f"pot{count}-{first}"
            admin.post(f"{provider}/admin/wallets", json={"name": pot, "asset_code": "ZAR", "asset_scale": 2},
                       timeout=30)
            admin_number = f"+2771{count % 10}{first:06d}"
            stokvel = stokvels.create(session, admin_number, dict(
                name=f"Bench {count}-{first}", kind="savings", contribution="R100",
                contribution_frequency="monthly", start_date=start, payout_frequency="yearly",
                max_members=MEMBERS_PER_STOKVEL, wallet_address=f"{provider}/{pot}"))
            memberships.append((group[0], stokvel.id, stokvel.memberships[0].id))
            for offset, name in enumerate(group[1:], start=1):
                application = applications.apply(session, f"+2771{count % 10}{first + offset:06d}",
                                                 stokvel_id=stokvel.id)
                memberships.append((name, stokvel.id, applications.approve(session, application.id,
                                                                           admin_number).id))
    with session_scope() as session:
        limit, interval = grants.contribution_terms(session, memberships[0][2])
    with ThreadPoolExecutor(SETUP_WORKERS) as pool:
        list(pool.map(lambda m: _approve_grant(provider, m[0], m[1], m[2], limit, interval), memberships))


def _fresh_database(folder: Path, count: int) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / f'bench-{count}.db'}"
    get_settings.cache_clear()
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    command.upgrade(config, "heads")


def run(counts: list[int]) -> list[tuple[int, float, int, float]]:
    """(members, sweep seconds, contributions collected, setup seconds) for each count."""
    folder = Path(tempfile.mkdtemp(dir="/dev/shm" if Path("/dev/shm").is_dir() else None))
    saved = dict(os.environ)
    sandbox = None
    try:
        os.environ["DIGISTOKVEL_VAR_DIR"] = str(folder / "var")
        sandbox, provider = _start_sandbox(folder)
        os.environ["OPEN_PAYMENTS_PROVIDER_URL"] = provider
        os.environ["OPEN_PAYMENTS_TIMEOUT_SECONDS"] = "60"  # a loaded machine is slow, not broken
        get_settings.cache_clear()
        ensure_platform_registered()
        start = date.today() + timedelta(days=7)
        requests.post(f"{provider}/admin/clock", json={"now": f"{start.isoformat()}T04:00:00+00:00"}, timeout=30)
        results = []
        for count in counts:
            _fresh_database(folder, count)
            began = time.perf_counter()
            _build(provider, count, start)
            setup = time.perf_counter() - began
            print(f"{count} members ready in {setup:.0f} s; sweeping ...", file=sys.stderr, flush=True)
            began = time.perf_counter()
            summary = settlement.run_sweep(start, notify=False)
            results.append((count, time.perf_counter() - began, len(summary.collected), setup))
            for what, figure in _rows(results[-1:]):
                print(f"  {what}: {figure}", file=sys.stderr, flush=True)
            if summary.failures:
                print(f"  {len(summary.failures)} failed, e.g. {summary.failures[0].reason}", file=sys.stderr)
        return results
    finally:
        if sandbox is not None:
            sandbox.terminate()
            sandbox.wait(timeout=30)
        os.environ.clear()
        os.environ.update(saved)
        get_settings.cache_clear()
        shutil.rmtree(folder, ignore_errors=True)


def _rows(results: list[tuple[int, float, int, float]]) -> list[tuple[str, str]]:
    rows = []
    for count, seconds, collected, setup in results:
        rows.append((f"{count} members: sweep (setup {setup:.0f} s)",
                     f"{seconds:.1f} s, {collected} collected, {collected / seconds:.1f} contributions/s"))
    if len(results) > 1:
        (n0, s0, *_), (n1, s1, *_) = results[0], results[-1]
        rows.append((f"growth {n0} → {n1} members", f"time ×{s1 / s0:.1f} for members ×{n1 / n0:.0f}"))
    return rows


def measure() -> list[tuple[str, str]]:
    return _rows(run([1_000, 10_000]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sweep_throughput", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, nargs="+", default=[1_000, 10_000])
    args = parser.parse_args(argv)
    # Stopped with SIGTERM: unwind, so the sandbox process and temporary files go too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    for what, figure in _rows(run(args.members)):
        print(f"{what}: {figure}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

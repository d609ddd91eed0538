"""python -m sandbox.openpayments --port 4000 --db var/openpayments.db

`--port 0` asks the OS for a free port; the first line printed says which one.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from waitress import create_server

from sandbox.openpayments.app import create_app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox.openpayments", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4000)
    parser.add_argument("--db", default="var/openpayments.db", help="the sandbox's own ledger (SQLite)")
    parser.add_argument("--public-url", help="the URL clients use (default http://localhost:PORT)")
    parser.add_argument("--token-ttl", type=int, default=600, help="access token lifetime, seconds")
    parser.add_argument("--continue-wait", type=int, default=1, help="GNAP continue wait, seconds")
    parser.add_argument("--quote-fee", type=int, default=0, help="fee per quote, minor units")
    args = parser.parse_args(argv)

    Path(args.db).parent.mkdir(parents=True, exist_ok=True)
    app = create_app(args.db, token_ttl_seconds=args.token_ttl,
                     continue_wait_seconds=args.continue_wait, quote_fee=args.quote_fee)
    server = create_server(app, host=args.host, port=args.port, threads=8)
    port = server.effective_port
    app.extensions["openpayments"].base_url = (args.public_url or f"http://localhost:{port}").rstrip("/")
    print(f"openpayments sandbox listening on {args.host}:{port}", flush=True)
    sys.stdout.flush()
    server.run()


if __name__ == "__main__":
    main()

"""`python -m rasa_bot`: the Rasa server with our channel, configured from stokvel.config.

endpoints.yml names `${ACTION_SERVER_URL}` and `${RASA_TRACKER_DB}`; this sets both from
the settings, so the Rasa server follows the same environment (ports, var/ directory) as
every other process instead of keeping a second copy of those defaults.
"""

from __future__ import annotations

import os
import sys

from stokvel.config import ROOT, get_settings


def main() -> None:
    settings = get_settings()
    os.environ["ACTION_SERVER_URL"] = settings.action_server_url
    os.environ["RASA_TRACKER_DB"] = str(settings.var_dir / "rasa_tracker.db")
    port = settings.rasa_url.rsplit(":", 1)[-1].strip("/")
    sys.argv = [
        "rasa", "run",
        "--model", str(ROOT / "models" / "digistokvel.tar.gz"),
        "--credentials", str(ROOT / "credentials.yml"),
        "--endpoints", str(ROOT / "endpoints.yml"),
        "--port", port,
        *sys.argv[1:],
    ]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()

"""`GET /health` for the scheduler process (every process serves one; `make run` waits on it).

The scheduler has no web framework of its own, so the standard library's threaded HTTP
server is enough for one JSON endpoint.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _HealthHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path.split("?", 1)[0] != "/health":
            self._reply(404, {"error": "not found"})
            return
        self._reply(200, {"status": "ok"})

    def _reply(self, status: int, body: dict) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        # Health probes every second would drown the sweep's own log lines.
        pass


def start_health_server(port: int, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """Serve /health on a daemon thread; port 0 asks the OS for a free port
    (read it back from `server.server_address[1]`)."""
    server = ThreadingHTTPServer((host, port), _HealthHandler)
    threading.Thread(target=server.serve_forever, name="health", daemon=True).start()
    return server

"""What the sandbox remembers: every message each way, and each member's 24-hour window."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional

WINDOW_SECONDS = 24 * 3600


def bare(address: str) -> str:
    """'whatsapp:+27…' -> '+27…'."""
    return address.split(":", 1)[1] if address.startswith("whatsapp:") else address


@dataclass
class Faults:
    """Failures to inject into the next Messages API calls (to exercise retries)."""

    status: int = 0
    remaining: int = 0


@dataclass
class State:
    outbox: List[dict] = field(default_factory=list)
    inbox: List[dict] = field(default_factory=list)
    api_requests: List[dict] = field(default_factory=list)
    last_inbound: Dict[str, float] = field(default_factory=dict)
    faults: Faults = field(default_factory=Faults)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record_inbound(self, entry: dict) -> None:
        with self.lock:
            self.inbox.append(entry)
            self.last_inbound[entry["from"]] = time.time()

    def record_request(self, entry: dict) -> None:
        with self.lock:
            self.api_requests.append(entry)

    def in_window(self, number: str) -> bool:
        with self.lock:
            last = self.last_inbound.get(bare(number))
        return last is not None and time.time() - last < WINDOW_SECONDS

    def add_outbound(self, message: dict) -> None:
        with self.lock:
            self.outbox.append(message)

    def update_outbound(self, sid: str, **changes) -> Optional[dict]:
        with self.lock:
            for message in self.outbox:
                if message["sid"] == sid:
                    message.update(changes)
                    return dict(message)
        return None

    def sent_to(self, number: Optional[str]) -> List[dict]:
        with self.lock:
            return [dict(m) for m in self.outbox if not number or bare(m["to"]) == bare(number)]

    def conversation(self, number: str) -> List[dict]:
        """Both directions for one member, oldest first."""
        with self.lock:
            inbound = [
                {"direction": "in", "body": m["body"], "at": m["at"], "sid": m["message_sid"]}
                for m in self.inbox
                if m["from"] == bare(number)
            ]
            outbound = [
                {"direction": "out", "body": m["body"], "at": m["at"], "sid": m["sid"],
                 "status": m["status"]}
                for m in self.outbox
                if bare(m["to"]) == bare(number)
            ]
        return sorted(inbound + outbound, key=lambda m: m["at"])

    def take_fault(self) -> int:
        """The HTTP status to fail the next API call with, or 0."""
        with self.lock:
            if self.faults.remaining <= 0:
                return 0
            self.faults.remaining -= 1
            return self.faults.status

"""Runs jobs in the background one at a time per key (a member), in the order submitted."""

from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable, Dict, Set

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[None]]


class SerialByKey:
    def __init__(self) -> None:
        self._queues: Dict[str, asyncio.Queue] = {}
        self._workers: Set[asyncio.Task] = set()  # strong references until they finish

    def submit(self, key: str, job: Job) -> None:
        queue = self._queues.get(key)
        if queue is None:
            queue = self._queues[key] = asyncio.Queue()
            worker = asyncio.get_running_loop().create_task(self._drain(key, queue))
            self._workers.add(worker)
            worker.add_done_callback(self._workers.discard)
        queue.put_nowait(job)

    async def _drain(self, key: str, queue: asyncio.Queue) -> None:
        while not queue.empty():
            job = queue.get_nowait()
            try:
                await job()
            except Exception:  # noqa: BLE001 - one bad turn must not stop the member's next ones
                log.exception("Handling a WhatsApp message for %s failed", key)
        # No await between the empty check and here, so nothing can be queued in between.
        del self._queues[key]


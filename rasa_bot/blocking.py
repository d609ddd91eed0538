"""Thread pools for the channel's blocking work, kept apart so that slow sends to Twilio
can never hold up acknowledging Twilio's webhooks (Twilio gives up after 15 s)."""

from __future__ import annotations

import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, TypeVar

T = TypeVar("T")

_database = ThreadPoolExecutor(max_workers=4, thread_name_prefix="whatsapp-db")
_sending = ThreadPoolExecutor(max_workers=16, thread_name_prefix="whatsapp-send")


async def in_db_thread(fn: Callable[..., T], *args: Any) -> T:
    """Short database work on the webhook's path (claiming a MessageSid, a menu)."""
    return await asyncio.get_running_loop().run_in_executor(_database, fn, *args)


async def in_send_thread(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """A send through the synchronous twilio client, retries and back-off included."""
    call = functools.partial(fn, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(_sending, call)

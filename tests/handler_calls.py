"""Call a Reflex event handler's function directly, as Reflex would, outside a browser."""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
from collections.abc import Callable
from typing import Any


def call_handler(fn: Callable[..., Any], state: Any, *args: Any) -> list[object]:
    """Everything the handler returns or yields, in order."""

    async def go() -> list[object]:
        out = fn(state, *args)
        if inspect.isasyncgen(out):
            return [value async for value in out]
        if inspect.isawaitable(out):
            return [await out]
        return [out]

    # A thread of its own: another test in this worker (Playwright) may own this thread's loop.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, go()).result()

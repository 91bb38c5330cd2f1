"""Call a Reflex event handler's function directly, as Reflex would, outside a browser.

Every call also checks what the handler sends the page: nothing that the page would run
through ``eval`` (``rx.call_script``, ``rx.toast``, any ``rx.call_function`` sent from the
backend...), which the deployed Content-Security-Policy refuses (no 'unsafe-eval'): the state
talks to the page with ``page_command`` (ui/state/upload_protocol.py).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
from collections.abc import Callable, Iterable
from typing import Any

from reflex.event import EventSpec

# The page runs these with eval (or, for _call_function sent from the backend, its code, which
# arrives as a string); see _call_script and _call_function in Reflex's utils/state.js.
EVAL_EVENTS = frozenset({"_call_script", "_call_function"})


def _specs(results: Iterable[object]) -> Iterable[EventSpec]:
    for result in results:
        if isinstance(result, EventSpec):
            yield result
        elif isinstance(result, list | tuple):
            yield from _specs(result)


def evaluated_by_the_page(results: Iterable[object]) -> list[str]:
    """The events among ``results`` that the page could only run through ``eval``."""
    found = []
    for spec in _specs(results):
        name = spec.handler.fn.__qualname__
        args = {key._js_expr: str(value) for key, value in spec.args}
        if name in EVAL_EVENTS or "getBackendURL" in args.get("url", ""):
            found.append(f"{name}{args}")
    return found


def call_handler(fn: Callable[..., Any], state: Any, *args: Any) -> list[object]:
    """Everything the handler returns or yields, in order (none of it run by eval)."""

    async def go() -> list[object]:
        out = fn(state, *args)
        if inspect.isasyncgen(out):
            return [value async for value in out]
        if inspect.isawaitable(out):
            return [await out]
        return [out]

    # A thread of its own: another test in this worker (Playwright) may own this thread's loop.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        results = pool.submit(asyncio.run, go()).result()
    evaluated = evaluated_by_the_page(results)
    assert not evaluated, f"{fn.__qualname__} sends the page code to eval: {evaluated}"
    return results

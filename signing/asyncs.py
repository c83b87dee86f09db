"""pyHanko's synchronous calls run an event loop of their own (asyncio.run), which fails in a
thread where a loop runs already (an asynchronous server, a test driving a browser through
Playwright's synchronous API). There the call goes to a thread of its own; elsewhere (the
Celery worker, a WSGI request, a command) it runs where it is called."""

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def outside_any_event_loop(work: Callable[[], T]) -> T:
    """The result of `work()`, which must not touch the database (another thread has another
    connection)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pyhanko") as pool:
        return pool.submit(work).result()

"""A worker loop run as a background task of the API process (the embedded single-box hub)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable


class EmbeddedLoop:
    """Start a worker's `run()` as a task; `stop()` asks it to finish, waits, then closes
    what it holds (broker connection, HTTP client, store)."""

    def __init__(self, name: str, run: Callable[[], Awaitable[None]],
                 request_stop: Callable[[], None], close: Callable[[], Awaitable[None]]) -> None:
        self.name = name
        self._run, self._request_stop, self._close = run, request_stop, close
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Run the loop in the background."""
        self.task = asyncio.create_task(self._wrapped(), name=self.name)

    async def _wrapped(self) -> None:
        await self._run()

    async def stop(self) -> None:
        """Let the current pass finish, then release the worker's connections."""
        self._request_stop()
        if self.task is not None:
            with contextlib.suppress(Exception):
                await self.task
        await self._close()

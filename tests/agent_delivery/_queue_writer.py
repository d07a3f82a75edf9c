"""Subprocess for the kill -9 test: put items forever, print each seq once committed."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from edge_agent.queue import QueueItem, SqliteQueue
from protocol import Channel


async def main(path: Path) -> None:
    queue = await SqliteQueue.open(path)
    seq = queue.seq_counter()
    while True:
        number = await seq.take()
        await queue.put(QueueItem(Channel.TELEMETRY, b"x" * 2000, number, ("sw1",), 3))
        print(number, flush=True)  # only after put() returned: the item is committed


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))

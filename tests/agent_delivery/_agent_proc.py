"""Subprocess agent for crash tests: a producer plus the real Delivery on a SqliteQueue.

Configured by environment (the password never appears on a command line):
AGENT_ID, AGENT_PASSWORD, BROKER_PORT, STATE_DIR, PRODUCE_INTERVAL_S (0: produce nothing).
Each committed telemetry seq is appended to STATE_DIR/produced.log. SIGTERM drains and exits.
"""

from __future__ import annotations

import asyncio
import os
import signal
from datetime import UTC, datetime
from pathlib import Path

from edge_agent.batching import Batcher
from edge_agent.delivery import BrokerSettings, Delivery, DeliverySettings
from edge_agent.queue import SqliteQueue
from protocol import Sample


async def produce(batcher: Batcher, log: Path, interval: float) -> None:
    with log.open("a") as out:
        while True:
            sample = Sample(device="dev-1", metric="test_counter", value=0, kind="counter",
                            ts=datetime.now(UTC))
            [queued] = await batcher.add_samples([sample])
            out.write(f"{queued.item.seq}\n")  # written only once the item is committed
            out.flush()
            await asyncio.sleep(interval)


async def main() -> None:
    env = os.environ
    state = Path(env["STATE_DIR"])
    queue = await SqliteQueue.open(state / "queue.sqlite3")
    seq = queue.seq_counter()
    broker = BrokerSettings("127.0.0.1", int(env["BROKER_PORT"]), password=env["AGENT_PASSWORD"],
                            keepalive_s=5)
    settings = DeliverySettings(backoff_initial_s=0.05, backoff_cap_s=0.3,
                                health_interval_s=3600, idle_poll_s=0.05)
    delivery = Delivery(env["AGENT_ID"], broker, queue, seq, settings=settings)
    batcher = Batcher(env["AGENT_ID"], queue, seq, on_enqueue=delivery.wake)
    stopping = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopping.set)
    runner = asyncio.create_task(delivery.run())
    interval = float(env.get("PRODUCE_INTERVAL_S", "0"))
    producer = None
    if interval > 0:
        producer = asyncio.create_task(produce(batcher, state / "produced.log", interval))
    await stopping.wait()
    if producer is not None:
        producer.cancel()
    await delivery.stop(deadline_s=10)
    await runner
    await queue.close()


if __name__ == "__main__":
    asyncio.run(main())

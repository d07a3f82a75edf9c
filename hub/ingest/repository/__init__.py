"""Every statement ingest runs, each inside the caller's transaction (the pipeline opens
and commits it: a message's rows, its dedupe record and its rollup contribution commit
together or not at all). Nothing here adds a round trip: each function is one statement,
or the same few the write path always ran.

- `sql`: dialect plumbing (ON CONFLICT inserts on both databases) and the agent lock.
- `bulk`: set-based upserts, one statement per table per micro-batch.
- `seen`: exactly-once bookkeeping rows (seen seqs, high-water marks).
- `telemetry`: device rows, counter chains, held readings, rollups, latest values.
- `observed`: inventory facts, interfaces, agent health and availability.
- `agents`: the agent registry lookup.
- `quarantine`: messages kept for inspection, and their retention.
"""

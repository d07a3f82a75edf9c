"""Provisioning jobs: API, state machine, MQTT dispatch to agents, results and config backups.

    POST /jobs  (Idempotency-Key)  -> queued
    JobDispatcher.tick()           -> dispatched (JobRequest on dm/v1/<agent>/cmd/job), expiry
    ingest JobReported -> results   -> running -> succeeded | failed | rolled_back (JobFinished)
"""

"""Provisioning jobs over SSH: profile actions, the executor, backups and CLI telemetry.

The action catalogue (`load_actions`, `check_params`, `render`, ...) lives in
`firmware_profiles.actions`, shared with the hub; it is re-exported here for agent code.

    from edge_agent.executor import Executor, load_actions, render
    lines = render(load_actions("cisco_ios").action("suspend_customer"), {"interface": "Gi0/2"})
    result = await Executor(config).run(job_request)       # protocol.JobResult
"""

from edge_agent.executor.backup import ConfigBackup, clean_config, config_hash, normalise, scrub
from edge_agent.executor.classify import classify
from edge_agent.executor.executor import Executor, ProgressSink
from edge_agent.executor.session import CliSession, Connector, NetmikoSession, SshTarget
from edge_agent.executor.store import JobStore
from edge_agent.executor.telemetry import CliPoller, parse_metric, poll_cli
from firmware_profiles.actions import (
    Action,
    ActionError,
    ParamError,
    PlatformActions,
    check_params,
    load_actions,
    load_all_actions,
    render,
    render_rollback,
)

__all__ = [
    "Action",
    "ActionError",
    "CliPoller",
    "CliSession",
    "ConfigBackup",
    "Connector",
    "Executor",
    "JobStore",
    "NetmikoSession",
    "ParamError",
    "PlatformActions",
    "ProgressSink",
    "SshTarget",
    "check_params",
    "classify",
    "clean_config",
    "config_hash",
    "load_actions",
    "load_all_actions",
    "normalise",
    "parse_metric",
    "poll_cli",
    "render",
    "render_rollback",
    "scrub",
]

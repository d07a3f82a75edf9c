"""One action against one device, start to finish (blocking; runs in the thread pool).

connect -> [capture] -> apply line by line -> [commit] -> verify -> [save]
Any failure after the first applied line (or a lost connection mid-change) runs the
rollback template, on a fresh session if the old one is gone, and says so.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from edge_agent.executor.backup import ConfigBackup, clean_config
from edge_agent.executor.classify import FIXES, Refused, VerifyFailed, classify
from edge_agent.executor.session import CliSession, Connector, NapalmSession, SshTarget
from firmware_profiles.actions import (
    Action,
    ParamError,
    PlatformActions,
    check_captured,
    render,
    render_rollback,
    render_text,
)
from firmware_profiles.scrub import scrubber
from protocol import JobErrorCode

__all__ = ["Outcome", "ProgressFn", "run_action", "run_getter"]

log = logging.getLogger(__name__)
ProgressFn = Callable[[str, str, float | None], None]
_CONNECTION_LOST = {JobErrorCode.UNREACHABLE, JobErrorCode.TIMEOUT, JobErrorCode.PROMPT_MISMATCH}


@dataclass
class Outcome:
    """What a run produced, before it becomes a `protocol.JobResult`."""

    outcome: Literal["succeeded", "failed", "rolled_back"]
    error_code: JobErrorCode | None = None
    output: str = ""
    backup: ConfigBackup | None = None


@dataclass
class _Run:
    target: SshTarget
    platform: PlatformActions
    action: Action
    params: Mapping[str, Any]
    connect: Connector
    progress: ProgressFn
    previous_hash: str | None = None
    transcript: list[str] = field(default_factory=list)
    session: CliSession | None = None

    def note(self, text: str) -> None:
        self.transcript.append(text)

    def fail(self, code: JobErrorCode, detail: str,
             outcome: Literal["failed", "rolled_back"] = "failed") -> Outcome:
        self.note(f"error {code.value}: {detail}; fix: {FIXES.get(code, '')}")
        return Outcome(outcome, code, "\n".join(self.transcript))

    def show(self, command: str, confirm: tuple[str, str] | None = None) -> str:
        assert self.session is not None
        output = (self.session.show(command) if confirm is None
                  else self.session.confirm(command, *confirm))
        self.note(f"> {command}\n{output}")
        refusal = self.platform.refused(output)
        if refusal:
            raise Refused(command, refusal)
        return output


def run_action(target: SshTarget, platform: PlatformActions, action: Action,
               params: Mapping[str, Any], connect: Connector, progress: ProgressFn,
               previous_hash: str | None = None) -> Outcome:
    """Run `action` on the device; never raises for device trouble."""
    run = _Run(target, platform, action, params, connect, progress, previous_hash)
    progress("connecting", f"ssh {target.username}@{target.host}:{target.port}", 5.0)
    try:
        run.session = connect(target, platform)
    except Exception as exc:
        code = classify(exc, connected=False)
        return run.fail(code, f"device {target.device}: login failed ({type(exc).__name__})")
    try:
        if action.kind == "show":
            return _show(run)
        if action.kind == "backup":
            return _backup(run)
        return _change(run)
    except Exception as exc:  # a bug must cost one job, never the executor
        log.exception("job.internal_error device=%s action=%s", target.device, action.name)
        return run.fail(classify(exc, connected=True), f"{type(exc).__name__}: {exc}")
    finally:
        if run.session is not None:
            run.session.close()


def _show(run: _Run) -> Outcome:
    run.progress("running", run.action.name, 50.0)
    outputs = []
    try:
        for command in render(run.action, run.params):
            outputs.append(run.show(command))
    except Exception as exc:
        return run.fail(classify(exc, connected=True), str(exc))
    text = "\n".join(outputs)
    if not run.action.parse:
        return Outcome("succeeded", None, text)
    facts = {name: _first(regex, text) for name, regex in run.action.parse.items()}
    return Outcome("succeeded", None, json.dumps({"facts": facts, "output": text}))


def _first(regex: str, text: str) -> str | None:
    found = re.search(regex, text, re.MULTILINE)
    return found.group(1).strip() if found and found.groups() else None


def _backup(run: _Run) -> Outcome:
    spec = run.platform.backup
    if spec is None:
        return run.fail(JobErrorCode.INTERNAL, f"profile {run.platform.os} has no backup section")
    run.progress("fetching", spec.command, 40.0)
    try:
        raw = run.show(spec.command)
    except Exception as exc:
        return run.fail(classify(exc, connected=True), str(exc))
    backup = clean_config(run.target.device, raw, spec, run.previous_hash,
                          secrets=scrubber(run.platform.os))
    return Outcome("succeeded", None, json.dumps(backup.as_json()), backup)


def _capture(run: _Run) -> dict[str, str | None]:
    capture = run.action.capture
    if capture is None:
        return {}
    # One read-only command per line; the fields are read from all their output together.
    commands = [line.strip() for line in render_text(capture.command, run.params).splitlines()]
    text = "\n".join(run.show(command) for command in commands if command)
    # Checked now, before the change: a value the rollback could not safely send must stop
    # the job while there is nothing to undo.
    return check_captured(run.action, {name: _first(render_text(regex, run.params), text)
                                       for name, regex in capture.fields.items()})


@dataclass
class _Counter:
    applied: int = 0  # lines the device accepted so far (tells _change whether to undo)


def _apply(run: _Run, lines: list[str], counter: _Counter | None = None) -> None:
    """Send `lines` in configuration mode (raises Refused on the first refusal)."""
    assert run.session is not None
    counter = counter or _Counter()
    run.session.enter_config()
    for line in lines:
        answer = run.session.config_line(line)
        run.note(f"+ {line}")
        refusal = run.platform.refused(answer)
        if refusal:
            run.note(answer)
            raise Refused(line, refusal)
        counter.applied += 1
        run.progress("applying", line, 20.0 + 50.0 * counter.applied / max(len(lines), 1))
    if run.platform.commit:
        answer = run.session.commit()
        run.note("+ commit")
        refusal = run.platform.refused(answer)
        if refusal:
            raise Refused("commit", refusal)
    run.session.leave_config()


def _verify(run: _Run) -> None:
    verify = run.action.verify
    if verify is None:
        return
    run.progress("verifying", verify.command, 80.0)
    output = run.show(render_text(verify.command, run.params))
    for check in verify.expect:
        regex = render_text(check.regex, run.params)
        found = re.search(regex, output, re.MULTILINE) is not None
        if found != (check.kind == "match"):
            word = "missing" if check.kind == "match" else "still present"
            raise VerifyFailed(f"verify: {regex!r} {word} in the output of {verify.command!r}")


def _change(run: _Run) -> Outcome:
    lines = render(run.action, run.params)
    try:
        before = _capture(run)
    except ParamError as exc:  # the device holds a value the rollback could not send back
        return run.fail(JobErrorCode.COMMAND_REJECTED, f"before the change: {exc}")
    except Exception as exc:
        return run.fail(classify(exc, connected=True), f"before the change: {exc}")
    counter = _Counter()
    try:
        _apply(run, lines, counter)
        _verify(run)
    except Exception as exc:
        code = classify(exc, connected=True)
        if counter.applied == 0 and code is JobErrorCode.COMMAND_REJECTED:
            _leave_quietly(run)
            return run.fail(code, str(exc))  # nothing was applied: nothing to undo
        return _rollback(run, before, code, str(exc))
    if run.platform.save_command:
        _save(run, run.platform.save_command)
    run.progress("done", run.action.name, 100.0)
    return Outcome("succeeded", None, "\n".join(run.transcript))


def _save(run: _Run, command: str) -> None:
    """Persist a verified change: an exec command, or a configuration-mode one
    (`save_in_config`: EdgeOS/VyOS `save` exists only there)."""
    if not run.platform.save_in_config:
        run.show(command, run.platform.save_confirm)
        return
    assert run.session is not None
    run.session.enter_config()
    answer = run.session.config_line(command)
    run.note(f"+ {command}\n{answer}")
    refusal = run.platform.refused(answer)
    run.session.leave_config()
    if refusal:
        raise Refused(command, refusal)


def _leave_quietly(run: _Run) -> None:
    if run.session is None:
        return
    try:
        if run.platform.discard_command:
            run.session.config_line(run.platform.discard_command)
        run.session.leave_config()
    except Exception:  # the job already failed; leaving config mode is best effort
        log.warning("job.leave_config_failed device=%s", run.target.device)


def _rollback(run: _Run, before: Mapping[str, str | None], cause: JobErrorCode,
              detail: str) -> Outcome:
    run.progress("rolling_back", f"{cause.value}: {detail}", 85.0)
    run.note(f"rollback after {cause.value}: {detail}")
    lines = render_rollback(run.action, run.params, before)
    try:
        if cause in _CONNECTION_LOST or run.session is None:
            if run.session is not None:
                run.session.close()
            run.session = run.connect(run.target, run.platform)
        # On commit platforms the discard command first drops what never reached a commit.
        discard = [run.platform.discard_command] if run.platform.discard_command else []
        _apply(run, [*discard, *lines])
    except Exception as exc:
        run.note(f"rollback failed: {type(exc).__name__}: {exc}")
        return run.fail(cause, f"{detail}; ROLLBACK FAILED, the device may be half-changed")
    return run.fail(cause, detail, outcome="rolled_back")


# napalm get_facts keys -> the names the CLI parse of get_facts uses (same job output).
_NAPALM_FACTS = {"hostname": "hostname", "os_version": "os_version", "model": "model",
                 "serial_number": "serial", "uptime": "uptime_s", "vendor": "vendor",
                 "fqdn": "fqdn", "interface_list": "interfaces"}


def run_getter(target: SshTarget, platform: PlatformActions, action: Action,
               progress: ProgressFn) -> Outcome:
    """Run the action's napalm getter (blocking); never raises for device trouble."""
    assert action.napalm is not None
    progress("connecting", f"napalm {platform.napalm_driver} {target.username}@{target.host}",
             5.0)
    try:
        session = NapalmSession(target, platform)
    except Exception as exc:
        code = classify(exc, connected=False)
        return Outcome("failed", code, f"error {code.value}: device {target.device}: login "
                       f"failed ({type(exc).__name__}); fix: {FIXES.get(code, '')}")
    try:
        progress("running", f"napalm {action.napalm}", 50.0)
        data = session.getter(action.napalm)
    except Exception as exc:
        code = classify(exc, connected=True)
        return Outcome("failed", code, f"error {code.value}: napalm {action.napalm}: "
                       f"{type(exc).__name__}: {exc}")
    finally:
        session.close()
    if action.napalm == "get_facts":
        data = {_NAPALM_FACTS.get(k, k): v for k, v in data.items()}
        return Outcome("succeeded", None, json.dumps({"facts": data, "source": "napalm"},
                                                     default=str))
    return Outcome("succeeded", None, json.dumps({action.napalm: data, "source": "napalm"},
                                                 default=str))

"""Values reaching a CLI template can never become a second command (issue #16, Low).

Job parameters always had a blanket ban (newline, ';', '|', backtick, template syntax). Two
holes: what `capture` read off the device (a customer-editable interface description, say)
went into the rollback template unchecked, and commands were split with str.splitlines, which
also splits on \\x0b, \\x0c, \\x1c-\\x1e, \\x85, \\u2028 and \\u2029. And the ban refused
Junos's own `show ... | ...` run_show values, so Junos run_show always failed.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from edge_agent.executor import Executor
from firmware_profiles.actions import ParamError, load_actions, render, render_rollback
from protocol import JobErrorCode
from tests.agent_ssh.conftest import executor_for, job
from tests.ssh_sim import Simulator

__all__ = ["executor_for"]
SEPARATORS = ["\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029",
              ";", "|", "`", "{{ 7*7 }}"]
PORT = "GigabitEthernet0/2"


@pytest.mark.parametrize("separator", SEPARATORS, ids=repr)
def test_a_captured_value_cannot_add_a_rollback_command(separator: str) -> None:
    action = load_actions("cisco_ios").action("change_plan")
    params = {"interface": PORT, "rate_kbps": 10_000, "plan": "gold"}
    hostile = {"bps": None, "description": f"cust-a{separator}reload"}
    with pytest.raises(ParamError, match=r"before\.description"):
        render_rollback(action, params, hostile)


def test_an_ordinary_captured_value_still_rolls_back() -> None:
    action = load_actions("cisco_ios").action("change_plan")
    params = {"interface": PORT, "rate_kbps": 10_000, "plan": "gold"}
    lines = render_rollback(action, params, {"bps": "5000000", "description": "cust-a 12"})
    assert f"interface {PORT}" in lines and "description cust-a 12" in lines


@pytest.mark.parametrize("separator", SEPARATORS, ids=repr)
def test_a_job_parameter_with_a_separator_is_refused(separator: str) -> None:
    action = load_actions("cisco_ios").action("change_plan")
    with pytest.raises(ParamError):
        render(action, {"interface": PORT, "rate_kbps": 1000, "plan": f"gold{separator}x"})


def test_junos_runs_the_show_commands_its_profile_lists_even_with_a_pipe() -> None:
    action = load_actions("juniper_junos").action("run_show")
    piped = [value for value in action.schema["properties"]["command"]["enum"] if "|" in value]
    assert piped, "the Junos profile lists a piped show command"
    for command in piped:
        assert render(action, {"command": command}) == [command]


def test_a_pipe_the_profile_does_not_list_is_still_refused() -> None:
    action = load_actions("juniper_junos").action("run_show")
    with pytest.raises(ParamError):
        render(action, {"command": "show version | save /var/tmp/x"})


async def test_a_hostile_description_on_the_device_stops_the_change_before_it_starts(
        ssh_sim: Simulator, executor_for: Callable[..., Executor]) -> None:
    dev = ssh_sim.add_device("cisco_ios")
    dev.state.interface(PORT).description = "cust-a; reload"
    dev.faults.reject.append(r"^rate-limit input")  # forces the rollback path if it ran
    executor = executor_for(dev)
    result = await executor.run(job(dev, "change_plan", interface=PORT, rate_kbps=10_000,
                                    plan="gold"))
    assert (result.outcome, result.error_code) == ("failed", JobErrorCode.COMMAND_REJECTED)
    assert "before.description" in result.output
    # Nothing was sent in configuration mode: the hostile value never reached the device.
    assert not any(command.startswith("description") for command in dev.state.commands)
    assert dev.state.interface(PORT).description == "cust-a; reload"

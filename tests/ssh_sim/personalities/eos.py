"""Arista EOS: `>`/`#` exec modes, enable, `(config-if-Et1)#`, QoS policy-maps, EOS errors.

Modelled on the transcripts in Arista's EOS User Manual: `terminal width` answers
"Width set to N columns.", `terminal length 0` answers "Pagination disabled.", interface
mode shows the short port name in the prompt, running-config indents by three spaces,
and a refused line answers `% Invalid input` (no caret line).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import ClassVar

from tests.ssh_sim.personalities.ios import IosShell, _match
from tests.ssh_sim.shell import Reply, render
from tests.ssh_sim.state import DeviceState, Interface

_POLICE = re.compile(r"^police rate (\d+) kbps burst-size \d+ kbytes$")
_SERVICE_POLICY = ("service-policy", "type", "qos", "input")


class EosShell(IosShell):
    """An Arista 7050-like switch; the base of the NX-OS personality (same Cisco-style CLI)."""

    platform = "arista_eos"
    folder = "arista_eos"
    more_prompt = " --More-- "
    pmap_keyword = "quality-of-service"  # policy-map type <this> NAME
    police = _POLICE
    save_reply = "Copy completed successfully.\n"
    shows: ClassVar[dict[tuple[str, ...], str]] = {
        ("show", "interfaces", "status"): "show_interfaces_status",
        ("show", "interfaces", "description"): "show_interfaces_description",
        ("show", "running-config"): "show_running-config",
        ("show", "version"): "show_version",
        ("show", "clock"): "show_clock",
    }

    def __init__(self, device: object) -> None:
        super().__init__(device)
        self.policy: str | None = None  # the policy-map being edited

    @classmethod
    def seed_rate(cls, state: DeviceState, port: str, bps: int) -> None:
        """A QoS policy-map named as change_plan names it, attached to `port`."""
        name = f"dm-{bps // 1000}k"
        with state.lock:
            state.policers[name] = bps
            iface = state.interface(port)
            iface.in_policy, iface.rate_in_bps = name, bps

    def prompt(self) -> str:
        name = self.state.hostname
        if self.mode == "config-if" and self.current is not None:
            return f"{name}(config-if-{self.short(self.current)})#"
        if self.mode == "config-pmap":
            return f"{name}(config-pmap-qos-{self.policy})#"
        if self.mode == "config-pmap-c":
            return f"{name}(config-pmap-c-qos-{self.policy}-class-default)#"
        return super().prompt()

    @staticmethod
    def short(name: str) -> str:
        """EOS abbreviates Ethernet1 to Et1 in prompts and tables."""
        return name.replace("Ethernet", "Et")

    def is_error(self, output: str) -> bool:
        return output.lstrip().startswith("%")

    def rejected(self, line: str, column: int = 0) -> Reply:
        token = (line.split() or [""])[0]
        return Reply(f"% Invalid input (at token 0: '{token}')\n")

    def terminal(self, words: list[str]) -> Reply:
        if len(words) == 3 and _match(words[1:2], ("length",)) and words[2].isdigit():
            self.paging = words[2] != "0"
            return Reply("Pagination disabled.\n" if not self.paging else "")
        if len(words) == 3 and _match(words[1:2], ("width",)) and words[2].isdigit():
            return Reply(f"Width set to {words[2]} columns.\n")
        return self.rejected(" ".join(words))

    def privileged(self, line: str, words: list[str]) -> Reply:
        if _match(words, ("copy", "running-config", "startup-config")) or _match(
                words, ("write", "memory")):
            return Reply(self.save_reply)
        return super().privileged(line, words)

    def show(self, words: list[str]) -> Reply:
        for keys, template in self.shows.items():
            if _match(words, keys):
                return self.show_one(template, words[len(keys):])
        return self.rejected(" ".join(words[1:]) or "show")

    def show_one(self, template: str, rest: list[str]) -> Reply:
        if template == "show_running-config" and self.mode == "user":
            return self.rejected(" ".join(rest))
        interfaces = list(self.state.interfaces.values())
        if rest and template == "show_running-config":
            name = self.resolve(" ".join(rest[1:])) if len(rest) > 1 else None
            if name is None or not _match(rest[:1], ("interfaces",)):
                return self.rejected(" ".join(rest))
            interfaces, template = [self.state.interfaces[name]], "show_running-config_interface"
        elif rest:
            return self.rejected(" ".join(rest))
        return Reply(render(f"{self.folder}/{template}.txt", s=self.state,
                            interfaces=interfaces, short=self.short, now=datetime.now(UTC),
                            last_change=self.state.last_change))

    def config(self, line: str, words: list[str]) -> Reply:
        if _match(words, ("policy-map",)):
            return self.policy_map(line, words)
        if self.mode == "config-pmap" and _match(words, ("class",)):
            if words[1:] != ["class-default"]:
                return self.rejected(line)
            self.mode = "config-pmap-c"
            return Reply()
        if self.mode == "config-pmap-c" and words[0] == "police":
            match = self.police.match(" ".join(words))
            if match is None or self.policy is None:
                return self.rejected(line)
            self.state.policers[self.policy] = int(match.group(1)) * 1000
            return Reply()
        if self.mode.startswith("config-pmap") and _match(words, ("exit",)):
            self.mode = "config-pmap" if self.mode == "config-pmap-c" else "config"
            return Reply()
        if self.mode.startswith("config-pmap") and not _match(words, ("interface",)) and \
                not _match(words, ("end",)):
            return self.rejected(line)
        return super().config(line, words)

    def policy_map(self, line: str, words: list[str]) -> Reply:
        if len(words) != 4 or words[1] != "type" or words[2] != self.pmap_keyword or \
                not re.match(r"^[A-Za-z0-9][\w.-]{0,39}$", words[3]):
            return self.rejected(line)
        self.mode, self.policy, self.current = "config-pmap", words[3], None
        self.state.policers.setdefault(words[3], 0)
        return Reply()

    def interface_line(self, line: str, words: list[str]) -> Reply:
        assert self.current is not None
        iface = self.state.interfaces[self.current]
        negate = words[0] == "no"
        body = words[1:] if negate else words
        if tuple(body[:4]) == _SERVICE_POLICY:
            return self.service_policy(iface, body[4:], negate, line)
        if body[:1] == ["rate-limit"]:
            return self.rejected(line)  # an IOS command: EOS/NX-OS police through QoS policies
        return super().interface_line(line, words)

    def service_policy(self, iface: Interface, rest: list[str], negate: bool,
                       line: str) -> Reply:
        if negate:
            iface.in_policy, iface.rate_in_bps = None, None
            return Reply()
        if len(rest) != 1 or not self.state.policers.get(rest[0]):
            return self.rejected(line)
        iface.in_policy, iface.rate_in_bps = rest[0], self.state.policers[rest[0]]
        return Reply()

"""Juniper Junos: `user@host>` operational mode, `configure`/`[edit]`, candidate + commit."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tests.ssh_sim.shell import Reply, Shell, render

if TYPE_CHECKING:
    from tests.ssh_sim.server import SimDevice
    from tests.ssh_sim.state import DeviceState

_CONFIG_ROOTS = ("interfaces", "firewall", "system", "snmp", "class-of-service", "vlans",
                 "policy-options", "protocols", "routing-options", "version")
_UNITS = {"k": 1_000, "m": 1_000_000, "g": 1_000_000_000}
# Leaves that hold one value: setting one again replaces it, as Junos does.
_LEAVES = ("bandwidth-limit", "burst-size-limit", "description", "speed", "mtu", "vlan-id",
           "host-name", "input", "output")


def _leaf_path(line: str) -> str | None:
    """`set ... <leaf>` without the value, when the line sets a single-value leaf."""
    words = line.split()
    for index in range(len(words) - 2, 1, -1):
        if words[index] in _LEAVES:
            return " ".join(words[:index + 1])
    return None


def _bps(text: str) -> int:
    match = re.fullmatch(r"(\d+)([kmg]?)", text.lower())
    if match is None:
        return 0
    return int(match.group(1)) * _UNITS.get(match.group(2), 1)


class JunosShell(Shell):
    """An MX-like router with a candidate configuration of `set` statements."""

    platform = "juniper_junos"
    more_prompt = "---(more)---"

    def __init__(self, device: SimDevice) -> None:
        super().__init__(device)
        self.config_mode = False
        self.candidate: list[str] = []

    @staticmethod
    def factory_lines(state: DeviceState) -> list[str]:
        """The committed configuration a new device starts with (secrets included)."""
        lines = ["set version 21.2R3-S2.9", f"set system host-name {state.hostname}",
                 'set system root-authentication encrypted-password '
                 '"$6$Jq9b1$k3yq0sV2mXw4V7Gh0nPpZ1f6Wl7a4lFvXz8oTd0iDq2"',
                 "set system login user admin class super-user",
                 'set system login user admin authentication encrypted-password '
                 '"$6$Xa1b2$P0q9r8s7t6u5v4w3x2y1z0AbCdEfGhIjKlMnOpQrStUvWxYz"',
                 "set system services ssh",
                 "set snmp community Jn0sR3ad authorization read-only"]
        for iface in state.interfaces.values():
            if iface.description:
                lines.append(f'set interfaces {iface.name} description "{iface.description}"')
            if iface.ip:
                lines.append(f"set interfaces {iface.name} unit 0 family inet address {iface.ip}")
        return lines

    @classmethod
    def seed_rate(cls, state: DeviceState, port: str, bps: int) -> None:
        """A committed per-port policer, as set_port_speed/change_plan would write it."""
        name = "dm-" + re.sub(r"[^A-Za-z0-9]+", "-", port).strip("-")
        with state.lock:
            state.junos_lines += [
                f"set firewall policer {name} if-exceeding bandwidth-limit {bps // 1000}k",
                f"set firewall policer {name} if-exceeding burst-size-limit "
                f"{max(bps // 80, 1500)}",
                f"set firewall policer {name} then discard",
                f"set interfaces {port} unit 0 family inet policer input {name}"]
            sync_interfaces(state)

    def prompt(self) -> str:
        user = f"{self.device.username}@{self.state.hostname}"
        return f"\n[edit]\n{user}# " if self.config_mode else f"{user}> "

    def in_config(self) -> bool:
        return self.config_mode

    def is_error(self, output: str) -> bool:
        return bool(re.search(r"syntax error|unknown command|^error:", output, re.M))

    def rejected(self, line: str) -> Reply:
        caret = " " * len(self.prompt().splitlines()[-1]) + "^"
        word = "syntax error." if self.config_mode else "unknown command."
        return Reply(f"{caret}\n{word}\n")

    def execute(self, line: str) -> Reply:
        text = line.strip()
        if not text:
            return Reply()
        if self.config_mode:
            return self.configure(text)
        return self.operational(text)

    def operational(self, text: str) -> Reply:
        setting = re.fullmatch(r"set cli (screen-width|screen-length) (\d+)", text)
        if setting:
            if setting.group(1) == "screen-length":
                self.paging = setting.group(2) != "0"
                return Reply(f"Screen length set to {setting.group(2)}\n")
            return Reply(f"Screen width set to {setting.group(2)}\n")
        if text == "set cli complete-on-space off":
            return Reply("Disabling complete-on-space\n")
        if text in ("exit", "quit"):
            return Reply(close=True)
        if text == "configure":
            self.config_mode = True
            self.candidate = list(self.state.junos_lines)
            return Reply("Entering configuration mode\n")
        if text.startswith("show "):
            return self.show(text)
        return self.rejected(text)

    def show(self, text: str) -> Reply:
        command, _, pipe = (part.strip() for part in text.partition("|"))
        words = command.split()
        if words == ["show", "version"]:
            return Reply(render("juniper_junos/show_version.txt", s=self.state))
        if words[:2] == ["show", "interfaces"] and words[-1] == "extensive":
            return self.extensive(words[2:-1])
        if words[:2] == ["show", "interfaces"] and words[-1] == "terse":
            names = words[2:-1] or list(self.state.interfaces)
            if any(n not in self.state.interfaces for n in names):
                return Reply(f"error: device {names[0]} not found\n")
            chosen = [self.state.interfaces[n] for n in names]
            return Reply(render("juniper_junos/show_interfaces_terse.txt", interfaces=chosen))
        if words[:2] == ["show", "configuration"] and pipe == "display set":
            prefix = " ".join(["set", *words[2:]])
            lines = [x for x in self.state.junos_lines if x == prefix or x.startswith(prefix + " ")]
            return Reply(render("juniper_junos/show_configuration_display_set.txt",
                                lines=lines, s=self.state))
        return self.rejected(text)

    def extensive(self, names: list[str]) -> Reply:
        """`show interfaces [name] extensive`: counters move on every show, like IOS."""
        names = names or list(self.state.interfaces)
        if any(n not in self.state.interfaces for n in names):
            return Reply(f"error: device {names[0]} not found\n")
        chosen = [self.state.interfaces[n] for n in names]
        for iface in chosen:
            iface.counters.tick(3)
        return Reply(render("juniper_junos/show_interfaces_extensive.txt", interfaces=chosen))

    def configure(self, text: str) -> Reply:
        words = text.split()
        if words[0] == "set" and len(words) > 2 and words[1] in _CONFIG_ROOTS:
            leaf = _leaf_path(text)
            if leaf is not None:
                self.candidate = [x for x in self.candidate if _leaf_path(x) != leaf]
            if text not in self.candidate:
                self.candidate.append(text)
            return Reply()
        if words[0] == "delete" and len(words) > 1:
            return self.delete(" ".join(["set", *words[1:]]))
        if words[0] == "commit":
            return self.commit()
        if text in ("rollback", "rollback 0"):
            self.candidate = list(self.state.junos_lines)
            return Reply("load complete\n")
        if words[0] == "run" and len(words) > 1:
            return self.operational(" ".join(words[1:]))
        if text == "top":
            return Reply()
        if text in ("exit", "quit", "exit configuration-mode"):
            return self.leave()
        return self.rejected(text)

    def delete(self, prefix: str) -> Reply:
        kept = [x for x in self.candidate if not (x == prefix or x.startswith(prefix + " "))]
        if len(kept) == len(self.candidate):
            return Reply("warning: statement not found\n")
        self.candidate = kept
        return Reply()

    def commit(self) -> Reply:
        self.state.junos_lines = list(self.candidate)
        sync_interfaces(self.state)
        return Reply("commit complete\n")

    def leave(self) -> Reply:
        if self.candidate == self.state.junos_lines:
            self.config_mode = False
            return Reply("Exiting configuration mode\n")

        def confirm(answer: str) -> Reply:
            if answer.strip() in ("", "yes", "y"):
                self.config_mode = False
                return Reply("Exiting configuration mode\n")
            return Reply()

        return Reply("The configuration has been changed but not committed\n"
                     "Exit with uncommitted changes? [yes,no] (yes) ",
                     next=confirm, prompt="")


def sync_interfaces(state: DeviceState) -> None:
    """Derive interface state from the committed `set` statements."""
    lines = state.junos_lines
    policers = {m.group(1): _bps(m.group(2)) for x in lines if (m := re.fullmatch(
        r"set firewall policer (\S+) if-exceeding bandwidth-limit (\S+)", x))}
    for name, iface in state.interfaces.items():
        iface.admin_up = f"set interfaces {name} disable" not in lines
        described = [x for x in lines if x.startswith(f"set interfaces {name} description ")]
        iface.description = described[-1].split(" description ", 1)[1].strip('"') \
            if described else ""
        bound = [x.rsplit(" ", 1)[1] for x in lines if x.startswith(
            f"set interfaces {name} unit 0 family inet policer input ")]
        iface.rate_in_bps = policers.get(bound[-1]) if bound else None

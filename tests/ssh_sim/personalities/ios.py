"""Cisco IOS: `>`/`#` exec modes, enable, configure terminal, interface mode, IOS errors."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from tests.ssh_sim.shell import Reply, Shell, render

INVALID = "% Invalid input detected at '^' marker."
INCOMPLETE = "% Incomplete command."
_SHOW = {
    ("show", "version"): "show_version",
    ("show", "running-config"): "show_running-config",
    ("show", "interfaces"): "show_interfaces",
    ("show", "ip", "interface", "brief"): "show_ip_interface_brief",
    ("show", "hosts"): "show_hosts",
    ("show", "clock"): "show_clock",
}
_TOP_CONFIG = ("hostname", "ip", "snmp-server", "ntp", "username", "service", "logging",
               "banner", "vlan", "spanning-tree", "no")
_RATE = re.compile(r"^rate-limit (input|output) (\d+) (\d+) (\d+) conform-action \S+ "
                   r"exceed-action \S+$")


def _match(words: list[str], keys: tuple[str, ...]) -> bool:
    """IOS accepts any unambiguous prefix of a keyword ("sh run")."""
    return len(words) >= len(keys) and all(
        len(w) >= 2 and k.startswith(w.lower()) for w, k in zip(words, keys, strict=False))


class IosShell(Shell):
    """A Catalyst-like IOS switch."""

    platform = "cisco_ios"
    more_prompt = " --More-- "

    def __init__(self, device: object) -> None:
        super().__init__(device)  # type: ignore[arg-type]
        self.mode = "user" if self.device.enable_secret else "priv"
        self.current: str | None = None

    def banner(self) -> str:
        return "\n"

    def prompt(self) -> str:
        name = self.state.hostname
        return {"user": f"{name}>", "priv": f"{name}#", "config": f"{name}(config)#",
                "config-if": f"{name}(config-if)#"}[self.mode]

    def in_config(self) -> bool:
        return self.mode.startswith("config")

    def is_error(self, output: str) -> bool:
        return output.lstrip().startswith(("%", "^")) or "% Invalid" in output

    def rejected(self, line: str, column: int = 0) -> Reply:
        caret = " " * (len(self.prompt()) + column) + "^"
        return Reply(f"{caret}\n{INVALID}\n")

    def resolve(self, text: str) -> str | None:
        """Full interface name for an abbreviation such as Gi0/1 (None when unknown)."""
        match = re.match(r"^([A-Za-z-]+)\s*(\S+)$", text.strip())
        if match is None:
            return None
        kind, number = match.group(1).lower(), match.group(2)
        for name in self.state.interfaces:
            known = re.match(r"^([A-Za-z-]+)(\S+)$", name)
            if known and known.group(1).lower().startswith(kind) and known.group(2) == number:
                return name
        return None

    def execute(self, line: str) -> Reply:
        words = line.split()
        if not words:
            return Reply()
        if self.in_config():
            return self.config(line, words)
        return self.exec_(line, words)

    def exec_(self, line: str, words: list[str]) -> Reply:
        if _match(words, ("enable",)):
            if self.mode == "priv":
                return Reply()
            return Reply("Password: ", next=self.check_secret, echo=False, prompt="")
        if _match(words, ("disable",)):
            self.mode = "user"
            return Reply()
        if _match(words, ("exit",)) or _match(words, ("logout",)):
            return Reply(close=True)
        if _match(words, ("terminal",)):
            return self.terminal(words)
        if _match(words, ("show",)):
            return self.show(words)
        if self.mode == "priv":
            return self.privileged(line, words)
        return self.rejected(line)

    def check_secret(self, secret: str) -> Reply:
        if secret == self.device.enable_secret:
            self.mode = "priv"
            return Reply()
        return Reply("% Access denied\n\n")

    def terminal(self, words: list[str]) -> Reply:
        if len(words) == 3 and _match(words[1:2], ("length",)) and words[2].isdigit():
            self.paging = words[2] != "0"
            if self.paging:
                self.page_lines = int(words[2])
            return Reply()
        if len(words) == 3 and _match(words[1:2], ("width",)) and words[2].isdigit():
            return Reply()
        return self.rejected(" ".join(words), len(words[0]) + 1)

    def privileged(self, line: str, words: list[str]) -> Reply:
        if _match(words, ("configure", "terminal")):
            self.mode = "config"
            return Reply("Enter configuration commands, one per line.  End with CNTL/Z.\n")
        if _match(words, ("write", "memory")) or _match(words, ("copy", "running-config")):
            return Reply("Building configuration...\n[OK]\n")
        return self.rejected(line)

    def show(self, words: list[str]) -> Reply:
        if len(words) == 1:
            return Reply(f"{INCOMPLETE}\n")
        for keys, template in _SHOW.items():
            if _match(words, keys):
                return self.show_one(template, words[len(keys):])
        return self.rejected(" ".join(words), len(words[0]) + 1)

    def show_one(self, template: str, rest: list[str]) -> Reply:
        if template == "show_running-config" and self.mode == "user":
            return self.rejected("show " + " ".join(rest), 5)
        interfaces = list(self.state.interfaces.values())
        if rest and template in ("show_interfaces", "show_running-config"):
            arg = rest[1:] if template == "show_running-config" else rest
            name = self.resolve(" ".join(arg)) if arg else None
            if name is None:
                return self.rejected("show " + " ".join(rest), 5)
            interfaces = [self.state.interfaces[name]]
            template = template + "_interface" if template == "show_running-config" else template
        if template == "show_interfaces":
            for iface in interfaces:
                iface.counters.tick(3)
        return Reply(self.render(template, interfaces))

    def render(self, template: str, interfaces: Sequence[object]) -> str:
        body = render(f"cisco_ios/{template}.txt", s=self.state, interfaces=interfaces,
                      now=datetime.now(UTC), last_change=self.state.last_change,
                      drift=self.state.connections * 7 + self.state.config_commands)
        # IOS reports the size of what follows the header; fill it after rendering.
        return body.replace("@SIZE@", str(len(body)))

    def config(self, line: str, words: list[str]) -> Reply:
        if _match(words, ("end",)):
            self.mode, self.current = "priv", None
            return Reply()
        if _match(words, ("exit",)):
            self.mode = "config" if self.mode == "config-if" else "priv"
            self.current = None
            return Reply()
        if _match(words, ("do",)) and len(words) > 1:
            return self.exec_(" ".join(words[1:]), words[1:])
        if _match(words, ("interface",)):
            name = self.resolve(" ".join(words[1:]))
            if name is None:
                return self.rejected(line, len(words[0]) + 1)
            self.mode, self.current = "config-if", name
            return Reply()
        if self.mode == "config-if":
            return self.interface_line(line, words)
        if words[0] in _TOP_CONFIG:
            return self.global_line(line, words)
        return self.rejected(line)

    def global_line(self, line: str, words: list[str]) -> Reply:
        if words[0] == "hostname" and len(words) == 2:
            self.state.hostname = words[1]
        elif words[0] == "no":
            tail = " ".join(words[1:])
            self.state.global_lines = [g for g in self.state.global_lines
                                       if not g.startswith(tail)]
        else:
            self.state.global_lines.append(line.strip())
        return Reply()

    def interface_line(self, line: str, words: list[str]) -> Reply:
        assert self.current is not None
        iface = self.state.interfaces[self.current]
        negate = words[0] == "no"
        body = words[1:] if negate else words
        if not body:
            return Reply(f"{INCOMPLETE}\n")
        if body == ["shutdown"]:
            iface.admin_up = negate
        elif body[0] == "description":
            iface.description = "" if negate else " ".join(body[1:])
        elif body[0] == "rate-limit":
            return self.rate_limit(iface, body, negate, line)
        elif body[:3] == ["switchport", "access", "vlan"]:
            if not negate and (len(body) != 4 or not body[3].isdigit()):
                return self.rejected(line, len(line) - len(body[-1]))
            iface.access_vlan = None if negate else int(body[3])
        elif body[0] in ("switchport", "speed", "duplex", "ip", "service-policy"):
            pass  # accepted, not modelled
        else:
            return self.rejected(line, 0 if not negate else 3)
        return Reply()

    def rate_limit(self, iface: object, body: list[str], negate: bool, line: str) -> Reply:
        direction = body[1] if len(body) > 1 else ""
        if negate:
            if direction in ("input", ""):
                iface.rate_in_bps = None  # type: ignore[attr-defined]
            if direction in ("output", ""):
                iface.rate_out_bps = None  # type: ignore[attr-defined]
            return Reply()
        match = _RATE.match(" ".join(body))
        if match is None:
            return self.rejected(line, len(line.split()[0]) + 1)
        setattr(iface, f"rate_{'in' if direction == 'input' else 'out'}_bps", int(match.group(2)))
        return Reply()

"""Ubiquiti EdgeOS (Vyatta lineage): `user@host:~$` operational mode, `configure` with the
`[edit]` line and `user@host#`, a per-session candidate of `set` statements, `commit`,
`save`, `discard`, `compare`, `exit` / `exit discard`.

Written from the CLI behaviour Ubiquiti and the Vyatta/VyOS documentation show: a refused
`set` answers "Configuration path: a b [c] is not valid" then "Set failed"; deleting a node
that is not there answers "Nothing to delete" then "Delete failed" (harmless: nothing
changed); a commit the configuration checks refuse names the node in brackets and ends with
"Commit failed", leaving the candidate uncommitted; `exit` with uncommitted changes refuses
with "Cannot exit: configuration modified." until `exit discard`; the candidate lives only as
long as the session (a dropped session loses it); `save` writes /config/config.boot.
"""

from __future__ import annotations

import re
import shlex
from typing import TYPE_CHECKING

from tests.ssh_sim.shell import Reply, Shell, render

if TYPE_CHECKING:
    from tests.ssh_sim.server import SimDevice
    from tests.ssh_sim.state import DeviceState

_NAME = r"[A-Za-z0-9][\w.-]{0,31}"
_ETH = r"interfaces ethernet (?P<eth>eth\d+)(?: vif \d{1,4})?"
_RATE = r"\d+(?:bit|kbit|mbit|gbit)?"
_IPV4 = r"\d{1,3}(?:\.\d{1,3}){3}"
# The configuration tree this device knows (`set` paths, values included). Anything else
# is "not valid", as on a real EdgeRouter whose templates lack the node.
_VALID = [re.compile(p) for p in (
    rf"{_ETH} (?:disable|description .+|address \S+|mtu \d+|speed (?:auto|10|100|1000)"
    rf"|duplex (?:auto|half|full)|traffic-policy (?:in|out) {_NAME})",
    rf"traffic-policy limiter {_NAME} (?:default (?:bandwidth {_RATE}|burst \d+k?)"
    r"|description .+)",
    rf"firewall group address-group {_NAME} (?:address {_IPV4}|description .+)",
    rf"firewall name {_NAME} (?:default-action (?:drop|accept|reject)|description .+"
    r"|rule \d+ .+)",
    rf"system (?:host-name \S+|domain-name \S+|time-zone \S+|ntp server \S+"
    rf"|login user {_NAME} (?:authentication (?:encrypted|plaintext)-password \S+"
    r"|level (?:admin|operator)))",
    rf"service (?:ssh port \d+|gui https-port \d+|snmp community {_NAME} authorization (?:ro|rw)"
    r"|snmp location .+|snmp contact .+)",
    r"protocols static route \S+ next-hop \S+",
)]
# Leaves that hold several values (each value is its own `set` line); other leaves hold one.
_MULTI = ("address", "server", "next-hop")
_VALUELESS = ("disable",)
_UNITS = {"": 1, "bit": 1, "kbit": 1_000, "mbit": 1_000_000, "gbit": 1_000_000_000}
_ERRORS = re.compile(r"Set failed|Delete failed|is not valid|Commit failed|Invalid command|"
                     r"command not found")


def _quote(word: str) -> str:
    """How `show configuration commands` prints a value: bare when plain, else quoted."""
    return word if re.fullmatch(r"[\w.:/@+-]+", word) else f"'{word}'"


def _canonical(words: list[str]) -> str:
    return " ".join(["set", *(_quote(w) for w in words)])


def _bps(rate: str) -> int | None:
    found = re.fullmatch(r"(\d+)([a-z]*)", rate)
    if found is None or found.group(2) not in _UNITS:
        return None
    return int(found.group(1)) * _UNITS[found.group(2)]


def _values(lines: list[str], prefix: str) -> list[str]:
    """The values of the `set` lines starting with `prefix ` (unquoted)."""
    return [shlex.split(x[len(prefix) + 1:])[0] for x in lines if x.startswith(prefix + " ")]


def sync(state: DeviceState) -> None:
    """Derive port and address-group state from the committed `set` lines."""
    lines = state.edgeos_lines
    for name, iface in state.interfaces.items():
        path = f"set interfaces ethernet {name}"
        iface.admin_up = f"{path} disable" not in lines
        described = _values(lines, f"{path} description")
        iface.description = described[-1] if described else ""
        bound = _values(lines, f"{path} traffic-policy in")
        rates = _values(lines, f"set traffic-policy limiter {bound[-1]} default bandwidth") \
            if bound else []
        iface.rate_in_bps = _bps(rates[-1]) if rates else None
    groups: dict[str, set[str]] = {}
    for line in lines:
        found = re.fullmatch(r"set firewall group address-group (\S+) address (\S+)", line)
        if found:
            groups.setdefault(found.group(1), set()).add(found.group(2))
    state.address_lists = groups


def _commit_problems(lines: list[str]) -> list[str]:
    """What the commit checks refuse, in EdgeOS wording (`[ node ]` then the reason)."""
    problems = []
    limiters = {m.group(1) for x in lines if (m := re.match(
        r"set traffic-policy limiter (\S+) default bandwidth ", x))}
    for line in lines:
        found = re.fullmatch(r"set (interfaces ethernet \S+(?: vif \d+)?) traffic-policy in (\S+)",
                             line)
        if found and found.group(2) not in limiters:
            problems.append(f"[ {found.group(1)} traffic-policy in {found.group(2)} ]\n"
                            f"Traffic policy {found.group(2)} does not exist or has no "
                            "default bandwidth\n")
    return problems


class EdgeOsShell(Shell):
    """An EdgeRouter 4 with four ethernet ports, traffic-policy limiters and address groups."""

    platform = "ubiquiti_edgeos"
    more_prompt = ":"

    def __init__(self, device: SimDevice) -> None:
        super().__init__(device)
        self.config_mode = False
        self.candidate: list[str] = []

    @staticmethod
    def factory_lines(state: DeviceState) -> list[str]:
        """The committed configuration a new device starts with (secrets included): the
        walled-garden address group and its firewall rule, as an ISP pre-provisions them."""
        lines = [
            "set firewall group address-group dm-suspended description 'suspended customers'",
            "set firewall name dm-walled-garden default-action accept",
            "set firewall name dm-walled-garden rule 10 action drop",
            "set firewall name dm-walled-garden rule 10 source group address-group "
            "dm-suspended",
            "set service snmp community N0cR3ad0nly authorization ro",
            "set service ssh port 22",
            f"set system host-name {state.hostname}",
            "set system login user admin authentication encrypted-password "
            "'$6$Hq2b9$Zx0Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LzXcVbNm9QwErTyUiOpAsDf'",
            "set system login user admin level admin",
            "set system ntp server 0.ubnt.pool.ntp.org",
            "set system time-zone UTC",
        ]
        for iface in state.interfaces.values():
            path = f"set interfaces ethernet {iface.name}"
            if iface.ip:
                lines.append(f"{path} address {iface.ip}")
            if iface.description:
                lines.append(f"{path} description {_quote(iface.description)}")
            lines += [f"{path} duplex auto", f"{path} speed auto"]
        return sorted(lines)

    @classmethod
    def seed_rate(cls, state: DeviceState, port: str, bps: int) -> None:
        """A limiter named as set_port_speed/change_plan name it, bound to `port` inbound."""
        name = f"dm-{port.replace('.', '-')}"
        with state.lock:
            state.edgeos_lines += [
                f"set traffic-policy limiter {name} default bandwidth {bps // 1000}kbit",
                f"set traffic-policy limiter {name} default burst {max(bps // 80_000, 15)}k",
                f"set interfaces ethernet {port} traffic-policy in {name}"]
            sync(state)

    def prompt(self) -> str:
        user = f"{self.device.username}@{self.state.hostname}"
        return f"[edit]\n{user}# " if self.config_mode else f"{user}:~$ "

    def in_config(self) -> bool:
        return self.config_mode

    def is_config_line(self, line: str) -> bool:
        return self.config_mode and line.split()[:1] in (["set"], ["delete"])

    def is_error(self, output: str) -> bool:
        return bool(_ERRORS.search(output))

    def rejected(self, line: str) -> Reply:
        words = line.split()
        if not self.config_mode:
            return Reply(f"\n  Invalid command: [{' '.join(words[:1])}]\n\n")
        verb = "Delete" if words[:1] == ["delete"] else "Set"
        path = " ".join([*words[1:-1], f"[{words[-1]}]"]) if len(words) > 1 else f"[{line}]"
        return Reply(f"\n  Configuration path: {path} is not valid\n  {verb} failed\n\n")

    def execute(self, line: str) -> Reply:
        text = line.strip()
        if not text:
            return Reply()
        try:
            words = shlex.split(text)
        except ValueError:
            return self.rejected(text)
        if self.config_mode:
            return self.configure(text, words)
        return self.operational(text, words)

    # -- operational mode ------------------------------------------------------------------

    def operational(self, text: str, words: list[str]) -> Reply:
        if words[0] == "terminal" and len(words) == 3 and words[2].isdigit():
            if words[1] == "length":
                self.paging = words[2] != "0"
                return Reply()
            if words[1] == "width":
                return Reply()
        if words == ["exit"]:
            return Reply(close=True)
        if words == ["configure"]:
            self.config_mode = True
            self.candidate = list(self.state.edgeos_lines)
            return Reply()
        if words[0] == "show":
            return self.show(words)
        return Reply(f"-vbash: {words[0]}: command not found\n")

    def show(self, words: list[str]) -> Reply:
        command, pattern = words, None
        if "|" in words:
            at = words.index("|")
            command, pipe = words[:at], words[at + 1:]
            if len(pipe) != 2 or pipe[0] != "match":
                return Reply(f"\n  Invalid command: [{' '.join(pipe)}]\n\n")
            pattern = pipe[1]
        output = self.show_output(command[1:])
        if output is None:
            return Reply(f"\n  Invalid command: show [{' '.join(command[1:])}]\n\n")
        if pattern is not None:
            output = "".join(x for x in output.splitlines(keepends=True)
                             if re.search(pattern, x))
        return Reply(output)

    def show_output(self, what: list[str]) -> str | None:
        interfaces = list(self.state.interfaces.values())
        templates = {("version",): "show_version.txt", ("interfaces",): "show_interfaces.txt",
                     ("ip", "route"): "show_ip_route.txt",
                     ("configuration", "commands"): "show_configuration_commands.txt"}
        template = templates.get(tuple(what))
        if template is None:
            return None
        return render(f"ubiquiti_edgeos/{template}", s=self.state, interfaces=interfaces,
                      lines=self.state.edgeos_lines)

    # -- configuration mode ----------------------------------------------------------------

    def configure(self, text: str, words: list[str]) -> Reply:
        verb, rest = words[0], words[1:]
        if verb == "set" and rest:
            return self.set(text, rest)
        if verb == "delete" and rest:
            return self.delete(text, rest)
        if words == ["commit"]:
            return self.commit()
        if words == ["save"]:
            self.state.edgeos_saved = list(self.state.edgeos_lines)
            return Reply("Saving configuration to '/config/config.boot'...\nDone\n")
        if words == ["discard"]:
            changed = self.candidate != self.state.edgeos_lines
            self.candidate = list(self.state.edgeos_lines)
            return Reply("  Changes have been discarded\n" if changed else
                         "  No changes have been discarded\n")
        if words == ["compare"]:
            return self.compare()
        if verb == "run" and rest:
            return self.operational(" ".join(rest), rest)
        if words in (["exit"], ["exit", "discard"]):
            return self.leave(discard=words == ["exit", "discard"])
        return self.rejected(text)

    def set(self, text: str, path: list[str]) -> Reply:
        joined = " ".join(path)
        found = next((v.fullmatch(joined) for v in _VALID if v.fullmatch(joined)), None)
        eth = found.groupdict().get("eth") if found else None
        if found is None or (eth is not None and eth not in self.state.interfaces):
            return self.rejected(text)
        line = _canonical(path)
        if path[-1] not in _VALUELESS and len(path) > 1 and path[-2] not in _MULTI:
            leaf = _canonical(path[:-1]) + " "
            self.candidate = [x for x in self.candidate if not x.startswith(leaf)]
        if line not in self.candidate:
            self.candidate.append(line)
            self.candidate.sort()
        return Reply()

    def delete(self, text: str, path: list[str]) -> Reply:
        prefix = _canonical(path)
        kept = [x for x in self.candidate if not (x == prefix or x.startswith(prefix + " "))]
        if len(kept) == len(self.candidate):
            return Reply("\n  Nothing to delete (the specified node does not exist)\n"
                         "  Delete failed\n\n")
        self.candidate = kept
        return Reply()

    def commit(self) -> Reply:
        if self.candidate == self.state.edgeos_lines:
            return Reply("No configuration changes to commit\n")
        problems = _commit_problems(self.candidate)
        if problems:
            return Reply("".join(problems) + "\nCommit failed\n")
        self.state.edgeos_lines = list(self.candidate)
        sync(self.state)
        return Reply()

    def compare(self) -> Reply:
        old, new = self.state.edgeos_lines, self.candidate
        if old == new:
            return Reply("No changes between working and active configurations\n")
        gone = [f"-{x}\n" for x in old if x not in new]
        added = [f"+{x}\n" for x in new if x not in old]
        return Reply("".join(gone + added))

    def leave(self, discard: bool) -> Reply:
        if self.candidate != self.state.edgeos_lines and not discard:
            return Reply("Cannot exit: configuration modified.\n"
                         "Use 'exit discard' to discard the changes and exit.\n")
        self.candidate = []
        self.config_mode = False
        return Reply("exit\n")
